"""The outbox: what this machine still has to send to the calendar server.

After every save of a case, while the case book is locked, its wanted events are queued here
as one file (the case's whole calendar, so the newest file of a case is all that counts).
Files are written atomically and removed only once sent, so the queue survives kill -9, a
full disk aside. It lives in the state folder of this machine (never in the synced
`$CALM_HOME`): the server, and what was sent to it, are this machine's business.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from calmcli.calendar.events import Wanted
from calmcli.clock.now import local_now, to_iso
from calmcli.files import paths
from calmcli.files.atomic import atomic_write, is_calm_temp


def folder() -> Path:
    return paths.state_dir() / "calendar" / "outbox"


@dataclass(frozen=True)
class Queued:
    """One case's calendar as it was after one save."""

    case_id: str
    revision: int
    queued: str
    events: list[Wanted]
    path: Path


def put(case_id: str, revision: int, events: list[Wanted]) -> Path:
    """Queue the case's calendar after a save; the file's name orders it after the others
    of the same case."""
    payload = {
        "case": case_id,
        "revision": revision,
        "queued": to_iso(local_now()),
        "events": [e.to_data() for e in events],
    }
    path = folder() / f"{case_id}.{revision:09d}.{time.time_ns()}.json"
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=1))
    return path


def _files() -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder()))
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".json") and not is_calm_temp(entry.name):
            yield Path(entry.path)


def count() -> int:
    """How many saves wait to be sent (one case saved three times counts three)."""
    return sum(1 for _ in _files())


def cases_waiting() -> int:
    return len({p.name.split(".", 1)[0] for p in _files()})


def oldest() -> str | None:
    """When the oldest waiting change was queued."""
    times = [q.queued for q in map(_read, _files()) if q is not None]
    return min(times) if times else None


def pending() -> list[tuple[Queued, list[Path]]]:
    """Per case, oldest first: its newest queued calendar and every file it replaces."""
    by_case: dict[str, list[Path]] = {}
    for path in sorted(_files(), key=_order):
        by_case.setdefault(path.name.split(".", 1)[0], []).append(path)
    out = []
    for files in by_case.values():
        for newest in reversed(files):
            found = _read(newest)
            if found is not None:
                out.append((found, files))
                break
        else:  # none readable (not calm's writing): `calm calendar sync` rebuilds from the case
            drop(files)
    return out


def drop(files: list[Path]) -> None:
    for path in files:
        for each in (path, _marker(path)):
            with contextlib.suppress(FileNotFoundError):
                each.unlink()


def mark_waiting() -> None:
    """Note that what is queued now could not be sent: when it goes out later, the command
    that sends it says so. (A mark, not a rewrite: the file itself may be going out.)"""
    for path in _files():
        with contextlib.suppress(OSError):
            _marker(path).touch(exist_ok=True)


def was_waiting(path: Path) -> bool:
    return _marker(path).exists()


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".waiting")


def clear() -> int:
    files = list(_files())
    drop(files)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder()):
            if entry.name.endswith(".waiting"):
                Path(entry.path).unlink()
    return len(files)


def _order(path: Path) -> tuple[str, int, int]:
    case, *rest = path.name.split(".")
    try:
        return case, int(rest[0]), int(rest[1])
    except (IndexError, ValueError):
        return case, 0, 0


def _read(path: Path) -> Queued | None:
    """A queued file, or None for one calm cannot read (it is dropped with its case's next
    send: a newer one replaces it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Queued(
            case_id=str(data["case"]),
            revision=int(data["revision"]),
            queued=str(data.get("queued", "")),
            events=[Wanted.from_data(e) for e in data["events"]],
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
