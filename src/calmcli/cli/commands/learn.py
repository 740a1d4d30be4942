"""The learning loop: `calm review`, `calm patterns`, `calm breathe`; what `calm new` recalls."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from calmcli.cli.output import busy, lit, out, say

BREATHER = (
    "Take a breather before the next thing: a walk round the van, a glass of water. "
    "A hard call costs energy, and that's normal."
)


def review(
    case_ref: str = typer.Argument(
        ..., metavar="CASE", help="Case id, the start of it, or the customer's name."
    ),
    answers_file: Path = typer.Option(  # noqa: B008
        None, "--answers", "-a", help="YAML file of review question id -> answer."
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; fail (exit 2) listing missing answers."
    ),
) -> None:
    """Look back on a case: what led to it, the root cause, a change, one lesson."""
    from calmcli.casebook import update as caseops
    from calmcli.cli.views.case import review_panel
    from calmcli.clock import dates
    from calmcli.domain.interview import Interview, NonInteractive
    from calmcli.errors import BadInput
    from calmcli.tree import registry

    now = dates.local_now()
    case = caseops.resolve(case_ref)
    tree = registry.resolve("review")
    prefill: dict[str, Any] = {}
    if answers_file is not None:
        from calmcli.domain.answers import read_answers_file

        prefill = read_answers_file(answers_file, tree, now)
    if no_input:
        prompter: Any = NonInteractive()
    elif sys.stdin.isatty() and sys.stdout.isatty():
        from calmcli.cli.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter(out())
        if case.status == "open":
            say(f"Case {case.id} is still open; you can review it again once it is closed.")
    else:
        raise BadInput(
            "calm review asks questions, but this is not a terminal; use --answers FILE --no-input"
        )
    answers = Interview(tree, prefill=prefill).run(prompter)

    def store_review(c: Any) -> None:
        c.review = {"at": dates.to_iso(now), **answers}
        c.add_event("reviewed", now, root_cause=answers.get("root_cause"))

    updated = caseops.update(case.id, store_review, on_wait=busy)
    assert updated.review is not None
    out().print(review_panel(updated.review))
    say(BREATHER, style="dim italic")


def patterns(
    since: str = typer.Option(
        "90d", "--since", help="Look back this far: 30d, 12w, 365d; 'all' for everything."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """What keeps coming back: counts by situation, cause, wish and month, and their lessons."""
    from calmcli.cli.commands.followup import parse_span
    from calmcli.cli.output import warn
    from calmcli.cli.progress import rebuild_progress
    from calmcli.clock import dates
    from calmcli.domain.patterns import compute
    from calmcli.store import index

    span = None if since == "all" else parse_span(since)
    with rebuild_progress() as progress:
        listing = index.refresh(progress)
    for warning in listing.warnings:
        warn(f"skipped {warning}")
    result = compute(listing.rows, dates.local_now(), span)
    if as_json:
        print(json.dumps(result.to_data(), ensure_ascii=False, indent=2))
        return
    from calmcli.cli.views.patterns import patterns_view

    out().print(*patterns_view(result, since))


def breathe(
    seconds: int = typer.Option(
        60, "--seconds", "-s", min=1, max=3600, help="How long, in seconds."
    ),
) -> None:
    """A guided box-breathing timer: in for four, hold for four, out for four, hold for four."""
    from calmcli.cli.views.breathing import run_breathing

    run_breathing(out(), seconds)


def remember(rows: list[Any], *, customer: str | None = None, tree: str | None = None) -> Any:
    """A short note on earlier cases of this customer or situation (None when there are none)."""
    from rich.panel import Panel

    from calmcli.domain.patterns import history_for
    from calmcli.textsafe import one_line

    earlier = history_for(rows, customer=customer, tree=tree)
    if not earlier:
        return None
    last = earlier[0]
    what = one_line(customer) if customer is not None else f"this situation ({tree})"
    n = len(earlier)
    body = lit(f"You've had {n} earlier case{'s' if n > 1 else ''} with {what}.")
    feeling = {"not": "not satisfied", "partly": "partly satisfied"}.get(last.satisfaction)
    outcome = last.status + (f", {feeling or last.satisfaction}" if last.satisfaction else "")
    body.append(lit(f"\nLast: {last.id}, {last.job or 'no job noted'} ({outcome})."))
    lesson = next((r.lesson for r in earlier if r.lesson), "")
    if lesson:
        body.append(lit(f"\nLast lesson: {lesson}", "bold"))
    return Panel(
        body, title="heard this before", title_align="left", border_style="yellow", expand=False
    )
