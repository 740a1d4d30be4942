"""`calm log`: after the call, what was agreed, what you promised and when to check in next."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, Any

import typer

from calmcli.cli.params import CaseArg, NoInput
from calmcli.errors import BadInput

ACTIONS_HELP = "A promised action, 'WHAT @ WHEN' like 'Regrout the edge @ fri 9am' (repeat it)."


def log(
    case_ref: CaseArg,
    option: Annotated[
        str | None,
        typer.Option("--option", "-o", metavar="TEXT", help="The option you agreed on."),
    ] = None,
    actions: Annotated[
        list[str] | None,
        typer.Option("--action", "-a", metavar="'WHAT @ WHEN'", help=ACTIONS_HELP),
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", "-n", metavar="TEXT", help="Anything else to keep.")
    ] = None,
    next_when: Annotated[
        str | None,
        typer.Option(
            "--next",
            metavar="DATE",
            help="Next check-in. Default: the morning after the last promise.",
        ),
    ] = None,
    reopen: Annotated[
        bool, typer.Option("--reopen", help="Log a new agreement on a closed case.")
    ] = False,
    no_input: NoInput = False,
) -> None:
    """After the call: what was agreed, what you promised (each becomes a numbered item with
    its own reminder) and the next check-in. Prints a message to confirm it to the customer."""
    from calmcli.casebook import promises
    from calmcli.casebook.find import resolve
    from calmcli.casebook.save import reminder_path
    from calmcli.cli.dialogs import ask_date
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.promises import show_draft, show_items
    from calmcli.clock.dates import format_when, parse_future
    from calmcli.clock.now import local_now
    from calmcli.domain.ledger import parse_promise
    from calmcli.domain.lifecycle import suggested_option

    now = local_now()
    case = resolve(case_ref)
    promises.refuse_closed(case, reopen)  # before asking anything
    parsed = [parse_promise(a, now) for a in actions or []]
    next_due = parse_future(next_when, now) if next_when is not None else None
    if not no_input and sys.stdin.isatty() and sys.stdout.isatty():
        from calmcli.cli.prompts import Asker

        asker = Asker()
        say(f"Logging the call with {case.customer}.")
        if option is None:
            option = asker.text("Which option did you agree on?", default=suggested_option(case))
        if not actions:
            parsed = _ask_actions(asker, now)
        if next_due is None:
            default = promises.next_checkin_default(case, parsed)
            next_due = ask_date(
                asker, "When will you check in with them next?", format_when(default, now), now
            )
        if notes is None:
            notes = asker.text("Notes (Enter: none)")
    done = promises.log_call(
        case.id,
        option=option or "",
        actions=parsed,
        notes=notes or "",
        next_due=next_due,
        reopen=reopen,
        on_wait=busy,
        on_problem=warn,
    )
    logged = done.case
    assert logged.followup_due is not None
    say(f"Logged. Next check-in with {logged.customer}: {format_when(logged.followup_due, now)}")
    if logged.items:
        say("Promised:")
        show_items(logged, now, open_only=True)
    say(f"  reminders {reminder_path(logged.id)}", style="dim")
    if done.message is not None:
        show_draft(done.message, logged.id)


def _ask_actions(asker: Any, now: datetime) -> list[tuple[str, datetime | None]]:
    """Promised actions one by one, `WHAT @ WHEN` or `WHAT` then when; a bad one is asked
    again with what was typed kept."""
    from calmcli.cli.dialogs import ask_date
    from calmcli.cli.output import warn
    from calmcli.domain.ledger import parse_promise

    out: list[tuple[str, datetime | None]] = []
    typed = ""
    while True:
        typed = asker.text("A promised action, e.g. 'Regrout @ fri 9am' (Enter: no more)", typed)
        if not typed.strip():
            return out
        if "@" not in typed:
            when = ask_date(asker, f"By when will you: {typed.strip()}? (Enter: no date)", "", now)
            out.append((typed.strip(), when))
            typed = ""
            continue
        try:
            out.append(parse_promise(typed, now))
            typed = ""
        except BadInput as exc:
            warn(f"✗ {exc.message}")
