"""The kinds of node, each with its own keys and with what it does with an answer: turn what was
typed (or given in a file) into the stored value, check it against `validate`, show it in words,
and say which prompt widget asks for it. Code outside the tree package asks the node; it never
compares `kind` strings.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from msgspec import field

from calmcli.tree.parts import (
    MAX_SCALE_STEPS,
    Choice,
    ChoiceList,
    Found,
    Line,
    MultiChoiceList,
    Next,
    NodeId,
    RoleName,
    Rule,
    Spec,
    Sub,
    Template,
    Value,
    Words,
    doc,
    duplicate_values,
    fallback_problems,
    normal_choices,
    rules_of,
)
from calmcli.tree.rules import DateRules, MultiRules, Rules, ScaleRules, TextRules
from calmcli.tree.templates import Filled


class Invalid(ValueError):
    """An answer that does not fit its question; the message is what the user reads."""


_TRUE = {"y", "yes", "true", "on", "1"}
_FALSE = {"n", "no", "false", "off", "0"}
_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() also reads "٣" and "３"


class Node(Spec, tag_field="kind", frozen=True, kw_only=True):
    """A question or note. Every node has an id, a section, a kind and a prompt."""

    noun: ClassVar[str] = "a node"
    wrong: ClassVar[str] = "a node must be a mapping, not {found}"
    misplaced: ClassVar[str] = "{key!r} does not apply to a {kind} node"
    kind: ClassVar[str] = ""
    is_question: ClassVar[bool] = False
    widget: ClassVar[str] = ""
    """How a prompt asks: "text", "select", "checkbox" or "confirm" ("" for a note)."""
    operators: ClassVar[frozenset[str]] = frozenset()
    """The condition operators that can test this node's answer."""

    id: Annotated[
        NodeId,
        doc("Stable name; the answer is stored under it. Do not rename ids once cases exist."),
    ]
    section: Annotated[str, doc("Which section the node belongs to.")]
    prompt: Annotated[Line, doc("The question (or, for a note, the text). May use templates.")]
    help: Annotated[Template, doc("Optional extra text shown under the prompt; a template.")] = ""
    next: Next = None

    @classmethod
    def siblings(cls) -> tuple[type[Spec], ...]:
        return every_kind()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return rules_of(self.next)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return ()

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def templates(self) -> Iterator[tuple[Sub, str]]:
        """Every text of this node that may name answers, with where it is."""
        yield ("prompt",), self.prompt
        if self.help:
            yield ("help",), self.help

    def summary(self) -> str:
        """A line about the answer's range, for `calm tree show` ("" when there is nothing)."""
        return ""

    def problems(self) -> Found:
        return fallback_problems(self.next)

    # -- answers: a note takes none -------------------------------------------------------

    def coerce(self, raw: Any, now: datetime) -> Any:
        """The stored value for a non-empty `raw`, or Invalid; `validate` is not applied."""
        raise Invalid(f"a {self.kind} node takes no answer")

    def accept(self, raw: Any, now: datetime) -> Any:
        """The value to store for `raw`, or Invalid. Skipping an optional question gives None."""
        raise Invalid(f"a {self.kind} node takes no answer")

    def display(self, value: Any, now: datetime | None = None) -> str:
        """An answer as a person reads it."""
        return "" if value is None else str(value)

    def filled(self, value: Any, now: datetime | None = None) -> Filled:
        """An answer as templates see it (see `templates.Filled`)."""
        return Filled(self.display(value, now))

    def bind(self, answers: Mapping[str, Any], fill: Callable[[str], str]) -> "Node":
        """This node as it is asked after `answers`: itself, except for a ratings question."""
        return self

    @property
    def role_name(self) -> str | None:
        """The node's declared role (`role:`), if any."""
        return None


