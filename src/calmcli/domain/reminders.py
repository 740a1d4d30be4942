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
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from calmcli.domain.case import Case
from calmcli.errors import BadInput

if TYPE_CHECKING:
    from icalendar import Calendar, Event

__all__ = ["PRODID", "SUMMARY_LIMIT", "build_reminder", "reminder_for"]

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
    """The reminder as iCalendar bytes (UTF-8, CRLF line ends).

    `due` and `now` must be timezone-aware. A `due` in a named `ZoneInfo` zone is written in
    that zone's local time with a matching VTIMEZONE; any other offset (UTC, a fixed offset) is
    written in UTC. The event lasts `duration_minutes` of real time and an alarm goes off
    `alarm_minutes` before it starts. Raises `BadInput` for an unusable case id and `ValueError`
    for naive datetimes or out-of-range numbers.
    """
    import icalendar

    _check_case_id(case_id)
    if alarm_minutes < 0:
        raise ValueError(f"alarm_minutes must be 0 or more, not {alarm_minutes}")
    if duration_minutes <= 0:
        raise ValueError(f"duration_minutes must be more than 0, not {duration_minutes}")
    if sequence < 0:
        raise ValueError(f"sequence must be 0 or more, not {sequence}")

    start = _event_start(due)
    end = (start.astimezone(UTC) + timedelta(minutes=duration_minutes)).astimezone(start.tzinfo)
    stamp = _aware("now", now).astimezone(UTC).replace(microsecond=0)

    who = _one_line(customer) or "the customer"
    what = _one_line(job)
    summary = f"Check in with {who}: {what}" if what else f"Check in with {who}"

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = icalendar.Event.new(
        uid=f"{case_id}@{UID_DOMAIN}",
        stamp=stamp,
        start=start,
        end=end,
        summary=_clip(summary),
        description=_description(case_id=case_id, phone=phone, planned=planned),
        categories=[CATEGORY],
        status=icalendar.STATUS.CONFIRMED,
        sequence=sequence,
    )
    if revision is not None:  # which revision of the case this was built from (see casebook)
        event.add(REVISION_PROPERTY, str(revision))
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(minutes=-alarm_minutes))
    alarm.add("description", _clip(f"Check in with {who}"))
    event.add_component(alarm)
    calendar.add_component(event)
    _add_timezone(calendar, event, start, end)
    return calendar.to_ical()


def reminder_for(case: Case) -> bytes:
    """The .ics for a case's next check-in: the same UID every time, a SEQUENCE that grows with
    the history and a DTSTAMP of the last change, so a re-import updates the event."""
    if not case.is_open or case.followup_due is None:
        raise BadInput(f"case {case.id} has no check-in scheduled, so there is no reminder")
    if case.agreed:
        planned = f"{case.agreed} (agreed on the call)"
    else:
        planned = f"{case.offer} (to offer)" if case.offer else ""
    try:
        return build_reminder(
            case_id=case.id,
            customer=case.customer,
            job=case.job,
            phone=case.phone,
            planned=planned,
            due=case.followup_due,
            now=case.last_changed(),
            sequence=len(case.history),
            revision=case.revision,
        )
    except (OverflowError, ValueError) as exc:
        raise BadInput(
            f"case {case.id}: cannot make a reminder for {case.followup_due}: {exc}"
        ) from None


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


def _add_timezone(calendar: Calendar, event: Event, start: datetime, end: datetime) -> None:
    """Add the VTIMEZONE for the event's zone, covering a few years around it, or fall back to UTC.

    `icalendar` writes 1970-2038 by default (over 100 lines for Europe/London, and nothing
    after 2038); a short window around the event keeps the file small and always covers it.
    """
    if not calendar.get_missing_tzids():
        return
    first = date(max(start.year - 1, 1), 1, 1)
    last = date(min(end.year + 2, 9999), 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    if calendar.get_missing_tzids():  # a zone icalendar cannot describe: say it in UTC instead
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
