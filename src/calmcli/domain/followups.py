"""What is due: each open case's check-in and every promised action or progress update with a
date, as overdue, today, upcoming or unscheduled. Pure data and stdlib only: the fast `--check`
path runs on it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import NamedTuple

from calmcli.domain.nudgeline import CHECKIN, nudge_line
from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.textsafe import one_line


class Due(NamedTuple):
    """One thing owed to a customer and where it stands: `kind` is "check-in", "action" or
    "update" (`n` numbers an item within its case); `state` is "overdue", "today", "upcoming"
    or "unscheduled". A named tuple: the `--check` fast path cannot afford dataclasses."""

    row: CaseSummary
    due: datetime | None
    state: str
    days_overdue: int = 0
    kind: str = CHECKIN
    n: int = 0
    what: str = ""

    @property
    def is_due(self) -> bool:
        return self.state in ("overdue", "today")


def _when(text: str, now: datetime) -> datetime | None:
    try:
        due = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return due if due.tzinfo is not None else due.replace(tzinfo=now.tzinfo)


def _state(due: datetime | None, now: datetime) -> tuple[str, int]:
    if due is None:
        return "unscheduled", 0
    day, today = due.astimezone(now.tzinfo).date(), now.date()
    if day < today:
        return "overdue", (today - day).days
    return ("today", 0) if day == today else ("upcoming", 0)


def classify(row: CaseSummary, now: datetime) -> Due:
    """The case's check-in."""
    due = _when(row.due, now) if row.due else None
    state, late = _state(due, now)
    return Due(row, due, state, late)


def owed(row: CaseSummary, now: datetime) -> list[Due]:
    """The case's check-in and its open dated items."""
    out = [classify(row, now)]
    if row.items:
        try:
            items = json.loads(row.items)
        except ValueError:
            items = []
        for entry in items if isinstance(items, list) else []:
            if not (isinstance(entry, list) and len(entry) == 4):
                continue
            n, kind, what, when = entry
            due = _when(when, now)
            if due is None or not isinstance(n, int):
                continue
            state, late = _state(due, now)
            out.append(Due(row, due, state, late, str(kind), n, str(what)))
    return out


def owned_by(rows: list[CaseSummary], owner: str | None) -> list[CaseSummary]:
    """The rows of `owner`'s cases (any spelling of case, spaces and accents); all for None."""
    if owner is None:
        return rows
    key = customer_key(owner)
    return [r for r in rows if customer_key(r.owner) == key]


def select(
    rows: list[CaseSummary], now: datetime, *, within: timedelta | None = None, every: bool = False
) -> list[Due]:
    """What is due by the end of today (plus `within` ahead; with `every`, every open case's
    check-in and every open dated item), soonest first."""
    horizon = None if within is None else now + within
    chosen = []
    for row in rows:
        if row.status != "open":
            continue
        for item in owed(row, now):
            if (
                item.is_due
                or (every and (item.kind == CHECKIN or item.due is not None))
                or (horizon is not None and item.due is not None and item.due <= horizon)
            ):
                chosen.append(item)
    # Sort by the instant (timestamp): same-zone aware times compare by wall clock.
    return sorted(
        chosen,
        key=lambda d: (d.due.timestamp() if d.due else float("inf"), d.row.customer, d.n),
    )


def nudge(items: list[Due], limit: int = 3) -> str:
    """One short line for a shell prompt: '2 things due: Dana (overdue 1 day), Sam (action 2)'."""
    due = [
        (one_line(d.row.customer)[:40] or d.row.id, d.kind, d.n, d.days_overdue)
        for d in items
        if d.is_due
    ]
    return nudge_line(due, limit)
