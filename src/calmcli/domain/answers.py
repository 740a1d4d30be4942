"""Answers: whether one is valid and how it reads, and answers files (`--answers FILE`).

What each kind of question accepts, stores and shows lives with the kind
(`calmcli.tree.kinds`); `accept` is the one door to it, for the interactive prompts, for
`--answers` files and for `--no-input` runs alike, so all three refuse the same things with the
same message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.errors import BadInput
from calmcli.tree.kinds import Invalid, Node, empty
from calmcli.tree.model import Tree
from calmcli.tree.templates import Filled, render

__all__ = [
    "AnswerProblem",
    "Invalid",
    "accept",
    "display",
    "lookup",
    "read_answers_file",
    "scan_answers_file",
]


@dataclass(frozen=True)
class AnswerProblem:
    """One answer that is missing or cannot be used: which question, what is wrong, and where
    (`file:line:col` for an answers file, "" for the interview)."""

    node_id: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.node_id}: {self.message}"
            if self.where
            else (f"{self.node_id}: {self.message}")
        )


def problems_error(what: str, problems: list[AnswerProblem]) -> BadInput:
    n = len(problems)
    return BadInput(
        f"{what}: {n} problem{'s' if n > 1 else ''} in the answers",
        details=[str(p) for p in problems],
    )


def accept(node: Node, raw: Any, now: datetime) -> Any:
    """The value to store for `raw`, or Invalid. Skipping an optional question stores None."""
    return node.accept(raw, now)


def display(node: Node, value: Any, now: datetime | None = None) -> str:
    """An answer as a person reads it: labels for choices, yes/no, a friendly date."""
    return node.display(value, now)


def read_answers_file(path: Path, tree: Tree, now: datetime) -> dict[str, Any]:
    """Node id -> raw answer from a YAML file; refuse unknown ids and wrong types, naming each."""
    answers, problems = scan_answers_file(path, tree, now)
    if problems:
        raise problems_error(str(path), problems)
    return answers


def scan_answers_file(
    path: Path, tree: Tree, now: datetime
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """The usable answers, and a problem (with its `file:line:col`) for each unusable one."""
    from calmcli.files import yamlsafe

    doc = yamlsafe.read_file(path, what="an answers file")
    data = doc.data
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        raise BadInput(f"{path}:1:1: an answers file is a mapping of question id to answer")
    problems: list[AnswerProblem] = []
    out: dict[str, Any] = {}
    for key, raw in data.items():
        line, col = doc.loc((key,), key=True)
        where = f"{path}:{line}:{col}"
        node = tree.nodes.get(str(key))
        if node is None:
            problems.append(AnswerProblem(str(key), changed(tree, str(key)), where))
            continue
        if not node.is_question:
            problems.append(AnswerProblem(str(key), "is a note, it takes no answer", where))
            continue
        try:
            if not empty(raw):
                node.coerce(raw, now)
        except Invalid as exc:
            problems.append(AnswerProblem(str(key), str(exc), where))
            continue
        out[node.id] = raw
    return out, problems


def changed(tree: Tree, key: str) -> str:
    """Why an answers file's `key` is not a question of `tree`: a question of an earlier version
    (replaced by another, or no longer asked), or none at all."""
    for node in tree.nodes.values():
        if key in getattr(node, "replaces", ()):
            return (
                f"asked differently since an earlier version of tree {tree.id!r}: answer "
                f"{node.id!r} instead (see `calm tree show {tree.id}`)"
            )
    if tree.builtin:
        from calmcli.tree import registry

        for old in registry.earlier(tree.id):
            if key in old.nodes:
                return (
                    f"a question of tree {tree.id!r} version {old.version}, no longer asked in "
                    f"version {tree.version}: leave it out (see `calm tree show {tree.id}`)"
                )
    return f"no such question in tree {tree.id!r}"


def lookup(
    tree: Tree, answers: Mapping[str, Any], now: datetime | None = None
) -> Callable[[str], Filled | None]:
    """A template lookup function over `answers`: each answer as `templates.Filled`."""
    cache: dict[str, Filled | None] = {}

    def get(name: str) -> Filled | None:
        if name in cache:
            return cache[name]
        node = tree.nodes.get(name)
        found = cache[name] = None  # a label naming its own question reads as unanswered
        if node is not None and name in answers and answers[name] is not None:
            bound = node.bind(answers, lambda text: render(text, get))
            found = bound.filled(answers[name], now)
        cache[name] = found
        return found

    return get


def shown(tree: Tree, node: Node, answers: Mapping[str, Any], now: datetime | None) -> Node:
    """`node` as it is asked after `answers`: a ratings question with its rows and scales
    settled and its labels filled."""
    get = lookup(tree, answers, now)
    return node.bind(answers, lambda text: render(text, get))
