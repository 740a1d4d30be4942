"""The follow-up reminder: an iCalendar file with one check-in call and an alarm before it.

Calendar apps import the file as a single event. Its UID is derived from the case id, so writing
the reminder again for the same case (a new time, a corrected name) updates the event in the
user's calendar instead of adding a second one; pass a higher `sequence` when you do.

All iCalendar text is produced by the `icalendar` library, which escapes and folds it. This module
only cleans what the customer's words may contain before handing them over: control characters,
stray line breaks and unbounded length. `icalendar` is imported inside the functions that need it
so that importing calmcli stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from calmcli.domain.case import Case
from calmcli.errors import BadInput

if TYPE_CHECKING:
    from icalendar import Calendar, Event

__all__ = [
    "PRODID",
    "SUMMARY_LIMIT",
    "Entry",
    "build_reminder",
    "calendar_of",
    "entries_for",
    "event_file",
    "reminder_for",
]

PRODID = "-//calm//calm check-in reminders//EN"
REVISION_PROPERTY = "X-CALM-REVISION"
UID_DOMAIN = "calm.local"
CATEGORY = "calm"
SUMMARY_LIMIT = 200
NOT_RECORDED = "not recorded"

_CONTROL = "\x00-\x1f\x7f-\x9f"  # C0, DEL and C1
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves (e.g. from surrogateescape) can't be UTF-8
_BLANK_RUN = re.compile(rf"[\s{_CONTROL}]+")  # \s also covers NBSP, U+2028/2029 and friends
_CONTROL_CHAR = re.compile(f"[{_CONTROL}]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Entry:
    """One event of a case's calendar file: a check-in, a promised action or an update."""

    uid: str
    start: datetime
    summary: str
    description: str
    sequence: int
    alarm: str
    cancelled: bool = False


def build_reminder(
    *,
    case_id: str,
    customer: str,
    job: str,
    phone: str,
    planned: str,
    due: datetime,
    now: datetime,
    alarm_minutes: int = 15,
    duration_minutes: int = 15,
    sequence: int = 0,
    revision: int | None = None,
) -> bytes:
    """One check-in as iCalendar bytes (UTF-8, CRLF line ends).

    `due` and `now` must be timezone-aware. A `due` in a named `ZoneInfo` zone is written in
    that zone's local time with a matching VTIMEZONE; any other offset (UTC, a fixed offset) is
    written in UTC. The event lasts `duration_minutes` of real time and an alarm goes off
    `alarm_minutes` before it starts. Raises `BadInput` for an unusable case id and `ValueError`
    for naive datetimes or out-of-range numbers.
    """
    _check_case_id(case_id)
    who = _one_line(customer) or "the customer"
    what = _one_line(job)
    entry = Entry(
        uid=f"{case_id}@{UID_DOMAIN}",
        start=due,
        summary=f"Check in with {who}: {what}" if what else f"Check in with {who}",
        description=_description(case_id=case_id, phone=phone, planned=planned),
        sequence=sequence,
        alarm=f"Check in with {who}",
    )
    return calendar_of(
        [entry], now, alarm_minutes=alarm_minutes, duration_minutes=duration_minutes,
        revision=revision,
    )  # fmt: skip


def calendar_of(
    entries: list[Entry],
    now: datetime,
    *,
    alarm_minutes: int = 15,
    duration_minutes: int = 15,
    revision: int | None = None,
) -> bytes:
    """A calendar file of `entries`; a cancelled one keeps its UID with STATUS:CANCELLED and
    no alarm, so re-importing the file removes the event from the calendar."""
    import icalendar

    if alarm_minutes < 0:
        raise ValueError(f"alarm_minutes must be 0 or more, not {alarm_minutes}")
    if duration_minutes <= 0:
        raise ValueError(f"duration_minutes must be more than 0, not {duration_minutes}")
    stamp = _aware("now", now).astimezone(UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    events = []
    for entry in entries:
        if entry.sequence < 0:
            raise ValueError(f"sequence must be 0 or more, not {entry.sequence}")
        start = _event_start(entry.start)
        end = (start.astimezone(UTC) + timedelta(minutes=duration_minutes)).astimezone(start.tzinfo)
        status = icalendar.STATUS.CANCELLED if entry.cancelled else icalendar.STATUS.CONFIRMED
        event = icalendar.Event.new(
            uid=entry.uid,
            stamp=stamp,
            start=start,
            end=end,
            summary=_clip(_one_line(entry.summary)),
            description=_multi_line(entry.description),
            categories=[CATEGORY],
            status=status,
            sequence=entry.sequence,
        )
        if revision is not None:  # which revision of the case this was built from (casebook)
            event.add(REVISION_PROPERTY, str(revision))
        if not entry.cancelled:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(minutes=-alarm_minutes))
            alarm.add("description", _clip(_one_line(entry.alarm)))
            event.add_component(alarm)
        calendar.add_component(event)
        events.append((event, start, end))
    _add_timezones(calendar, events)
    return calendar.to_ical()


def has_reminder(case: Case) -> bool:
    """Whether the case has anything for a calendar: a check-in, a dated item, or (closed)
    the cancellations of what it had."""
    return (
        case.followup_due is not None
        or not case.is_open
        or any(item.due is not None for item in case.items)
    )


def reminder_for(case: Case, *, alarm_minutes: int = 15) -> bytes:
    """The case's calendar file: its next check-in and every dated promised action and
    progress update, each an event with its own UID (stable, so a re-import moves it) and
    SEQUENCE (higher whenever it changes). A closed case's events, and dropped or done items,
    are cancellations: re-importing the file takes them out of the calendar."""
    entries = entries_for(case)
    if not entries:
        raise BadInput(f"case {case.id} has nothing dated, so there is no reminder")
    return event_file(case, entries, alarm_minutes=alarm_minutes)


