"""Desktop nudges (`calm followup --notify`): which due items to show now, and remembering
which were shown, so a timer that runs every few minutes shows each once.

An item is shown once its time has come (less `alarm_minutes`, like the calendar's alarm):
today's from that moment, an overdue one from earlier days once each morning it is still
owed. A moved item is a new one. What was shown today is kept in the state folder, per
machine."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from calmcli.domain.followups import CHECKIN, Due, select
from calmcli.domain.summary import CaseSummary
from calmcli.files import paths
from calmcli.files.atomic import atomic_write
from calmcli.textsafe import one_line


def memory() -> Path:
    return paths.state_dir() / "nudged.json"


def key(item: Due) -> str:
    due = item.due.isoformat() if item.due else ""
    return f"{item.row.id}/{item.kind}/{item.n}/{due}"


def due_now(rows: list[CaseSummary], now: datetime, *, alarm_minutes: int) -> list[Due]:
    """What is owed now: overdue, or due today within the alarm's lead."""
    lead = timedelta(minutes=alarm_minutes)
    return [
        item
        for item in select(rows, now)
        if item.due is not None and (item.state == "overdue" or item.due - lead <= now)
    ]


def not_shown(items: list[Due], now: datetime) -> list[Due]:
    shown = _shown_on(now)
    return [item for item in items if key(item) not in shown]


def remember(items: list[Due], now: datetime) -> None:
    """Add `items` to what was shown today; earlier days are forgotten."""
    shown = _shown_on(now) | {key(item) for item in items}
    payload = {"day": now.date().isoformat(), "shown": sorted(shown)}
    atomic_write(memory(), json.dumps(payload, indent=1))


def _shown_on(now: datetime) -> set[str]:
    try:
        data = json.loads(memory().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("day") != now.date().isoformat():
        return set()
    return {str(k) for k in data.get("shown", [])}


def words(item: Due, now: datetime) -> tuple[str, str]:
    """The notification's title and body."""
    who = one_line(item.row.customer)[:60] or item.row.id
    what = one_line(item.what)[:80]
    if item.kind == CHECKIN:
        title = f"Check in with {who}"
    elif item.kind == "update":
        title = f"Update {who}: {what}"
    else:
        title = f"Promised to {who}: {what}"
    assert item.due is not None
    when = item.due.astimezone(now.tzinfo)
    if item.state == "overdue":
        s = "" if item.days_overdue == 1 else "s"
        state = f"Overdue {item.days_overdue} day{s} ({when:%a %-d %b %H:%M})"
    else:
        state = f"Due {when:%H:%M}"
    parts = [state, one_line(item.row.phone), one_line(item.row.job)[:80]]
    done = (
        f"calm followup done {item.row.id}"
        if item.kind == CHECKIN
        else f"calm item done {item.row.id} {item.n}"
    )
    return f"calm: {title}", " · ".join(p for p in parts if p) + f"\n{done}"
