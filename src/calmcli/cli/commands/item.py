"""`calm item`: the promises of a case, one by one: list, add, done, reopen, move, drop."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from calmcli.cli.params import CaseArg

app = typer.Typer(
    help="A case's promises, numbered: list them; add, finish, reopen, move or drop one.",
    no_args_is_help=True,
)

Number = Annotated[
    int | None,
    typer.Argument(metavar="N", help="The item's number (see `calm item list`). Default: ask."),
]
Why = Annotated[str, typer.Option("--why", "-w", metavar="TEXT", help="Why, in a few words.")]


@app.command("list", short_help="The case's promises and where each stands")
def list_items(case_ref: CaseArg) -> None:
    """The case's promised actions and progress updates, numbered, with their dates."""
    from calmcli.casebook.find import resolve
    from calmcli.cli.output import say
    from calmcli.cli.views.promises import show_items
    from calmcli.clock.now import local_now

    case = resolve(case_ref)
    say(f"{case.customer} ({case.id}), {case.status}:")
    show_items(case, local_now())


@app.command(short_help="Record another promise")
def add(
    case_ref: CaseArg,
    what: Annotated[
        str, typer.Argument(metavar="'WHAT @ WHEN'", help="Like 'Text an update @ wed 5pm'.")
    ],
) -> None:
    """Record a promise made after the call: `calm item add CASE 'Send the quote @ fri'`."""
    from calmcli.clock.now import local_now
    from calmcli.domain.ledger import parse_promise

    text, when = parse_promise(what, local_now())
    _change(case_ref, "add", None, when=when, what=text)


@app.command(short_help="Mark a promise kept")
def done(case_ref: CaseArg, n: Number = None) -> None:
    """Mark a promise as kept. Keeping the agreed fix ends its progress updates."""
    _change(case_ref, "done", n)


@app.command(short_help="Open a promise again")
def reopen(case_ref: CaseArg, n: Number = None) -> None:
    """Open a promise marked done or dropped again."""
    _change(case_ref, "reopen", n)


@app.command(short_help="Move a promise to another date, saying why")
def move(
    case_ref: CaseArg,
    n: Number = None,
    to: Annotated[
        str | None, typer.Option("--to", "-t", metavar="DATE", help="The new date.")
    ] = None,
    why: Why = "",
) -> None:
    """Move one promise. (The agreed fix slipping is `calm delay`, which also drafts the
    message to the customer.)"""
    _change(case_ref, "move", n, to=to, why=why)


@app.command(short_help="Drop a promise, saying why")
def drop(case_ref: CaseArg, n: Number = None, why: Why = "") -> None:
    """Drop a promise that no longer stands; its reminder is cancelled."""
    _change(case_ref, "drop", n, why=why)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


WANTS = {"done": "open", "reopen": "closed", "move": "open", "drop": "open"}


def _change(
    case_ref: str,
    action: str,
    n: int | None,
    *,
    to: str | None = None,
    why: str = "",
    what: str = "",
    when: object = None,
) -> None:
    """Pick the item (asked for on a terminal when no number is given), ask what is missing,
    change it, and say what changed."""
    from calmcli.casebook import promises
    from calmcli.casebook.find import resolve
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.promises import item_line
    from calmcli.clock.dates import parse_future
    from calmcli.clock.now import local_now
    from calmcli.errors import BadInput

    now = local_now()
    case = resolve(case_ref)
    promises.refuse_closed(case)
    ask = None
    if _interactive():
        from calmcli.cli.prompts import Asker

        ask = Asker()
    if n is None and action != "add":
        wanted = [
            i for i in case.items if (i.is_open if WANTS[action] == "open" else not i.is_open)
        ]
        if not wanted:
            raise BadInput(f"case {case.id} has no item to {action} (see `calm item list`)")
        if ask is None:
            raise BadInput(f"say which item: calm item {action} {case.id} N")
        choice = ask.select(
            f"Which promise to {action}?", [(str(i.n), item_line(i, now)) for i in wanted]
        )
        n = int(choice)
    if action == "move" and to is None:
        if ask is None:
            raise BadInput("say when it moves to: --to DATE")
        to = ask.text("Move it to when?")
    if action in ("move", "drop") and not why.strip():
        if ask is None:
            raise BadInput("say why (--why): the customer will ask, and so will you")
        why = ask.text("Why, in a few words?")
    moved_to = parse_future(to, now) if action == "move" and to else when
    case, item = promises.change_item(
        case.id,
        action,
        n,
        when=moved_to,  # type: ignore[arg-type]
        why=why,
        what=what,
        on_wait=busy,
        on_problem=warn,
    )
    verb = {
        "add": "Added",
        "done": "Kept",
        "reopen": "Reopened",
        "move": "Moved",
        "drop": "Dropped",
    }
    say(f"{verb[action]}: {item_line(item, now)}")
    left = [i for i in case.items if i.is_open]
    if left:
        say(f"Still open for {case.customer}: {len(left)} (calm item list {case.id})", style="dim")
