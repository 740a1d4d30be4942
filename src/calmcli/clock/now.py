"""Now, and the local time zone. Standard library only: the `--check` fast path runs on it."""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
        from calmcli.clock.dates import from_iso

        return from_iso(pinned).astimezone(zone)
    return datetime.now(zone)
