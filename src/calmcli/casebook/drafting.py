"""An interview in progress: run it with a prompter, keeping every answer in its draft, or
check answers given in advance when nobody is there to ask."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from calmcli.clock.now import local_now
from calmcli.domain.answers import AnswerProblem, problems_error, scan_answers_file
from calmcli.domain.case import Case
from calmcli.domain.interview import Interview, MissingAnswers, NonInteractive, Prompter
from calmcli.errors import BadInput
from calmcli.store import drafts
from calmcli.tree.model import Tree


def new_draft(tree: Tree) -> drafts.Draft:
    now = local_now()
    return drafts.Draft(
        id=drafts.new_draft_id(now),
        tree_ref=str(tree.source) if not tree.builtin else tree.id,
        tree_id=tree.id,
        started=now,
        updated=now,
    )


def interview(
    tree: Tree,
    prefill: dict[str, Any],
    draft: drafts.Draft,
    prompter: Prompter,
    *,
    on_answer: Callable[[Interview], None] | None = None,
) -> dict[str, Any]:
    """Walk the tree with `prompter`; after every change the draft holds every answer given,
    including those walked back past or waiting to be reused after a review edit."""

    def keep(walk: Interview) -> None:
        if on_answer is not None:
            on_answer(walk)
        pending = {**walk.memory, **walk.prefill}
        kept = {**walk.answers, **{k: v for k, v in pending.items() if k not in walk.answers}}
        if not kept and not draft.answers:
            return
        draft.answers = kept
        draft.seen_notes = sorted(walk.seen_notes)
        draft.updated = local_now()
        drafts.save_draft(draft)

    walk = Interview(tree, prefill=prefill, seen_notes=set(draft.seen_notes), on_change=keep)
    return walk.run(prompter)


def answers_without_prompts(
    tree: Tree, prefill: dict[str, Any], answers_file: Path | None
) -> dict[str, Any]:
    """`--no-input`: every answer from the draft or the file. One error lists each problem: the
    file's own (unknown ids, wrong types) and the answers still missing, each question once."""
    file_problems: list[AnswerProblem] = []
    if answers_file is not None:
        found, file_problems = scan_answers_file(answers_file, tree, local_now())
        prefill = {**prefill, **found}
    try:
        answers = Interview(tree, prefill=prefill).run(NonInteractive())
        missing: list[AnswerProblem] = []
    except MissingAnswers as exc:
        if not file_problems:
            raise
        named = {p.node_id for p in file_problems}  # a refused answer is missing too: once
        missing = [p for p in exc.problems if p.node_id not in named]
    if file_problems:
        raise problems_error(str(answers_file), file_problems + missing)
    return answers


def already_saved(draft: drafts.Draft) -> Case | None:
    """The case this draft was saved as, if calm was stopped after the save but before it
    removed the draft (a kill, a power cut): then the draft is removed and the case's derived
    files repaired, instead of saving the same interview a second time."""
    from calmcli.casebook.save import repair
    from calmcli.files import paths
    from calmcli.store import cases

    slug = cases.slugify(draft.customer) if draft.customer else "*"
    for path in sorted(paths.cases_dir().glob(f"*-{slug}*.yaml")):
        try:
            case = cases.load_case(path)
        except BadInput:
            continue
        if case.history and case.history[0].get("draft") == draft.id:
            repair(case, path)
            drafts.delete_draft(draft.id)
            return case
    return None
