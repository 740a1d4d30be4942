"""`calm resolve`: choose between two versions of a field, left by a merge."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from calmcli.cli.params import CaseArg
from calmcli.errors import BadInput


def resolve(
    case_ref: CaseArg,
    take: Annotated[
        list[int] | None,
        typer.Option(
            "--take",
            "-t",
            metavar="N",
            help="The option to take, for each choice in order (repeat it); 1 keeps what is "
            "in force.",
        ),
    ] = None,
) -> None:
    """Choose, when two people changed the same thing at once (two agreed options, two next
    check-ins, closed here and followed up there). `calm sync` and `calm doctor` list them;
    nothing is decided for you, and until you choose the safer value is in force."""
    from calmcli.casebook import team
    from calmcli.casebook.find import resolve as find
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.team import show_choices

    case = find(case_ref)
    found = team.choices(case)
    if not found:
        say(f"{case.customer}'s case ({case.id}) has no choices to make.")
        return
    if take is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            say("Choices to make:")
            show_choices(case.id, case.customer, found)
            raise BadInput(
                "calm will not choose for you: give one --take N per choice, in order "
                f"(e.g. calm resolve {case.id} " + " ".join("--take 1" for _ in found) + ")"
            )
        from calmcli.cli.prompts import Asker

        asker = Asker()
        take = []
        for choice in found:
            picked = asker.select(
                f"{case.customer}: {choice.what}",
                [(str(k), option) for k, option in enumerate(choice.options, 1)],
            )
            take.append(int(picked))
    if len(take) != len(found):
        show_choices(case.id, case.customer, found)
        raise BadInput(f"case {case.id} has {len(found)} choice(s) to make; give one --take each")
    picks = []
    for choice, n in zip(found, take, strict=True):
        if not 1 <= n <= len(choice.values):
            raise BadInput(f"{choice.what}: --take must be 1 to {len(choice.values)}, not {n}")
        picks.append((choice.field, choice.values[n - 1]))
    updated = team.resolve(case.id, picks, on_wait=busy, on_problem=warn)
    for choice, n in zip(found, take, strict=True):
        say(f"{choice.what}: {choice.options[n - 1]}")
    state = "open" if updated.is_open else "closed"
    say(f"{updated.customer}'s case ({updated.id}) is settled ({state}).")
