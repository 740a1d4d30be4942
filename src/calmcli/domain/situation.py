"""What a case's answers say about the call, read through the tree's roles: is something unsafe,
did nobody get back to them, is there a date that matters, how strongly do they feel.

The plan's rules (`domain.adapt`) decide from this alone, so they work the same for every tree
that declares the roles, built-in or the user's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calmcli.tree.kinds import Node, ScaleNode
from calmcli.tree.model import Tree
from calmcli.tree.parts import highest
from calmcli.tree.ratings import RatingsNode
from calmcli.tree.roles import SITUATIONS

_NOTHING = frozenset({"no", "none", "nothing", "n", "false"})


@dataclass(frozen=True)
class Situation:
    flags: frozenset[str]
    """The situations that hold: danger, ignored, repeat, deadline, threat, escalate."""
    level: int | None
    """How strongly they feel, on 1 to 5 (None when the tree does not say)."""
    feelings: tuple[str, ...]
    """How they feel, the strongest (or first picked) first."""
    outcomes: tuple[str, ...]
    """What they want, as the tree words it."""

    def has(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def mild(self) -> bool:
        return self.level is not None and self.level <= 2

    @property
    def heated(self) -> bool:
        return self.level is not None and self.level >= 4


def means_yes(value: Any) -> bool:
    """Whether an answer to a situation question says the situation holds."""
    if value in (None, False, "", [], {}):
        return False
    if isinstance(value, list):
        return any(means_yes(v) for v in value)
    if isinstance(value, str):
        return value.strip().casefold() not in _NOTHING
    return True


def read(tree: Tree, answers: Mapping[str, Any]) -> Situation:
    flags: set[str] = set()
    for role in SITUATIONS:
        node = tree.role(role)
        if node is not None and means_yes(answers.get(node.id)):
            flags.add(role)
    for node in tree.nodes.values():
        value = answers.get(node.id)
        picked = value if isinstance(value, list) else [value]
        for choice in node.choices:
            if choice.role is not None and choice.value in picked and value is not None:
                flags.add(choice.role)
    feelings, strongest = _feelings(tree.role("feelings"), answers)
    return Situation(
        flags=frozenset(flags),
        level=_level(tree.role("intensity"), answers, strongest),
        feelings=feelings,
        outcomes=_picked(tree.role("outcome"), answers),
    )


def _feelings(node: Node | None, answers: Mapping[str, Any]) -> tuple[tuple[str, ...], int | None]:
    """The feelings, strongest first, and the strongest rating on a 1-5 scale (if rated)."""
    if node is None or answers.get(node.id) in (None, [], {}):
        return (), None
    value = answers[node.id]
    if isinstance(node, RatingsNode):
        if not isinstance(value, Mapping):  # a hand edit broke it: no feelings, not a crash
            return (), None
        ranked = node.ranked(value)
        top = highest(value)
        return tuple(label for label, _ in ranked), _on_five(top, node.min, node.max)
    return _picked(node, answers), None


def _picked(node: Node | None, answers: Mapping[str, Any]) -> tuple[str, ...]:
    if node is None or answers.get(node.id) in (None, "", []):
        return ()
    value = answers[node.id]
    values = value if isinstance(value, list) else [value]
    return tuple(node.display(v) if not node.choices else _label(node, v) for v in values)


def _label(node: Node, value: Any) -> str:
    choice = node.choice(value)
    return choice.shown if choice is not None else str(value)


def _level(node: Node | None, answers: Mapping[str, Any], strongest: int | None) -> int | None:
    if isinstance(node, ScaleNode):
        value = answers.get(node.id)
        if isinstance(value, int) and not isinstance(value, bool):
            return _on_five(value, node.min, node.max)
    return strongest


def _on_five(value: int | None, lo: int, hi: int) -> int | None:
    """A rating on its own scale as 1 to 5."""
    if value is None or hi <= lo:
        return None
    return 1 + round(4 * (min(max(value, lo), hi) - lo) / (hi - lo))
