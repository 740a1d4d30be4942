"""The changes a case goes through after `calm new`: what was agreed, check-ins, moving a
check-in, the review. Each takes the case and the time, changes the case and appends to its
history; none does I/O (`casebook.save.update` applies them under the lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.clock.dates import default_followup
from calmcli.clock.now import to_iso
from calmcli.domain.case import Case
from calmcli.errors import BadInput

SATISFACTION = ("satisfied", "partly", "not")


def log_outcome(
    case: Case,
    now: datetime,
    *,
    option: str,
    actions: list[tuple[str, datetime | None]],
    notes: str,
    next_due: datetime,
) -> None:
    """What was agreed on the call: the option, the promised actions, notes; the next check-in."""
    case.outcome = {
        "at": to_iso(now),
        "option": option,
        "actions": [{"what": w, "due": to_iso(d) if d else None} for w, d in actions],
        "notes": notes,
    }
    case.status = "open"
    case.followup_due = next_due
    case.add_event("logged", now, option=option, next=to_iso(next_due))


def suggested_option(case: Case) -> str:
    """The option to offer as the default when logging the call: agreed before, else the plan's."""
    return case.agreed or case.offer


@dataclass(frozen=True)
class CheckinDecision:
    """What follows a check-in: close the case, or the next check-in's time."""

    close: bool
    next_due: datetime | None


def after_checkin(
    *, satisfaction: str | None, close: bool, next_due: datetime | None, now: datetime
) -> CheckinDecision:
    """Unless the user said, a satisfied customer's case closes; any other gets another
    check-in two working days ahead."""
    check_satisfaction(satisfaction)
    if close and next_due is not None:
        raise BadInput("choose either --close or --next, not both")
    if close or next_due is not None:
        return CheckinDecision(close, next_due)
    if satisfaction == "satisfied":
        return CheckinDecision(True, None)
    return CheckinDecision(False, default_followup(now))


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
