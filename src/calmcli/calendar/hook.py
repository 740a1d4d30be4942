"""The calendar's part of the one after-save step (`casebook.save`).

`saved` runs inside the save, under the case book's lock: it queues the case's events for
the calendar server (a local file, no network) and rewrites the feed. `push` runs right
after the lock is released: it sends the outbox, within the time budget, and reports in a
line or two through the caller's `on_problem`. With no calendar connected and no feed, both
cost a settings read and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from calmcli.domain.case import Case
from calmcli.errors import CalmError

if TYPE_CHECKING:
    from calmcli.calendar.push import Outcome

Problems = Callable[[str], None] | None


def saved(case: Case, on_problem: Problems = None) -> None:
    """Queue the case for the calendar server and refresh the feed. Never raises: the case
    is saved whatever happens here, and the next save or `calm calendar sync` catches up."""
    from calmcli.calendar import account, events, feed, outbox
    from calmcli.store import config

    def problem(what: str, exc: CalmError) -> None:
        if on_problem is not None:
            on_problem(f"case {case.id} is saved, but {what}: {exc.message}")

    try:
        settings = config.load()
    except CalmError:
        return  # the same error stops the command's own reading of settings
    alarm = settings.get("alarm_minutes")
    if account.current(settings) is not None:
        try:
            outbox.put(case.id, case.revision, events.wanted(case, alarm_minutes=alarm))
        except CalmError as exc:
            problem("calm could not queue it for your calendar", exc)
    target = settings.get("calendar.feed")
    if target:
        try:
            feed.update(Path(target).expanduser(), case, alarm_minutes=alarm)
        except CalmError as exc:
            problem(f"the calendar feed {target} was not updated", exc)


def push(on_problem: Problems = None) -> None:
    """Send the outbox (this change and any that were waiting), then say what needs saying:
    nothing when all went out, one line when it could not."""
    from calmcli.calendar import account, outbox

    if outbox.count() == 0:
        return
    try:
        found = account.current()
    except CalmError:
        return
    if found is None:
        return
    from calmcli.calendar.push import run

    outcome = run(found, account.Budget(found.timeout))
    if on_problem is None:
        return
    for line in lines(outcome):
        on_problem(line)


def lines(outcome: Outcome, *, trouble: bool = True, earlier: bool = True) -> list[str]:
    """What a command says about a send: earlier changes that went out, events left alone
    because someone changed them by hand, and why anything is still queued."""
    out = []
    if earlier and outcome.earlier and outcome.trouble is None:
        n = outcome.earlier
        were = "change that was" if n == 1 else "changes that were"
        out.append(f"calendar: sent {n} earlier {were} waiting")
    out += [f"calendar: {note}" for note in outcome.hand]
    if outcome.refused:
        n = len(outcome.refused)
        out.append(
            f"calendar: {outcome.refused[0]}"
            + (f" (and {n - 1} more)" if n > 1 else "")
            + "; kept in the outbox (`calm calendar status`)"
        )
    if outcome.trouble is not None and trouble:
        n = outcome.waiting
        out.append(
            f"calendar: {outcome.trouble.message}; {n} change{'' if n == 1 else 's'} queued, "
            "sent with the next change or `calm calendar sync`"
        )
    return out
