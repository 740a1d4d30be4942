"""The promise ledger: every action promised on the call and every progress update owed, as
numbered items of the case, each with a due time and a state (open, done or dropped).

The agreed fix is the first promised action with a date (say the main thing first). When it
is further away than the team's `update_after` working days, progress updates are owed every
`update_every` working days until it is done, because a customer waiting on a long fix should
never have to chase.
Nothing here does I/O; each change appends to the case's history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from calmcli.clock.now import from_iso, to_iso
from calmcli.clock.workdays import Workweek
from calmcli.errors import BadInput

ACTION = "action"
UPDATE = "update"
KINDS = (ACTION, UPDATE)
OPEN, DONE, DROPPED = "open", "done", "dropped"
STATES = (OPEN, DONE, DROPPED)


@dataclass(frozen=True)
class Item:
    n: int
    kind: str
    what: str
    due: datetime | None
    state: str = OPEN
    fix: bool = False
    """The agreed fix: what progress updates and a delay are about."""
    changes: int = 0
    """How often it changed since it was promised: its calendar event's SEQUENCE."""
    why: str = ""
    """Why it last moved, or was dropped."""
    uid: str = ""
    """A random id that never changes: two people promising item 3 on two machines at once
    make two items, which a merge tells apart by this and numbers apart (see
    `domain.merging`). "" in items made before it existed (their number is their id)."""

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n": self.n,
            "kind": self.kind,
            "what": self.what,
            "due": to_iso(self.due) if self.due else None,
            "state": self.state,
        }
        if self.fix:
            data["fix"] = True
        if self.changes:
            data["changes"] = self.changes
        if self.why:
            data["why"] = self.why
        if self.uid:
            data["uid"] = self.uid
        return data

    @classmethod
    def from_data(cls, raw: Any, where: str) -> Item:
        """One item from a case file; a hand edit that broke it gets one message."""

        def bad(what: str) -> BadInput:
            return BadInput(f"{where}: not a valid case file: items: {what}")

        if not isinstance(raw, dict):
            raise bad("each item is a mapping with n, kind, what, due and state")
        n = raw.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise bad(f"'n' must be a whole number from 1, not {n!r}")
        kind, state = raw.get("kind", ACTION), raw.get("state", OPEN)
        if kind not in KINDS:
            raise bad(f"item {n}: 'kind' must be {' or '.join(KINDS)}")
        if state not in STATES:
            raise bad(f"item {n}: 'state' must be one of {', '.join(STATES)}")
        what = raw.get("what")
        if not isinstance(what, str) or not what.strip():
            raise bad(f"item {n}: 'what' must be text")
        try:
            due = from_iso(str(raw["due"])) if raw.get("due") not in (None, "") else None
        except BadInput as exc:
            raise bad(f"item {n}: {exc.message}") from None
        changes = raw.get("changes", 0)
        return cls(
            n=n,
            kind=kind,
            what=what,
            due=due,
            state=state,
            fix=raw.get("fix") is True,
            changes=changes if isinstance(changes, int) and not isinstance(changes, bool) else 0,
            why=str(raw.get("why") or ""),
            uid=str(raw.get("uid") or ""),
        )


def new_uid() -> str:
    """A new item's id (random: two machines must not make the same one)."""
    import secrets

    return secrets.token_hex(4)


def items_of(case: Any) -> list[Item]:
    return list(case.items)


def find(case: Any, n: int) -> Item:
    for item in case.items:
        if item.n == n:
            return item
    numbers = ", ".join(str(i.n) for i in case.items) or "none yet"
    raise BadInput(f"case {case.id} has no item {n} (items: {numbers}; see `calm item list`)")


def _put(case: Any, item: Item) -> None:
    case.items = [item if i.n == item.n else i for i in case.items]


def _next_number(case: Any) -> int:
    return max((i.n for i in case.items), default=0) + 1


def fix_of(case: Any) -> Item | None:
    return next((i for i in case.items if i.fix and i.kind == ACTION), None)


def open_items(case: Any) -> list[Item]:
    return [i for i in case.items if i.is_open]


def promise(
    case: Any, now: datetime, actions: list[tuple[str, datetime | None]], week: Workweek,
    *, update_after: int, update_every: int,
) -> list[Item]:  # fmt: skip
    """Add the actions promised on the call; the first dated one is the agreed fix, unless
    the case has one already. Progress updates are scheduled for a far fix. Returns the new
    items."""
    added = []
    for what, due in actions:
        item = Item(_next_number(case), ACTION, what.strip(), due, uid=new_uid())
        case.items = [*case.items, item]
        added.append(item)
        case.add_event("promised", now, item=item.n, what=item.what, due=_iso(due))
    dated = [i for i in case.items if i.kind == ACTION and i.is_open and i.due is not None]
    current = fix_of(case)
    if dated and (current is None or not current.is_open):
        first = min(dated, key=lambda i: i.n)
        for item in case.items:
            if item.kind == ACTION and item.fix != (item.n == first.n):
                _put(case, replace(item, fix=item.n == first.n))
    if dated:
        plan_updates(case, now, week, update_after=update_after, update_every=update_every)
    return added


