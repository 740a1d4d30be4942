"""Listing cases: which cases a listing shows, in which order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from calmcli.clock.dates import parse_span, parse_when
from calmcli.clock.now import from_iso
from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.errors import BadInput
from calmcli.store import index
from calmcli.store.index import Listing


def all_cases(progress: Callable[[int, int], None] | None = None) -> Listing:
    """Every case; derived files of cases changed behind calm's back are repaired on the way."""
    from calmcli.casebook.save import repair_changed
    from calmcli.files import paths
    from calmcli.files.atomic import sweep

    listing = index.refresh(progress)
    repair_changed(listing.changed)
    sweep(paths.followups_dir())
    return listing


def since_cutoff(text: str, now: datetime) -> datetime:
    """`--since`: a span back from now (30d, 2w), or the start of a date's day."""
    try:
        return now - parse_span(text)
    except BadInput:
        pass
    try:
        return datetime.combine(parse_when(text, now).date(), datetime.min.time(), now.tzinfo)
    except BadInput:
        raise BadInput(
            f"can't read --since {text!r}: try 30d, 2w or a date like 2026-11-01"
        ) from None


def choose(
    rows: list[CaseSummary],
    *,
    status: str | None = None,
    since: datetime | None = None,
    customer: str | None = None,
) -> list[CaseSummary]:
    """The rows a `calm list` asked for, newest first (by the instant: aware times in one zone
    compare by wall clock, which is wrong when the clocks go back)."""
    if status is not None:
        rows = [r for r in rows if r.status == status]
    if customer:
        key = customer_key(customer)
        rows = [r for r in rows if key in customer_key(r.customer)]
    if since is not None:
        rows = [r for r in rows if from_iso(r.created) >= since]
    return sorted(rows, key=lambda r: from_iso(r.created).timestamp(), reverse=True)
