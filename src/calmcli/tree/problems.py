"""A problem in a tree file, as calm prints it: `file:line:column: node: message`."""

from __future__ import annotations

from typing import Any

import msgspec

from calmcli.errors import BadInput
from calmcli.files import yamlsafe

P = tuple[str | int, ...]


class Problem(msgspec.Struct, frozen=True, order=True):
    """One problem; problems sort by their place in the file."""

    line: int
    column: int
    where: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.where}: {self.message}"


class TreeInvalid(BadInput):
    """A tree with problems; `problems` lists them all, in file order."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        problems = sorted(set(problems))
        n = len(problems)
        super().__init__(
            f"{source}: {n} problem{'s' if n != 1 else ''} in this tree",
            details=[str(p) for p in problems],
        )
        self.problems = problems


def where(data: Any, path: P) -> str:
    """What a problem at `path` is about: a node's id (or `nodes[i]`), "plan", or "tree"."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(data, dict):
        nodes = data.get("nodes")
        i = path[1]
        if isinstance(nodes, list) and isinstance(i, int) and i < len(nodes):
            node_id = nodes[i].get("id") if isinstance(nodes[i], dict) else None
            return node_id if isinstance(node_id, str) and node_id else f"nodes[{i}]"
    if path and path[0] == "plan":
        return "plan"
    return "tree"


class Collector:
    """Problems found in one document, each placed at its line and column."""

    def __init__(self, doc: yamlsafe.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path: P, message: str, *, key: bool = False, about: str | None = None) -> None:
        line, col = self.doc.loc(path, key=key)
        label = about if about is not None else where(self.doc.data, path)
        self.problems.append(Problem(line, col, label, message, self.doc.source))


def describe(value: Any) -> str:
    """A value as messages name it: "the text 'x'", "the number 5", "a list"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the text {str(value)[:40]!r}"
