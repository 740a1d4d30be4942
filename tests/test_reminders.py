"""The check-in reminder file: what a calendar app will see when it imports it.

Every check parses the bytes back with icalendar, the way a calendar app would read them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calmcli.domain.reminders import build_reminder
from calmcli.errors import BadInput

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 16, 45, 12, tzinfo=LONDON)
DUE = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)


def make(**overrides: Any) -> bytes:
    kwargs: dict[str, Any] = {
        "case_id": "2026-03-02-okafor",
        "customer": "Mrs Okafor",
        "job": "kitchen tiling",
        "phone": "07700 900123",
        "planned": "Apologise for the grout colour.\nOffer to regrout the splashback on Thursday.",
        "due": DUE,
        "now": NOW,
    }
    kwargs.update(overrides)
    return build_reminder(**kwargs)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def the_event(data: bytes) -> icalendar.Event:
    events = parse(data).events
    assert len(events) == 1
    return events[0]


def content_lines(data: bytes) -> list[str]:
    """The logical lines of the file: folding undone, CRLF line ends required."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    return unfolded.removesuffix("\r\n").split("\r\n")


def line_names(data: bytes) -> list[str]:
    names = []
    for line in content_lines(data):
        match = re.match(r"([A-Z][A-Z0-9-]*)[;:]", line)
        assert match, f"not a content line: {line!r}"
        names.append(match[1])
    return names


KNOWN_NAMES = {
    "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD",
    "TZID", "COMMENT", "DTSTART", "RDATE", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO",
    "UID", "DTSTAMP", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES", "STATUS", "SEQUENCE",
    "ACTION", "TRIGGER",
}  # fmt: skip


# -- the calendar and the event ------------------------------------------------------------------


def test_one_published_calendar_with_one_event() -> None:
    calendar = parse(make())
    assert str(calendar["PRODID"]) == "-//calm//calm check-in reminders//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert len(calendar.events) == 1
    assert set(line_names(make())) <= KNOWN_NAMES


def test_event_text_is_exact() -> None:
    event = the_event(make())
    assert event["UID"] == "2026-03-02-okafor@calm.local"
    assert event["SUMMARY"] == "Check in with Mrs Okafor: kitchen tiling"
    assert event["DESCRIPTION"] == (
        "Phone: 07700 900123\n"
        "\n"
        "Planned: Apologise for the grout colour.\n"
        "Offer to regrout the splashback on Thursday.\n"
        "Case: 2026-03-02-okafor (calm show 2026-03-02-okafor)"
    )
    assert event.categories == ["calm"]
    assert event["STATUS"] == "CONFIRMED"
    assert event.sequence == 0


def test_missing_phone_says_so() -> None:
    description = the_event(make(phone="  ")).get("DESCRIPTION")
    assert description.startswith("Phone: not recorded\n\nPlanned: ")


def test_missing_job_gives_a_clean_summary() -> None:
    assert the_event(make(job="")).get("SUMMARY") == "Check in with Mrs Okafor"


# -- times ---------------------------------------------------------------------------------------


def test_london_due_is_written_in_london_time() -> None:
    data = make()
    assert "DTSTART;TZID=Europe/London:20260310T093000" in content_lines(data)
    assert "DTEND;TZID=Europe/London:20260310T094500" in content_lines(data)
    event = the_event(data)
    assert event.start == DUE
    assert event.start.tzinfo == LONDON
    assert event.end == DUE + timedelta(minutes=15)
    assert event.end - event.start == timedelta(minutes=15)


