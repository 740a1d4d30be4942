"""The pieces nodes are made of: ids, conditions, branching rules and choices.

With `kinds` (the node kinds) and `spec` (the file as a whole) this is the one definition of tree
format 1. The loader converts YAML into these types with msgspec, and `calm tree schema` is
generated from them, so the two cannot disagree. A rule a JSON Schema cannot state (one field
compared with another, a regular expression that must compile, ...) is a `problems()` method:
msgspec runs it on conversion, and docs/trees.md lists it as checked by calm only.
"""

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import UNSET, Meta, UnsetType, field

from calmcli.tree import roles

MAX_NODES = 2000
MAX_ID_LENGTH = 64
MAX_PATTERN_LENGTH = 500
MAX_SCALE_STEPS = 100
"""A scale offers every point from `min` to `max` in a menu, so it has at most 101 points."""

END = "end"

# `$` in Python (which msgspec and the jsonschema package use) also matches before a final
# newline; `(?!\n)` makes it the end of the text there, and changes nothing in JavaScript.
_ID = r"^[a-z][a-z0-9_]*$(?!\n)"
_TREE_ID = r"^[a-z0-9][a-z0-9_-]*$(?!\n)"
_NOT_BLANK = r"\S"

Sub = tuple[str | int, ...]
Found = list[tuple[Sub, str, bool]]
"""Problems inside one part: (path below the part, message, whether it is about the key)."""


class Words:
    """How messages speak of a value: the whole message when it has the wrong type (`wrong`),
    breaks a constraint such as a pattern (`invalid`), or is left out (`missing`). They may use
    {name}, {found} and {value}; `invalid` may also be a function of the value giving one."""

    def __init__(
        self,
        *,
        wrong: str | None = None,
        invalid: str | Callable[[Any], str] | None = None,
        missing: str | None = None,
    ) -> None:
        self.wrong = wrong
        self.invalid = invalid
        self.missing = missing


def doc(text: str, **constraints: Any) -> Meta:
    """A field's description for the JSON Schema (and editors), with any msgspec constraints."""
    return Meta(description=text, **constraints)


def _ref_words(value: Any) -> str:
    if isinstance(value, str) and not value.strip():
        return "{name} is empty: name a node, or 'end'"
    if isinstance(value, str) and len(value) > MAX_ID_LENGTH:
        return f"{{name}} is too long for a node id (at most {MAX_ID_LENGTH} characters)"
    return "{name} must name a node (a-z, 0-9 and _) or 'end', not {value}"


def _id_words(what: str, chars: str) -> Callable[[Any], str]:
    def words(value: Any) -> str:
        if isinstance(value, str) and len(value) > MAX_ID_LENGTH:
            return f"{what} is at most {MAX_ID_LENGTH} characters long"
        return f"{what} uses {chars}"

    return words


NodeId = Annotated[
    str,
    Meta(pattern=_ID, max_length=MAX_ID_LENGTH),
    Words(invalid=_id_words("a node id", "a-z, 0-9 and _, starting with a letter")),
]
NodeRef = Annotated[str, Meta(pattern=_ID, max_length=MAX_ID_LENGTH), Words(invalid=_ref_words)]
TreeId = Annotated[
    str,
    Meta(pattern=_TREE_ID, max_length=MAX_ID_LENGTH),
    Words(invalid=_id_words("a tree id", "a-z, 0-9, - and _")),
]
Line = Annotated[str, Meta(pattern=_NOT_BLANK), Words(invalid="{name} must not be empty")]
Template = str
"""Text that may name earlier answers, {id} or {id|words if skipped}; checked by `check`."""
Value = str | int | bool
"""What a choice stores: text, a whole number, or true/false."""
RoleName = Annotated[roles.Role, Words(invalid=lambda v: roles.unknown(v, list(roles.FITS)))]
SituationName = Annotated[
    roles.Situation, Words(invalid=lambda v: roles.unknown(v, roles.SITUATIONS))
]


class SpecError(ValueError):
    """Cross-field problems of one part. msgspec shows the first; the loader reports them all."""

    def __init__(self, found: Found) -> None:
        super().__init__(found[0][1])
        self.found = found


_LENIENT: ContextVar[bool] = ContextVar("lenient", default=False)


@contextlib.contextmanager
def lenient() -> Iterator[None]:
    """Build parts without raising on cross-field problems: the loader, which is collecting
    every problem in a file, asks each part for its `problems()` itself."""
    token = _LENIENT.set(True)
    try:
        yield
    finally:
        _LENIENT.reset(token)