def event_file(case: Case, entries: list[Entry], *, alarm_minutes: int = 15) -> bytes:
    """A calendar file of some of the case's `entries` (all of them, or one for a calendar
    server, which keeps each event apart), stamped with the case's revision."""
    try:
        return calendar_of(
            entries, case.last_changed(), alarm_minutes=alarm_minutes, revision=case.revision
        )
    except (OverflowError, ValueError) as exc:
        raise BadInput(f"case {case.id}: cannot make a reminder: {exc}") from None


def entries_for(case: Case) -> list[Entry]:
    """The events of the case's calendar file, as data (see `reminder_for`)."""
    who = _one_line(case.customer) or "the customer"
    base = f"Case: {case.id} (calm show {case.id})"
    agreed = case.agreed or (f"{case.offer} (to offer)" if case.offer else "")
    entries: list[Entry] = []
    checkin = case.followup_due or (None if case.is_open else case.last_changed())
    if checkin is not None:
        what = _one_line(case.job)
        lines = [f"Ring {who}" + (f" on {_one_line(case.phone)}" if case.phone else "") + "."]
        if agreed:
            lines.append(f"Agreed: {agreed}")
        lines += [
            "Ask: is it sorted now? How did we handle it, from where you stand?",
            "Thank them for raising it.",
            base,
        ]
        entries.append(
            Entry(
                uid=f"{case.id}@{UID_DOMAIN}",
                start=checkin,
                summary=f"Check in with {who}: {what}" if what else f"Check in with {who}",
                description="\n".join(lines),
                sequence=len(case.history),
                alarm=f"Check in with {who}",
                cancelled=not case.is_open,
            )
        )
    fix = next((i for i in case.items if i.fix), None)
    for item in case.items:
        if item.due is None:
            continue
        cancelled = not (item.is_open and case.is_open)
        if item.kind == "update":
            about = f"{item.what}, due {fix.due:%a %-d %b}" if fix and fix.due else item.what
            summary = f"Update {who}: {about}"
            text = [
                f"Send {who} a progress update: {about}.",
                f"A draft to send: calm message {case.id} --kind update",
            ]
        else:
            summary = f"Promised to {who}: {item.what}"
            text = [
                f"Promised to {who} on the call: {item.what}.",
                f"When it's done: calm item done {case.id} {item.n}, and let them know.",
            ]
        entries.append(
            Entry(
                uid=f"{case.id}.item-{item.n}@{UID_DOMAIN}",  # a "." no case id has
                start=item.due,
                summary=summary,
                description="\n".join([*text, base]),
                sequence=item.changes + (1 if cancelled and item.is_open else 0),
                alarm=summary,
                cancelled=cancelled,
            )
        )
    return entries


# -- times ---------------------------------------------------------------------------------------


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value


def _event_start(due: datetime) -> datetime:
    """`due` as it will be written: whole seconds, a real local time, in a zone iCalendar can name.

    iCalendar has no sub-second times. A wall-clock time that does not exist (inside a
    spring-forward gap) is moved to the real instant it denotes. Zones without an IANA name have
    no TZID a calendar app could look up, so those times are written in UTC.
    """
    due = _aware("due", due).replace(microsecond=0)
    zone = due.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key:
        return due.astimezone(UTC).astimezone(zone)
    return due.astimezone(UTC)


def _add_timezones(calendar: Calendar, events: list[tuple[Event, datetime, datetime]]) -> None:
    """Add the VTIMEZONEs the events need, covering a few years around them, or write an
    event in UTC where icalendar cannot describe its zone.

    `icalendar` writes 1970-2038 by default (over 100 lines for Europe/London, and nothing
    after 2038); a short window around the events keeps the file small and always covers them.
    """
    if not events or not calendar.get_missing_tzids():
        return
    first = date(max(min(s.year for _, s, _ in events) - 1, 1), 1, 1)
    last = date(min(max(e.year for _, _, e in events) + 2, 9999), 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    if calendar.get_missing_tzids():  # a zone icalendar cannot describe: say it in UTC instead
        for event, start, end in events:
            event.start = start.astimezone(UTC)
            event.end = end.astimezone(UTC)


# -- text ----------------------------------------------------------------------------------------


def _check_case_id(case_id: str) -> None:
    if not case_id or _BLANK_RUN.search(case_id) or _SURROGATE.search(case_id):
        raise BadInput(f"not a usable case id for a reminder: {case_id!r}")


def _one_line(text: str) -> str:
    """`text` on one line: every run of whitespace or control characters becomes one space;
    bidi overrides, which could make a calendar show the text in a misleading order, go."""
    text = _SURROGATE.sub("\ufffd", _BIDI.sub("", text))
    return _BLANK_RUN.sub(" ", text).strip()


def _clip(text: str, limit: int = SUMMARY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _multi_line(text: str) -> str:
    """`text` with its line breaks kept as `\\n` and every other control character dropped.

    CR, CRLF and the other characters Python treats as line breaks (VT, FF, NEL, U+2028,
    U+2029, ...) become `\\n`; tabs become spaces.
    """
    text = _SURROGATE.sub("\ufffd", _BIDI.sub("", text))
    lines = [_CONTROL_CHAR.sub("", line.replace("\t", " ")).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip()


def _description(*, case_id: str, phone: str, planned: str) -> str:
    return "\n".join(
        [
            f"Phone: {_one_line(phone) or NOT_RECORDED}",
            "",
            f"Planned: {_multi_line(planned) or NOT_RECORDED}",
            f"Case: {case_id} (calm show {case_id})",
        ]
    )