def every_kind() -> tuple[type[Node], ...]:
    """Every kind of node, the ratings kind included (found as subclasses with a tag)."""
    found: list[type[Node]] = []
    todo: list[type[Node]] = [Node]
    while todo:
        cls = todo.pop(0)
        if cls.__struct_config__.tag is not None:
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return tuple(found)


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


class NoteNode(Node, tag="note", frozen=True, kw_only=True):
    """A note: text to read, with no answer."""


class QuestionNode(Node, frozen=True, kw_only=True):
    """What every question shares."""

    is_question: ClassVar[bool] = True
    operators: ClassVar[frozenset[str]] = frozenset({"equals", "in", "answered"})
    multiline: ClassVar[bool] = False
    hints: ClassVar[tuple[str, ...]] = ()
    """Short hints for the prompt's instruction line."""

    required: Annotated[
        bool,
        doc("true (the default) or false: an optional question can be skipped with no answer."),
    ] = True
    role: Annotated[
        RoleName | None,
        doc("What the answer means to calm, whatever the node's id: see docs/trees.md, Roles."),
    ] = None
    replaces: Annotated[
        list[NodeId],
        doc("Ids of questions in earlier versions of this tree that this one replaces."),
    ] = []
    default: Any = None
    validate: Rules = field(default_factory=Rules)

    @property
    def role_name(self) -> str | None:
        return self.role

    def accept(self, raw: Any, now: datetime) -> Any:
        if empty(raw):
            return self._skipped()
        value = self.coerce(raw, now)
        if empty(value):
            return self._skipped()
        failed = self.failed(value, now)
        if failed is not None:
            raise Invalid(self.refusal(failed))
        return value

    def refusal(self, failed: str) -> str:
        """What the user reads when a `validate` rule fails: the tree's message, if it has one."""
        return self.validate.message or failed

    def _skipped(self) -> None:
        if self.required:
            raise Invalid(self.validate.message or "an answer is needed")
        return None

    def failed(self, value: Any, now: datetime) -> str | None:
        """Which `validate` rule the value breaks, in words (None when it passes)."""
        return None

    def offer(self, default: Any, now: datetime) -> Any:
        """The default as the prompt offers it (a date default is a date expression)."""
        return default

    def menu(self) -> list[tuple[str, Any]]:
        """(label, value) for each entry of a "select" or "checkbox" widget."""
        return [(c.shown, c.value) for c in self.choices]


def default_words(kind: str) -> Words:
    return Words(wrong=f"default {{found}} does not fit a {kind} question")


class TextNode(QuestionNode, tag="text", frozen=True, kw_only=True):
    """A line of text."""

    widget: ClassVar[str] = "text"

    default: Annotated[
        Template | None,
        doc("Offered when the user presses Enter; a template."),
        default_words("text"),
    ] = None
    validate: Annotated[TextRules, doc("Rules the answer must meet.")] = field(
        default_factory=TextRules
    )

    def templates(self) -> Iterator[tuple[Sub, str]]:
        yield from super().templates()
        if self.default is not None:
            yield ("default",), self.default

    def coerce(self, raw: Any, now: datetime) -> str:
        if isinstance(raw, dict | list):
            raise Invalid("expected text")
        return self._tidy(str(raw).replace("\r\n", "\n").replace("\r", "\n"))

    def _tidy(self, text: str) -> str:
        return text.strip()

    def failed(self, value: Any, now: datetime) -> str | None:
        return self.validate.failed(value)


class LongTextNode(TextNode, tag="longtext", frozen=True, kw_only=True):
    """Several lines of text."""

    multiline: ClassVar[bool] = True
    hints: ClassVar[tuple[str, ...]] = ("Esc then Enter: done",)

    default: Annotated[
        Template | None,
        doc("Offered when the user presses Enter; a template."),
        default_words("longtext"),
    ] = None

    def _tidy(self, text: str) -> str:
        return text.strip("\n ")


