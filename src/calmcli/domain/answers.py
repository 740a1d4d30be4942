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
from calmcli.files import yamlsafe
from calmcli.tree.kinds import Invalid, Node, empty
from calmcli.tree.model import Tree

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
            message = f"no such question in tree {tree.id!r}"
            problems.append(AnswerProblem(str(key), message, where))
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


def lookup(
    tree: Tree, answers: Mapping[str, Any], now: datetime | None = None
) -> Callable[[str], str | None]:
    """A template lookup function over `answers`."""

    def get(name: str) -> str | None:
        node = tree.nodes.get(name)
        if node is None or name not in answers:
            return None
        return node.display(answers[name], now)

    return get
