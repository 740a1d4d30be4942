"""Cases on screen: the due list, `calm list` lines and `calm show`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit
from calmcli.cli.views.promises import item_line
from calmcli.clock import dates
from calmcli.domain import history
from calmcli.domain.crib import actions, when
from calmcli.domain.lifecycle import REVIEW_LABELS

if TYPE_CHECKING:
    from calmcli.domain.case import Case
    from calmcli.domain.plan import CallPlan


def case_view(case: Case, plan: CallPlan | None) -> list[Any]:
    """Everything about a case, for `calm show`: its plan (with the check-in as it now
    stands), what was agreed, the check-ins, the review and the history."""
    from calmcli.cli.views.plan import call_plan

    now = dates.local_now()
    parts: list[Any] = []
    if plan is not None:
        from dataclasses import replace

        plan = replace(plan, followup=case.followup_due)  # the current check-in, not the first
        parts.append(call_plan(plan, case.id, now, full=True))
    else:
        parts.append(lit(f"Case {case.id}: {case.customer} ({case.job})", "bold"))
    status = Text(f"Status: {case.status}", style="bold")
    if case.status == "open" and case.followup_due:
        status.append(f"   next check-in {dates.format_when(case.followup_due, now)}")
    if case.owner:
        status.append(lit(f"   owner {case.owner}"))
    parts.append(status)
    if case.conflicts:
        from calmcli.domain.changes import choice_of

        body = Text()
        for entry in case.conflicts:
            choice = choice_of(case, entry, now)
            body.append(lit(f"{choice.what}\n", "bold"))
            for k, option in enumerate(choice.options, 1):
                body.append(lit(f"  {k}) {option}{'  (in force for now)' if k == 1 else ''}\n"))
        body.append(f"Choose with: calm resolve {case.id}", style="dim")
        parts.append(
            Panel(body, title="Choices to make", title_align="left", border_style="yellow")
        )
    if case.outcome or case.items:
        o = case.outcome or {}
        body = lit(f"Agreed: {case.agreed or '-'}")
        for a in actions(o):  # promises recorded before the ledger
            due = f" (by {when(a.get('due'), now)})" if a.get("due") else ""
            body.append(lit(f"\n• {a.get('what')}{due}"))
        for item in case.items:
            body.append(lit(f"\n{item_line(item, now)}", "" if item.is_open else "dim"))
        if o.get("notes"):
            body.append(lit(f"\nNotes: {o['notes']}"))
        parts.append(Panel(body, title="What was agreed", title_align="left"))
    if case.checkins:
        table = Table(title="Check-ins", title_justify="left", box=None, pad_edge=False)
        for name in ("when", "reached", "satisfaction", "feedback"):
            table.add_column(name, overflow="fold")
        for c in case.checkins:
            table.add_row(
                lit(when(c.get("at"), now)),
                "yes" if c.get("reached") else "no",
                lit(history.satisfaction(c.get("satisfaction")) or "-"),
                lit(c.get("feedback") or ""),
            )
        parts.append(table)
    if case.review:
        parts.append(review_panel(case.review))
    table = Table(title="History", title_justify="left", box=None, pad_edge=False)
    table.add_column("when")
    table.add_column("what")
    table.add_column("details", overflow="fold")
    for entry in case.history:
        what, details = history.event(entry, now)
        table.add_row(lit(when(entry.get("at"), now)), lit(what), lit(details))
    parts.append(table)
    return parts


def review_panel(review: dict[str, Any]) -> Panel:
    body = Text()
    for key, label in REVIEW_LABELS:
        value = review.get(key)
        if value not in (None, ""):
            if body:
                body.append("\n")
            body.append(f"{label}: ", style="bold")
            body.append(lit(history.review_value(key, value)))
    return Panel(body, title="Review", title_align="left")
