"""Keeping promises: what was agreed on the call, check-ins, the items of the ledger, delays and
messages, each one core function with the settings in force. The commands in `cli/` call these
and show the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.casebook.save import Problems, update
from calmcli.clock.now import local_now
from calmcli.domain import ledger, lifecycle, messages
from calmcli.domain.case import Case
from calmcli.domain.ledger import Item
from calmcli.domain.settings import Settings
from calmcli.errors import BadInput
from calmcli.store import config

Wait = Callable[[], None] | None


@dataclass(frozen=True)
class Done:
    """A change made: the case as saved, and what the user should hear about."""

    case: Case
    notes: tuple[str, ...] = ()
    message: messages.Draft | None = None


def settings() -> Settings:
    return config.load()


def refuse_closed(case: Case, reopen: bool = False) -> None:
    if not case.is_open and not reopen:
        raise BadInput(
            f"case {case.id} is closed; add --reopen to record a new agreement on it",
            details=[f"it was closed {case.closed_at()[:10] or 'earlier'}"],
        )


def log_call(
    case_id: str,
    *,
    option: str,
    actions: list[tuple[str, datetime | None]],
    notes: str,
    next_due: datetime | None,
    reopen: bool = False,
    on_wait: Wait = None,
    on_problem: Problems | None = None,
) -> Done:
    """After the call: the option agreed, the promised actions as items, the next check-in
    (given, or the morning after the last promised action), and the confirmation to send."""
    cfg = settings()
    now = local_now()

    def change(case: Case) -> None:
        refuse_closed(case, reopen)
        if reopen and not case.is_open:
            case.add_event("reopened", now)
        lifecycle.log_outcome(
            case,
            now,
            option=option,
            actions=actions,
            notes=notes,
            next_due=next_due,
            week=cfg.workweek,
            followup_days=cfg.get("followup_days"),
            update_after=cfg.get("update_after"),
            update_every=cfg.get("update_every"),
        )

    case = update(case_id, change, on_wait=on_wait, on_problem=on_problem)
    return Done(case, message=messages.draft(case, "confirm", cfg, now))


def next_checkin_default(case: Case, actions: list[tuple[str, datetime | None]]) -> datetime:
    """The check-in `calm log` would set for these actions: what to offer as the default."""
    cfg = settings()
    now = local_now()
    dated = [due for _, due in actions if due is not None]
    dated += [i.due for i in case.items if i.is_open and i.kind == ledger.ACTION and i.due]
    if dated:
        return cfg.workweek.next_morning_after(max(dated))
    return cfg.workweek.followup(now, cfg.get("followup_days"))


def checkin(
    case_id: str,
    *,
    reached: bool,
    feedback: str,
    satisfaction: str | None,
    close: bool,
    next_due: datetime | None,
    on_wait: Wait = None,
    on_problem: Problems | None = None,
) -> Done:
    """A check-in happened (or a call went unanswered): store it; close the case or set the
    next one. Closing with promises still open says which."""
    cfg = settings()
    now = local_now()
    kept: dict[str, Any] = {}

    def change(case: Case) -> None:
        decision = lifecycle.after_checkin(
            satisfaction=satisfaction,
            close=close,
            next_due=next_due,
            now=now,
            reached=reached,
            intensity=intensity_of(case),
            week=cfg.workweek,
            followup_days=cfg.get("followup_days"),
        )
        kept["open"] = ledger.open_items(case) if decision.close else []
        lifecycle.record_checkin(
            case,
            now,
            reached=reached,
            feedback=feedback,
            satisfaction=satisfaction,
            decision=decision,
        )

    case = update(case_id, change, on_wait=on_wait, on_problem=on_problem)
    notes = []
    if kept["open"]:
        listed = "; ".join(f"{i.n}. {i.what}" for i in kept["open"])
        notes.append(f"Closed with promises still open: {listed}. Their reminders are cancelled.")
    kind = "thanks" if not case.is_open else "update"
    return Done(case, tuple(notes), messages.draft(case, kind, cfg, now))


def retry_default(case: Case) -> datetime:
    """When to try a customer again after a missed call (see `lifecycle.retry_time`)."""
    cfg = settings()
    return lifecycle.retry_time(local_now(), intensity_of(case), cfg.workweek)


def intensity_of(case: Case) -> int | None:
    """How strongly the customer felt it, 1 to 5: from the answers through the tree's roles
    (an `intensity` question, or the strongest of the rated feelings)."""
    from calmcli.domain import situation
    from calmcli.errors import CalmError
    from calmcli.tree import registry

    try:
        level = situation.read(registry.by_name(case.tree_id), case.answers).level
    except (CalmError, KeyError, TypeError, ValueError):
        level = None
    if level is None:
        value = case.answers.get("intensity")
        level = value if isinstance(value, int) and not isinstance(value, bool) else None
    return level


def change_item(
    case_id: str,
    action: str,
    n: int | None,
    *,
    when: datetime | None = None,
    why: str = "",
    what: str = "",
    on_wait: Wait = None,
    on_problem: Problems | None = None,
) -> tuple[Case, Item]:
    """`done`, `reopen`, `move` (to `when`, with `why`), `drop` (with `why`) or `add` an item."""
    cfg = settings()
    now = local_now()
    changed: list[Item] = []
    knobs = {"update_after": cfg.get("update_after"), "update_every": cfg.get("update_every")}

    def change(case: Case) -> None:
        refuse_closed(case)
        if action == "add":
            changed.extend(ledger.promise(case, now, [(what, when)], cfg.workweek, **knobs))
            return
        assert n is not None
        if action == "done":
            changed.append(ledger.mark_done(case, n, now))
        elif action == "reopen":
            changed.append(ledger.reopen(case, n, now))
        elif action == "move":
            assert when is not None
            changed.append(ledger.move(case, n, when, why, now, cfg.workweek, **knobs))
        elif action == "drop":
            changed.append(ledger.drop(case, n, why, now))
        else:  # pragma: no cover - the CLI offers only the four above
            raise AssertionError(action)

    case = update(case_id, change, on_wait=on_wait, on_problem=on_problem)
    return case, changed[0]


def delay(
    case_id: str,
    until: datetime,
    why: str,
    *,
    on_wait: Wait = None,
    on_problem: Problems | None = None,
) -> Done:
    """The agreed fix slipped: it moves, the updates and the check-in follow, and a delay
    notice is drafted."""
    if not why.strip():
        raise BadInput("say why it slipped (--why): the customer deserves the reason")
    cfg = settings()
    now = local_now()
    before: dict[str, Any] = {}

    def change(case: Case) -> None:
        refuse_closed(case)
        fix = ledger.fix_of(case)
        before["due"] = fix.due if fix else None
        ledger.delay(
            case,
            until,
            why,
            now,
            cfg.workweek,
            update_after=cfg.get("update_after"),
            update_every=cfg.get("update_every"),
        )

    case = update(case_id, change, on_wait=on_wait, on_problem=on_problem)
    from calmcli.clock.dates import format_when

    old = format_when(before["due"], now) if before.get("due") else ""
    draft = messages.draft(case, "delay", cfg, now, why=why, old_date=old)
    return Done(case, message=draft)


def message(case: Case, kind: str | None) -> messages.Draft:
    cfg = settings()
    now = local_now()
    return messages.draft(case, kind or messages.suggested_kind(case, now), cfg, now)


def mark_sent(case_id: str, kind: str, *, on_wait: Wait = None) -> Case:
    now = local_now()
    return update(case_id, lambda c: messages.record_sent(c, kind, now), on_wait=on_wait)
