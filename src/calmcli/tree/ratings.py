"""The parts of a ratings question, and how a ratings answer is read and shown.

A ratings question asks for several scales in one prompt: the three ratings of an option
(easy to do, cost to you, how soon), or how strongly the customer feels each of a list of
feelings. With `rows` it rates several things on the same scales (every option at once); the
answer is then a mapping of row id to ratings. Rows and scales may be shown only when a
condition holds (a row for the second option only if there is one).

The engine *binds* a ratings question before asking it (`RatingsNode.bind`): conditions are
settled and labels filled from earlier answers. A bound row or scale is visible (no condition) or
hidden (the condition `HIDDEN`); an unbound one with a condition may or may not be shown, so it is
accepted but not required.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import Meta, field

from calmcli.tree.kinds import Invalid, QuestionNode, default_words
from calmcli.tree.parts import (
    MAX_ID_LENGTH,
    Condition,
    Found,
    Spec,
    Sub,
    Template,
    Words,
    doc,
    lenient,
)
from calmcli.tree.rules import RatingsRules
from calmcli.tree.templates import Filled

MAX_POINT = 9
"""Ratings are typed as one digit, so a rating scale runs from 0 at the lowest to 9 at most."""

_ID = r"^[a-z][a-z0-9_]*$(?!\n)"
PartId = Annotated[
    str,
    Meta(pattern=_ID, max_length=MAX_ID_LENGTH),
    Words(invalid="{name} uses a-z, 0-9 and _, starting with a letter"),
]
Point = Annotated[int, Meta(ge=0, le=MAX_POINT), Words(invalid="{name} must be a digit, 0 to 9")]

HIDDEN = Condition(answer_="__calm_hidden__", answered=True)
"""The condition a bound row or scale gets when it is not shown (it never holds)."""


class RatingScale(Spec, frozen=True, kw_only=True):
    """One scale of a ratings question: {id, label}, and optionally its own range and words."""

    noun: ClassVar[str] = "a rating scale"
    wrong: ClassVar[str] = "a rating scale is a mapping with 'id' and 'label'"

    id: Annotated[PartId, doc("The scale's id: the answer stores its rating under it.")]
    label: Annotated[Template, doc("What the scale rates, as the prompt shows it; a template.")]
    min: Annotated[Point | None, doc("The lowest point. Default: the question's `min`.")] = None
    max: Annotated[Point | None, doc("The highest point. Default: the question's `max`.")] = None
    labels: Annotated[
        dict[int, Template],
        doc(
            "Words for points, as the plan shows them ({1: costs you next to nothing}). Default: "
            "the question's `labels`.",
            extra_json_schema={"propertyNames": {"pattern": "^[0-9]$"}},
        ),
        Words(wrong="'labels' must map points to words, like {{1: next to nothing, 5: a lot}}"),
    ] = {}
    good: Annotated[
        Literal["high", "low"] | None,
        doc("Which end is better when options are ranked: high (easy, fast) or low (cost)."),
        Words(invalid="{name} must be 'high' or 'low'"),
    ] = None
    if_: Annotated[Condition | None, doc("Show this scale only when the condition holds.")] = field(
        default=None, name="if"
    )


class RatingRow(Spec, frozen=True, kw_only=True):
    """One thing rated on every scale: {id, label}, and an optional `if`."""

    noun: ClassVar[str] = "a rated row"
    wrong: ClassVar[str] = "a row is a mapping with 'id' and 'label'"

    id: Annotated[PartId, doc("The row's id: the answer stores this row's ratings under it.")]
    label: Annotated[Template, doc("What is rated, as the prompt shows it; a template.")]
    if_: Annotated[Condition | None, doc("Show this row only when the condition holds.")] = field(
        default=None, name="if"
    )


def unique(items: list[Any], what: str, key: str) -> Found:
    seen: set[str] = set()
    found: Found = []
    for i, item in enumerate(items):
        if item.id in seen:
            found.append(((key, i, "id"), f"duplicate {what} id {item.id!r}", False))
        seen.add(item.id)
    return found


def shown(items: list[Any]) -> list[Any]:
    """The rows or scales a (bound) question shows."""
    return [x for x in items if x.if_ is not HIDDEN]


def required(items: list[Any]) -> list[Any]:
    """The rows or scales that must be rated: shown, and not waiting on a condition."""
    return [x for x in items if x.if_ is None]


_PAIR = re.compile(r"^(?P<name>.*?)\s*[:=]?\s*(?P<n>[+-]?[0-9]+)$", re.DOTALL)


def pieces(raw: Any) -> list[tuple[str | None, Any]]:
    """A ratings answer for one row as (name or None for "in order", value) pairs.

    Accepts a mapping ({cost: 2}), a list in the scales' order ([4, 2, 4]), or text: "4 2 4",
    "4, 2, 4", "frustrated 4, let down 3", "cost: 2".
    """
    if isinstance(raw, Mapping):
        return [(str(k), v) for k, v in raw.items()]
    if isinstance(raw, list | tuple):
        return [(None, v) for v in raw]
    if isinstance(raw, bool) or raw is None:
        raise ValueError("expected ratings")
    if isinstance(raw, int):
        return [(None, raw)]
    text = str(raw).strip()
    parts = [p.strip() for p in re.split(r"[,;\n]", text) if p.strip()]
    if len(parts) == 1 and all(t.lstrip("+-").isdigit() for t in parts[0].split()):
        return [(None, t) for t in parts[0].split()]
    out: list[tuple[str | None, Any]] = []
    for part in parts:
        m = _PAIR.match(part)
        if m is None:
            raise ValueError(f"can't read {part[:40]!r} as a rating (like 'cost 2' or '4 2 4')")
        out.append((m["name"].strip() or None, m["n"]))
    return out


def whole(value: Any) -> int | None:
    """A rating as a whole number, or None when it is not one (digits only, as typed)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None


