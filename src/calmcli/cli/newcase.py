"""`calm new` itself: the guided interview, the call plan, the case file and the reminder.

Kept apart from its Typer options (`cli/commands/new.py`), so that `calm new` can start without
loading Typer at all: the entry point parses its few options itself (`parse`) and calls `run`
inside the one error boundary, which puts the first question on screen sooner.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calmcli.errors import BadInput, Interrupted

if TYPE_CHECKING:
    from calmcli.casebook.save import Created
    from calmcli.store.drafts import Draft
    from calmcli.tree.model import Tree


def run(
    tree_ref: str | None = None,
    answers_file: Path | None = None,
    no_input: bool = False,
    resume: bool = False,
    discard: bool = False,
    list_drafts: bool = False,
    draft_ref: str | None = None,
) -> None:
    from calmcli.casebook import drafting
    from calmcli.clock.now import local_now

    if sum((resume, discard, list_drafts)) > 1:
        raise BadInput("give one of --resume, --discard and --drafts")
    if draft_ref and not (resume or discard):
        raise BadInput("a DRAFT argument only makes sense with --resume or --discard")
    if list_drafts or discard:
        from calmcli.cli import draftpick

        if list_drafts:
            draftpick.show_drafts()
        else:
            draftpick.discard(draft_ref, interactive=not no_input and _can_prompt())
        return
    if not no_input and not _can_prompt():
        raise BadInput(
            "calm new asks questions, but this is not a terminal; "
            "give the answers with --answers FILE and add --no-input"
        )
    draft: Draft | None = None
    prefill: dict[str, Any] = {}
    if resume:
        from calmcli.cli.draftpick import pick_draft

        draft = pick_draft(draft_ref, interactive=not no_input)
        earlier = drafting.already_saved(draft)
        if earlier is not None:
            _show_already_saved(earlier)
            return
        tree = _tree(draft.tree_ref)
        prefill.update(draft.answers)
        if not no_input:
            from calmcli.cli.output import out
            from calmcli.cli.views.drafts import resuming

            out().print(resuming(draft, tree, local_now()))
    else:
        tree = _tree(tree_ref) if tree_ref else _tree(_default_tree()) if no_input else _pick_tree()
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


FLAGS = {"--no-input": "no_input", "--resume": "resume", "--discard": "discard",
         "--drafts": "list_drafts"}  # fmt: skip
VALUES = {"--tree": "tree_ref", "-t": "tree_ref", "--answers": "answers_file", "-a": "answers_file"}


def parse(args: list[str]) -> dict[str, Any] | None:
    """The options of `calm new ...` when they are the everyday ones; None for anything else
    (`--help`, a typo, `--plain`), which Typer then parses and explains."""
    found: dict[str, Any] = {}
    words = iter(args)
    for word in words:
        name, sep, value = word.partition("=")
        if name in FLAGS and not sep:
            found[FLAGS[name]] = True
        elif name in VALUES:
            if not sep:
                value = next(words, "")
            if not value or value.startswith("-"):
                return None
            found[VALUES[name]] = Path(value) if VALUES[name] == "answers_file" else value
        elif not word.startswith("-") and "draft_ref" not in found:
            found["draft_ref"] = word
        else:
            return None
    return found


def _can_prompt() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _default_tree() -> str:
    """The team's `default_tree` setting: the tree `--no-input` walks when none is named."""
    from calmcli.store import config

    return str(config.load().get("default_tree") or "default")


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
        from calmcli.store import queries

        _recall(queries.earlier(tree=tree.id), f"this situation ({tree.id})")
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
    say("Import the reminder into your calendar; `calm followup` lists what is due.")


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


def _recall(earlier: list[Any], what: str) -> None:
    from calmcli.cli.output import out
    from calmcli.cli.views.recall import recall_panel

    panel = recall_panel(earlier, what)
    if panel is not None:
        out().print(panel)


def _customer_recall() -> Any:
    """Once the customer's name is known (or, when the name finds nobody, their number), say
    what earlier cases of theirs there were, and offer the number and job of the last one as
    the defaults of those questions."""
    told: set[tuple[str, str]] = set()
    found_by_name = [False]

    def recall(walk: Any) -> None:
        from calmcli.store import queries

        name = str(walk.answers.get("customer_name") or "")
        phone = str(walk.answers.get("customer_phone") or "")
        if name and ("name", name) not in told:
            told.add(("name", name))
            found = queries.earlier(customer=name)
            found_by_name[0] = bool(found)
            _recall(found, name)
            _offer_known(walk, found)
        if phone and not found_by_name[0] and ("phone", phone) not in told:
            told.add(("phone", phone))
            found = queries.earlier(phone=phone)
            if found:
                _recall(found, f"this number ({found[0].customer})")
                _offer_known(walk, found)

    return recall


def _offer_known(walk: Any, found: list[Any]) -> None:
    """A known customer's number and last job, offered as the defaults of those questions
    (a name that finds nobody takes back what an earlier name offered)."""
    from calmcli.cli.output import say

    last = found[0] if found else None
    offered = []
    for node_id, what in (("customer_phone", "number"), ("job", "last job")):
        value = getattr(last, "phone" if node_id == "customer_phone" else "job", "")
        if node_id in walk.answers or node_id not in walk.tree.nodes:
            continue
        walk.suggest(node_id, value or None)
        if value:
            offered.append(what)
    if offered:
        say(f"Their {' and '.join(offered)} are offered below: Enter keeps them.", style="dim")


def _pick_tree() -> Tree:
    from calmcli.cli.prompts import pick
    from calmcli.textsafe import one_line
    from calmcli.tree import registry
    from calmcli.tree.model import NOT_SITUATIONS

    usable = registry.usable(registry.entries(leave_out=NOT_SITUATIONS))
    usual = _default_tree()  # the team's usual tree first, so `1` picks it
    usable = dict(sorted(usable.items(), key=lambda item: item[0] != usual))
    choice = pick(
        "Which situation is it?",
        [(f"{one_line(e.title)}  ({name})", name) for name, e in usable.items()],
    )
    if choice is None:
        raise Interrupted("stopped before any answer; nothing to keep")
    picked = usable[choice].tree
    assert picked is not None  # `usable` holds loaded trees only
    return picked
