"""Listing cases: which cases a listing shows, in which order."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from datetime import datetime, timedelta

from calmcli.clock.dates import parse_span, parse_when
from calmcli.domain.patterns import Patterns
from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.errors import BadInput
from calmcli.store import index, queries
from calmcli.store.index import Found, Keep, Listing
from calmcli.store.indexdb import ROW_COLUMNS, checked

__all__ = ["Found", "Listing"]


def all_cases(progress: Callable[[int, int], None] | None = None) -> Listing:
    """Bring the index up to date with every case (the rows are then read with `select`);
    derived files of open cases changed behind calm's back are repaired on the way."""
    return _repaired(index.update_all(progress))


def checked_cases(progress: Callable[[int, int], None] | None = None) -> Listing:
    """Before a listing (`select`, `select_json`): index the files added or changed since the
    index last looked at the folder; the files of rows it holds are checked as they stream."""
    return _repaired(index.update_names(progress))


def _repaired(listing: Listing) -> Listing:
    from calmcli.files import paths
    from calmcli.files.atomic import sweep

    repair(listing.changed)
    sweep(paths.followups_dir())
    return listing


def repair(changed: Iterable[str]) -> None:
    """Open cases whose files changed behind calm's back: their derived files are made again
    (the save code is loaded only when there are some)."""
    names = tuple(changed)
    if names:
        from calmcli.casebook.save import repair_changed

        repair_changed(names)


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
    found: Found,
    *,
    status: str | None = None,
    since: datetime | None = None,
    customer: str | None = None,
    owner: str | None = None,
) -> Generator[CaseSummary, None, None]:
    """The rows a `calm list` asked for, newest first (by the instant: aware times in one
    zone compare by wall clock, wrong when the clocks go back), each checked against its file
    as it streams (`found` collects what that met: warn of it, `repair` it, after the last
    row). `owner`: only that person's cases, whatever the spelling of case, spaces and
    accents. Call `checked_cases` first; close the iterator when done with it early."""
    rows = index.fresh_rows(ROW_COLUMNS, _keep(status, since, customer, owner), found)
    try:
        for item in rows:
            yield item if isinstance(item, CaseSummary) else checked(item[index.FIRST :])
    finally:
        rows.close()


def select_json(
    found: Found,
    *,
    status: str | None = None,
    since: datetime | None = None,
    customer: str | None = None,
    owner: str | None = None,
) -> Generator[str, None, None]:
    """The rows `select` gives, newest first, each as a JSON object (`calm list --json`; see
    `CaseSummary.listed`): as the index stored it, for files that did not change."""
    return queries.json_rows(_keep(status, since, customer, owner), found)


def _keep(
    status: str | None, since: datetime | None, customer: str | None, owner: str | None
) -> Keep | None:
    """A listing's filter, over what the index holds of each row (see `index.Keep`); None
    when it keeps every row."""
    if status is None and since is None and not customer and owner is None:
        return None
    since_ts = since.timestamp() if since is not None else None
    needle = customer_key(customer) if customer else None
    wanted = customer_key(owner) if owner is not None else None
    owners: dict[str, bool] = {}  # a few owners in any book: each spelling keyed once

    def keep(row_status: str, created: float | None, key: str, who: str) -> bool:
        if status is not None and row_status != status:
            return False
        if since_ts is not None and (created is None or created < since_ts):
            return False
        if needle is not None and needle not in key:
            return False
        if wanted is not None:
            if who not in owners:
                owners[who] = customer_key(who) == wanted
            return owners[who]
        return True

    return keep


def _filter(since: datetime | None, owner: str | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause and its arguments of the cases `calm patterns` counts."""
    where: list[str] = []
    args: list[object] = []
    if since is not None:
        where.append("created_ts >= ?")
        args.append(since.timestamp())
    if owner is not None:
        spellings = queries.owners(owner)
        where.append(f"owner IN ({', '.join('?' for _ in spellings) or 'NULL'})")
        args += spellings
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return clause, tuple(args)


def patterns(within: timedelta | None, owner: str | None = None) -> Patterns:
    """What keeps coming back, over the cases created `within` the span before now (all of
    them when None; only `owner`'s when given): counted by the index, summed up here."""
    from calmcli.clock.now import local_now
    from calmcli.domain.patterns import summarise

    now = local_now()
    since = now - within if within is not None else None
    where, args = _filter(since, owner)
    owners = queries.owners(owner) if owner is not None else None
    repeats = queries.repeat_customers(since.timestamp() if since else None, owners)
    return summarise(queries.tally(where, args), now, within, repeats)
