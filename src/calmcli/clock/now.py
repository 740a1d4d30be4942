"""Now, the local time zone, and times as ISO text. Standard library only: the `--check` fast
path runs on it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calmcli.errors import BadInput

MAX_INPUT_CHARS = 100

LOCALTIME = "/etc/localtime"


def local_zone(*, named: bool = True) -> tzinfo:
    """The machine's zone as a `ZoneInfo`, so daylight-saving rules travel with stored times.

    `TZ` wins when it names an IANA zone (tests and users on shared servers rely on it). Then,
    when the zone's name matters (a reminder's TZID), the system setting via tzlocal; when only
    its rules do (deciding what is due today), /etc/localtime read directly, which is quicker.
    UTC last, because a follow-up an hour off beats a crash.
    """
    env = os.environ.get("TZ", "").strip().removeprefix(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # e.g. a POSIX rule like "EST5EDT,M3.2.0,M11.1.0": ask the system instead
    if not named:
        try:
            with open(LOCALTIME, "rb") as fh:  # noqa: PTH123 (no pathlib on the fast path)
                return ZoneInfo.from_file(fh)
        except (OSError, ValueError):
            pass
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name:
            return ZoneInfo(name)
    except Exception:  # tzlocal raises assorted errors on odd systems; UTC is a safe answer
        pass
    return ZoneInfo("UTC")


def local_now(*, named: bool = True) -> datetime:
    """The current time, aware, in the local zone: the `now` every other function expects.

    `CALM_NOW` (an ISO time) pins the clock, for tests and for trying out time-dependent views.
    """
    zone = local_zone(named=named)
    pinned = os.environ.get("CALM_NOW")
    if pinned:
        return _pinned(pinned).astimezone(zone)
    return datetime.now(zone)


def _pinned(text: str) -> datetime:
    """`CALM_NOW` read strictly: a time calm can count days and years from, or a clear error."""
    try:
        when = from_iso(text)
    except BadInput:
        raise BadInput(
            f'CALM_NOW is set to "{quote(text)}", which is not a time; '
            "use an ISO time like 2026-12-01T09:00, or unset it"
        ) from None
    if not 1971 <= when.year <= 9000:
        raise BadInput(
            f'CALM_NOW is set to "{quote(text)}": calm works with times from 1971 to 9000'
        )
    return when


def to_iso(dt: datetime) -> str:
    """Serialise an aware datetime with its offset, so a stored time means one instant forever.

    Precision is seconds; follow-ups are never finer than that. Naive input is a caller bug.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("to_iso needs a timezone-aware datetime")
    return dt.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """Read back what `to_iso` wrote (or an ISO time from a hand-edited file) as an aware datetime.

    An aware time comes back in the local zone (same instant), so reminders and listings carry
    the zone's name and its daylight-saving rules. A naive time is taken as local wall time, since
    that is what a person editing a file by hand means. Junk raises `BadInput`, never ValueError,
    because the text may come from a file the user edited.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_CHARS or not text.strip():
        shown = quote(text) if isinstance(text, str) else type(text).__name__
        raise BadInput(f'can\'t read "{shown}" as an ISO time: expected e.g. "2026-12-01T14:30"')
    try:
        dt = datetime.fromisoformat(text.strip())
        if dt.tzinfo is None or dt.utcoffset() is None:
            return attach(dt.replace(tzinfo=None), local_zone())
        return dt.astimezone(local_zone())
    except (ValueError, OverflowError) as exc:
        raise BadInput(
            f'can\'t read "{quote(text)}" as an ISO time: expected e.g. "2026-12-01T14:30"'
        ) from exc


def attach(naive: datetime, zone: tzinfo | None) -> datetime:
    """Give a naive wall time a zone, resolving DST gaps and folds by a round trip through UTC.

    Inside a spring-forward gap the wall time moves forward by the gap (01:30 -> 02:30 in
    Europe/London); in a fall-back fold it is the first occurrence (fold=0).
    """
    aware = naive.replace(tzinfo=zone, fold=0)
    try:
        return aware.astimezone(UTC).astimezone(zone)
    except (OverflowError, ValueError):
        raise BadInput(
            f"{naive.isoformat(' ', 'minutes')} is outside the range calm can handle"
        ) from None


def quote(text: str, limit: int = 40) -> str:
    """The user's input fit for a one-line message: stripped, shortened, controls escaped."""
    s = text.strip()
    if len(s) > limit:
        s = s[:limit] + "..."
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)