class Spec(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Any part of a tree file."""

    noun: ClassVar[str] = "a mapping"
    """How messages name one of these: "unknown key 'x' in a rule"."""
    wrong: ClassVar[str] = "{name} must be a mapping, not {found}"
    """The message when it is given as something other than a mapping."""
    misplaced: ClassVar[str] = ""
    """The message for a key that belongs to a sibling type (see `siblings`)."""
    schema_extra: ClassVar[dict[str, Any]] = {}
    """Added to this type's JSON Schema: what the schema can say that a type alone does not."""

    @classmethod
    def siblings(cls) -> "tuple[type[Spec], ...]":
        """Types whose keys are known, just not here ("'min' does not apply to a text node")."""
        return ()

    def problems(self) -> Found:
        """Rules across fields, which a JSON Schema cannot express."""
        return []

    def __post_init__(self) -> None:
        if not _LENIENT.get():
            found = self.problems()
            if found:
                raise SpecError(found)


_COMPARISONS = ("equals", "in", "includes", "at_least", "at_most", "answered")
_COMBINATIONS = ("all", "any", "not")


class Condition(Spec, frozen=True, kw_only=True):
    """A test on earlier answers: {answer, equals|in|includes|at_least|at_most|answered}, or
    {all: [...]}, {any: [...]}, {not: ...}."""

    noun: ClassVar[str] = "a condition"
    schema_extra: ClassVar[dict[str, Any]] = {
        "oneOf": [
            *({"required": ["answer", op], "maxProperties": 2} for op in _COMPARISONS),
            *({"required": [op], "maxProperties": 1} for op in _COMBINATIONS),
        ]
    }

    answer_: (
        Annotated[NodeId, doc("The id of the question whose answer is tested.")] | UnsetType
    ) = field(default=UNSET, name="answer")
    equals: Annotated[Any, doc("True when the answer is this value.")] | UnsetType = UNSET
    in_: Annotated[list[Any], doc("True when the answer is one of these values.")] | UnsetType = (
        field(default=UNSET, name="in")
    )
    includes: Annotated[Any, doc("True when a multi answer contains this value.")] | UnsetType = (
        UNSET
    )
    at_least: (
        Annotated[int | float, doc("True when a scale answer is >= this number.")] | UnsetType
    ) = UNSET
    at_most: (
        Annotated[int | float, doc("True when a scale answer is <= this number.")] | UnsetType
    ) = UNSET
    answered: (
        Annotated[bool, doc("true: the question was answered; false: skipped or never asked.")]
        | UnsetType
    ) = UNSET
    all: (
        Annotated[list["Condition"], doc("True when every condition holds.", min_length=1)]
        | UnsetType
    ) = UNSET
    any: (
        Annotated[list["Condition"], doc("True when at least one condition holds.", min_length=1)]
        | UnsetType
    ) = UNSET
    not_: Annotated["Condition", doc("True when this condition does not hold.")] | UnsetType = (
        field(default=UNSET, name="not")
    )

    @property
    def answer(self) -> str | None:
        return self.answer_ if isinstance(self.answer_, str) else None

    @property
    def op(self) -> str:
        """The operator given ("" when none is: a broken condition the loader reported)."""
        given = [op for op in (*_COMPARISONS, *_COMBINATIONS) if self._arg(op) is not UNSET]
        return given[0] if given else ""

    @property
    def arg(self) -> Any:
        return self._arg(self.op) if self.op in _COMPARISONS else None

    @property
    def children(self) -> "tuple[Condition, ...]":
        if isinstance(self.not_, Condition):
            return (self.not_,)
        for kids in (self.all, self.any):
            if isinstance(kids, list):
                return tuple(kids)
        return ()

    def _arg(self, op: str) -> Any:
        return getattr(self, {"in": "in_", "not": "not_"}.get(op, op), UNSET)

    def problems(self) -> Found:
        given = [op for op in (*_COMPARISONS, *_COMBINATIONS) if self._arg(op) is not UNSET]
        if len(given) != 1 or (given[0] in _COMPARISONS) != (self.answer is not None):
            if given and given[0] in _COMBINATIONS and len(given) == 1:
                return [((), f"{given[0]!r} stands alone: no 'answer' beside it", False)]
            if self.answer is None and any(op in _COMPARISONS for op in given):
                return [((), "missing 'answer'", False)]
            wanted = ", ".join(_COMPARISONS)
            return [((), f"a condition needs exactly one of {wanted}", False)]
        return []

    def holds(self, answers: Mapping[str, Any]) -> bool:
        op = self.op
        if op in ("all", "any", "not"):
            results = (c.holds(answers) for c in self.children)
            return (
                all(results) if op == "all" else any(results) if op == "any" else not any(results)
            )
        value = answers.get(self.answer or "")
        answered = value not in (None, "", [], {})
        if isinstance(value, dict):  # ratings: tested by the highest rating given
            value = highest(value)
        if op == "answered":
            return answered is bool(self.arg)
        if not answered:
            return False
        arg = self.arg
        if op == "equals":
            return bool(value == arg)
        if op == "in":
            return value in arg
        if op == "includes":
            return isinstance(value, list) and arg in value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return bool(value >= arg) if op == "at_least" else bool(value <= arg)


def highest(ratings: Mapping[str, Any]) -> int | None:
    """The highest rating in a ratings answer (a mapping, or a mapping of mappings)."""
    found = [v for v in ratings.values() if isinstance(v, int) and not isinstance(v, bool)]
    for inner in ratings.values():
        if isinstance(inner, Mapping):
            found += [v for v in inner.values() if isinstance(v, int) and not isinstance(v, bool)]
    return max(found) if found else None


class Rule(Spec, frozen=True, kw_only=True):
    """A branching rule: go to `goto` when `if` holds; without `if` it is the fallback."""

    noun: ClassVar[str] = "a rule"
    wrong: ClassVar[str] = "a rule must be a mapping with 'goto' (and 'if')"

    if_: Annotated[
        Condition | None, doc("The condition; leave it out on the last rule (the fallback).")
    ] = field(default=None, name="if")
    goto: Annotated[NodeRef, doc("The node id (or `end`) to go to.")]

    @property
    def cond(self) -> Condition | None:
        return self.if_


Next = Annotated[
    NodeRef | list[Rule] | None,
    doc(
        "Which node comes next: a node id, `end`, or a list of rules tried in order (each with "
        "`goto` and, except the last, an `if`). Without it, the next node in the file."
    ),
    Words(wrong="'next' must be a node id, 'end', or a list of rules, not {found}"),
]


def rules_of(next_: str | list[Rule] | None) -> tuple[Rule, ...]:
    """A node's `next` as rules: a plain id is one rule without a condition."""
    if next_ is None:
        return ()
    if isinstance(next_, str):
        return (Rule(goto=next_),)
    return tuple(r for r in next_ if r.goto)  # no goto: a broken rule the loader reported


def fallback_problems(next_: str | list[Rule] | None) -> Found:
    """Every rule but the last needs `if`; the last must not have one: it is the fallback."""
    if not isinstance(next_, list):
        return []
    found: Found = []
    for i, rule in enumerate(next_):
        last = i == len(next_) - 1
        if last and rule.if_ is not None:
            found.append(
                (("next", i), "the last rule must have no 'if': it is the fallback", False)
            )
        if not last and rule.if_ is None:
            found.append(
                (("next", i), "only the last rule may lack 'if' (it is the fallback)", False)
            )
    return found


class MultiChoice(Spec, frozen=True, kw_only=True):
    """A choice of a multi question: {value, label}."""

    noun: ClassVar[str] = "a choice"
    misplaced: ClassVar[str] = "only single-choice answers can branch"

    value: Annotated[Value, doc("What is stored as the answer. Unique within the node.")]
    label: Annotated[str | None, doc("What the user sees. Default: the value.")] = None
    role: Annotated[
        SituationName | None,
        doc("Picking this choice means this situation (danger, ignored, repeat, ...)."),
    ] = None

    @classmethod
    def siblings(cls) -> tuple[type[Spec], ...]:
        return (Choice,)

    @property
    def shown(self) -> str:
        return self.label if self.label is not None else str(self.value)


class Choice(MultiChoice, frozen=True, kw_only=True):
    """A choice of a choice question: {value, label, next}."""

    next: Annotated[
        NodeRef | None,
        doc("This choice picks the next node (a node id or `end`); wins over the node's `next`."),
    ] = None

    @classmethod
    def siblings(cls) -> tuple[type[Spec], ...]:
        return ()


_CHOICE = Words(wrong="a choice must be text, a whole number or a mapping, not {found}")
_CHOICES = Words(invalid="'choices' must be a non-empty list")
ChoiceList = Annotated[
    list[Annotated[str | int | Choice, _CHOICE]],
    doc("The options. A plain value is both the value and the label.", min_length=1),
    _CHOICES,
]
MultiChoiceList = Annotated[
    list[Annotated[str | int | MultiChoice, _CHOICE]],
    doc("The options. A plain value is both the value and the label.", min_length=1),
    _CHOICES,
]


def normal_choices(items: list[Any]) -> tuple[Choice, ...]:
    """Every choice as a Choice with its label (a plain value is its own label)."""
    out: list[Choice] = []
    for item in items:
        if isinstance(item, Choice):
            out.append(
                item if item.label is not None else msgspec.structs.replace(item, label=item.shown)
            )
        elif isinstance(item, MultiChoice):
            out.append(Choice(value=item.value, label=item.shown, role=item.role))
        else:
            out.append(Choice(value=item, label=str(item)))
    return tuple(out)


def duplicate_values(choices: tuple[Choice, ...]) -> Found:
    seen: set[Any] = set()
    found: Found = []
    for i, c in enumerate(choices):
        if c.value in seen:
            found.append((("choices", i), f"duplicate choice value {c.value!r}", False))
        seen.add(c.value)
    return found