def test_dtstamp_is_now_in_utc() -> None:
    data = make(now=datetime(2026, 7, 2, 16, 45, 12, 987654, tzinfo=NEW_YORK))
    assert "DTSTAMP:20260702T204512Z" in content_lines(data)
    assert the_event(data).stamp == datetime(2026, 7, 2, 20, 45, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "utc_hour"),
    [
        (datetime(2026, 1, 15, 9, 0, tzinfo=LONDON), 9),
        (datetime(2026, 7, 15, 9, 0, tzinfo=LONDON), 8),
        (datetime(2026, 1, 15, 9, 0, tzinfo=NEW_YORK), 14),
        (datetime(2026, 7, 15, 9, 0, tzinfo=NEW_YORK), 13),
    ],
)
def test_vtimezone_lets_any_calendar_place_the_event(due: datetime, utc_hour: int) -> None:
    """A calendar app without its own tz database must get the right instant from the file."""
    tzid = str(due.tzinfo)
    data = make(due=due)
    calendar = parse(data)
    event = calendar.events[0]
    assert event["DTSTART"].params["TZID"] == tzid
    assert [tz.tz_name for tz in calendar.timezones] == [tzid]
    assert not calendar.get_missing_tzids()
    from_file = calendar.timezones[0].to_tz(lookup_tzid=False)  # only what the VTIMEZONE says
    local = event.start.replace(tzinfo=from_file)
    assert local.astimezone(UTC) == due.replace(hour=utc_hour, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone", [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
def test_due_without_a_zone_name_is_written_in_utc(zone: timezone) -> None:
    due = datetime(2026, 3, 10, 9, 30, tzinfo=zone)
    data = make(due=due)
    start_utc = due.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start_utc}" in content_lines(data)
    assert parse(data).timezones == []
    event = the_event(data)
    assert event.start == due
    assert event.start.utcoffset() == timedelta(0)
    assert event.end == due + timedelta(minutes=15)


def test_call_keeps_its_length_across_a_clock_change() -> None:
    before_spring_forward = datetime(2026, 3, 29, 0, 50, tzinfo=LONDON)
    event = the_event(make(due=before_spring_forward, duration_minutes=20))
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(minutes=20)
    assert event.end.replace(tzinfo=None) == datetime(2026, 3, 29, 2, 10)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="due"):
        make(due=datetime(2026, 3, 10, 9, 30))
    with pytest.raises(ValueError, match="now"):
        make(now=datetime(2026, 3, 2, 16, 45))


# -- the alarm -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "line"), [(15, "TRIGGER:-PT15M"), (90, "TRIGGER:-PT1H30M")])
def test_alarm_goes_off_before_the_call(minutes: int, line: str) -> None:
    data = make(alarm_minutes=minutes)
    alarms = the_event(data).walk("VALARM")
    assert len(alarms) == 1
    alarm = alarms[0]
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-minutes)
    assert alarm["DESCRIPTION"] == "Check in with Mrs Okafor"
    assert line in content_lines(data)


def test_default_alarm_is_fifteen_minutes_before() -> None:
    assert the_event(make()).walk("VALARM")[0]["TRIGGER"].dt == timedelta(minutes=-15)


# -- rewriting and reading back ------------------------------------------------------------------


def test_rewrite_keeps_the_uid_so_the_calendar_updates_the_event() -> None:
    first = the_event(
        make(case_id="2026-03-02-okafor", customer="Mrs Okafor", planned="Call back.")
    )
    again = the_event(
        make(
            case_id="2026-03-02-okafor", customer="Mrs A. Okafor", job="tiling", phone="0770",
            planned="Call back later.", due=DUE + timedelta(days=1),
            now=NOW + timedelta(hours=3), sequence=1,
        )
    )  # fmt: skip
    assert first["UID"] == "2026-03-02-okafor@calm.local"
    assert again["UID"] == first["UID"]
    assert again.sequence == 1
    assert again.start == DUE + timedelta(days=1)
    assert again["SUMMARY"] == "Check in with Mrs A. Okafor: tiling"


def test_different_cases_get_different_uids() -> None:
    assert the_event(make(case_id="a-1"))["UID"] != the_event(make(case_id="a-2"))["UID"]


def test_a_cases_reminder_keeps_its_uid_and_moves_with_a_reschedule() -> None:
    from calmcli.casebook import save
    from calmcli.domain import lifecycle
    from casefactory import make_case, reload, reminder_file

    case = make_case("Mrs Okafor", created="2026-03-02T16:45", due="2026-03-10T09:30")
    first = the_event(reminder_file(case).read_bytes())
    save.update(case.id, lambda c: lifecycle.snooze(c, c.created, DUE + timedelta(days=1)))
    again = the_event(reminder_file(case).read_bytes())
    assert again["UID"] == first["UID"] == f"{case.id}@calm.local"
    assert again.sequence > first.sequence
    assert again.start == DUE + timedelta(days=1)
    assert reload(case).followup_due == DUE + timedelta(days=1)


