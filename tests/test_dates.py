"""Follow-up times: every form a user may type, every refusal, DST, and the helpers around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmcli.clock.dates import (
    check_not_past,
    default_followup,
    format_when,
    from_iso,
    local_now,
    local_zone,
    parse_when,
    to_iso,
)
from calmcli.errors import BadInput

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # a Wednesday, GMT


def at(y: int, mo: int, d: int, h: int = 9, mi: int = 0, tz: ZoneInfo = LONDON) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


ACCEPTED = [
    # plain days
    ("today", at(2026, 11, 25)),
    ("TODAY", at(2026, 11, 25)),
    ("  tomorrow \n", at(2026, 11, 26)),
    ("tonight", at(2026, 11, 25, 19)),
    ("yesterday", at(2026, 11, 24)),
    # weekdays: strictly after today, "next"/"this" change nothing
    ("fri", at(2026, 11, 27)),
    ("Friday", at(2026, 11, 27)),
    ("mon", at(2026, 11, 30)),
    ("wed", at(2026, 12, 2)),
    ("wednesday", at(2026, 12, 2)),
    ("tue", at(2026, 12, 1)),
    ("next tuesday", at(2026, 12, 1)),
    ("this fri", at(2026, 11, 27)),
    ("next  WED", at(2026, 12, 2)),
    # offsets
    ("+3d", at(2026, 11, 28)),
    ("+2w", at(2026, 12, 9)),
    ("+4h", at(2026, 11, 25, 14)),
    ("+30m", at(2026, 11, 25, 10, 30)),
    ("in 3 days", at(2026, 11, 28)),
    ("3 days", at(2026, 11, 28)),
    ("in 1 day", at(2026, 11, 26)),
    ("in 2 weeks", at(2026, 12, 9)),
    ("in 4 hours", at(2026, 11, 25, 14)),
    ("in 90 minutes", at(2026, 11, 25, 11, 30)),
    # working days skip the weekend
    ("2 working days", at(2026, 11, 27)),
    ("+2wd", at(2026, 11, 27)),
    ("in 2 working days", at(2026, 11, 27)),
    ("+3wd", at(2026, 11, 30)),
    ("+5wd", at(2026, 12, 2)),
    # ISO
    ("2026-12-01", at(2026, 12, 1)),
    ("2026-12-01 14:30", at(2026, 12, 1, 14, 30)),
    ("2026-12-01T14:30", at(2026, 12, 1, 14, 30)),
    ("2026-12-01T14:30:00+01:00", at(2026, 12, 1, 13, 30)),
    ("2026-12-01T14:30Z", at(2026, 12, 1, 14, 30)),
    ("2027-07-01T14:30:00+00:00", at(2027, 7, 1, 15, 30)),  # shown in BST
    # a time alone: today if still ahead, else tomorrow
    ("4pm", at(2026, 11, 25, 16)),
    ("16:00", at(2026, 11, 25, 16)),
    ("noon", at(2026, 11, 25, 12)),
    ("at 4pm", at(2026, 11, 25, 16)),
    ("9am", at(2026, 11, 26, 9)),
    ("9:30am", at(2026, 11, 26, 9, 30)),
    ("10:00", at(2026, 11, 26, 10)),  # exactly now is not "still ahead"
    ("10:01", at(2026, 11, 25, 10, 1)),
    ("12am", at(2026, 11, 26, 0)),
    ("12pm", at(2026, 11, 25, 12)),
    ("9 PM", at(2026, 11, 25, 21)),
    # a date followed by a time
    ("tomorrow 9am", at(2026, 11, 26, 9)),
    ("tomorrow at 4pm", at(2026, 11, 26, 16)),
    ("fri 16:00", at(2026, 11, 27, 16)),
    ("next tuesday 4pm", at(2026, 12, 1, 16)),
    ("+2wd 9am", at(2026, 11, 27, 9)),
    ("in 3 days at noon", at(2026, 11, 28, 12)),
    ("2026-12-01 9:30am", at(2026, 12, 1, 9, 30)),
    ("today 9am", at(2026, 11, 25, 9)),  # explicit day: stays today, the caller refuses it
    ("tonight 8pm", at(2026, 11, 25, 20)),
    # next week: its Monday
    ("next week", at(2026, 11, 30)),
    ("next week 4pm", at(2026, 11, 30, 16)),
    # a day and a month, either way round, as calm shows dates too
    ("3 dec", at(2026, 12, 3)),
    ("dec 3", at(2026, 12, 3)),
    ("3rd December", at(2026, 12, 3)),
    ("Thu 3 Dec 09:00", at(2026, 12, 3)),
    ("thu, 3 dec at 4pm", at(2026, 12, 3, 16)),
    ("3 dec 2026 14:30", at(2026, 12, 3, 14, 30)),
    ("sept 1", at(2027, 9, 1)),
    ("25 nov 4pm", at(2026, 11, 25, 16)),  # today is not past yet
    ("1 jan", at(2027, 1, 1)),  # no year: the next one from today
    ("Fri 1 Jan 2027", at(2027, 1, 1)),
    ("Mon 23 Nov 09:00", at(2026, 11, 23)),  # this year's Monday: past, for the caller to refuse
    ("29 feb", at(2028, 2, 29)),  # the next leap day
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_parse_when_accepts(text: str, expected: datetime) -> None:
    got = parse_when(text, NOW)
    assert got == expected
    assert (got.hour, got.minute) == (expected.hour, expected.minute)  # wall time, not just instant
    assert got.tzinfo is NOW.tzinfo


def test_hour_offsets_drop_seconds() -> None:
    now = datetime(2026, 11, 25, 10, 0, 45, 123456, tzinfo=LONDON)
    assert parse_when("+4h", now) == at(2026, 11, 25, 14)
    assert parse_when("+30m", now).second == 0


def test_working_days_from_the_weekend_start_on_monday() -> None:
    saturday = datetime(2026, 11, 28, 10, tzinfo=LONDON)
    assert parse_when("+1wd", saturday) == at(2026, 11, 30)
    assert parse_when("+2wd", saturday) == at(2026, 12, 1)


EXAMPLE_HINT = '"tomorrow 9am"'

REFUSED = [
    "31/02",
    "12/01/2026",
    "2026/12/01",
    "01-12-2026",
    "1.12.2026",
    "2026-02-31",
    "2026-13-01",
    "2026-12-01T25:00",
    "25:00",
    "13pm",
    "0am",
    "9:60am",
    "tomorrow 25:00",
    "-3d",
    "next",
    "soon",
    "in 2 months",
    "+4h 9am",
    "2026-12-01T14:30+25:00",
    "2026-12-01T14:30 4pm",
    "tomorrow tomorrow",
    "fri 9",
    "31 feb",
    "32 dec",
    "3 decembre",
    "wed 3 dec",  # 3 Dec 2026 is a Thursday
    "3 dec 99999",
]


@pytest.mark.parametrize("text", REFUSED)
def test_parse_when_refuses_with_the_input_quoted(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_when(text, NOW)
    message = info.value.message
    assert f'"{text}"' in message
    assert EXAMPLE_HINT in message
    assert "\n" not in message


def test_a_weekday_that_does_not_fit_the_date_says_which_it_is() -> None:
    with pytest.raises(BadInput, match="3 Dec 2026 is a Thursday"):
        parse_when("wed 3 dec", NOW)


@pytest.mark.parametrize("text", ["Wed 25 Nov 11:00", "Fri 27 Nov 09:00", "Fri 1 Jan 2027 09:00"])
def test_what_calm_shows_reads_back_as_the_same_time(text: str) -> None:
    assert format_when(parse_when(text, NOW), NOW) == text


@pytest.mark.parametrize("text", ["+99999d", "+3700d", "+999999999999999999999999w", "9999-12-31"])
def test_far_future_is_too_far_ahead(text: str) -> None:
    with pytest.raises(BadInput, match="too far ahead") as info:
        parse_when(text, NOW)
    assert f'"{text}"' in info.value.message


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_blank_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="no date given") as info:
        parse_when(text, NOW)
    assert EXAMPLE_HINT in info.value.message


def test_overlong_input_is_refused_with_a_short_quote() -> None:
    text = "tomorrow " + "x" * 200
    with pytest.raises(BadInput, match="over 100 characters") as info:
        parse_when(text, NOW)
    assert '"tomorrow xxx' in info.value.message
    assert len(info.value.message) < 200


def test_control_characters_stay_on_one_line() -> None:
    with pytest.raises(BadInput) as info:
        parse_when("fri\nday\x00", NOW)
    assert "\n" not in info.value.message
    assert "\\x00" in info.value.message


# --------------------------------------------------------------------------- DST (Europe/London)


def test_spring_forward_keeps_nine_oclock() -> None:
    saturday = datetime(2027, 3, 27, 10, tzinfo=LONDON)  # clocks go forward 2027-03-28 01:00
    for text in ("tomorrow", "+1d", "sun", "2027-03-28"):
        got = parse_when(text, saturday)
        assert (got.date().isoformat(), got.hour, got.minute) == ("2027-03-28", 9, 0), text
        assert got.utcoffset() == timedelta(hours=1), text


def test_fall_back_keeps_nine_oclock() -> None:
    saturday = datetime(2026, 10, 24, 10, tzinfo=LONDON)  # clocks go back 2026-10-25 02:00
    for text in ("tomorrow", "+1d", "sun", "2026-10-25"):
        got = parse_when(text, saturday)
        assert (got.date().isoformat(), got.hour, got.minute) == ("2026-10-25", 9, 0), text
        assert got.utcoffset() == timedelta(0), text


def test_week_offset_across_dst_keeps_wall_time() -> None:
    before = datetime(2027, 3, 24, 10, tzinfo=LONDON)
    got = parse_when("+1w 4pm", before)
    assert (got.day, got.hour, got.utcoffset()) == (31, 16, timedelta(hours=1))


def test_time_inside_spring_forward_gap_moves_forward() -> None:
    saturday = datetime(2027, 3, 27, 10, tzinfo=LONDON)
    got = parse_when("tomorrow 1:30am", saturday)  # 01:30 does not exist that night
    assert (got.hour, got.minute, got.utcoffset()) == (2, 30, timedelta(hours=1))


def test_ambiguous_fall_back_time_is_the_first_one() -> None:
    saturday = datetime(2026, 10, 24, 10, tzinfo=LONDON)
    got = parse_when("tomorrow 1:30am", saturday)  # 01:30 happens twice that night
    assert (got.hour, got.minute, got.utcoffset()) == (1, 30, timedelta(hours=1))


def test_hour_offsets_are_elapsed_time_across_dst() -> None:
    late = datetime(2026, 10, 25, 0, 30, tzinfo=LONDON)  # BST; an hour repeats at 01:00
    got = parse_when("+4h", late)
    assert got.astimezone(UTC) - late.astimezone(UTC) == timedelta(hours=4)
    assert (got.hour, got.minute) == (3, 30)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))
def test_day_forms_always_land_on_nine_oclock(naive_now: datetime) -> None:
    now = naive_now.replace(tzinfo=LONDON)
    tomorrow = parse_when("tomorrow", now)
    assert tomorrow.date() == now.date() + timedelta(days=1)
    assert (tomorrow.hour, tomorrow.minute) == (9, 0)
    friday = parse_when("fri", now)
    assert friday.weekday() == 4
    assert 1 <= (friday.date() - now.date()).days <= 7
    assert (friday.hour, friday.minute) == (9, 0)


# ------------------------------------------------------------------------------ default_followup


@pytest.mark.parametrize(
    ("today", "expected_day"),
    [
        (23, 25),  # Mon -> Wed
        (24, 26),  # Tue -> Thu
        (25, 27),  # Wed -> Fri
        (26, 30),  # Thu -> Mon
        (27, 1),  # Fri -> Tue
        (28, 1),  # Sat -> Tue
        (29, 1),  # Sun -> Tue
    ],
)
def test_default_followup_is_two_working_days_at_nine(today: int, expected_day: int) -> None:
    now = datetime(2026, 11, today, 15, 47, tzinfo=LONDON)
    got = default_followup(now)
    month = 11 if expected_day > today else 12
    assert got == at(2026, month, expected_day)
    assert (got.hour, got.minute) == (9, 0)


def test_default_followup_across_spring_forward() -> None:
    friday = datetime(2027, 3, 26, 16, tzinfo=LONDON)
    got = default_followup(friday)
    assert (got.day, got.hour, got.utcoffset()) == (30, 9, timedelta(hours=1))


# -------------------------------------------------------------------------------- check_not_past


def test_future_and_just_now_are_fine() -> None:
    check_not_past(parse_when("tomorrow", NOW), NOW)
    check_not_past(NOW - timedelta(seconds=50), NOW)


@pytest.mark.parametrize("text", ["yesterday", "today 9am", "2026-11-25 09:58"])
def test_past_times_are_refused_with_the_time_shown(text: str) -> None:
    when = parse_when(text, NOW)
    with pytest.raises(BadInput, match="is in the past") as info:
        check_not_past(when, NOW)
    assert info.value.message.startswith(format_when(when, NOW))
    assert EXAMPLE_HINT in info.value.message


# ------------------------------------------------------------------------------------ format_when


def test_format_when_is_short_in_the_current_year() -> None:
    assert format_when(at(2026, 11, 27), NOW) == "Fri 27 Nov 09:00"
    assert format_when(at(2026, 12, 1, 16, 5), NOW) == "Tue 1 Dec 16:05"


def test_format_when_adds_the_year_when_it_differs() -> None:
    assert format_when(at(2027, 11, 26), NOW) == "Fri 26 Nov 2027 09:00"
    assert format_when(at(2025, 1, 3, 23, 59), NOW) == "Fri 3 Jan 2025 23:59"


def test_format_when_defaults_to_the_local_year() -> None:
    this_year = local_now().replace(month=6, day=1, hour=9, minute=0)
    assert str(this_year.year) not in format_when(this_year)
    assert str(this_year.year + 1) in format_when(this_year.replace(year=this_year.year + 1))


# ------------------------------------------------------------------------------ to_iso / from_iso


def test_iso_round_trip_keeps_the_instant_and_offset() -> None:
    when = at(2027, 7, 1, 15, 30)
    text = to_iso(when)
    assert text == "2027-07-01T15:30:00+01:00"
    back = from_iso(text)
    assert back == when
    assert back.utcoffset() == timedelta(hours=1)


def test_from_iso_naive_means_local_wall_time() -> None:
    got = from_iso("2026-12-01T14:30")
    assert got == at(2026, 12, 1, 14, 30)
    assert got.utcoffset() is not None


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-02-31T09:00", "2026-12-01T25:00", "x" * 500]
)
def test_from_iso_refuses_junk(text: str) -> None:
    with pytest.raises(BadInput, match="ISO time"):
        from_iso(text)


@given(st.datetimes(timezones=st.sampled_from([LONDON, ZoneInfo("Asia/Kolkata"), UTC])))
def test_to_iso_from_iso_round_trip(when: datetime) -> None:
    when = when.replace(microsecond=0)
    back = from_iso(to_iso(when))
    # The same instant comes back, in the local zone (compare in UTC: == across zones is
    # always False for the imaginary times Hypothesis generates inside DST gaps).
    assert back.astimezone(UTC) == when.astimezone(UTC)
    assert back.tzinfo == local_zone()


# ------------------------------------------------------------------------------------ local zone


def test_local_zone_honours_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone() == ZoneInfo("America/New_York")
    monkeypatch.setenv("TZ", ":Europe/Paris")
    assert local_zone() == ZoneInfo("Europe/Paris")
    now = local_now()
    assert now.tzinfo == ZoneInfo("Europe/Paris")
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_local_zone_asks_the_system_without_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    monkeypatch.delenv("TZ")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    assert local_zone() == ZoneInfo("Asia/Tokyo")


def test_local_zone_falls_back_to_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    def broken() -> str:
        raise ValueError("no zone configured")

    monkeypatch.setenv("TZ", "Not/AZone")
    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert local_zone() == ZoneInfo("UTC")


# ------------------------------------------------------------------------------------- robustness

TOKENS = [
    "today", "tomorrow", "tonight", "yesterday", "next", "this", "fri", "tue", "at", "in",
    "+3d", "+99999999999999999999d", "+2wd", "+4h", "3", "days", "working", "weeks", "hours",
    "9am", "12pm", "0am", "13pm", "16:00", "24:00", "noon", "2026-12-01", "0001-01-01",
    "9999-12-31", "2026-12-01T14:30", "2026-12-01T14:30:00+01:00", "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-14:00", "31/02", "Z", "T", ":", "+", "-", "\x00", "\u0663",
]  # fmt: skip


@given(st.one_of(st.text(), st.lists(st.sampled_from(TOKENS), max_size=4).map(" ".join)))
def test_parse_when_returns_aware_or_bad_input(text: str) -> None:
    try:
        got = parse_when(text, NOW)
    except BadInput as exc:
        assert "\n" not in exc.message
        return
    assert got.tzinfo is NOW.tzinfo
    assert got.utcoffset() is not None


@given(st.one_of(st.text(), st.sampled_from(TOKENS)))
def test_from_iso_returns_aware_or_bad_input(text: str) -> None:
    try:
        got = from_iso(text)
    except BadInput:
        return
    assert got.utcoffset() is not None
