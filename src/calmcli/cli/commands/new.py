"""`calm new`: the guided interview, the call plan, the case file and the follow-up reminder."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calmcli.cli.completion import complete_tree
from calmcli.errors import BadInput, Interrupted

if TYPE_CHECKING:
    from calmcli.casebook.save import Created
    from calmcli.store.drafts import Draft
    from calmcli.tree.model import Tree

HELP = """Prepare for the call back: answer a few questions, get a call plan and a reminder.

Keys: Ctrl-B goes back to the previous question; at the end you can change any answer.
Every answer is saved as you go: after Ctrl-C, `calm new --resume` continues.
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
    draft_ref: Annotated[
        str | None, typer.Argument(metavar="DRAFT", help="With --resume: which draft.")
    ] = None,
) -> None:
    from calmcli.casebook import drafting
    from calmcli.clock.now import local_now

    if draft_ref and not resume:
        raise BadInput("a DRAFT argument only makes sense with --resume")
    if not no_input and not _can_prompt():
        raise BadInput(
            "calm new asks questions, but this is not a terminal; "
            "give the answers with --answers FILE and add --no-input"
        )
    draft: Draft | None = None
    prefill: dict[str, Any] = {}
    if resume:
        draft = _pick_draft(draft_ref, interactive=not no_input)
        earlier = drafting.already_saved(draft)
        if earlier is not None:
            _show_already_saved(earlier)
            return
        tree = _tree(draft.tree_ref)
        prefill.update(draft.answers)
    else:
        tree = _tree(tree_ref) if tree_ref else _tree("default") if no_input else _pick_tree()
    if no_input:
        answers = drafting.answers_without_prompts(tree, prefill, answers_file)
        saved: list[Created] = []
        _save(tree, answers, draft, saved)
        _show(saved[0])
        return
    if answers_file is not None:
        from calmcli.domain.answers import read_answers_file

        prefill.update(read_answers_file(answers_file, tree, local_now()))
    _interview_and_save(tree, prefill, draft or drafting.new_draft(tree))


def _can_prompt() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _tree(ref: str) -> Tree:
    from calmcli.tree import registry
    from calmcli.tree.model import NOT_SITUATIONS

    tree = registry.resolve(ref)
    if tree.builtin and tree.id in NOT_SITUATIONS:
        raise BadInput(f"the {tree.id!r} tree is for `calm {tree.id} CASE`, not for a new case")
    return tree


def _interview_and_save(tree: Tree, prefill: dict[str, Any], draft: Draft) -> None:
    """Ask, then save. Ctrl-C or SIGTERM at any moment ends with a message that says what was
    kept: the case once it is saved, else the draft (with how to resume), else nothing."""
    from calmcli.casebook import drafting
    from calmcli.cli.output import out
    from calmcli.cli.prompts import QuestionaryPrompter
    from calmcli.store import drafts

    saved: list[Created] = []  # filled inside the save, before a held signal can land
    try:
        _recall(tree=tree.id)
        answers = drafting.interview(
            tree, prefill, draft, QuestionaryPrompter(out()), on_answer=_customer_recall()
        )
        _save(tree, answers, draft, saved)
        _show(saved[0])
    except (KeyboardInterrupt, EOFError):
        if saved:
            raise Interrupted(f"stopped; the case was saved: {saved[0].case_path}") from None
        if drafts.draft_path(draft.id).exists():
            raise Interrupted(
                f"stopped; your answers are kept. Continue with: calm new --resume {draft.id}"
            ) from None
        raise Interrupted("stopped before any answer; nothing to keep") from None


def _save(tree: Tree, answers: dict[str, Any], draft: Draft | None, saved: list[Created]) -> None:
    """Write the case and remove its draft, with Ctrl-C and SIGTERM held meanwhile: a signal
    waits the few milliseconds the save takes, so there is a whole case or a whole draft."""
    from calmcli.casebook.save import create
    from calmcli.cli.output import warn
    from calmcli.clock.now import local_now
    from calmcli.store import drafts

    with _signals_held():
        draft_id = draft.id if draft else ""
        saved.append(create(tree, answers, local_now(), draft=draft_id, on_problem=warn))
        if draft is not None:
            drafts.delete_draft(draft.id)