class Picking(QuestionNode, frozen=True, kw_only=True):
    """What choice and multi questions share: a list of `choices`."""

    raw_choices: Any = field(default_factory=list, name="choices")

    @property
    def choices(self) -> tuple[Choice, ...]:
        return normal_choices(self.raw_choices)

    def value_of(self, raw: Any) -> Any:
        """The stored value for a choice given by value or, as typed by a person, by label."""
        if self.choice(raw) is not None:
            return raw
        if isinstance(raw, bool):  # YAML reads an unquoted yes/no as true/false
            for word in ("yes", "true", "y") if raw else ("no", "false", "n"):
                if self.choice(word) is not None:
                    return word
        text = str(raw).strip().casefold()
        for c in self.choices:
            if text in (str(c.value).casefold(), c.shown.casefold()):
                return c.value
        shown = ", ".join(str(c.value) for c in self.choices)
        raise Invalid(f"{raw!r} is not one of the choices ({shown})")

    def label(self, value: Any) -> str:
        choice = self.choice(value)
        return choice.shown if choice is not None else str(value)


class ChoiceNode(Picking, tag="choice", frozen=True, kw_only=True):
    """One of the `choices`."""

    widget: ClassVar[str] = "select"

    raw_choices: ChoiceList = field(name="choices")
    default: Annotated[
        Value | None,
        doc("The value offered when the user presses Enter."),
        default_words("choice"),
    ] = None
    validate: Annotated[Rules, doc("Rules the answer must meet.")] = field(default_factory=Rules)

    def problems(self) -> Found:
        found = super().problems() + duplicate_values(self.choices)
        if self.default is not None and self.choice(self.default) is None:
            found.append(
                (("default",), f"default {self.default!r} is not one of the choices' values", False)
            )
        return found

    def coerce(self, raw: Any, now: datetime) -> Any:
        if isinstance(raw, dict | list):
            raise Invalid("expected one choice")
        return self.value_of(raw)

    def display(self, value: Any, now: datetime | None = None) -> str:
        return "" if value is None else self.label(value)

    def filled(self, value: Any, now: datetime | None = None) -> Filled:
        shown = self.display(value, now)
        return Filled(shown, (shown,) if shown else ())


class MultiNode(Picking, tag="multi", frozen=True, kw_only=True):
    """Any number of the `choices`; the answer is a list of values."""

    widget: ClassVar[str] = "checkbox"
    operators: ClassVar[frozenset[str]] = QuestionNode.operators | {"includes"}

    raw_choices: MultiChoiceList = field(name="choices")
    default: Annotated[
        list[Value] | None,
        doc("The values offered as picked."),
        Words(wrong="default must be a list of the choices' values"),
    ] = None
    validate: Annotated[MultiRules, doc("Rules the answer must meet.")] = field(
        default_factory=MultiRules
    )

    def problems(self) -> Found:
        found = super().problems() + duplicate_values(self.choices)
        if self.default is not None and any(self.choice(v) is None for v in self.default):
            found.append((("default",), "default must be a list of the choices' values", False))
        return found

    def coerce(self, raw: Any, now: datetime) -> list[Any]:
        items = raw if isinstance(raw, list) else [p for p in str(raw).split(",") if p.strip()]
        values: list[Any] = []
        for item in items:
            if isinstance(item, dict | list):
                raise Invalid("expected a list of choices")
            value = self.value_of(item)
            if value not in values:
                values.append(value)
        return values

    def failed(self, value: Any, now: datetime) -> str | None:
        return self.validate.failed(value)

    def display(self, value: Any, now: datetime | None = None) -> str:
        return "" if value is None else ", ".join(self.label(v) for v in value)

    def filled(self, value: Any, now: datetime | None = None) -> Filled:
        picked = value if isinstance(value, list) else [] if value is None else [value]
        items = tuple(self.label(v) for v in picked)
        return Filled(", ".join(items), items)


