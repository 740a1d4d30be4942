"""`calm new`: the guided interview, the call plan, the case file and the follow-up reminder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from calmcli.cli.completion import complete_tree

HELP = """Prepare for the call back: answer a few questions, get a call plan and a reminder.

Keys: Ctrl-B goes back to the previous question; at the end you can change any answer.
Every answer is saved as you go: after Ctrl-C, `calm new --resume` continues;
`calm new --drafts` lists interrupted interviews and `--discard` throws one away.
"""


def new(
    tree_ref: Annotated[
        str | None,
        typer.Option(
            "--tree",
            "-t",
            metavar="TREE",
            help="Tree name (see `calm tree list`) or a file. Default: ask.",
            autocompletion=complete_tree,
        ),
    ] = None,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="YAML file of question id -> answer; only what it leaves out is asked.",
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never ask; exit 2 listing missing or invalid answers."),
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted interview.")
    ] = False,
    discard: Annotated[
        bool, typer.Option("--discard", help="Throw away an interrupted interview.")
    ] = False,
    list_drafts: Annotated[
        bool, typer.Option("--drafts", help="List interrupted interviews.")
    ] = False,
    draft_ref: Annotated[
        str | None,
        typer.Argument(metavar="DRAFT", help="With --resume or --discard: which draft."),
    ] = None,
) -> None:
    from calmcli.cli import newcase

    newcase.run(tree_ref, answers_file, no_input, resume, discard, list_drafts, draft_ref)
