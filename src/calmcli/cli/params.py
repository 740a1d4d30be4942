"""Arguments and options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

from calmcli.cli.completion import complete_case

CASE_HELP = "Case id, the start of it, or the customer's name."
CaseArg = Annotated[
    str, typer.Argument(metavar="CASE", help=CASE_HELP, autocompletion=complete_case)
]
NoInput = Annotated[bool, typer.Option("--no-input", help="Never ask; use the options given.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