class YesNoNode(QuestionNode, tag="yesno", frozen=True, kw_only=True):
    """Yes or no; stored as true or false."""

    widget: ClassVar[str] = "confirm"

    default: Annotated[
        bool | None,
        doc("true or false, offered when the user presses Enter."),
        default_words("yesno"),
    ] = None
    validate: Annotated[Rules, doc("Rules the answer must meet.")] = field(default_factory=Rules)

    def coerce(self, raw: Any, now: datetime) -> bool:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise Invalid(f"answer yes or no, not {raw!r}")

    def display(self, value: Any, now: datetime | None = None) -> str:
        return "" if value is None else "yes" if value else "no"


class ScaleNode(QuestionNode, tag="scale", frozen=True, kw_only=True):
    """A whole number from `min` to `max`."""

    widget: ClassVar[str] = "select"
    operators: ClassVar[frozenset[str]] = QuestionNode.operators | {"at_least", "at_most"}

    min: Annotated[int, doc("The lowest point of the scale, for example 1.")]
    max: Annotated[int, doc("The highest point of the scale, for example 5.")]
    labels: Annotated[
        dict[int, str],
        doc(
            "Optional words for some points, such as {1: calm, 5: furious}.",
            extra_json_schema={"propertyNames": {"pattern": "^-?[0-9]+$"}},
        ),
        Words(
            wrong="'labels' must map scale points to words, like {{1: calm, 5: furious}}",
            invalid="'labels' must map scale points to words, like {{1: calm, 5: furious}}",
        ),
    ] = {}
    default: Annotated[
        int | None, doc("The point offered when the user presses Enter."), default_words("scale")
    ] = None
    validate: Annotated[ScaleRules, doc("Rules the answer must meet.")] = field(
        default_factory=ScaleRules
    )

    def problems(self) -> Found:
        found = super().problems()
        lo, hi = self.min, self.max
        if lo >= hi:
            return [*found, (("min",), "'min' must be below 'max'", False)]
        if hi - lo > MAX_SCALE_STEPS:
            points = f"{hi - lo + 1:,}"
            message = f"a scale has at most {MAX_SCALE_STEPS + 1} points, not {points}"
            return [*found, (("max",), message, False)]
        for key in self.labels:
            if not lo <= key <= hi:
                found.append(
                    (("labels", key), f"label key {key!r} is not a point from {lo} to {hi}", True)
                )
        for name, value in (("min", self.validate.min), ("max", self.validate.max)):
            if value is not None and not lo <= value <= hi:
                message = f"{name!r} {value} is outside the scale {lo}..{hi}"
                found.append((("validate", name), message, False))
        if self.default is not None and not lo <= self.default <= hi:
            found.append((("default",), f"default {self.default} is outside {lo}..{hi}", False))
        return found

    def summary(self) -> str:
        labels = ", ".join(f"{k} {v}" for k, v in sorted(self.labels.items()))
        return f"{self.min} to {self.max}" + (f" ({labels})" if labels else "")

    def menu(self) -> list[tuple[str, Any]]:
        return [
            (f"{n}" + (f"  {self.labels[n]}" if n in self.labels else ""), n)
            for n in range(self.min, self.max + 1)
        ]

    def coerce(self, raw: Any, now: datetime) -> int:
        expected = f"expected a number from {self.min} to {self.max}"
        if isinstance(raw, bool):
            raise Invalid(expected)
        if isinstance(raw, int):
            number = raw
        elif _WHOLE.fullmatch(str(raw).strip()):
            number = int(str(raw).strip())
        else:
            raise Invalid(f"{expected}, not {raw!r}")
        if not self.min <= number <= self.max:
            raise Invalid(f"{number} is outside {self.min} to {self.max}")
        return number

    def failed(self, value: Any, now: datetime) -> str | None:
        return self.validate.failed(value)

    def unit(self, value: Any) -> float:
        """A rating on this scale as 0..1 (0.5 when there is none)."""
        if not isinstance(value, int) or isinstance(value, bool):
            return 0.5
        return (value - self.min) / (self.max - self.min)


