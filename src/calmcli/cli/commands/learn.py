"""The learning loop: `calm review`, `calm patterns` and `calm breathe`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from calmcli.cli.output import out, say
from calmcli.cli.params import AsJson, CaseArg

BREATHER = (
    "Take a breather before the next thing: a walk round the van, a glass of water. "
    "A hard call costs energy, and that's normal."
)


def review(
    case_ref: CaseArg,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers", "-a", metavar="FILE", help="YAML file of review question id -> answer."
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask; exit 2 listing missing answers.")
    ] = False,
) -> None:
    """Look back on a case: what led to it, the root cause, a change, one lesson."""
    from calmcli.casebook.find import resolve
    from calmcli.casebook.save import update
    from calmcli.cli.output import busy, warn
    from calmcli.cli.views.case import review_panel
    from calmcli.clock.now import local_now
    from calmcli.domain.interview import Interview, NonInteractive
    from calmcli.domain.lifecycle import record_review
    from calmcli.errors import BadInput
    from calmcli.tree import registry

    now = local_now()
    case = resolve(case_ref)
    tree = registry.resolve("review")
    prefill: dict[str, Any] = {}
    if answers_file is not None:
        from calmcli.domain.answers import read_answers_file

        prefill = read_answers_file(answers_file, tree, now)
    if no_input:
        prompter: Any = NonInteractive()
    elif sys.stdin.isatty() and sys.stdout.isatty():
        from calmcli.cli.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter(
            out(), breathing_seconds=0, finish="Looks right: save the review", kept=False
        )
        if case.is_open:
            say(f"Case {case.id} is still open; you can review it again once it is closed.")
    else:
        raise BadInput(
            "calm review asks questions, but this is not a terminal; use --answers FILE --no-input"
        )
    answers = Interview(tree, prefill=prefill).run(prompter)
    updated = update(
        case.id, lambda c: record_review(c, now, answers), on_wait=busy, on_problem=warn
    )
    assert updated.review is not None
    out().print(review_panel(updated.review))
    say(BREATHER, style="dim italic")


def patterns(
    since: Annotated[
        str,
        typer.Option(
            "--since", metavar="SPAN", help="Look back this far: 30d, 12w, 365d, or 'all'."
        ),
    ] = "90d",
    as_json: AsJson = False,
    mine: Annotated[bool, typer.Option("--mine", help="Only your cases.")] = False,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Only NAME's cases.")
    ] = None,
) -> None:
    """What keeps coming back: counts by situation, cause, wish, month and owner, and the
    lessons; for one person's cases with --mine or --owner."""
    from calmcli.casebook.listing import all_cases
    from calmcli.casebook.listing import patterns as find_patterns
    from calmcli.cli.output import warn
    from calmcli.cli.progress import rebuild_progress
    from calmcli.clock.dates import parse_span
    from calmcli.errors import BadInput

    if mine and owner is not None:
        raise BadInput("--mine and --owner exclude each other; give one")
    if mine:
        from calmcli.casebook.team import my_name

        owner = my_name()
    span = None if since == "all" else parse_span(since)
    with rebuild_progress() as progress:
        listing = all_cases(progress)
    for warning in listing.warnings:
        warn(f"skipped {warning}")
    result = find_patterns(span, owner=owner)
    if as_json:
        print(json.dumps(result.to_data(), ensure_ascii=False, indent=2))
        return
    from rich.console import Group

    from calmcli.cli.output import paged
    from calmcli.cli.views.patterns import patterns_view

    with paged() as console:
        console.print(Group(*patterns_view(result, since)))


def breathe(
    seconds: Annotated[
        int,
        typer.Option(
            "--seconds",
            "-s",
            metavar="SECONDS",
            min=1,
            max=3600,
            help="About how long: 1 to 3600, rounded to whole 16-second breaths.",
        ),
    ] = 60,
) -> None:
    """A guided box-breathing timer: in for four, hold for four, out for four, hold for four.

    It says how long it lasts before it starts; q, Enter or Ctrl-C stop it."""
    from calmcli.cli.output import is_plain
    from calmcli.cli.views.breathing import run_breathing

    run_breathing(out(), seconds, animate=not is_plain())
