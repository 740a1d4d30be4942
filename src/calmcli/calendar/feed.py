"""The calendar feed: one `.ics` file with every open check-in and promise, for calendars
that subscribe to a file or a web address instead of being written to (a file in a synced
folder, served by Nextcloud, Dropbox or any web server).

A subscriber replaces its copy with the file each time it looks, so the feed holds only what
is still owed; nothing needs cancelling. Times are in UTC, which every calendar shows in its
own zone, so the file needs no time-zone definitions. Each event carries the case's id
(`X-CALM-CASE`), so a change to one case rewrites only that case's events: the file is
never rebuilt from every case except by `calm calendar feed` and `calm calendar sync`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from datetime import UTC
from pathlib import Path

from calmcli.domain.case import Case
from calmcli.domain.reminders import PRODID, entries_for, event_file
from calmcli.errors import BadInput, CalmError
from calmcli.files.atomic import atomic_write

CASE_PROPERTY = "X-CALM-CASE"
HEADER = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    f"PRODID:{PRODID}",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:calm",
    "X-WR-CALDESC:Check-ins and promises to customers (calm)",
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
]
_CASE_LINE = re.compile(rf"^{CASE_PROPERTY}:(.*)$", re.MULTILINE)
MAX_BYTES = 64 * 1024 * 1024


def events_of(case: Case, *, alarm_minutes: int) -> list[str]:
    """The case's open events as VEVENT blocks, in UTC, each marked with the case."""
    if not case.is_open:
        return []
    entries = [
        dataclasses.replace(e, start=e.start.astimezone(UTC))
        for e in entries_for(case)
        if not e.cancelled
    ]
    if not entries:
        return []
    text = event_file(case, entries, alarm_minutes=alarm_minutes).decode("utf-8")
    return [
        block.replace("BEGIN:VEVENT\r\n", f"BEGIN:VEVENT\r\n{CASE_PROPERTY}:{case.id}\r\n", 1)
        for block in _blocks(text)
    ]


def update(path: Path, case: Case, *, alarm_minutes: int) -> None:
    """Put the case's events in the feed as they are now (a closed case's go)."""
    text = _read(path)
    if text is None:
        rebuild(path, alarm_minutes=alarm_minutes)
        return
    kept = [b for b in _blocks(text) if _case_of(b) != case.id]
    _write(path, kept + events_of(case, alarm_minutes=alarm_minutes))


def rebuild(path: Path, *, alarm_minutes: int) -> int:
    """The whole feed from every open case; the number of events in it."""
    from calmcli.store import cases, index

    if _read(path) is None and path.exists():
        raise BadInput(f"{path} is not calm's feed; calm will not write over it")
    blocks: list[str] = []
    for row in index.open_rows().rows:
        with contextlib.suppress(CalmError):  # an unreadable case is reported by listings
            blocks += events_of(
                cases.load_case(cases.case_path(row.id)), alarm_minutes=alarm_minutes
            )
    _write(path, blocks)
    return len(blocks)


def check_target(path: Path) -> Path:
    """Where a feed may go: a file (new, or calm's feed already) in a folder that exists."""
    path = path.expanduser().absolute()
    if path.is_dir():
        raise BadInput(f"{path} is a folder; give a file name, like {path / 'calm.ics'}")
    if not path.parent.is_dir():
        raise BadInput(f"there is no folder {path.parent}")
    if path.suffix.lower() != ".ics":
        raise BadInput(f"{path}: a calendar feed's name ends in .ics")
    if path.exists() and _read(path) is None:
        raise BadInput(f"{path} is not calm's feed; calm will not write over it")
    return path


def _read(path: Path) -> str | None:
    """The feed's text, or None if there is none, or it is not calm's."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if f"PRODID:{PRODID}" in text and "X-WR-CALNAME:calm" in text else None


def _write(path: Path, blocks: list[str]) -> None:
    body = "".join(blocks)
    atomic_write(path, "\r\n".join(HEADER) + "\r\n" + body + "END:VCALENDAR\r\n")


def _blocks(text: str) -> list[str]:
    """Every VEVENT of a calendar text, each as its own CRLF lines (folding kept)."""
    out, current = [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line == "BEGIN:VEVENT":
            current = [line]
        elif current is not None:
            current.append(line)
            if line == "END:VEVENT":
                out.append("\r\n".join(current) + "\r\n")
                current = None
    return out


def _case_of(block: str) -> str | None:
    found = _CASE_LINE.search(block.replace("\r\n", "\n"))
    return found.group(1).strip() if found else None
