"""`calm log`: after the call, what was agreed and when to check in next."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer

from calmcli.cli.params import CaseArg, NoInput
from calmcli.errors import BadInput


def log(
    case_ref: CaseArg,
    option: Annotated[
        str | None,
        typer.Option("--option", "-o", metavar="TEXT", help="The option you agreed on."),
    ] = None,
    actions: Annotated[
        list[str] | None,
        typer.Option(
            "--action",
            "-a",
            metavar="'WHAT @ WHEN'",
            help="A promised action, like 'Regrout @ fri 9am' (repeat for more).",
        ),
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", "-n", metavar="TEXT", help="Anything else to keep.")
    ] = None,
    next_when: Annotated[
        str | None,
        typer.Option("--next", metavar="DATE", help="Next check-in. Default: 2 working days, 9am."),
    ] = None,
    no_input: NoInput = False,
) -> None:
    """After the call: record what was agreed and set the next check-in."""
    from calmcli.casebook.find import resolve
    from calmcli.casebook.save import reminder_path, update
    from calmcli.cli.output import busy, say, warn
    from calmcli.clock.dates import default_followup, format_when, parse_future
    from calmcli.clock.now import local_now
    from calmcli.domain.lifecycle import log_outcome, suggested_option

    now = local_now()
    case = resolve(case_ref)
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    parsed = [_action(a, now) for a in actions or []]
    if interactive:
        from calmcli.cli.prompts import Asker

        asker = Asker()
        if option is None:
            option = asker.text("Which option did you agree on?", default=suggested_option(case))
        while not actions:
            what = asker.text("A promised action (Enter: no more)")
            if not what:
                break
            when = asker.text("By when? (e.g. fri 4pm; Enter: no date)")
            parsed.append((what, parse_future(when, now) if when else None))
        if notes is None:
            notes = asker.text("Notes (Enter: none)")
    next_due = parse_future(next_when, now) if next_when is not None else default_followup(now)
    updated = update(
        case.id,
        lambda c: log_outcome(
            c, now, option=option or "", actions=parsed, notes=notes or "", next_due=next_due
        ),
        on_wait=busy,
        on_problem=warn,
    )
    say(f"Logged. Next check-in with {updated.customer}: {format_when(next_due, now)}")
    say(f"  reminder {reminder_path(updated.id)}")


def _action(text: str, now: datetime) -> tuple[str, datetime | None]:
    """`WHAT @ WHEN`, or just `WHAT`."""
    from calmcli.clock.dates import parse_future

    what, sep, when = text.rpartition("@")
    if not sep:
        return text.strip(), None
    if not what.strip():
        raise BadInput(f"--action {text!r}: say what, then '@ when'")
    return what.strip(), parse_future(when.strip(), now)
