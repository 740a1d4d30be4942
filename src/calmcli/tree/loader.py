"""Turn a tree's YAML into a checked `Tree`, or a TreeInvalid listing every problem with its
file:line:column.

A good file converts into `spec.TreeFile` with one msgspec call. When that fails, `reader` works
out every problem the parts have; either way `check` then looks at the tree as a whole.
"""

from __future__ import annotations

import re

import msgspec

from calmcli.errors import BadInput
from calmcli.files import yamlsafe
from calmcli.tree.check import check_tree
from calmcli.tree.model import Tree
from calmcli.tree.problems import Collector, P, Problem, TreeInvalid, describe, where
from calmcli.tree.spec import TreeFile

__all__ = ["Problem", "TreeInvalid", "load_document", "load_tree_text"]


def load_document(
    doc: yamlsafe.Document, *, builtin: bool = False, file_name: str | None = None
) -> Tree:
    """The tree in `doc`, checked; `file_name` is given for a tree found by its file name."""
    data = doc.data
    if data is None:
        raise BadInput(f"{doc.source}: the file is empty; a tree starts with 'format: 1'")
    if not isinstance(data, dict):
        raise BadInput(
            f"{doc.source}:1:1: the top level must be a mapping (format, id, title, ...), "
            f"not {describe(data)}"
        )
    found = Collector(doc)
    for path, line, col, message in doc.duplicates:
        found.problems.append(Problem(line, col, where(data, path), message, doc.source))
    file: TreeFile | None
    try:
        file = msgspec.convert(data, TreeFile)
    except msgspec.ValidationError as exc:
        from calmcli.tree.reader import Reader  # only a broken file needs the explanations

        reader = Reader(doc)
        file = reader.read()
        found.problems += reader.found.problems
        if not reader.found.problems:  # the reader should have said why: never let it pass
            path, message = _error_path(str(exc))
            found.add(path, message)
    problems = found.problems
    if file is not None and file.nodes:
        tree = Tree(file, source=doc.source, builtin=builtin)
        problems += check_tree(tree, doc, file_name=file_name)
    if problems or file is None or not file.nodes:
        if not problems:
            problems = [Problem(1, 1, "tree", "no usable tree here", doc.source)]
        raise TreeInvalid(doc.source, problems)
    return tree


def load_tree_text(text: str, source: str, *, builtin: bool = False) -> Tree:
    """Parse and fully check a tree from text; raise TreeInvalid listing every problem."""
    return load_document(
        yamlsafe.parse_text(text, source, collect_duplicates=True), builtin=builtin
    )


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _error_path(error: str) -> tuple[P, str]:
    """msgspec's "message - at `$.nodes[3].min`" as a path and the message."""
    message, _, place = error.partition(" - at `")
    place = place.split("` in `")[-1].rstrip("`")
    path: list[str | int] = []
    for name, index in _STEP.findall(place.removeprefix("$")):
        path.append(int(index) if index else name)
    return tuple(path), message
