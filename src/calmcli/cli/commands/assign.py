"""`calm assign`: give a case to someone on the team."""

from __future__ import annotations

from typing import Annotated

import typer

from calmcli.cli.params import CaseArg


def assign(
    case_ref: CaseArg,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help='Their name, as their `calm config set name` has it; "" for nobody.',
        ),
    ],
) -> None:
    """Give a case to someone: `calm followup --mine` then lists it for them."""
    from calmcli.casebook import team
    from calmcli.casebook.find import resolve
    from calmcli.cli.output import busy, say, warn

    case = resolve(case_ref)
    updated = team.assign(case.id, name, on_wait=busy, on_problem=warn)
    whose = updated.owner or "nobody"
    say(f"{updated.customer}'s case ({updated.id}) is now {whose}'s.")
