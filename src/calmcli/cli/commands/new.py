"""`calm new`: the guided interview, the call plan, the case file and the follow-up reminder."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from calmcli.errors import BadInput, Interrupted

HELP = """Prepare for the call back: answer a few questions, get a call plan and a reminder.

Keys: Ctrl-B goes back to the previous question; at the end you can change any answer.
Every answer is saved as you go: after Ctrl-C, `calm new --resume` continues.
"""


def _can_prompt() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _make_prompter() -> Any:
    from calmcli.cli.output import out
    from calmcli.cli.prompts import QuestionaryPrompter

    return QuestionaryPrompter(out())


def new(
    tree_ref: str = typer.Option(
        None, "--tree", "-t", help="Tree name (see `calm tree list`) or path. Default: ask."
    ),
    answers_file: Path = typer.Option(  # noqa: B008
        None,
        "--answers",
        "-a",
        help="YAML file of question id -> answer; only missing answers are asked.",
        dir_okay=True,
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; fail (exit 2) listing missing or invalid answers."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted interview."),
    draft_ref: str = typer.Argument(None, metavar="[DRAFT]", help="With --resume: which draft."),
) -> None:
    with _term_as_interrupt():
        _new_case(tree_ref, answers_file, no_input, resume, draft_ref)


def _new_case(
    tree_ref: str | None,
    answers_file: Path | None,
    no_input: bool,
    resume: bool,
    draft_ref: str | None,
) -> None:
    from calmcli.cli.output import out, say
    from calmcli.clock import dates
    from calmcli.store import cases as store
    from calmcli.tree import registry

    if draft_ref and not resume:
        raise BadInput("a DRAFT argument only makes sense with --resume")
    if not no_input and not _can_prompt():
        raise BadInput(
            "calm new asks questions, but this is not a terminal; "
            "give the answers with --answers FILE and add --no-input"
        )
    now = dates.local_now()
    draft: store.Draft | None = None
    prefill: dict[str, Any] = {}
    if resume:
        draft = _pick_draft(draft_ref, interactive=not no_input)
        tree = registry.resolve(draft.tree_ref)
        prefill.update(draft.answers)
    elif tree_ref:
        tree = registry.resolve(tree_ref)
    elif no_input:
        tree = registry.resolve("default")
    else:
        tree = _pick_tree()
    from calmcli.tree.model import NOT_SITUATIONS

    if tree.builtin and tree.id in NOT_SITUATIONS:
        raise BadInput(f"the {tree.id!r} tree is for `calm {tree.id} CASE`, not for a new case")
    if no_input:
        answers = _answers_without_prompts(tree, prefill, answers_file, now)
    else:
        if answers_file is not None:
            from calmcli.domain.answers import read_answers_file

            prefill.update(read_answers_file(answers_file, tree, now))
        if draft is None:
            draft = store.Draft(
                id=store.new_draft_id(now),
                tree_ref=str(tree.source) if not tree.builtin else tree.id,
                tree_id=tree.id,
                started=now,
                updated=now,
            )
        answers = _interview(tree, prefill, draft)

    from calmcli.casebook.create import save_new_case
    from calmcli.cli.views.plan import call_plan

    try:
        with _signals_held():  # a Ctrl-C now waits the few milliseconds the save takes
            saved = save_new_case(tree, answers, dates.local_now())
            if draft is not None:
                store.delete_draft(draft.id)
    except KeyboardInterrupt:
        raise Interrupted(f"stopped; the case was saved: {saved.case_path}") from None
    console = out()
    console.print(call_plan(saved.plan, saved.case.id), width=min(console.width, 100))
    console.print("Saved:", style="bold")
    for label, path in (
        ("case", saved.case_path),
        ("plan", saved.plan_path),
        ("reminder", saved.reminder_path),
    ):
        console.print(f"  {label:<9}{path}", markup=False, soft_wrap=True)
    say("Import the reminder into your calendar; `calm followup` lists check-ins that are due.")


def _answers_without_prompts(
    tree: Any, prefill: dict[str, Any], answers_file: Path | None, now: Any
) -> dict[str, Any]:
    """`--no-input`: every answer from the draft or the file; one error lists each problem,
    the file's own (unknown ids, wrong types) together with the answers still missing."""
    from calmcli.domain.answers import scan_answers_file
    from calmcli.domain.interview import Interview, NonInteractive

    file_problems: list[str] = []
    if answers_file is not None:
        found, file_problems = scan_answers_file(answers_file, tree, now)
        prefill = {**prefill, **found}
    try:
        answers = Interview(tree, prefill=prefill).run(NonInteractive())
        problems: list[str] = []
    except BadInput as exc:
        if not file_problems:
            raise
        problems = exc.details
    if file_problems:
        # A refused answer is reported missing by the interview too: name each question once.
        named = {p.split(": ")[1] for p in file_problems if p.count(": ") >= 2}
        details = file_problems + [p for p in problems if p.split(":", 1)[0] not in named]
        n = len(details)
        raise BadInput(
            f"{answers_file}: {n} problem{'s' if n > 1 else ''} in the answers", details=details
        )
    return answers


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (where the platform allows)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """SIGTERM (a closed terminal, `kill`) ends calm new like Ctrl-C: draft kept, exit 130."""

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interview(tree: Any, prefill: dict[str, Any], draft: Any) -> dict[str, Any]:
    """Run the interactive interview, saving the draft after every answer."""
    from calmcli.cli.commands.learn import remember
    from calmcli.cli.output import out
    from calmcli.clock import dates
    from calmcli.domain.interview import Interview
    from calmcli.store import cases as store
    from calmcli.store import index

    rows = index.refresh().rows
    note = remember(rows, tree=tree.id)
    if note is not None:
        out().print(note)
    told: set[str] = set()

    def recall(interview: Interview) -> None:
        name = interview.answers.get("customer_name")
        if name and name not in told:
            told.add(name)
            note = remember(rows, customer=str(name))
            if note is not None:
                out().print(note)

    def keep(interview: Interview) -> None:
        recall(interview)
        # Answers walked back past, or waiting to be reused after a review edit, are kept too.
        pending = {**interview.memory, **interview.prefill}
        kept = {
            **interview.answers,
            **{k: v for k, v in pending.items() if k not in interview.answers},
        }
        if not kept and not draft.answers:
            return
        draft.answers = kept
        draft.seen_notes = sorted(interview.seen_notes)
        draft.updated = dates.local_now()
        store.save_draft(draft)

    interview = Interview(tree, prefill=prefill, seen_notes=set(draft.seen_notes), on_change=keep)
    try:
        return interview.run(_make_prompter())
    except (KeyboardInterrupt, EOFError):
        if store.draft_path(draft.id).exists():
            raise Interrupted(
                f"stopped; your answers are kept. Continue with: calm new --resume {draft.id}"
            ) from None
        raise Interrupted("stopped before any answer; nothing to keep") from None