class RatingsNode(QuestionNode, tag="ratings", frozen=True, kw_only=True):
    """Several scales in one prompt; with `rows`, several things rated on the same scales.

    Stored as {scale: rating}, or with rows as {row: {scale: rating}}; a rating left out is not
    stored. See `calmcli.tree.ratings`.
    """

    widget: ClassVar[str] = "ratings"
    operators: ClassVar[frozenset[str]] = frozenset({"answered", "at_least", "at_most"})

    scales: Annotated[
        list[RatingScale],
        doc("The scales, each {id, label}; with `rows`, the columns.", min_length=1),
        Words(invalid="'scales' must be a non-empty list"),
    ]
    rows: Annotated[
        list[RatingRow] | None,
        doc("Things to rate on every scale, each {id, label}. Without rows, the scales alone."),
    ] = None
    min: Annotated[Point, doc("Each scale's lowest point unless it says otherwise (0 to 9).")] = 1
    max: Annotated[Point, doc("Each scale's highest point unless it says otherwise (0 to 9).")] = 5
    labels: Annotated[
        dict[int, Template],
        doc(
            "Words for points, for every scale without its own, such as {1: a little, 5: very}.",
            extra_json_schema={"propertyNames": {"pattern": "^[0-9]$"}},
        ),
        Words(wrong="'labels' must map points to words, like {{1: a little, 5: very}}"),
    ] = {}
    rate_all: Annotated[
        bool,
        doc("true (the default): every scale shown must be rated; false: rate only what applies."),
    ] = True
    default: Annotated[
        None, doc("Ratings questions have no default."), default_words("ratings")
    ] = None
    validate: Annotated[RatingsRules, doc("Rules the answer must meet.")] = field(
        default_factory=RatingsRules
    )

    # -- the parts ---------------------------------------------------------------------------

    def range_of(self, scale: RatingScale) -> tuple[int, int]:
        lo = scale.min if scale.min is not None else self.min
        hi = scale.max if scale.max is not None else self.max
        return lo, hi

    def words_of(self, scale: RatingScale) -> dict[int, str]:
        return scale.labels or self.labels

    def word(self, scale: RatingScale, point: int) -> str:
        """A rating as the plan shows it: its label, else "label n/max"."""
        words = self.words_of(scale)
        return words.get(point) or f"{scale.label} {point}/{self.range_of(scale)[1]}"

    def problems(self) -> Found:
        found = super().problems() + unique(self.scales, "scale", "scales")
        found += unique(self.rows or [], "row", "rows")
        if self.min >= self.max:
            found.append((("min",), "'min' must be below 'max'", False))
        for i, scale in enumerate(self.scales):
            lo, hi = self.range_of(scale)
            if lo >= hi:
                found.append(
                    (("scales", i), f"scale {scale.id!r}: its min must be below its max", False)
                )
            for key in scale.labels:
                if not lo <= key <= hi:
                    message = f"label key {key!r} is not a point from {lo} to {hi}"
                    found.append((("scales", i, "labels", key), message, True))
        for key in self.labels:
            if not self.min <= key <= self.max:
                message = f"label key {key!r} is not a point from {self.min} to {self.max}"
                found.append((("labels", key), message, True))
        return found

    def templates(self) -> Iterator[tuple[Sub, str]]:
        yield from super().templates()
        for i, row in enumerate(self.rows or []):
            yield ("rows", i, "label"), row.label
        for i, scale in enumerate(self.scales):
            yield ("scales", i, "label"), scale.label
            for point, words in scale.labels.items():
                yield ("scales", i, "labels", point), words
        for point, words in self.labels.items():
            yield ("labels", point), words

    def conditions(self) -> Iterator[tuple[Sub, Any]]:
        """Every `if` of a row or scale, with where it is."""
        for i, row in enumerate(self.rows or []):
            if row.if_ is not None:
                yield ("rows", i, "if"), row.if_
        for i, scale in enumerate(self.scales):
            if scale.if_ is not None:
                yield ("scales", i, "if"), scale.if_

    def summary(self) -> str:
        scales = ", ".join(s.id for s in self.scales)
        rows = f" for each of {', '.join(r.id for r in self.rows)}" if self.rows else ""
        return f"{scales} ({self.min} to {self.max}){rows}"

    def bind(self, answers: Mapping[str, Any], fill: Callable[[str], str]) -> RatingsNode:
        def settle(item: Any) -> Any:
            visible = item.if_ is None or item.if_.holds(answers)
            changes: dict[str, Any] = {
                "label": fill(item.label),
                "if_": None if visible else HIDDEN,
            }
            if isinstance(item, RatingScale):
                changes["labels"] = {k: fill(v) for k, v in item.labels.items()}
            return msgspec.structs.replace(item, **changes)

        with lenient():
            return msgspec.structs.replace(
                self,
                scales=[settle(s) for s in self.scales],
                rows=[settle(r) for r in self.rows] if self.rows is not None else None,
                labels={k: fill(v) for k, v in self.labels.items()},
            )

    # -- answers -----------------------------------------------------------------------------

    def coerce(self, raw: Any, now: datetime) -> dict[str, Any]:
        if self.rows is None:
            return self._row(raw, "")
        if not isinstance(raw, Mapping):
            raise Invalid("expected ratings for each row, like {option_1: [4, 2, 4]}")
        out: dict[str, Any] = {}
        for key, inner in raw.items():
            row = self._find(self.rows, key, "row")
            if row is None or row.if_ is HIDDEN:
                continue  # a row no longer shown (its condition changed): dropped
            rated = self._row(inner, f"{row.id}: ")
            if rated:
                out[row.id] = rated
        return out

    def _row(self, raw: Any, where: str) -> dict[str, int]:
        try:
            given = pieces(raw)
        except ValueError as exc:
            raise Invalid(f"{where}{exc}") from None
        out: dict[str, int] = {}
        order = [s for s in self.scales if s.if_ is not HIDDEN]
        for i, (name, value) in enumerate(given):
            if name is None:
                if whole(value) is None and isinstance(value, str) and value.strip():
                    named = value.strip()
                    raise Invalid(f"{where}give {named!r} a rating too, like '{named} 4'")
                if i >= len(order):
                    raise Invalid(f"{where}more ratings than scales ({len(order)})")
                scale = order[i]
            else:
                found = self._find(self.scales, name, "scale")
                if found is None:
                    continue
                scale = found
            if scale.if_ is HIDDEN or (value in (None, "") and name is not None):
                continue
            number = whole(value)
            lo, hi = self.range_of(scale)
            if number is None or not lo <= number <= hi:
                raise Invalid(
                    f"{where}{scale.id}: expected a number from {lo} to {hi}, not {value!r}"
                )
            out[scale.id] = number
        return out

    def _find(self, items: list[Any], key: Any, what: str) -> Any:
        text = str(key).strip().casefold().replace(" ", "_")
        for item in items:
            if text in (item.id, item.label.casefold().replace(" ", "_")):
                return item
        known = ", ".join(x.id for x in items)
        raise Invalid(f"{key!r} is not a {what} of this question ({known})")

    def failed(self, value: Any, now: datetime) -> str | None:
        cells = self.cells(value)
        if self.rate_all:
            for row in required(self.rows) if self.rows is not None else [None]:
                for scale in required(self.scales):
                    got = value.get(row.id, {}) if row is not None else value
                    if scale.id not in got:
                        what = f"{row.label or row.id}: " if row is not None else ""
                        return f"{what}rate {scale.label or scale.id}"
        return self.validate.failed(len(cells))

    def cells(self, value: Any) -> list[tuple[str, str, int]]:
        """Every rating given, as (row id or "", scale id, rating)."""
        if not isinstance(value, Mapping):
            return []
        if self.rows is None:
            return [("", k, v) for k, v in value.items() if isinstance(v, int)]
        return [
            (r, k, v)
            for r, inner in value.items()
            if isinstance(inner, Mapping)
            for k, v in inner.items()
            if isinstance(v, int)
        ]

    def ranked(self, value: Any) -> list[tuple[str, int]]:
        """Without rows: (scale label, rating) for each rating given, strongest first."""
        labels = {s.id: s.label for s in self.scales}
        order = {s.id: i for i, s in enumerate(self.scales)}
        given = [(k, v) for _, k, v in self.cells(value) if k in labels]
        given.sort(key=lambda kv: (-kv[1], order[kv[0]]))
        return [(labels[k], v) for k, v in given]

    def display(self, value: Any, now: datetime | None = None) -> str:
        if not value:
            return ""
        if self.rows is None:
            return ", ".join(f"{label} {n}" for label, n in self.ranked(value))
        scales = {s.id: s for s in self.scales}
        parts = []
        for row in self.rows:
            inner = value.get(row.id) if isinstance(value, Mapping) else None
            if inner:
                said = ", ".join(self.word(scales[k], v) for k, v in inner.items() if k in scales)
                parts.append(f"{row.label}: {said}")
        return "; ".join(parts)

    def filled(self, value: Any, now: datetime | None = None) -> Filled:
        if self.rows is None:
            items = tuple(label for label, _ in self.ranked(value))
        else:
            items = tuple(
                r.label for r in self.rows if isinstance(value, Mapping) and value.get(r.id)
            )
        return Filled(self.display(value, now), items)


RatingsNode.kind = "ratings"
