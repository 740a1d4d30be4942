"""The due list itself, shared by `calm followup` under Typer and the light entry point that
answers a plain `calm followup` (the daily command) without loading Typer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from calmcli.cli.output import out, warn


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
    from calmcli.cli.views.case import due_list
    from calmcli.clock import dates
    from calmcli.domain import followups
    from calmcli.store import index

    with rebuild_progress() as progress:
        listing = index.open_rows(progress)
    for warning in listing.warnings:
        warn(f"skipped {warning}")
    now = dates.local_now()
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
    if any(i.is_due for i in items):
        console.print("Record one: calm followup done CASE", style="dim", markup=False)


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
