"""The due list itself, shared by `calm followup` under Typer and the light entry point that
answers a plain `calm followup` (the daily command) without loading Typer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text

from calmcli.cli.output import lit, out, warn
from calmcli.clock import dates
from calmcli.textsafe import one_line

if TYPE_CHECKING:
    from calmcli.domain.followups import Due


def show_due(
    *,
    span: timedelta | None = None,
    span_text: str = "",
    every: bool = False,
    as_json: bool = False,
    owner: str | None = None,
) -> None:
    """Print the overdue and today's check-ins (plus `span` ahead, or every open case);
    with `owner`, only that person's cases."""
    from calmcli.cli.progress import rebuild_progress
    from calmcli.clock import dates
    from calmcli.domain import followups
    from calmcli.store import index

    with rebuild_progress() as progress:
        listing = index.open_rows(progress)
    for warning in listing.warnings:
        warn(f"skipped {warning}")
    now = dates.local_now(named=False)  # the zone's rules, not its name: no tzlocal (8 ms)
    items = followups.select(followups.owned_by(listing.rows, owner), now, within=span,
                             every=every)  # fmt: skip
    if as_json:
        payload = [
            {
                "id": i.row.id,
                "customer": i.row.customer,
                "owner": i.row.owner or None,
                "phone": i.row.phone,
                "job": i.row.job,
                "planned": i.row.planned,
                "offer": i.row.offer or None,
                "agreed": i.row.agreed or None,
                "due": i.row.due or None,
                "kind": i.kind,
                "item": i.n or None,
                "what": i.what or None,
                "state": i.state,
                "days_overdue": i.days_overdue,
            }
            for i in items
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not items:
        mine = list(followups.owned_by(listing.rows, owner))
        out().print(nothing_due(mine, now, span_text, owner), markup=False, soft_wrap=True)
        return
    console = out()
    console.print(due_list(items, now, console.width), no_wrap=True, overflow="ellipsis")
    due = [i for i in items if i.is_due]
    hints = []
    if any(i.kind == "check-in" for i in due):
        hints.append("calm followup done CASE")
    if any(i.kind != "check-in" for i in due):  # a promise or an update
        hints.append("calm item done CASE N")
    if hints:
        console.print(f"Record one: {' · '.join(hints)}", style="dim", markup=False)


def nothing_due(
    rows: list[Any], now: datetime, span_text: str = "", owner: str | None = None
) -> str:
    """What `calm followup` says when nothing is due: whether there are open cases at all,
    and if so the next check-in, with the command that lists them all (`owner`: whose)."""
    from calmcli.clock import dates
    from calmcli.textsafe import one_line

    whose = f" for {one_line(owner)}" if owner else ""
    if not rows:
        return f"No open cases{whose}. When a customer rings upset: calm new"
    from calmcli.cli.views.words import span

    ahead = f"{whose} in the next {span(span_text)}" if span_text else f"{whose} today"
    coming = sorted((r.due, r.customer) for r in rows if r.due)
    n = len(rows)
    cases = f"{n} open case{'' if n == 1 else 's'}"
    if not coming:
        return f"Nothing due{ahead}; {cases}, none with a check-in set (calm followup --all)."
    due, who = coming[0]
    when = dates.format_when(dates.from_iso(due), now)
    return (
        f"Nothing due{ahead}; your promises are on track. Next: {one_line(who)}, {when} "
        f"({cases}: calm followup --all)."
    )


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
