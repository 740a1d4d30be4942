"""Reading and showing follow-up times: "tomorrow 9am", "2 working days", "2026-12-01 14:30".

A contractor types a follow-up time in a hurry, often while the customer is still upset, so the
parser accepts the handful of forms people actually type and refuses everything else with a
one-line `BadInput` that quotes what they typed and shows forms that work. Guessing is worse than
refusing: a call booked for the wrong day breaks a promise to someone who is already unhappy.
That is why slash dates ("03/04": March or April?) are never accepted.

Calendar arithmetic ("tomorrow", "+3d", "fri") is done on the naive local wall clock and the zone
is attached afterwards, so "tomorrow" is 09:00 on the clock even across a DST change. Hour and
minute offsets ("+4h") are elapsed time instead, because "in 4 hours" means four real hours.

Only the standard library is imported here; tzlocal is imported inside `local_zone()` so that
importing this module stays cheap.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from calmcli.clock.now import attach as _attach
from calmcli.clock.now import from_iso, local_now, local_zone, to_iso
from calmcli.clock.now import quote as _quote
from calmcli.errors import BadInput

__all__ = [
    "check_not_past",
    "default_followup",
    "format_when",
    "from_iso",
    "local_now",
    "local_zone",
    "parse_when",
    "to_iso",
]

EXAMPLES = '"tomorrow 9am", "fri", "+3d", "next week", "3 dec 4pm" or "2026-12-01 14:30"'
"""Forms quoted in every refusal, so the user's next attempt is likely to work."""

MAX_INPUT_CHARS = 100
"""Longer input is refused before any regex runs: nobody types a 100-character date."""

MAX_AHEAD = timedelta(days=3653)
"""About ten years. Anything further is a typo (an extra digit), not a real follow-up."""

DEFAULT_TIME = time(9, 0)
"""A date without a time means the start of a working day."""

TONIGHT = time(19, 0)
"""Early enough to still be a polite time to call."""

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_MONTHS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)},
    **{name.lower(): i for i, name in enumerate(_MONTH_ABBR, 1)},
    "sept": 9,
}

_WEEKDAYS: dict[str, int] = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}

_UNITS: dict[str, str] = {
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(
        (
            "wd",
            "working day",
            "working days",
            "workday",
            "workdays",
            "business day",
            "business days",
        ),
        "wd",
    ),  # fmt: skip
}

# Largest count per unit that can still land within MAX_AHEAD; checked before any arithmetic so
# "+99999999999999999999d" can never overflow.
_UNIT_LIMITS: dict[str, int] = {
    "d": MAX_AHEAD.days,
    "w": MAX_AHEAD.days // 7,
    "wd": MAX_AHEAD.days * 5 // 7,
    "h": MAX_AHEAD.days * 24,
    "m": MAX_AHEAD.days * 24 * 60,
}

# re.ASCII so that only 0-9 count as digits (int() would happily read Arabic-Indic digits).
_FLAGS = re.ASCII


