"""Closing an interview: the answers become a case file, a Markdown call plan and a reminder."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.domain.plan import CallPlan, build_plan, to_markdown
from calmcli.files.atomic import atomic_write
from calmcli.store import cases as store
from calmcli.tree.model import Tree


@dataclass(frozen=True)
class Saved:
    case: store.Case
    plan: CallPlan
    case_path: Path
    plan_path: Path
    reminder_path: Path


def planned_summary(plan: CallPlan) -> str:
    """One line for the reminder: what was planned for the call."""
    if plan.top_option:
        return f"Offer: {plan.top_option}"
    return plan.wants or "Listen, apologise, and agree a next step."


def save_new_case(tree: Tree, answers: dict[str, Any], now: datetime) -> Saved:
    """Write the case, its plan and its reminder: all three, or (on any failure) none."""
    from calmcli.casebook.update import reminder_for

    plan = build_plan(tree, answers, now)
    customer = str(answers.get("customer_name") or plan.customer)
    case = store.Case(
        id="",
        tree_id=tree.id,
        tree_version=tree.version,
        customer=customer,
        created=now,
        phone=str(answers.get("customer_phone") or ""),
        job=plan.job,
        followup_due=plan.followup,
        planned=planned_summary(plan),
        answers=answers,
    )
    case.add_event("created", now, tree=f"{tree.id} v{tree.version}")
    case_path = store.create_case(case)
    plan_path = store.plan_path(case.id)
    reminder = store.reminder_path(case.id)
    try:
        atomic_write(plan_path, to_markdown(plan, case.id, now))
        atomic_write(reminder, reminder_for(case))
    except BaseException:
        # A half-saved case would be listed, and a second try would make a "-2" twin: take
        # it back, so the draft stays the one place the answers are.
        for path in (reminder, plan_path, case_path):
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return Saved(case, plan, case_path, plan_path, reminder)
