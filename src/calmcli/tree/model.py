"""The interview tree as data: sections, nodes, choices, branching rules and call-plan wording.

Everything here is immutable once loaded and free of I/O, so the engine, the checker and the
renderers can share one tree safely. `docs/trees.md` is the user-facing description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("note", "text", "longtext", "choice", "multi", "yesno", "scale", "date")
QUESTION_KINDS = frozenset(KINDS) - {"note"}
END = "end"
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


@dataclass(frozen=True)
class Condition:
    """One test on earlier answers. `op` is a comparison or `all`/`any`/`not` over `children`."""

    op: str
    answer: str | None = None
    arg: Any = None
    children: tuple[Condition, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(c.holds(answers) for c in self.children)
        if self.op == "any":
            return any(c.holds(answers) for c in self.children)
        if self.op == "not":
            return not self.children[0].holds(answers)
        assert self.answer is not None
        value = answers.get(self.answer)
        answered = value not in (None, "", [])
        if self.op == "answered":
            return answered is bool(self.arg)
        if not answered:
            return False
        if self.op == "equals":
            return bool(value == self.arg)
        if self.op == "in":
            return value in self.arg
        if self.op == "includes":
            return isinstance(value, list) and self.arg in value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.op == "at_least":
            return bool(value >= self.arg)
        if self.op == "at_most":
            return bool(value <= self.arg)
        raise AssertionError(f"unknown condition {self.op}")

    def names(self) -> set[str]:
        """Every answer id this condition reads."""
        out = {self.answer} if self.answer else set()
        for child in self.children:
            out |= child.names()
        return out


@dataclass(frozen=True)
class Rule:
    """`goto` when `cond` holds; a rule without `cond` is the fallback."""

    goto: str
    cond: Condition | None = None


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    next: str | None = None


@dataclass(frozen=True)
class Validation:
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_choices: int | None = None
    max_choices: int | None = None
    min: float | None = None
    max: float | None = None
    not_past: bool = False
    max_days_ahead: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class Node:
    id: str
    section: str
    kind: str
    prompt: str
    help: str = ""
    required: bool = True
    default: Any = None
    validate: Validation = field(default_factory=Validation)
    choices: tuple[Choice, ...] = ()
    min: int = 1
    max: int = 5
    labels: Mapping[int, str] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    @property
    def is_question(self) -> bool:
        return self.kind != "note"

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class PlanLine:
    """A call-plan line, said only when `cond` holds (or always)."""

    template: str
    cond: Condition | None = None


@dataclass(frozen=True)
class PlanOption:
    option: str
    feasibility: str
    cost: str
    speed: str


PLAN_TEXT_KEYS = (
    "customer",
    "phone",
    "job",
    "feelings",
    "reflect",
    "wants",
    "apology",
    "open_question",
    "ask",
    "escalate",
    "extra",
)


@dataclass(frozen=True)
class Plan:
    texts: Mapping[str, str] = field(default_factory=dict)
    facts: tuple[PlanLine, ...] = ()
    questions: tuple[PlanLine, ...] = ()
    options: tuple[PlanOption, ...] = ()
    followup: str | None = None


@dataclass(frozen=True)
class Tree:
    id: str
    title: str
    version: int | str
    sections: tuple[Section, ...]
    nodes: Mapping[str, Node]
    start: str
    description: str = ""
    plan: Plan = field(default_factory=Plan)
    source: str = ""
    builtin: bool = False

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def following(self, node_id: str) -> str:
        """The node after `node_id` in file order, or END."""
        ids = list(self.nodes)
        i = ids.index(node_id)
        return ids[i + 1] if i + 1 < len(ids) else END

    def next_id(self, node_id: str, answers: Mapping[str, Any]) -> str:
        """Where the walk goes after `node_id`, given the answers so far."""
        node = self.nodes[node_id]
        if node.kind == "choice":
            choice = node.choice(answers.get(node_id))
            if choice is not None and choice.next:
                return choice.next
        for rule in node.rules:
            if rule.cond is None or rule.cond.holds(answers):
                return rule.goto
        return self.following(node_id) if not node.rules else END

    def successors(self, node_id: str) -> set[str]:
        """Every node (or END) that can follow `node_id`, whatever the answers."""
        node = self.nodes[node_id]
        out = {c.next for c in node.choices if c.next} if node.kind == "choice" else set()
        if node.rules:
            out |= {r.goto for r in node.rules}
            if node.rules[-1].cond is not None:
                out.add(END)
        else:
            out.add(self.following(node_id))
        return out