class _Lazy:
    """A pattern compiled when first used: `calm followup` shows dates but reads none, and
    compiling these at import cost it 5 ms."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def _re(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._re().fullmatch(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._re().match(text)


_TIME = (
    r"(?:(?P<h12>[0-9]{1,2})(?::(?P<m12>[0-9]{2}))?\s?(?P<ampm>am|pm)"
    r"|(?P<h24>[0-9]{1,2}):(?P<m24>[0-9]{2})"
    r"|(?P<noon>noon))"
)
_TIME_ONLY_RE = _Lazy(rf"(?:at\s)?{_TIME}", _FLAGS)
_DATE_THEN_TIME_RE = _Lazy(rf"(?P<date>.+?)\s(?:at\s)?{_TIME}", _FLAGS)
_ISO_DATE_RE = _Lazy(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})", _FLAGS)
_ISO_DATETIME_RE = _Lazy(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[t ]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,6}))?)?"
    r"(?P<tz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    _FLAGS,
)
_DAY_MONTH_RE = _Lazy(
    r"(?:(?P<wd>[a-z]+),?\s)?(?:(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?\s(?P<m1>[a-z]+)"
    r"|(?P<m2>[a-z]+)\s(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?),?(?:\s(?P<y>[0-9]{4}))?",
    _FLAGS,
)
_WEEKDAY_RE = _Lazy(r"(?:(?:next|this)\s)?(?P<day>[a-z]+)", _FLAGS)
_RELATIVE_RE = _Lazy(
    r"(?:\+\s?|in\s)?(?P<n>[0-9]+)\s?(?P<unit>[a-z]+(?:\s[a-z]+)?)",
    _FLAGS,
)


def parse_when(text: str, now: datetime) -> datetime:
    """Read a follow-up time the way a person types it; refuse anything that needs guessing.

    `now` must be timezone-aware; the result is aware and in `now`'s tzinfo. Input is
    case-insensitive and surrounding whitespace is ignored.

    Accepted forms:

    - `today`, `tomorrow`, `tonight` (today 19:00), `yesterday` (so the caller can refuse it
      as past with a clear message rather than "can't read").
    - a weekday, full or short (`fri`, `friday`): the next such day *strictly after* today, so
      `fri` typed on a Friday means a week later. `this fri` and `next fri` mean the same thing:
      people use "next" inconsistently, and a fixed rule that is easy to state beats a guess
      (the prompts echo the day taken, so nobody has to know the rule).
    - `next week`: Monday of next week.
    - a day and a month, in either order, with an optional weekday and year: `3 dec`,
      `dec 3`, `3rd december 2026`, `Thu 3 Dec` (how calm shows dates, so a date it offers can
      be typed back). Without a year it is the next such day from today; a weekday that does
      not fit the date is refused.
    - offsets: `+3d`, `+2w`, `+4h`, `+30m`, `in 3 days`, `3 days`, `in 2 weeks`, `in 4 hours`,
      and working days (Sat/Sun skipped, counted strictly after today): `+2wd`,
      `2 working days`, `in 2 working days`.
    - ISO: `2026-12-01`, `2026-12-01 14:30`, `2026-12-01T14:30`, `2026-12-01T14:30:00+01:00`
      (an explicit offset or `Z` is converted to `now`'s zone).
    - a time after any date form or alone: `9am`, `9:30am`, `4pm`, `16:00`, `noon`, optionally
      preceded by `at` (`tomorrow 9am`, `fri at 16:00`, `+2wd 9am`). A time alone is today if
      still ahead, else tomorrow.

    A date without a time gets 09:00. `+4h`/`+30m` are elapsed time from now with seconds
    dropped, and cannot take a time of day. Day-based forms are computed on the wall clock, so
    they keep their wall time across DST; a wall time that does not exist (inside a spring-forward
    gap) moves forward by the gap, and an ambiguous one (fall-back) is the first occurrence.

    Raises `BadInput` (and nothing else) for blank input, slash dates, impossible dates or times,
    results more than about 10 years away, input over 100 characters, or anything unrecognised.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs a timezone-aware `now`")  # a bug in the caller
    if not isinstance(text, str):
        raise BadInput(f"can't read {type(text).__name__} as a date: try {EXAMPLES}")
    if len(text) > MAX_INPUT_CHARS:
        raise BadInput(
            f'can\'t read "{_quote(text)}" as a date: it is over {MAX_INPUT_CHARS} characters; '
            f"try {EXAMPLES}"
        )
    if not text.strip():
        raise BadInput(f"no date given: try {EXAMPLES}")
    try:
        return _parse(text, now)
    except (ValueError, OverflowError) as exc:  # belt and braces: the user sees BadInput only
        raise _cant_read(text) from exc


def parse_future(text: str, now: datetime) -> datetime:
    """A follow-up time as typed (`fri 10am`), refused if it is already in the past."""
    when = parse_when(text, now)
    check_not_past(when, now)
    return when


def check_not_past(when: datetime, now: datetime) -> None:
    """Refuse a follow-up in the past, since it would never fire.

    One minute of slack lets "now-ish" times through (the user typed `10:00` at 10:00:40).
    """
    if when < now - timedelta(minutes=1):
        raise BadInput(f"{past(when, now)}; pick a time after now, like {SOON}")


SOON = '"tomorrow 9am" or "2 working days"'


def past(when: datetime, now: datetime) -> str:
    """Why a time is refused as past, in words: "Mon 30 Nov 09:00 is in the past"."""
    return f"{format_when(when, now)} is in the past"


def default_followup(now: datetime) -> datetime:
    """Two working days after today at 09:00: soon enough to show you care, late enough to act.

    Counting starts strictly after today, so Thu -> Mon, Fri -> Tue, and Sat/Sun -> Tue.
    """
    target = _add_working_days(now.date(), 2)
    return _attach(datetime.combine(target, DEFAULT_TIME), now.tzinfo)


def format_when(dt: datetime, now: datetime | None = None) -> str:
    """Show a time compactly, e.g. `Fri 27 Nov 09:00`, adding the year only when it differs.

    The year is compared with `now` (default: the local clock), so the common case stays short
    while a date next year is never mistaken for this year. Names are English on purpose: they
    must match what the parser accepts, whatever the user's locale. `dt` is shown in its own zone.
    """
    current_year = (now if now is not None else local_now()).year
    year = f" {dt.year}" if dt.year != current_year else ""
    return (
        f"{_DAY_ABBR[dt.weekday()]} {dt.day} {_MONTH_ABBR[dt.month - 1]}{year} "
        f"{dt.hour:02d}:{dt.minute:02d}"
    )


# ----------------------------------------------------------------------------- internals


def _parse(text: str, now: datetime) -> datetime:
    """Split off a trailing time of day, read the date part, and combine them."""
    s = " ".join(text.lower().split())

    m = _ISO_DATETIME_RE.fullmatch(s)
    if m:
        return _parse_iso_datetime(text, m, now)

    time_match = _TIME_ONLY_RE.fullmatch(s)
    if time_match:
        wall = _read_time(text, time_match)
        today = now.date()
        candidate = _attach(datetime.combine(today, wall), now.tzinfo)
        if candidate > now:
            return candidate
        return _attach(datetime.combine(today + timedelta(days=1), wall), now.tzinfo)

    date_part, wall_opt = s, None
    dt_match = _DATE_THEN_TIME_RE.fullmatch(s)
    if dt_match:
        date_part, wall_opt = dt_match["date"], _read_time(text, dt_match)

    result = _read_date(text, date_part, now)
    if isinstance(result, datetime):  # +4h / +30m: already an instant
        if wall_opt is not None:
            raise BadInput(
                f'can\'t read "{_quote(text)}" as a date: "{date_part}" already sets the time, '
                f"so leave the time of day off; try {EXAMPLES}"
            )
        return result
    if wall_opt is None:
        wall_opt = TONIGHT if date_part == "tonight" else DEFAULT_TIME
    return _attach(datetime.combine(result, wall_opt), now.tzinfo)


def _read_date(text: str, part: str, now: datetime) -> date | datetime:
    """A calendar date for day-based forms, or an aware instant for hour/minute offsets."""
    today = now.date()
    fixed = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
    if part in fixed:
        return today + timedelta(days=fixed[part])
    if part == "next week":
        return today + timedelta(days=7 - today.weekday())

    m = _ISO_DATE_RE.fullmatch(part)
    if m:
        target = _make_date(text, int(m["y"]), int(m["mo"]), int(m["d"]))
        _check_range(text, target, today)
        return target

    m = _WEEKDAY_RE.fullmatch(part)
    if m and m["day"] in _WEEKDAYS:
        ahead = (_WEEKDAYS[m["day"]] - today.weekday() - 1) % 7 + 1  # 1..7, never today
        return today + timedelta(days=ahead)

    m = _RELATIVE_RE.fullmatch(part)
    if m and m["unit"] in _UNITS:
        return _apply_offset(text, int(m["n"]), _UNITS[m["unit"]], now)

    m = _DAY_MONTH_RE.fullmatch(part)
    if m and (m["m1"] or m["m2"]) in _MONTHS and (m["wd"] is None or m["wd"] in _WEEKDAYS):
        return _day_month(text, m, today)

    raise _cant_read(text)


def _day_month(text: str, m: re.Match[str], today: date) -> date:
    """`3 dec`, `Thu 3 Dec 2026`. Without a year: the next such day from today on, unless the
    weekday given fits this year's (already past) day, which is then what was meant."""
    month, day = _MONTHS[m["m1"] or m["m2"]], int(m["d1"] or m["d2"])
    weekday = _WEEKDAYS[m["wd"]] if m["wd"] else None
    if m["y"]:
        target = _make_date(text, int(m["y"]), month, day)
    else:
        this_year = _valid(today.year, month, day)
        ahead = (_valid(y, month, day) for y in range(today.year, today.year + 9))
        found = next((d for d in ahead if d is not None and d >= today), None)
        if this_year is not None and this_year.weekday() == weekday:
            found = this_year
        if found is None:
            raise _cant_read(text, f"{_MONTH_NAMES[month - 1]} has no day {day}")
        target = found
    _check_range(text, target, today)
    if weekday is not None and weekday != target.weekday():
        shown = f"{target.day} {_MONTH_ABBR[month - 1]} {target.year}"
        raise _cant_read(text, f"{shown} is a {_DAY_NAMES[target.weekday()]}")
    return target


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _apply_offset(text: str, n: int, unit: str, now: datetime) -> date | datetime:
    """Day-like units move the calendar date; hours and minutes move the instant."""
    if n > _UNIT_LIMITS[unit]:
        raise _too_far(text)
    today = now.date()
    if unit == "d":
        target = today + timedelta(days=n)
    elif unit == "w":
        target = today + timedelta(weeks=n)
    elif unit == "wd":
        target = _add_working_days(today, n)
    else:
        delta = timedelta(hours=n) if unit == "h" else timedelta(minutes=n)
        start = now.replace(second=0, microsecond=0)
        instant = (start.astimezone(UTC) + delta).astimezone(now.tzinfo)
        _check_range(text, instant.date(), today)
        return instant
    _check_range(text, target, today)
    return target


def _parse_iso_datetime(text: str, m: re.Match[str], now: datetime) -> datetime:
    """A full ISO date-time; an explicit offset names an instant, which we show in now's zone."""
    target = _make_date(text, int(m["y"]), int(m["mo"]), int(m["d"]))
    wall = _make_time(text, int(m["h"]), int(m["mi"]), int(m["s"] or 0))
    micro = int((m["frac"] or "0").ljust(6, "0"))
    naive = datetime.combine(target, wall).replace(microsecond=micro)
    tz = m["tz"]
    if tz is None:
        _check_range(text, target, now.date())
        return _attach(naive, now.tzinfo)
    if tz == "z":
        offset = timedelta(0)
    else:
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise _cant_read(text, f"{tz} is not a UTC offset")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if tz[0] == "-" else 1)
    # Check the range on the date before converting, so year 9999 cannot overflow.
    _check_range(text, target, now.date())
    return naive.replace(tzinfo=timezone(offset)).astimezone(now.tzinfo)


