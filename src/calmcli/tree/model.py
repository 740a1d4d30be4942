"""A loaded tree: the file's content (`spec.TreeFile`), its nodes by id, and where it came from.

Everything here is immutable once loaded and free of I/O, so the engine, the checker and the
renderers can share one tree safely. `docs/trees.md` is the user-facing description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calmcli.tree import roles
from calmcli.tree.kinds import Node
from calmcli.tree.parts import END
from calmcli.tree.spec import Plan, Section, TreeFile

__all__ = ["END", "NOT_SITUATIONS", "REQUIRED_SECTIONS", "Tree"]

NOT_SITUATIONS = ("review",)
"""Built-in trees that are not for `calm new` (and so need not have its sections)."""
REQUIRED_SECTIONS = (
    "prepare",
    "customer",
    "feelings",
    "facts",
    "outcome",
    "options",
    "escalation",
    "followup",
)


class Tree:
    """A tree ready to walk. Built from a checked file, or (by the checker) from a file that still
    has problems, where a node without a usable id is left out and a repeated id keeps its first
    node."""

    __slots__ = (
        "builtin", "file", "nodes", "source", "start", "_index", "_order", "_roles", "_sections",
    )  # fmt: skip

    def __init__(self, file: TreeFile, *, source: str = "", builtin: bool = False) -> None:
        nodes: dict[str, Node] = {}
        for node in file.nodes:
            if node.id and node.id not in nodes:
                nodes[node.id] = node
        self.file = file
        self.nodes: Mapping[str, Node] = nodes
        self.source = source
        self.builtin = builtin
        self.start: str = file.start or next(iter(nodes), "")
        self._order = list(nodes)
        self._index = {node_id: i for i, node_id in enumerate(self._order)}
        self._sections = {s.id: s for s in reversed(file.sections)}
        self._roles = self._find_roles()

    def _find_roles(self) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for node in self.nodes.values():
            role = node.role_name
            if role is not None and role not in found:
                found[role] = node
        for node_id, role in roles.IMPLICIT.items():
            held = self.nodes.get(node_id)
            if (
                role not in found
                and held is not None
                and held.role_name is None
                and held.kind in roles.FITS[role]
            ):
                found[role] = held
        return found

    def role(self, name: str) -> Node | None:
        """The node holding a role: declared with `role:`, or an old reserved id (see roles)."""
        return self._roles.get(name)

    @property
    def id(self) -> str:
        return self.file.id

    @property
    def title(self) -> str:
        return self.file.title

    @property
    def version(self) -> int | str:
        return self.file.version

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(self.file.sections)

    @property
    def plan(self) -> Plan:
        return self.file.plan

    def __repr__(self) -> str:
        return f"Tree({self.id!r}, {len(self.nodes)} nodes, source={self.source!r})"

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def section(self, section_id: str) -> Section | None:
        return self._sections.get(section_id)

    def following(self, node_id: str) -> str:
        """The node after `node_id` in file order, or END."""
        i = self._index[node_id] + 1
        return self._order[i] if i < len(self._order) else END

    def next_id(self, node_id: str, answers: Mapping[str, Any]) -> str:
        """Where the walk goes after `node_id`, given the answers so far."""
        node = self.nodes[node_id]
        choice = node.choice(answers.get(node_id))
        if choice is not None and choice.next:
            return choice.next
        rules = node.rules
        for rule in rules:
            if rule.cond is None or rule.cond.holds(answers):
                return rule.goto
        return self.following(node_id) if not rules else END

    def successors(self, node_id: str) -> set[str]:
        """Every node (or END) that can follow `node_id`, whatever the answers."""
        node = self.nodes[node_id]
        out = {c.next for c in node.choices if c.next}
        rules = node.rules
        if rules:
            out |= {r.goto for r in rules}
            if rules[-1].cond is not None:
                out.add(END)
        else:
            out.add(self.following(node_id))
        return out