class DateNode(QuestionNode, tag="date", frozen=True, kw_only=True):
    """A date and time, stored as ISO 8601 text with the UTC offset."""

    widget: ClassVar[str] = "text"
    hints: ClassVar[tuple[str, ...]] = ("e.g. tomorrow 9am, fri, next week, 3 dec 4pm",)

    default: Annotated[
        Template | None,
        doc("A date expression such as `2 working days 9am`, evaluated when asked; a template."),
        default_words("date"),
    ] = None
    validate: Annotated[DateRules, doc("Rules the answer must meet.")] = field(
        default_factory=DateRules
    )

    def templates(self) -> Iterator[tuple[Sub, str]]:
        yield from super().templates()
        if self.default is not None:
            yield ("default",), self.default

    def problems(self) -> Found:
        found = super().problems()
        if self.default is not None and "{" not in self.default:
            from calmcli.clock import dates
            from calmcli.errors import BadInput

            try:  # whether it reads as a date does not depend on today: check against a fixed day
                dates.parse_when(self.default, _CHECKED_ON)
            except BadInput as exc:
                message = f"default is not a date expression: {exc.message}"
                found.append((("default",), message, False))
        return found

    def offer(self, default: Any, now: datetime) -> Any:
        from calmcli.clock import dates
        from calmcli.errors import BadInput

        if not default:
            return default
        try:
            return dates.format_when(dates.parse_when(str(default), now), now)
        except BadInput:
            return None

    def coerce(self, raw: Any, now: datetime) -> str:
        from calmcli.clock import dates
        from calmcli.errors import BadInput

        if isinstance(raw, datetime):
            when = raw if raw.tzinfo else raw.replace(tzinfo=now.tzinfo)
        elif isinstance(raw, dict | list | bool):
            raise Invalid("expected a date and time")
        else:
            try:
                when = dates.parse_when(str(raw), now)
            except BadInput as exc:
                raise Invalid(exc.message) from None
        return dates.to_iso(when)

    def failed(self, value: Any, now: datetime) -> str | None:
        from calmcli.clock import dates

        return self.validate.failed(dates.from_iso(value), now)

    def refusal(self, failed: str) -> str:
        """The reason first ("Mon 30 Nov 09:00 is in the past"), which says what calm took the
        date to be, then the tree's own message."""
        from calmcli.clock import dates

        message = self.validate.message
        if message:
            return f"{failed}. {message}"
        return f"{failed}; pick a time after now, like {dates.SOON}" if "past" in failed else failed

    def display(self, value: Any, now: datetime | None = None) -> str:
        from calmcli.clock import dates
        from calmcli.errors import BadInput

        if value is None:
            return ""
        try:
            return dates.format_when(dates.from_iso(str(value)), now)
        except BadInput:
            return str(value)

    def filled(self, value: Any, now: datetime | None = None) -> Filled:
        from calmcli.clock import dates
        from calmcli.errors import BadInput

        try:
            when = dates.from_iso(str(value)) if value is not None else None
        except BadInput:
            when = None
        return Filled(self.display(value, now), (), when)


NODE_TYPES: tuple[type[Node], ...] = (
    NoteNode,
    TextNode,
    LongTextNode,
    ChoiceNode,
    MultiNode,
    YesNoNode,
    ScaleNode,
    DateNode,
)
"""The kinds defined here; `spec.NODE_TYPES` adds the ratings kind (`calmcli.tree.ratings`)."""
for _kind in NODE_TYPES:
    _kind.kind = str(_kind.__struct_config__.tag)
KINDS = tuple(k.kind for k in NODE_TYPES)


_CHECKED_ON = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""A fixed Monday to read date defaults against when checking a tree, so a tree's verdict never
depends on the clock (or on a CALM_NOW set to something odd)."""