def _read_time(text: str, m: re.Match[str]) -> time:
    """The wall time from a `_TIME` match, refusing `25:00`, `13pm` and `0am`."""
    if m["noon"]:
        return time(12, 0)
    if m["ampm"]:
        hour, minute = int(m["h12"]), int(m["m12"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            shown = f"{m['h12']}{':' + m['m12'] if m['m12'] else ''}{m['ampm']}"
            raise _cant_read(text, f"{shown} is not a time of day (use 1-12 with am/pm)")
        hour = hour % 12 + (12 if m["ampm"] == "pm" else 0)
        return time(hour, minute)
    return _make_time(text, int(m["h24"]), int(m["m24"]))


def _make_time(text: str, hour: int, minute: int, second: int = 0) -> time:
    """A 24-hour wall time, refused with a reason instead of a ValueError."""
    if hour > 23 or minute > 59 or second > 59:
        raise _cant_read(text, f"{hour:02d}:{minute:02d} is not a time of day (use 00:00-23:59)")
    return time(hour, minute, second)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    """A calendar date, with a reason that names the impossible day (`2026-02-31`)."""
    if not 1 <= month <= 12:
        raise _cant_read(text, f"there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise _cant_read(text, f"{_MONTH_NAMES[month - 1]} {year} has no day {day}") from None


def _add_working_days(start: date, n: int) -> date:
    """`n` Mon-Fri days strictly after `start`; from a weekend, Monday is the first."""
    if n <= 0:
        return start
    if start.weekday() >= 5:  # count from the Friday before: same answer, simpler maths
        start -= timedelta(days=start.weekday() - 4)
    weeks, rest = divmod(n, 5)
    target = start + timedelta(weeks=weeks)
    for _ in range(rest):
        target += timedelta(days=3 if target.weekday() == 4 else 1)
    return target


def _check_range(text: str, target: date, today: date) -> None:
    """Refuse dates more than ~10 years away: almost certainly a typo, and safe from overflow."""
    if target.toordinal() - today.toordinal() > MAX_AHEAD.days:
        raise _too_far(text)
    if today.toordinal() - target.toordinal() > MAX_AHEAD.days:
        raise BadInput(
            f'"{_quote(text)}" is more than 10 years in the past; pick a time after now, '
            f"like {EXAMPLES}"
        )


def _too_far(text: str) -> BadInput:
    return BadInput(
        f'"{_quote(text)}" is too far ahead: pick a time within the next 10 years, like {EXAMPLES}'
    )


def _cant_read(text: str, reason: str | None = None) -> BadInput:
    why = f"{reason}; try" if reason else "try"
    return BadInput(f'can\'t read "{_quote(text)}" as a date: {why} {EXAMPLES}')


def parse_span(text: str) -> timedelta:
    """A length of time as typed after `--within` or `--since`: `7d`, `2w`, `12h`, or days."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*([dwh]?)\s*", text, _FLAGS)
    if not m:
        raise BadInput(f"can't read {_quote(text)!r} as a span: try 7d, 2w or 12h")
    n, unit = int(m.group(1)), m.group(2) or "d"
    return {"d": timedelta(days=n), "w": timedelta(weeks=n), "h": timedelta(hours=n)}[unit]
