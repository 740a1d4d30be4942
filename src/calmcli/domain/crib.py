"""The crib sheet: a case as Markdown, to print or keep open during the call.

The call plan as it was made (with the check-in as it now stands), then what happened since:
what was agreed, the check-ins, the review and the history. The same text is the case's `.md`
file (rewritten whenever the case changes) and `calm export --format md`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from calmcli.clock.dates import format_when
from calmcli.clock.now import from_iso
from calmcli.domain import history
from calmcli.domain.case import Case
from calmcli.domain.lifecycle import REVIEW_LABELS
from calmcli.domain.plan import CallPlan
from calmcli.errors import BadInput
from calmcli.textsafe import clean


def md(text: str) -> str:
    """User text on one Markdown line, with characters that would start markup escaped."""
    flat = " / ".join(part.strip() for part in clean(text).splitlines() if part.strip())
    for ch in "\\`*_[]<>#|":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def when(value: Any, now: datetime | None) -> str:
    """A stored time in words; the raw text if a hand edit made it unreadable."""
    try:
        return format_when(from_iso(str(value)), now)
    except BadInput:
        return str(value)


def plan_markdown(plan: CallPlan, case_id: str, now: datetime | None = None) -> str:
    """The plan as a Markdown page."""
    due = format_when(plan.followup, now) if plan.followup else "not set"
    out = [f"# Call plan: {md(plan.customer)}", ""]
    out.append(f"- **Phone:** {md(plan.phone) or 'not recorded'}")
    out.append(f"- **Job:** {md(plan.job) or 'not recorded'}")
    out.append(f"- **Case:** {case_id}")
    out.append("")

    def section(title: str, body: str | Sequence[str]) -> None:
        if not body:
            return
        out.append(f"## {title}")
        out.append("")
        if isinstance(body, str):
            out.append(md(body))
        else:
            out.extend(f"- {md(line)}" for line in body)
        out.append("")

    section("How they feel", plan.feelings)
    section("Say first, to show you heard", f"“{plan.reflect}”" if plan.reflect else "")
    section("The facts", plan.facts)
    section("What they want", plan.wants)
    section("Apologise, and mean it", f"“{plan.apology}”" if plan.apology else "")
    section("Questions to ask", plan.questions)
    if plan.options:
        out += ["## Options, best first", ""]
        for i, o in enumerate(plan.options, 1):
            mark = " **(top)**" if o.top else ""
            out.append(
                f"{i}. {md(o.text)}{mark} (feasibility {o.feasibility}, cost to you {o.cost}, "
                f"speed {o.speed})"
            )
        out.append("")
    section("Ask", [x for x in (plan.open_question, plan.ask) if x])
    section("When to escalate", plan.escalate)
    section("A small extra", plan.extra)
    section("Follow up", due)
    return "\n".join(out).rstrip() + "\n"


def actions(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """Promised actions as {what, due}, whatever shape a hand edit left them in."""
    raw = outcome.get("actions")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [a if isinstance(a, dict) else {"what": a} for a in items]


def progress_markdown(case: Case, now: datetime | None) -> str:
    """What happened after the plan."""
    lines = [f"## Status: {case.status}", ""]
    if case.is_open and case.followup_due:
        lines += [f"Next check-in: {format_when(case.followup_due, now)}", ""]
    if case.outcome:
        lines += ["## What was agreed", "", f"- Option: {md(case.agreed or '-')}"]
        for a in actions(case.outcome):
            due = f" (by {when(a.get('due'), now)})" if a.get("due") else ""
            lines.append(f"- Action: {md(str(a.get('what')))}{due}")
        if case.outcome.get("notes"):
            lines.append(f"- Notes: {md(str(case.outcome['notes']))}")
        lines.append("")
    if case.checkins:
        lines += ["## Check-ins", ""]
        for c in case.checkins:
            reached = "reached" if c.get("reached") else "not reached"
            lines.append(
                f"- {when(c.get('at'), now)}: {reached}, "
                f"{history.satisfaction(c.get('satisfaction')) or '-'}; "
                f"{md(str(c.get('feedback') or ''))}"
            )
        lines.append("")
    if case.review:
        lines += ["## Review", ""]
        lines += [
            f"- {label}: {md(history.review_value(k, case.review[k]))}"
            for k, label in REVIEW_LABELS
            if case.review.get(k) not in (None, "")
        ]
        lines.append("")
    lines += ["## History", ""]
    for e in case.history:
        what, details = history.event(e, now)
        lines.append(
            f"- {when(e.get('at'), now)} {what}" + (f" ({md(details)})" if details else "")
        )
    return "\n".join(lines) + "\n"


def crib_sheet(case: Case, plan: CallPlan | None, now: datetime | None = None) -> str:
    """The whole case as Markdown: the plan (its check-in as it now stands), then progress."""
    from dataclasses import replace

    if plan is not None:
        head = plan_markdown(replace(plan, followup=case.followup_due), case.id, now)
    else:
        head = f"# Case {case.id}\n"
    body = head.rstrip() + "\n\n" + progress_markdown(case, now)
    return body + f"\n<!-- {REVISION_MARK} {case.revision} -->\n"


REVISION_MARK = "calm case revision"
"""The last line of a crib sheet names the case revision it was built from."""
