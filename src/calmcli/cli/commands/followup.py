"""`calm followup`: the check-ins that are due, and recording or moving them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calmcli.cli.params import AsJson, CaseArg, NoInput

app = typer.Typer(
    help="The check-ins that are due; record one (done) or move it (snooze).",
    invoke_without_command=True,
)

AFTER_CALL = (
    "Take a breather before the next call: a hard conversation costs energy, and that's normal."
)


@app.callback()
def followup(
    ctx: typer.Context,
    within: Annotated[
        str | None,
        typer.Option("--within", metavar="SPAN", help="Also those due this far ahead: 7d, 2w."),
    ] = None,
    all_open: Annotated[
        bool, typer.Option("--all", help="List every open case, due or not.")
    ] = False,
    as_json: AsJson = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="One line for a shell prompt. Exit 0: nothing due; 1: due; 3: cannot tell.",
        ),
    ] = False,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify", help="A desktop notification for each item due now (for a timer)."
        ),
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="With --notify: also those shown already today.")
    ] = False,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only your cases (your name: calm config).")
    ] = False,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Only NAME's cases.")
    ] = None,
) -> None:
    """List overdue check-ins and those due today, soonest first."""
    if ctx.invoked_subcommand is not None:
        return
    if notify:
        _notify(again)
        return
    from calmcli.clock.dates import parse_span

    span = parse_span(within) if within else None
    whose = _whose(mine, owner)
    if check:  # normally answered by cli.entry without Typer: the same function
        from calmcli.cli.nudge import check as check_due

        raise typer.Exit(check_due(owner=whose))
    from calmcli.cli.views.due import show_due

    show_due(span=span, span_text=within or "", every=all_open, as_json=as_json, owner=whose)


def _whose(mine: bool, owner: str | None) -> str | None:
    """The owner `--mine` or `--owner` asks for (None: everyone's)."""
    from calmcli.errors import BadInput

    if mine and owner is not None:
        raise BadInput("--mine and --owner exclude each other; give one")
    if mine:
        from calmcli.casebook.team import my_name

        return my_name()
    return owner


@app.command(short_help="Record a check-in; close the case or go on")
def done(
    case_ref: CaseArg,
    reached: Annotated[
        bool | None,
        typer.Option("--reached/--not-reached", help="Did you speak to them? Default: ask."),
    ] = None,
    feedback: Annotated[
        str | None,
        typer.Option("--feedback", "-f", metavar="TEXT", help="What they said, in their words."),
    ] = None,
    satisfaction: Annotated[
        str | None,
        typer.Option(
            "--satisfaction", "-s", metavar="satisfied|partly|not", help="How satisfied they are."
        ),
    ] = None,
    close: Annotated[
        bool, typer.Option("--close", help="Close the case: nothing more to follow up.")
    ] = False,
    next_when: Annotated[
        str | None,
        typer.Option(
            "--next", metavar="DATE", help="When to check in again: fri, +3d, 2026-12-01."
        ),
    ] = None,
    no_input: NoInput = False,
) -> None:
    """Record a check-in: reached or not, their feedback and satisfaction; close or go on.

    Without --close or --next: a satisfied customer's case closes; a customer you did not reach
    is tried again soon (within hours if they were very upset); anyone else gets another
    check-in a couple of working days ahead (`calm config`: followup_days).
    """
    from calmcli.casebook import promises
    from calmcli.casebook.find import resolve
    from calmcli.cli.dialogs import ask_date
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.promises import show_draft, show_items
    from calmcli.clock.dates import format_when, parse_future
    from calmcli.clock.now import local_now
    from calmcli.domain.lifecycle import check_satisfaction
    from calmcli.errors import BadInput

    now = local_now()
    check_satisfaction(satisfaction)
    next_due = parse_future(next_when, now) if next_when else None
    case = resolve(case_ref)
    if not case.is_open:
        raise BadInput(f"case {case.id} is already closed")
    ask = _asker(no_input)
    if ask is not None:
        _introduce(case, now)
    if reached is None:
        reached = ask.confirm(f"Did you reach {case.customer}?", True) if ask else True
    if not reached and next_due is None and not close and ask is not None:
        default = format_when(promises.retry_default(case), now)
        next_due = ask_date(ask, f"When will you try {case.customer} again?", default, now)
    if satisfaction is None and reached and ask:
        satisfaction = ask.select(
            "How satisfied are they?",
            [("satisfied", "Satisfied"), ("partly", "Partly"), ("not", "Not satisfied")],
        )
    if feedback is None and ask and reached:
        feedback = ask.text("Their feedback, in their own words (Enter: none)")
    done = promises.checkin(
        case.id,
        reached=bool(reached),
        feedback=feedback or "",
        satisfaction=satisfaction,
        close=close,
        next_due=next_due,
        on_wait=busy,
        on_problem=warn,
    )
    updated = done.case
    for note in done.notes:
        warn(note)
    if not updated.is_open:
        say(f"Closed {updated.id}. Thank them for raising it; it helps you improve.")
        say(f"When you have a quiet moment: calm review {updated.id}", style="dim")
    else:
        assert updated.followup_due is not None
        when = format_when(updated.followup_due, now)
        if reached:
            say(f"Next check-in with {updated.customer}: {when}")
        else:
            say(f"Not reached. Try {updated.customer} again: {when}")
    if updated.is_open and any(i.is_open for i in updated.items):
        show_items(updated, now, open_only=True)
    if done.message is not None and (reached or updated.is_open):
        show_draft(done.message, updated.id)
    if reached:
        say(AFTER_CALL, style="dim italic")


def _introduce(case: Any, now: Any) -> None:
    """Whose case it is and what was agreed, before asking anything about the call."""
    from calmcli.cli.output import say
    from calmcli.cli.views.promises import show_items

    phone = f", {case.phone}" if case.phone else ""
    say(f"Check-in: {case.customer}{phone} · {case.job or 'no job noted'}", style="bold")
    if case.agreed:
        say(f"Agreed: {case.agreed}")
    elif case.offer:
        say(f"Planned to offer: {case.offer}")
    if any(i.is_open for i in case.items):
        say("Promised and still open:")
        show_items(case, now, open_only=True)


@app.command(short_help="Move a case's next check-in")
def snooze(
    case_ref: CaseArg,
    until: Annotated[
        str,
        typer.Option(
            "--until", "-u", metavar="DATE", help="New check-in time: tomorrow 9am, fri, +3d."
        ),
    ],
) -> None:
    """Move a case's next check-in."""
    from calmcli.casebook.find import resolve
    from calmcli.casebook.save import update
    from calmcli.cli.output import busy, say, warn
    from calmcli.clock.dates import format_when, parse_future
    from calmcli.clock.now import local_now
    from calmcli.domain.lifecycle import snooze as move

    now = local_now()
    when = parse_future(until, now)
    case = resolve(case_ref)
    updated = update(case.id, lambda c: move(c, now, when), on_wait=busy, on_problem=warn)
    say(f"Check-in with {updated.customer} moved to {format_when(when, now)}.")


def _notify(again: bool) -> None:
    """One desktop notification for each item whose time has come and that was not shown
    today; quiet unless on a terminal (cron mails whatever a job prints)."""
    import sys

    from calmcli.calendar import desktop, nudges
    from calmcli.clock.now import local_now
    from calmcli.store import config, index

    now = local_now()
    listing = index.open_rows()
    items = nudges.due_now(listing.rows, now, alarm_minutes=config.load().get("alarm_minutes"))
    fresh = items if again else nudges.not_shown(items, now)
    if fresh:
        desktop.command("", "")  # no way to notify: say so before anything else
    shown = []
    try:
        for item in fresh:
            desktop.show(*nudges.words(item, now))
            shown.append(item)
    finally:
        if shown:
            nudges.remember(shown, now)
    if sys.stdout.isatty():
        from calmcli.cli.output import say

        say(f"Shown {len(shown)} notification{'' if len(shown) == 1 else 's'}." if shown
            else "Nothing new due now.")  # fmt: skip


def _asker(no_input: bool) -> Any:
    """Small prompts when a person is there to answer them; None under --no-input or a pipe."""
    import sys

    if no_input or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    from calmcli.cli.prompts import Asker

    return Asker()
