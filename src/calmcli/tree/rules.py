"""What `validate` may say, one type per kind of question, and how each rule judges an answer."""

from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar

from msgspec import Meta

from calmcli.tree import regex
from calmcli.tree.parts import MAX_PATTERN_LENGTH, Found, Spec, Words, doc

Count = Annotated[int, Meta(ge=0), Words(invalid="{name} must not be negative")]
Days = Annotated[int, Meta(ge=1), Words(invalid="{name} must be 1 or more")]
Pattern = Annotated[
    str,
    Meta(max_length=MAX_PATTERN_LENGTH),
    Words(invalid=f"{{name}} is too long (at most {MAX_PATTERN_LENGTH} characters)"),
]
_MESSAGE = doc("Shown when any rule fails; without it calm says which rule failed.")


class Rules(Spec, frozen=True, kw_only=True):
    """Rules the answer must meet; `message` is shown when any rule fails."""

    noun: ClassVar[str] = "'validate'"
    wrong: ClassVar[str] = "'validate' must be a mapping"
    misplaced: ClassVar[str] = "{key!r} does not apply to a {kind} question"

    message: Annotated[str | None, _MESSAGE] = None

    @classmethod
    def siblings(cls) -> tuple[type[Spec], ...]:
        return (TextRules, MultiRules, ScaleRules, DateRules, RatingsRules)

    def _order(self, low: str, high: str) -> Found:
        lo, hi = getattr(self, low), getattr(self, high)
        if lo is not None and hi is not None and lo > hi:
            return [((low,), f"{low!r} is above {high!r}", False)]
        return []


class TextRules(Rules, frozen=True, kw_only=True):
    """Rules for text and longtext answers."""

    min_length: Annotated[Count | None, doc("The fewest characters.")] = None
    max_length: Annotated[Count | None, doc("The most characters.")] = None
    pattern: Annotated[
        Pattern | None, doc("A regular expression (RE2 syntax) the whole answer must match.")
    ] = None
    message: Annotated[str | None, _MESSAGE] = None

    def problems(self) -> Found:
        found = self._order("min_length", "max_length")
        bad = regex.problem(self.pattern) if self.pattern is not None else None
        if bad:
            found.append((("pattern",), bad, False))
        return found

    def failed(self, text: str) -> str | None:
        if self.min_length is not None and len(text) < self.min_length:
            return f"at least {self.min_length} characters"
        if self.max_length is not None and len(text) > self.max_length:
            return f"at most {self.max_length} characters"
        if self.pattern is not None and not regex.fullmatch(self.pattern, text):
            return "that does not look right"
        return None


class MultiRules(Rules, frozen=True, kw_only=True):
    """Rules for multi answers."""

    min_choices: Annotated[Count | None, doc("The fewest choices picked.")] = None
    max_choices: Annotated[Count | None, doc("The most choices picked.")] = None
    message: Annotated[str | None, _MESSAGE] = None

    def problems(self) -> Found:
        return self._order("min_choices", "max_choices")

    def failed(self, picked: list[Any]) -> str | None:
        if self.min_choices is not None and len(picked) < self.min_choices:
            return f"pick at least {self.min_choices}"
        if self.max_choices is not None and len(picked) > self.max_choices:
            return f"pick at most {self.max_choices}"
        return None


class ScaleRules(Rules, frozen=True, kw_only=True):
    """Rules for scale answers: a range narrower than the scale itself."""

    min: Annotated[int | None, doc("The lowest answer allowed.")] = None
    max: Annotated[int | None, doc("The highest answer allowed.")] = None
    message: Annotated[str | None, _MESSAGE] = None

    def problems(self) -> Found:
        return self._order("min", "max")

    def failed(self, number: int) -> str | None:
        if self.min is not None and number < self.min:
            return f"at least {self.min}"
        if self.max is not None and number > self.max:
            return f"at most {self.max}"
        return None


class RatingsRules(Rules, frozen=True, kw_only=True):
    """Rules for ratings answers: how many ratings must (or may) be given."""

    min_rated: Annotated[Count | None, doc("The fewest ratings given.")] = None
    max_rated: Annotated[Count | None, doc("The most ratings given.")] = None
    message: Annotated[str | None, _MESSAGE] = None

    def problems(self) -> Found:
        return self._order("min_rated", "max_rated")

    def failed(self, count: int) -> str | None:
        if self.min_rated is not None and count < self.min_rated:
            return f"rate at least {self.min_rated}"
        if self.max_rated is not None and count > self.max_rated:
            return f"rate at most {self.max_rated}"
        return None


class DateRules(Rules, frozen=True, kw_only=True):
    """Rules for date answers."""

    not_past: Annotated[bool, doc("Refuse a time before now.")] = False
    max_days_ahead: Annotated[Days | None, doc("Refuse a time more than this many days ahead.")] = (
        None
    )
    message: Annotated[str | None, _MESSAGE] = None

    def failed(self, when: datetime, now: datetime) -> str | None:
        from calmcli.clock import dates
        from calmcli.errors import BadInput

        if self.not_past:
            try:
                dates.check_not_past(when, now)
            except BadInput:
                return dates.past(when, now)
        if self.max_days_ahead is not None and when > now + timedelta(days=self.max_days_ahead):
            n = self.max_days_ahead
            return (
                f"{dates.format_when(when, now)} is more than {n} day{'s' if n != 1 else ''} ahead"
            )
        return None
