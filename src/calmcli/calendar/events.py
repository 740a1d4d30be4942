"""What a case wants on the calendar server: one calendar object per event (CalDAV keeps each
event apart), with its alarm, built by the same code as the case's calendar file. A cancelled
event is wanted gone. Each event has a fingerprint of what a person sees in it (when, what,
the alarm), so calm can tell an event it sent from one changed by hand, whatever the server
did to its bytes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC
from typing import Any

from calmcli.domain.case import Case
from calmcli.domain.reminders import REVISION_PROPERTY, entries_for, event_file


@dataclass(frozen=True)
class Wanted:
    uid: str
    summary: str
    start: str  # ISO, for messages
    body: str | None  # None: the event should not be on the calendar
    fingerprint: str = ""

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Wanted:
        return cls(**{k: data[k] for k in ("uid", "summary", "start", "body", "fingerprint")})


def wanted(case: Case, *, alarm_minutes: int) -> list[Wanted]:
    out = []
    for entry in entries_for(case):
        start = entry.start.isoformat()
        if entry.cancelled:
            out.append(Wanted(entry.uid, entry.summary, start, None))
            continue
        body = for_server(event_file(case, [entry], alarm_minutes=alarm_minutes))
        out.append(Wanted(entry.uid, entry.summary, start, body, fingerprint(body)))
    return out


def for_server(data: bytes) -> str:
    """A calendar file as a calendar server stores it: no METHOD (RFC 4791 forbids it in a
    calendar collection). calm's own file has it on one line of its own."""
    return data.decode("utf-8").replace("\r\nMETHOD:PUBLISH\r\n", "\r\n", 1)


def fingerprint(body: str) -> str:
    """What a person sees in the event: its start and end, title, notes, status and alarms.
    Not its DTSTAMP, SEQUENCE or calm's revision mark, which change on every save."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(body)
        event = next(iter(calendar.walk("VEVENT")))
    except (ValueError, StopIteration):
        return "unreadable"
    seen = {
        "uid": str(event.get("UID", "")),
        "start": _instant(event, "DTSTART"),
        "end": _instant(event, "DTEND"),
        "summary": str(event.get("SUMMARY", "")),
        "description": str(event.get("DESCRIPTION", "")).replace("\r\n", "\n").strip(),
        "status": str(event.get("STATUS", "")).upper(),
        "alarms": sorted(str(a.get("TRIGGER").to_ical()) for a in event.walk("VALARM")
                         if a.get("TRIGGER") is not None),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()[:32]


def revision_of(body: str) -> int | None:
    """The case revision an event was built from (calm's mark), if it has one."""
    import icalendar

    try:
        event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
        return int(str(event.get(REVISION_PROPERTY)))
    except (ValueError, StopIteration, TypeError):
        return None


def _instant(event: Any, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    when = value.dt
    if hasattr(when, "tzinfo") and when.tzinfo is not None:
        return str(when.astimezone(UTC).isoformat())
    return str(when.isoformat())
