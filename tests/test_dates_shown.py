"""A date calm shows can be typed back: what `format_when` prints, `parse_when` reads, so a
default calm offers ("Fri 4 Dec 09:00") is accepted as it stands."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmcli.clock.dates import format_when, parse_when
from calmcli.errors import BadInput

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)


@given(st.integers(min_value=0, max_value=3 * 365 * 24 * 60))
def test_what_calm_shows_reads_back_as_the_same_minute(minutes: int) -> None:
    when = (NOW + timedelta(minutes=minutes)).astimezone(LONDON).replace(second=0)
    shown = format_when(when, NOW)
    assert parse_when(shown, NOW) == when, shown


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4 dec", "Fri 4 Dec 09:00"),
        ("fri 4 dec 2pm", "Fri 4 Dec 14:00"),
        ("2 jan", "Sat 2 Jan 2027 09:00"),  # no year, already past this year: next year
        ("Sat 4 Dec 2027 14:30", "Sat 4 Dec 2027 14:30"),
    ],
)
def test_dates_in_calms_own_words(typed: str, expected: str) -> None:
    assert format_when(parse_when(typed, NOW), NOW) == expected


def test_a_weekday_that_does_not_match_the_date_is_refused_with_the_reason() -> None:
    with pytest.raises(BadInput, match="4 Dec 2026 is a Fri"):
        parse_when("Thu 4 Dec", NOW)
