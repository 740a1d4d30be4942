"""`calm delay`: the agreed fix slipped. Move it, and what follows it, and tell the customer."""

from __future__ import annotations

from typing import Annotated

import typer

from calmcli.cli.params import CaseArg


def delay(
    case_ref: CaseArg,
    until: Annotated[
        str, typer.Option("--until", "-u", metavar="DATE", help="The fix's new date.")
    ],
    why: Annotated[
        str, typer.Option("--why", "-w", metavar="TEXT", help="Why it slipped, in a few words.")
    ],
) -> None:
    """The agreed fix slipped: move it to its new date, plan the progress updates and the
    check-in again, and print the delay notice to send the customer. (To move one other
    promise, use `calm item move`.)"""
    from calmcli.casebook import promises
    from calmcli.casebook.find import resolve
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.promises import show_draft, show_items
    from calmcli.clock.dates import format_when, parse_future
    from calmcli.clock.now import local_now

    now = local_now()
    when = parse_future(until, now)
    case = resolve(case_ref)
    done = promises.delay(case.id, when, why, on_wait=busy, on_problem=warn)
    moved = done.case
    say(f"Delayed to {format_when(when, now)}. Tell {moved.customer} now, not on the day.")
    if moved.followup_due:
        say(f"Next check-in: {format_when(moved.followup_due, now)}")
    show_items(moved, now, open_only=True)
    if done.message is not None:
        show_draft(done.message, moved.id)
