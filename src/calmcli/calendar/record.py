"""What calm has put on the calendar server: per case, each event's address, its ETag and the
fingerprint of what was sent. A PUT or DELETE only goes over the ETag recorded here, so an
event changed or deleted on the server by hand is noticed (and reported), never overwritten
without being asked. Kept per machine, beside the outbox; tied to one account."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from calmcli.calendar.account import Account, Budget, OutOfTime
from calmcli.files import paths
from calmcli.files.atomic import atomic_write, is_calm_temp

CHANGED = "changed"
DELETED = "deleted"


def root() -> Path:
    return paths.state_dir() / "calendar"


def folder() -> Path:
    return root() / "sent"


@dataclass(frozen=True)
class Sent:
    href: str
    etag: str
    fingerprint: str
    summary: str
    start: str
    revision: int = 0
    hand: str = ""  # CHANGED or DELETED: someone changed it on the server; calm left it

    def but(self, **changes: Any) -> Sent:
        return replace(self, **changes)


def load(account: Account, case_id: str) -> dict[str, Sent]:
    try:
        data = json.loads((folder() / f"{case_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("account") != account.key:
        return {}
    out = {}
    for uid, fields in (data.get("events") or {}).items():
        with contextlib.suppress(TypeError):
            out[uid] = Sent(**fields)
    return out


def save(account: Account, case_id: str, events: dict[str, Sent]) -> None:
    path = folder() / f"{case_id}.json"
    if not events:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    payload = {"account": account.key, "events": {u: asdict(s) for u, s in events.items()}}
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=1))


def case_ids() -> list[str]:
    try:
        names = [e.name for e in os.scandir(folder())]
    except OSError:
        return []
    return sorted(n[:-5] for n in names if n.endswith(".json") and not is_calm_temp(n))


def everything(account: Account) -> Iterator[tuple[str, dict[str, Sent]]]:
    for case_id in case_ids():
        events = load(account, case_id)
        if events:
            yield case_id, events


def clear() -> None:
    """Forget everything about the server (after disconnecting)."""
    shutil.rmtree(folder(), ignore_errors=True)


@contextlib.contextmanager
def sending(budget: Budget) -> Iterator[None]:
    """One calm at a time talks to the server from this machine; another waits its turn
    within its own time budget."""
    from filelock import FileLock, Timeout

    root().mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root() / "sending.lock"))
    try:
        lock.acquire(timeout=max(budget.left(), 0.01))
    except Timeout:
        raise OutOfTime(
            f"another calm is sending to the calendar and did not finish within "
            f"{budget.seconds:g} s"
        ) from None
    try:
        yield
    finally:
        lock.release()
