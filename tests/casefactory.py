"""Cases on disk for the follow-up, listing and index tests, written the way calm writes them.

`make_case` goes through `store.create_case` (so ids, file names and the YAML are calm's own) and,
by default, runs the after-save step (`save.after_save`), so a test starts from what `calm new`
leaves behind: a case file, its crib sheet and, for an open case with a check-in, its `.ics`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calmcli.casebook import save
from calmcli.clock import dates
from calmcli.domain.case import Case
from calmcli.store import cases as store
from calmcli.store import indexdb

LONDON = ZoneInfo("Europe/London")


def when(value: datetime | str) -> datetime:
    """A datetime, or an ISO text read as calm reads it (naive text is London wall time)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LONDON)
    return dates.from_iso(value)


def default_answers(customer: str, job: str, phone: str, due: datetime | None) -> dict[str, Any]:
    """A complete set of answers for the built-in `default` tree, consistent with the case."""
    answers: dict[str, Any] = {
        "customer_name": customer,
        "customer_phone": phone,
        "job": job,
        "feelings": {"frustrated": 4},
        "cause": "the grout is the wrong colour",
        "what_happened": "She picked grey from the sample board.",
        "wants": ["redo"],
        "wants_words": "grey grout like the sample",
        "option_1": "Regrout the splashback",
        "option_ratings": {"option_1": {"ease": 3, "cost": 4, "speed": 2}},
    }
    if due is not None:
        answers["followup_at"] = dates.to_iso(due)
    return answers


def make_case(
    customer: str,
    *,
    created: datetime | str,
    due: datetime | str | None,
    status: str = "open",
    job: str = "bathroom tiling",
    phone: str = "07700 900123",
    offer: str = "Regrout the splashback",
    answers: dict[str, Any] | None = None,
    reminder: bool = True,
    history: list[dict[str, Any]] | None = None,
) -> Case:
    """Write a new case through `store.create_case` and return it (with its id set).

    A `created` history event is recorded unless `history` is given. With `reminder` (the
    default) the reminder `.ics` is written for an open case with a check-in, as `calm new` does.
    """
    created_at = when(created)
    due_at = when(due) if due is not None else None
    case = Case(
        id="",
        tree_id="default",
        tree_version=2,
        customer=customer,
        created=created_at,
        phone=phone,
        job=job,
        status=status,
        followup_due=due_at,
        offer=offer,
        answers=dict(answers)
        if answers is not None
        else default_answers(customer, job, phone, due_at),
    )
    if history is None:
        case.add_event("created", created_at, tree="default v2")
    else:
        case.history = [dict(h) for h in history]
    path = store.create_case(case)
    if reminder:
        save.after_save(case, path)
    return case


def case_file(case: Case | str) -> Path:
    return store.case_path(case if isinstance(case, str) else case.id)


def reminder_file(case: Case | str) -> Path:
    return save.reminder_path(case if isinstance(case, str) else case.id)


def reload(case: Case | str) -> Case:
    return store.load_case(case_file(case))


def index_dir() -> Path:
    """Where the derived index for the current CALM_HOME lives (inside CALM_CACHE)."""
    return indexdb.index_dir()
