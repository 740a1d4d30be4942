"""Finding cases by reference and changing them safely: lock, re-read, change, write, unlock.

Each change appends to the case's history and keeps the reminder file in step with the next
check-in (same UID, higher SEQUENCE, so a calendar updates the event instead of adding one).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.store import cases as store
from calmcli.store import index

SATISFACTION = ("satisfied", "partly", "not")
LOCK_PATIENCE = 1.0
LOCK_GIVE_UP = 60.0


def find(ref: str, rows: list[index.Row]) -> index.Row:
    """A case by full id, unique id prefix, or customer name (exact, then partial)."""
    ref = ref.strip()
    if not ref:
        raise BadInput("name a case: its id, the start of its id, or the customer's name")
    for row in rows:
        if row.id == ref:
            return row
    folded = ref.casefold()
    for matcher in (
        lambda r: r.id.startswith(ref),
        lambda r: r.customer.casefold() == folded,
        lambda r: folded in r.customer.casefold(),
    ):
        found = [r for r in rows if matcher(r)]
        if len(found) == 1:
            return found[0]
        if found:
            found.sort(key=lambda r: r.created, reverse=True)
            raise BadInput(
                f"{ref!r} matches {len(found)} cases; use the case id",
                details=[f"{r.id}  {r.customer}  ({r.status})" for r in found[:20]],
            )
    names = {r.id: r for r in rows} | {r.customer: r for r in rows}
    close = difflib.get_close_matches(ref, list(names), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise BadInput(f"no case matches {ref!r}{hint} (see `calm list`)")


def resolve(ref: str) -> store.Case:
    """Load the case `ref` names."""
    row = find(ref, index.refresh().rows)
    return store.load_case(store.case_path(row.id))


def _lock_path(case_id: str) -> Path:
    """Locks live beside the index (per machine, never synced); if the cache cannot be
    written, in a hidden folder of CALM_HOME instead."""
    for folder in (index._index_dir() / "locks", paths.calm_home() / ".locks"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        return folder / f"{case_id}.lock"
    raise CalmError(
        f"could not create a lock folder in {index._index_dir()} or {paths.calm_home()}"
    )


def update(
    case_id: str,
    change: Callable[[store.Case], None],
    *,
    on_wait: Callable[[], None] | None = None,
) -> store.Case:
    """Apply `change` under the case's lock to a fresh read of it, then write it atomically."""
    from filelock import FileLock, Timeout

    path = _lock_path(case_id)
    lock = FileLock(str(path))
    waited = 0.0
    while True:
        try:
            lock.acquire(timeout=LOCK_PATIENCE)
            break
        except Timeout:
            waited += LOCK_PATIENCE
            if waited >= LOCK_GIVE_UP:
                raise CalmError(f"case {case_id} stayed busy for {LOCK_GIVE_UP:.0f} s") from None
            if on_wait is not None:
                on_wait()
    try:
        case = store.load_case(store.case_path(case_id))
        change(case)
        store.save_case(case)
        sync_reminder(case)
        return case
    finally:
        lock.release()


def sync_reminder(case: store.Case) -> Path | None:
    """Rewrite the reminder for the next check-in, or remove it when nothing is scheduled."""
    from calmcli.files.atomic import atomic_write

    path = store.reminder_path(case.id)
    if case.status != "open" or case.followup_due is None:
        path.unlink(missing_ok=True)
        return None
    atomic_write(path, reminder_for(case))
    return path


def reminder_for(case: store.Case) -> bytes:
    """The .ics for the case's next check-in: the same UID every time, a SEQUENCE that grows
    with the history and a DTSTAMP of the last change, so a re-import updates the event."""
    from calmcli.domain.reminders import build_reminder

    if case.status != "open" or case.followup_due is None:
        raise BadInput(f"case {case.id} has no check-in scheduled, so there is no reminder")
    try:
        return build_reminder(
            case_id=case.id,
            customer=case.customer,
            job=case.job,
            phone=case.phone,
            planned=case.planned,
            due=case.followup_due,
            now=_event_time(case),
            sequence=len(case.history),
        )
    except (OverflowError, ValueError) as exc:
        raise BadInput(
            f"case {case.id}: cannot make a reminder for {case.followup_due}: {exc}"
        ) from None


def _event_time(case: store.Case) -> datetime:
    from calmcli.clock import dates

    if case.history:
        try:
            return dates.from_iso(str(case.history[-1].get("at")))
        except BadInput:
            pass
    return case.created


# -- the changes -------------------------------------------------------------------------------


def log_outcome(
    case: store.Case,
    now: datetime,
    *,
    option: str,
    actions: list[tuple[str, datetime | None]],
    notes: str,
    next_due: datetime,
) -> None:
    """What was agreed on the call: the option, the promised actions, notes; the next check-in."""
    from calmcli.clock import dates

    case.outcome = {
        "at": dates.to_iso(now),
        "option": option,
        "actions": [{"what": w, "due": dates.to_iso(d) if d else None} for w, d in actions],
        "notes": notes,
    }
    if option:
        case.planned = f"Agreed: {option}"
    case.status = "open"
    case.followup_due = next_due
    case.add_event("logged", now, option=option, next=dates.to_iso(next_due))


def record_checkin(
    case: store.Case,
    now: datetime,
    *,
    reached: bool,
    feedback: str,
    satisfaction: str | None,
    close: bool,
    next_due: datetime | None,
) -> None:
    """A check-in happened: store what the customer said; close or schedule the next one."""
    from calmcli.clock import dates

    if satisfaction is not None and satisfaction not in SATISFACTION:
        raise BadInput(
            f"satisfaction must be one of {', '.join(SATISFACTION)}, not {satisfaction!r}"
        )
    if close and next_due is not None:
        raise BadInput("choose either --close or --next, not both")
    if not close and next_due is None:
        raise BadInput("say when the next check-in is (--next WHEN), or close the case (--close)")
    case.checkins.append(
        {
            "at": dates.to_iso(now),
            "reached": reached,
            "feedback": feedback,
            "satisfaction": satisfaction,
        }
    )
    details: dict[str, Any] = {"reached": reached, "satisfaction": satisfaction}
    if close:
        case.status = "closed"
        case.followup_due = None
        case.add_event("closed", now, **details)
    else:
        assert next_due is not None
        case.followup_due = next_due
        case.add_event("checked_in", now, next=dates.to_iso(next_due), **details)


def snooze(case: store.Case, now: datetime, until: datetime) -> None:
    from calmcli.clock import dates

    if case.status != "open":
        raise BadInput(f"case {case.id} is closed; there is no check-in to move")
    before = dates.to_iso(case.followup_due) if case.followup_due else None
    case.followup_due = until
    case.add_event("snoozed", now, before=before, until=dates.to_iso(until))