def plan_updates(
    case: Any, now: datetime, week: Workweek, *, update_after: int, update_every: int
) -> None:
    """Owe a progress update every `update_every` working days until the fix is due, when it
    is more than `update_after` working days away. Updates no longer needed are dropped."""
    fix = fix_of(case)
    wanted: list[datetime] = []
    far = (
        fix is not None
        and fix.is_open
        and fix.due is not None
        and week.working_days_between(now.date(), fix.due.date()) > update_after
    )
    if far and fix is not None and fix.due is not None:
        day = week.add_days(now.date(), update_every)
        while day < fix.due.date():
            wanted.append(week.morning(day, now))
            day = week.add_days(day, update_every)
    pending = [i for i in case.items if i.kind == UPDATE and i.is_open]
    keep = {i.due for i in pending}
    for item in pending:
        if item.due not in wanted:
            gone = replace(item, state=DROPPED, why="no longer needed", changes=item.changes + 1)
            _put(case, gone)
    what = fix.what if fix is not None else ""
    for when in wanted:
        if when not in keep:
            item = Item(_next_number(case), UPDATE, what, when, uid=new_uid())
            case.items = [*case.items, item]
    if wanted or pending:
        case.add_event("updates_planned", now, count=len(wanted))


def default_checkin(case: Any, now: datetime, week: Workweek, followup_days: int) -> datetime:
    """Unless the user says: the next working morning after the last promised action, or
    `followup_days` working days ahead when nothing is dated."""
    dated = [i.due for i in case.items if i.kind == ACTION and i.is_open and i.due is not None]
    if dated:
        return max(week.next_morning_after(max(dated)), week.followup(now, 0))
    return week.followup(now, followup_days)


def mark_done(case: Any, n: int, now: datetime) -> Item:
    item = find(case, n)
    if item.state == DONE:
        raise BadInput(f"item {n} of case {case.id} is already done")
    done = replace(item, state=DONE, changes=item.changes + 1)
    _put(case, done)
    case.add_event("item_done", now, item=n)
    if item.fix:  # the fix is done: the updates about it are not needed any more
        for other in open_items(case):
            if other.kind == UPDATE:
                _put(case, replace(other, state=DROPPED, why="the fix is done",
                                   changes=other.changes + 1))  # fmt: skip
    return done


def reopen(case: Any, n: int, now: datetime) -> Item:
    item = find(case, n)
    if item.is_open:
        raise BadInput(f"item {n} of case {case.id} is open already")
    opened = replace(item, state=OPEN, changes=item.changes + 1)
    _put(case, opened)
    case.add_event("item_reopened", now, item=n)
    return opened


def move(case: Any, n: int, when: datetime, why: str, now: datetime, week: Workweek, *,
         update_after: int, update_every: int) -> Item:  # fmt: skip
    item = find(case, n)
    if not item.is_open:
        raise BadInput(f"item {n} of case {case.id} is {item.state}; reopen it first")
    if not why.strip():
        raise BadInput("say why it moves (--why): the customer will ask, and so will you")
    moved = replace(item, due=when, why=why.strip(), changes=item.changes + 1)
    _put(case, moved)
    case.add_event("item_moved", now, item=n, before=_iso(item.due), to=_iso(when), why=why)
    if item.fix:
        plan_updates(case, now, week, update_after=update_after, update_every=update_every)
    return moved


def drop(case: Any, n: int, why: str, now: datetime) -> Item:
    item = find(case, n)
    if not item.is_open:
        raise BadInput(f"item {n} of case {case.id} is {item.state} already")
    dropped = replace(item, state=DROPPED, why=why.strip(), changes=item.changes + 1)
    _put(case, dropped)
    case.add_event("item_dropped", now, item=n, why=why)
    if item.fix:
        for other in open_items(case):
            if other.kind == UPDATE:
                _put(case, replace(other, state=DROPPED, why="the fix was dropped",
                                   changes=other.changes + 1))  # fmt: skip
    return dropped


def delay(case: Any, until: datetime, why: str, now: datetime, week: Workweek, *,
          update_after: int, update_every: int) -> Item:  # fmt: skip
    """The agreed fix slipped: move it, plan the updates again, and move the check-in that
    followed the old date to the morning after the new one."""
    fix = fix_of(case)
    if fix is None or not fix.is_open:
        raise BadInput(
            f"case {case.id} has no open agreed fix to delay; record one with `calm log` "
            "(an action with a date), or move a single item with `calm item move`"
        )
    old = fix.due
    moved = move(case, fix.n, until, why, now, week,
                 update_after=update_after, update_every=update_every)  # fmt: skip
    if case.followup_due is not None and (old is None or case.followup_due <= until):
        case.followup_due = week.next_morning_after(until)
    case.add_event("delayed", now, item=fix.n, before=_iso(old), to=_iso(until), why=why)
    return moved


def parse_promise(text: str, now: datetime) -> tuple[str, datetime | None]:
    """A promise as typed: `WHAT @ WHEN` (`Regrout the edge @ fri 9am`), or just `WHAT`."""
    from calmcli.clock.dates import parse_future

    what, sep, when = text.rpartition("@")
    if not sep:
        what, when = text, ""
    if not what.strip():
        raise BadInput(f"{text!r}: say what you promised, then '@ when'")
    if not when.strip():
        return what.strip(), None
    try:
        return what.strip(), parse_future(when.strip(), now)
    except BadInput as exc:
        raise BadInput(f"{text!r}: {exc.message}") from None


def _iso(when: datetime | None) -> str | None:
    return to_iso(when) if when else None
