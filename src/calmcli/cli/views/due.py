"""The due list itself, shared by `calm followup` under Typer and the light entry point that
answers a plain `calm followup` (the daily command) without loading Typer."""

from __future__ import annotations

import json
from datetime import timedelta

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
        ahead = f" in the next {span_text}" if span_text else " today"
        whose = f" for {owner}" if owner else ""
        out().print(f"Nothing due{whose}{ahead}. Nice work keeping your promises.", markup=False)
        return
    console = out()
    console.print(due_list(items, now, console.width), no_wrap=True, overflow="ellipsis")
