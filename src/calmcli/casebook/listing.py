"""Listing cases: which cases a listing shows, in which order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from calmcli.clock.dates import parse_span, parse_when
from calmcli.domain.patterns import Patterns
from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.errors import BadInput
from calmcli.store import index, queries
from calmcli.store.index import Listing


def all_cases(progress: Callable[[int, int], None] | None = None) -> Listing:
    """Bring the index up to date with every case (the rows are then read with `select`);
    derived files of open cases changed behind calm's back are repaired on the way."""
    from calmcli.casebook.save import repair_changed
    from calmcli.files import paths
    from calmcli.files.atomic import sweep

    listing = index.update_all(progress)
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


def select(
    *,
    status: str | None = None,
    since: datetime | None = None,
    customer: str | None = None,
    newest_first: bool = True,
    owner: str | None = None,
) -> Iterator[CaseSummary]:
    """The rows a `calm list` asked for, streamed from the index, newest first (by the
    instant: aware times in one zone compare by wall clock, wrong when the clocks go back).
    `owner`: only that person's cases, whatever the spelling of case, spaces and accents."""
    return index.rows(*_filter(status, since, customer, newest_first, owner))


def select_json(
    fields: tuple[str, ...],
    *,
    status: str | None = None,
    since: datetime | None = None,
    customer: str | None = None,
    owner: str | None = None,
) -> Iterator[str]:
    """The rows `select` gives, newest first, each as a JSON object of `fields` (`calm list
    --json`: made by the index, not row by row in Python)."""
    return queries.json_rows(fields, *_filter(status, since, customer, True, owner))


def _filter(
    status: str | None,
    since: datetime | None,
    customer: str | None,
    newest_first: bool,
    owner: str | None,
) -> tuple[str, tuple[object, ...], str]:
    """The WHERE clause, its arguments and the ORDER BY of a listing."""
    where: list[str] = []
    args: list[object] = []
    if status is not None:
        where.append("status = ?")
        args.append(status)
    if since is not None:
        where.append("created_ts >= ?")
        args.append(since.timestamp())
    if customer:
        where.append("instr(customer_key, ?) > 0")
        args.append(customer_key(customer))
    if owner is not None:
        spellings = queries.owners(owner)
        where.append(f"owner IN ({', '.join('?' for _ in spellings) or 'NULL'})")
        args += spellings
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    order = "created_ts DESC, file" if newest_first else "created_ts, file"
    return clause, tuple(args), order


def patterns(within: timedelta | None, owner: str | None = None) -> Patterns:
    """What keeps coming back, over the cases created `within` the span before now (all of
    them when None; only `owner`'s when given): counted by the index, summed up here."""
    from calmcli.clock.now import local_now
    from calmcli.domain.patterns import summarise

    now = local_now()
    since = now - within if within is not None else None
    where, args, _ = _filter(None, since, None, False, owner)
    owners = queries.owners(owner) if owner is not None else None
    repeats = queries.repeat_customers(since.timestamp() if since else None, owners)
    return summarise(queries.tally(where, args), now, within, repeats)
