"""The changes a case goes through after `calm new`: what was agreed, check-ins, moving a
check-in, the review. Each takes the case and the time, changes the case and appends to its
history; none does I/O (`casebook.save.update` applies them under the lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.clock.now import to_iso
from calmcli.clock.workdays import Workweek
from calmcli.domain import ledger
from calmcli.domain.case import Case
from calmcli.errors import BadInput

SATISFACTION = ("satisfied", "partly", "not")
DEFAULT_WEEK = Workweek()


def log_outcome(
    case: Case,
    now: datetime,
    *,
    option: str,
    actions: list[tuple[str, datetime | None]],
    notes: str,
    next_due: datetime | None,
    week: Workweek = DEFAULT_WEEK,
    followup_days: int = 2,
    update_after: int = 3,
    update_every: int = 2,
) -> None:
    """What was agreed on the call: the option and notes; each promised action becomes an item
    of the ledger; the next check-in is the one given, else the morning after the last
    promised action (see `ledger.default_checkin`)."""
    case.outcome = {"at": to_iso(now), "option": option, "notes": notes}
    case.status = "open"
    ledger.promise(case, now, actions, week, update_after=update_after, update_every=update_every)
    case.followup_due = next_due or ledger.default_checkin(case, now, week, followup_days)
    case.add_event("logged", now, option=option, next=to_iso(case.followup_due))


def suggested_option(case: Case) -> str:
    """The option to offer as the default when logging the call: agreed before, else the plan's."""
    return case.agreed or case.offer


@dataclass(frozen=True)
class CheckinDecision:
    """What follows a check-in: close the case, or the next check-in's time."""

    close: bool
    next_due: datetime | None


def after_checkin(
    *,
    satisfaction: str | None,
    close: bool,
    next_due: datetime | None,
    now: datetime,
    reached: bool = True,
    intensity: int | None = None,
    week: Workweek = DEFAULT_WEEK,
    followup_days: int = 2,
) -> CheckinDecision:
    """What follows a check-in, unless the user said: a satisfied customer's case closes; a
    customer not reached is tried again soon (within hours for a very upset one, else the next
    working morning); anyone else gets another check-in `followup_days` working days ahead."""
    check_satisfaction(satisfaction)
    if close and next_due is not None:
        raise BadInput("choose either --close or --next, not both")
    if close or next_due is not None:
        return CheckinDecision(close, next_due)
    if not reached:
        return CheckinDecision(False, retry_time(now, intensity, week))
    if satisfaction == "satisfied":
        return CheckinDecision(True, None)
    return CheckinDecision(False, week.followup(now, followup_days))


def retry_time(now: datetime, intensity: int | None, week: Workweek = DEFAULT_WEEK) -> datetime:
    """When to try again after a missed call: later today for someone very upset (4-5), else
    the next working morning."""
    if intensity is not None and intensity >= 4:
        return week.soon(now)
    return week.next_morning_after(now)


def check_satisfaction(satisfaction: str | None) -> None:
    if satisfaction is not None and satisfaction not in SATISFACTION:
        raise BadInput(
            f"satisfaction must be one of {', '.join(SATISFACTION)}, not {satisfaction!r}"
        )


def record_checkin(
    case: Case,
    now: datetime,
    *,
    reached: bool,
    feedback: str,
    satisfaction: str | None,
    decision: CheckinDecision,
) -> None:
    """A check-in happened: store what the customer said; close or schedule the next one."""
    check_satisfaction(satisfaction)
    if not case.is_open:
        raise BadInput(f"case {case.id} is already closed")
    case.checkins.append(
        {"at": to_iso(now), "reached": reached, "feedback": feedback, "satisfaction": satisfaction}
    )
    details: dict[str, Any] = {"reached": reached, "satisfaction": satisfaction}
    if decision.close:
        case.status = "closed"
        case.followup_due = None
        case.add_event("closed", now, **details)
    else:
        assert decision.next_due is not None
        case.followup_due = decision.next_due
        case.add_event("checked_in", now, next=to_iso(decision.next_due), **details)


def snooze(case: Case, now: datetime, until: datetime) -> None:
    """Move the next check-in."""
    if not case.is_open:
        raise BadInput(f"case {case.id} is closed; there is no check-in to move")
    before = to_iso(case.followup_due) if case.followup_due else None
    case.followup_due = until
    case.add_event("snoozed", now, before=before, until=to_iso(until))


def assign(case: Case, now: datetime, owner: str) -> None:
    """Give the case to someone (their name as `calm config set name` has it; "" for nobody)."""
    owner = " ".join(owner.split())
    if owner == case.owner:
        whose = f"{owner}'s" if owner else "nobody's"
        raise BadInput(f"case {case.id} is {whose} already")
    before = case.owner or None
    case.owner = owner
    case.add_event("assigned", now, before=before, to=owner or None)


def record_review(case: Case, now: datetime, answers: dict[str, Any]) -> None:
    """The contractor's look back: stored whole (the latest replaces an earlier one)."""
    case.review = {"at": to_iso(now), **answers}
    case.add_event("reviewed", now, root_cause=answers.get("root_cause"))


REVIEW_LABELS = (
    ("led_to", "What led to it"),
    ("avoidable", "Avoidable"),
    ("effective", "Resolution effective"),
    ("went_well", "What went well"),
    ("root_cause", "Root cause"),
    ("change", "Change to make"),
    ("lesson", "Lesson"),
)
"""The review's answers in the order and words `calm show` and the crib sheet use."""