def _pick_tree() -> Any:
    import questionary

    from calmcli.cli.prompts import STYLE, ask
    from calmcli.textsafe import one_line
    from calmcli.tree import registry
    from calmcli.tree.model import NOT_SITUATIONS

    usable = registry.by_name(registry.entries(leave_out=NOT_SITUATIONS))
    choice = ask(
        questionary.select(
            "Which situation is it?",
            choices=[
                questionary.Choice(f"{one_line(e.title)}  ({name})", name)
                for name, e in usable.items()
            ],
            style=STYLE,
        )
    )
    if choice is None:
        raise Interrupted("stopped before any answer; nothing to keep")
    return usable[choice].tree


def _pick_draft(ref: str | None, *, interactive: bool) -> Any:
    from calmcli.cli.output import warn
    from calmcli.clock import dates
    from calmcli.store import cases as store

    drafts, warnings = store.list_drafts()
    for line in warnings:
        warn(f"skipped: {line}")
    if ref:
        match = [d for d in drafts if d.id == ref or d.id.startswith(ref)]
        if len(match) == 1:
            return match[0]
        known = ", ".join(d.id for d in drafts) or "none"
        what = "matches several drafts" if match else "is not a draft"
        raise BadInput(f"{ref!r} {what} (drafts: {known})")
    if not drafts:
        raise BadInput("there is no interrupted interview to resume; start one with `calm new`")
    if len(drafts) == 1:
        return drafts[0]
    if not interactive:
        listing = [f"{d.id}  {d.customer or '(no name yet)'}  ({d.tree_id})" for d in drafts]
        raise BadInput("several drafts; name one: calm new --resume DRAFT", details=listing)
    import questionary

    from calmcli.cli.prompts import STYLE, ask

    picked = ask(
        questionary.select(
            "Which interview do you want to continue?",
            choices=[
                questionary.Choice(
                    f"{d.customer or '(no name yet)'} · {d.tree_id} · "
                    f"{len(d.answers)} answers · {dates.format_when(d.updated)}",
                    d.id,
                )
                for d in drafts
            ],
            style=STYLE,
        )
    )
    return next(d for d in drafts if d.id == picked)
