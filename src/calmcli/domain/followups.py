"""Which check-ins are due: overdue, today, upcoming. Pure data and stdlib only: the fast
`--check` path runs on it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from calmcli.domain.summary import CaseSummary
from calmcli.textsafe import one_line


class Due(NamedTuple):
    """A check-in and where it stands: state is "overdue", "today", "upcoming" or
    "unscheduled". A named tuple: the `--check` fast path cannot afford dataclasses."""

    row: CaseSummary
    due: datetime | None
    state: str
    days_overdue: int = 0

    @property
    def is_due(self) -> bool:
        return self.state in ("overdue", "today")


def classify(row: CaseSummary, now: datetime) -> Due:
    if not row.due:
        return Due(row, None, "unscheduled")
    try:
        due = datetime.fromisoformat(row.due)
    except ValueError:
        return Due(row, None, "unscheduled")
    if due.tzinfo is None:
        due = due.replace(tzinfo=now.tzinfo)
    day = due.astimezone(now.tzinfo).date()
    today = now.date()
    if day < today:
        return Due(row, due, "overdue", (today - day).days)
    if day == today:
        return Due(row, due, "today")
    return Due(row, due, "upcoming")


def select(
    rows: list[CaseSummary], now: datetime, *, within: timedelta | None = None, every: bool = False
) -> list[Due]:
    """Open cases due by the end of today (plus `within` ahead, or all of them), by due time."""
    items = [classify(r, now) for r in rows if r.status == "open"]
    horizon = None if within is None else now + within
    chosen = []
    for item in items:
        if (
            item.is_due
            or every
            or horizon is not None
            and item.due is not None
            and item.due <= horizon
        ):
            chosen.append(item)
    # Sort by the instant (timestamp): same-zone aware times compare by wall clock.
    return sorted(
        chosen, key=lambda d: (d.due.timestamp() if d.due else float("inf"), d.row.customer)
    )


def nudge(items: list[Due], limit: int = 3) -> str:
    """One short line for a shell prompt: '2 check-ins due: Dana (overdue 1 day), Sam'."""
    due = [d for d in items if d.is_due]
    if not due:
        return "No check-ins due."
    parts = []
    for d in due[:limit]:
        name = one_line(d.row.customer)[:40] or d.row.id
        if d.state == "overdue":
            s = "" if d.days_overdue == 1 else "s"
            parts.append(f"{name} (overdue {d.days_overdue} day{s})")
        else:
            parts.append(name)
    more = f", and {len(due) - limit} more" if len(due) > limit else ""
    noun = "check-in" if len(due) == 1 else "check-ins"
    return f"{len(due)} {noun} due: {', '.join(parts)}{more}"
