"""`calm followup`: the check-ins that are due, and recording or moving them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import typer

from calmcli.cli.output import busy, out
from calmcli.errors import BadInput

app = typer.Typer(
    help="List the check-ins that are due; record one (`done`) or move it (`snooze`).",
    invoke_without_command=True,
)

AFTER_CALL = (
    "Take a breather before the next call: a hard conversation costs energy, and that's normal."
)


def parse_span(text: str) -> timedelta:
    """`7d`, `2w`, `12h` or a plain number of days."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*([dwh]?)\s*", text)
    if not m:
        raise BadInput(f"can't read {text!r} as a span: try 7d, 2w or 12h")
    n, unit = int(m.group(1)), m.group(2) or "d"
    return {"d": timedelta(days=n), "w": timedelta(weeks=n), "h": timedelta(hours=n)}[unit]


@app.callback()
def followup(
    ctx: typer.Context,
    within: str = typer.Option(
        None, "--within", help="Also list check-ins due this far ahead: 7d, 2w, 12h."
    ),
    all_open: bool = typer.Option(False, "--all", help="List every open case, due or not."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    check: bool = typer.Option(
        False, "--check", help="Print one line for a shell prompt; exit 1 when any are due."
    ),
) -> None:
    """List overdue check-ins and those due today, soonest first."""
    if ctx.invoked_subcommand is not None:
        return
    span = parse_span(within) if within else None
    if check:  # normally answered by calmcli.quick without Typer; the same here
        from calmcli.cli.entry import check as check_due

        raise typer.Exit(check_due())
    from calmcli.cli.views.due import show_due

    show_due(span=span, span_text=within or "", every=all_open, as_json=as_json)


@app.command()
def done(
    case_ref: str = typer.Argument(
        ..., metavar="CASE", help="Case id, start of it, or customer name."
    ),
    reached: bool = typer.Option(
        None, "--reached/--not-reached", help="Did you speak to the customer? Default: ask."
    ),
    feedback: str = typer.Option(None, "--feedback", "-f", help="What they said, in their words."),
    satisfaction: str = typer.Option(
        None, "--satisfaction", "-s", help="satisfied, partly or not."
    ),
    close: bool = typer.Option(False, "--close", help="Close the case: nothing more to follow up."),
    next_when: str = typer.Option(None, "--next", help="When to check in again: fri, +3d, ..."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt; use the options given."),
) -> None:
    """Record a check-in: reached or not, their feedback and satisfaction; close or go on.

    Without --close or --next, a satisfied customer's case closes and any other gets another
    check-in two working days ahead.
    """
    from calmcli.casebook import update as caseops
    from calmcli.clock import dates

    now = dates.local_now()
    case = caseops.resolve(case_ref)
    if case.status != "open":
        raise BadInput(f"case {case.id} is already closed")
    ask = _asker(no_input)
    if reached is None:
        reached = ask.confirm("Did you reach the customer?", True) if ask else True
    if satisfaction is None and reached:
        satisfaction = (
            ask.select(
                "How satisfied are they?",
                [("satisfied", "Satisfied"), ("partly", "Partly"), ("not", "Not satisfied")],
            )
            if ask
            else None
        )
    if feedback is None and ask and reached:
        feedback = ask.text("Their feedback, in their own words (Enter: none)")
    next_due = dates.parse_future(next_when, now) if next_when else None
    if not close and next_due is None:
        if satisfaction == "satisfied":
            close = True
        else:
            next_due = dates.default_followup(now)
    updated = caseops.update(
        case.id,
        lambda c: caseops.record_checkin(
            c,
            now,
            reached=bool(reached),
            feedback=feedback or "",
            satisfaction=satisfaction,
            close=close,
            next_due=next_due,
        ),
        on_wait=busy,
    )
    if updated.status == "closed":
        out().print(
            f"Closed {updated.id}. Thank them for raising it; it helps you improve.", markup=False
        )
        out().print(
            "When you have a quiet moment: calm review " + updated.id, style="dim", markup=False
        )
    else:
        assert updated.followup_due is not None
        when = dates.format_when(updated.followup_due, now)
        out().print(f"Next check-in with {updated.customer}: {when}", markup=False)
    out().print(AFTER_CALL, style="dim italic", markup=False)


@app.command()
def snooze(
    case_ref: str = typer.Argument(
        ..., metavar="CASE", help="Case id, start of it, or customer name."
    ),
    until: str = typer.Option(
        ..., "--until", "-u", help="New check-in time: tomorrow 9am, fri, +3d, ..."
    ),
) -> None:
    """Move a case's next check-in."""
    from calmcli.casebook import update as caseops
    from calmcli.clock import dates

    now = dates.local_now()
    when = dates.parse_future(until, now)
    case = caseops.resolve(case_ref)
    updated = caseops.update(case.id, lambda c: caseops.snooze(c, now, when), on_wait=busy)
    out().print(
        f"Check-in with {updated.customer} moved to {dates.format_when(when, now)}.", markup=False
    )


def _asker(no_input: bool) -> Any:
    """Small prompts when a person is there to answer them; None under --no-input or a pipe."""
    import sys

    if no_input or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    from calmcli.cli.prompts import Asker

    return Asker()