@pytest.mark.parametrize("case_id", ["", "two words", "line\nbreak", "nul\x00"])
def test_unusable_case_id_is_bad_input(case_id: str) -> None:
    with pytest.raises(BadInput):
        make(case_id=case_id)


def test_importing_the_module_does_not_import_icalendar() -> None:
    code = "import sys, calmcli.domain.reminders; print('icalendar' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- hostile text --------------------------------------------------------------------------------

# (input, as it must appear on one line, as it must appear in the multi-line description)
HOSTILE = [
    ("Ann\r\nX-INJECTED:1", "Ann X-INJECTED:1", "Ann\nX-INJECTED:1"),
    ("a\rb\nc\r\n\r\nd", "a b c d", "a\nb\nc\n\nd"),
    ("x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil", "x END:VEVENT BEGIN:VEVENT UID:evil",
     "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"),
    ("nul\x00byte", "nul byte", "nulbyte"),
    ("\x1b[31mred\x1b[0m alert\x07", "[31mred [0m alert", "[31mred[0m alert"),
    ("c1\x9bcsi\x85nel\x7fdel", "c1 csi nel del", "c1csi\nneldel"),
    ("tab\there\x0bvt\x0cff", "tab here vt ff", "tab here\nvt\nff"),
    ("para\u2028graph\u2029end", "para graph end", "para\ngraph\nend"),
    ("  lots   of \t space  ", "lots of space", "lots   of   space"),
    ("[bold red]Mrs[/] Smith [link=http://x]y[/link]", "[bold red]Mrs[/] Smith [link=http://x]y[/link]",
     "[bold red]Mrs[/] Smith [link=http://x]y[/link]"),
    ("semi;colon,comma\\back:colon", "semi;colon,comma\\back:colon",
     "semi;colon,comma\\back:colon"),
    ("Zoë 😀 👩‍🔧 🇬🇧", "Zoë 😀 👩‍🔧 🇬🇧", "Zoë 😀 👩‍🔧 🇬🇧"),
    ("שלום עליכם and مرحبا", "שלום עליכם and مرحبا", "שלום עליכם and مرحبا"),
    ("broken \udc80 bytes", "broken \ufffd bytes", "broken \ufffd bytes"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "one_line", "multi_line"), HOSTILE)
def test_hostile_text_round_trips_as_cleaned_text(raw: str, one_line: str, multi_line: str) -> None:
    event = the_event(make(customer=raw, job=raw, phone=raw, planned=raw))
    assert event["SUMMARY"] == f"Check in with {one_line}: {one_line}"
    assert event.walk("VALARM")[0]["DESCRIPTION"] == f"Check in with {one_line}"
    assert event["DESCRIPTION"] == (
        f"Phone: {one_line}\n\nPlanned: {multi_line}\nCase: 2026-03-02-okafor "
        "(calm show 2026-03-02-okafor)"
    )


@pytest.mark.parametrize("raw", [h[0] for h in HOSTILE] + ["x" * 10_000, "\r\n" * 5_000])
def test_hostile_text_never_changes_the_file_structure(raw: str) -> None:
    data = make(customer=raw, job=raw, phone=raw, planned=raw)
    assert line_names(data) == line_names(make())
    text = data.decode("utf-8")  # strict: folding never splits a character
    assert not re.search(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert not re.search(r"\r(?!\n)|(?<!\r)\n", text)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_long_text_is_cut_in_the_summary_but_kept_in_the_description() -> None:
    long = "x" * 10_000
    event = the_event(make(customer=long, job=long, planned=long))
    assert event["SUMMARY"] == "Check in with " + "x" * 185 + "…"
    assert len(event["SUMMARY"]) == 200
    assert event.walk("VALARM")[0]["DESCRIPTION"] == "Check in with " + "x" * 185 + "…"
    assert f"Planned: {long}\nCase: " in event["DESCRIPTION"]


def test_empty_customer_reads_naturally() -> None:
    event = the_event(make(customer="\x00 \r\n"))
    assert event["SUMMARY"] == "Check in with the customer: kitchen tiling"
