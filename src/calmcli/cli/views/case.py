"""Cases on screen: the due list, `calm list` lines and `calm show`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
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
from calmcli.textsafe import one_line

if TYPE_CHECKING:
    from calmcli.domain.case import Case
    from calmcli.domain.followups import Due
    from calmcli.domain.plan import CallPlan
    from calmcli.domain.summary import CaseSummary


def due_list(items: list[Due], now: datetime, width: int) -> Text:
    """What is due, two lines each: when (overdue ones in red, with days late), who and the
    number to ring; then what is owed (the check-in's job and agreement, or the promise) and
    the case id. One Text, cropped to the width: a Rich table is far slower once hundreds of
    things are due."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for item in items:
        when = dates.format_when(item.due, now) if item.due else "not set"
        if item.state == "overdue":
            s = "" if item.days_overdue == 1 else "s"
            out.append(f"{when}  overdue {item.days_overdue} day{s}", style="bold red")
        elif item.state == "today":
            out.append(f"{when}  today", style="bold yellow")
        else:
            out.append(when, style="bold")
        row = item.row
        out.append("  ")
        out.append_text(lit(one_line(row.customer), "bold"))
        if row.phone:
            out.append_text(lit(f"  {one_line(row.phone)}"))
        if item.kind == "check-in":
            details = " · ".join(one_line(x) for x in ("check in", row.job, row.planned) if x)
        elif item.kind == "update":
            details = f"send an update ({item.n}): {one_line(item.what)}"
        else:
            details = f"promised ({item.n}): {one_line(item.what)}"
        room = max(10, width - 4 - len(row.id) - 2)
        if len(details) > room:
            details = details[: room - 1].rstrip() + "…"
        out.append(f"\n    {details}  " if details else "\n    ")
        out.append(row.id, style="dim")
        out.append("\n")
    out.rstrip()
    return out


PEEK = 200
"""Column widths come from the first rows: the rest stream through with the same widths."""


def case_lines(rows: Iterable[CaseSummary], now: datetime, width: int) -> Iterator[Text]:
    """Cases one per line in aligned columns, streamed: the first line is out before the last
    case is read, so a long history starts at once and never sits in memory whole."""

    def fit(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    def cells(r: CaseSummary) -> tuple[str, str, str, str, str]:
        due = dates.format_when(dates.from_iso(r.due), now) if r.due else "-"
        return (r.id, one_line(r.customer), one_line(r.job), r.status, due)

    stream = iter(rows)
    first = [cells(r) for r in islice(stream, PEEK)]
    if not first:
        return
    id_w = max([len("case"), *(len(c[0]) for c in first)])
    who_w = min(24, max([len("customer"), *(len(c[1]) for c in first)]))
    due_w = max([len("next check-in"), *(len(c[4]) for c in first)])
    room = width - id_w - 6 - due_w - 8  # for customer and job together
    who_w = max(8, min(who_w, room // 2))
    job_w = max(8, room - who_w)
    header = ("case", "customer", "job", "status", "next check-in")
    widths = (id_w, who_w, job_w, 6, due_w)
    yield Text("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), "bold")
    for case_id, who, job, status, due in chain(first, (cells(r) for r in stream)):
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(fit(case_id, id_w).ljust(id_w), "dim")
        rest = "  ".join(
            fit(v, w).ljust(w) for v, w in zip((who, job, status, due), widths[1:], strict=True)
        )
        line.append("  " + rest.rstrip())
        yield line


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
