"""Closing an interview: the answers become a case file, a Markdown call plan and a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import store
from .atomic import atomic_write
from .plan import CallPlan, build_plan, to_markdown
from .tree.model import Tree


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
    from .reminders import write_reminder

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
    atomic_write(plan_path, to_markdown(plan, case.id, now))
    reminder = store.reminder_path(case.id)
    assert plan.followup is not None
    write_reminder(
        reminder,
        case_id=case.id,
        customer=customer,
        job=case.job,
        phone=case.phone,
        planned=case.planned,
        due=plan.followup,
        now=now,
    )
    return Saved(case, plan, case_path, plan_path, reminder)