def _show(created: Created) -> None:
    from calmcli.cli.output import out, say
    from calmcli.cli.views.plan import call_plan

    console = out()
    console.print(call_plan(created.plan, created.case.id), width=min(console.width, 100))
    console.print("Saved:", style="bold")
    for label, path in (
        ("case", created.case_path),
        ("plan", created.crib_path),
        ("reminder", created.reminder_path),
    ):
        console.print(f"  {label:<9}{path}", markup=False, soft_wrap=True)
    say("Import the reminder into your calendar; `calm followup` lists check-ins that are due.")


def _show_already_saved(case: Any) -> None:
    from calmcli.casebook.save import crib_path, plan_of, reminder_path
    from calmcli.cli.output import out, say
    from calmcli.cli.views.plan import call_plan

    say(
        f"This interview was already saved as case {case.id}: calm was stopped before it could "
        "remove the draft. The draft is gone now; here is the case."
    )
    plan = plan_of(case)
    if plan is not None:
        console = out()
        console.print(call_plan(plan, case.id), width=min(console.width, 100))
    for label, path in (("plan", crib_path(case.id)), ("reminder", reminder_path(case.id))):
        say(f"  {label:<9}{path}")


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (where the platform allows); one that
    arrived meanwhile is raised as the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _recall(**query: str) -> None:
    from calmcli.cli.output import out
    from calmcli.cli.views.recall import recall_panel
    from calmcli.store import index

    what = query.get("customer") or f"this situation ({query.get('tree')})"
    panel = recall_panel(index.earlier(**query), what)
    if panel is not None:
        out().print(panel)


def _customer_recall() -> Any:
    """Once the customer's name is known, say what earlier cases of theirs there were."""
    told: set[str] = set()

    def recall(walk: Any) -> None:
        name = walk.answers.get("customer_name")
        if name and str(name) not in told:
            told.add(str(name))
            _recall(customer=str(name))

    return recall


def _pick_tree() -> Tree:
    import questionary

    from calmcli.cli.prompts import STYLE, ask
    from calmcli.textsafe import one_line
    from calmcli.tree import registry
    from calmcli.tree.model import NOT_SITUATIONS

    usable = registry.usable(registry.entries(leave_out=NOT_SITUATIONS))
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
    picked = usable[choice].tree
    assert picked is not None  # `usable` holds loaded trees only
    return picked


def _pick_draft(ref: str | None, *, interactive: bool) -> Draft:
    from calmcli.cli.output import warn
    from calmcli.clock.dates import format_when
    from calmcli.store import drafts as store

    found, warnings = store.list_drafts()
    for line in warnings:
        warn(f"skipped: {line}")
    if ref:
        match = [d for d in found if d.id == ref or d.id.startswith(ref)]
        if len(match) == 1:
            return match[0]
        known = ", ".join(d.id for d in found) or "none"
        what = "matches several drafts" if match else "is not a draft"
        raise BadInput(f"{ref!r} {what} (drafts: {known})")
    if not found:
        raise BadInput("there is no interrupted interview to resume; start one with `calm new`")
    if len(found) == 1:
        return found[0]
    if not interactive:
        listing = [f"{d.id}  {d.customer or '(no name yet)'}  ({d.tree_id})" for d in found]
        raise BadInput("several drafts; name one: calm new --resume DRAFT", details=listing)
    import questionary

    from calmcli.cli.prompts import STYLE, ask

    picked = ask(
        questionary.select(
            "Which interview do you want to continue?",
            choices=[
                questionary.Choice(
                    f"{d.customer or '(no name yet)'} · {d.tree_id} · "
                    f"{len(d.answers)} answers · {format_when(d.updated)}",
                    d.id,
                )
                for d in found
            ],
            style=STYLE,
        )
    )
    return next(d for d in found if d.id == picked)
