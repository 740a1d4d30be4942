"""Tree text templates: `{id}` replaced by an answer, `{id:filter}` shaped by a filter,
`{id|words}` with words for when there is no answer, `{{`/`}}` literal braces.

Substitution and a fixed set of filters only: no expressions, attribute access or format specs,
so a tree file can never run code or reach anything but the answers it names. Filters exist so
that one sentence reads well for any answer: "{wants:a:and}" gives "a repair and an apology",
"{cause:clause}" lets "The grout cracked." sit inside a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import NamedTuple

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PLACEHOLDER = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*((?::\s*[a-z_]+\s*)*)(?:\|(.*))?$", re.DOTALL)


class Filled(NamedTuple):
    """An answer as templates see it: its text, its items (a multi answer's labels, or what a
    ratings answer rates, strongest first) and, for a date, the date."""

    text: str
    items: tuple[str, ...] = ()
    when: datetime | None = None


class Placeholder(NamedTuple):
    name: str
    fallback: str | None
    offset: int
    filters: tuple[str, ...] = ()


class TemplateError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# -- filters ---------------------------------------------------------------------------------

_WORDS = "a an the some any my your our their his her its this that these those no every each"
_DETERMINERS = frozenset(f"{_WORDS} another more less all both".split(" "))
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def article(phrase: str) -> str:
    """'repair' -> 'a repair', 'explanation' -> 'an explanation'; 'the work redone' as it is."""
    words = phrase.split()
    if not words or words[0].casefold() in _DETERMINERS or words[0][0].isdigit():
        return phrase
    first = words[0].casefold()
    vowel = first[0] in "aeio" or (first[0] == "u" and not first.startswith(("uni", "use", "usu")))
    vowel = vowel or first.startswith(("hour", "honest", "heir"))
    return ("an " if vowel else "a ") + phrase


def joined(items: tuple[str, ...] | list[str], word: str) -> str:
    """'a', 'a and b', 'a, b and c' (or 'or')."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def clause(text: str) -> str:
    """A sentence made to sit inside another: no full stop at the end, and a capital at the
    start lowered when the word is not an acronym ("The grout cracked." -> "the grout cracked")."""
    text = text.strip().rstrip(".!").rstrip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _each(f: Callable[[str], str]) -> Callable[[Filled], Filled]:
    return lambda v: Filled(f(v.text), tuple(f(i) for i in v.items), v.when)


def _join(word: str) -> Callable[[Filled], Filled]:
    return lambda v: Filled(joined(v.items, word) if v.items else v.text, (), v.when)


def _day(v: Filled) -> Filled:
    if v.when is None:
        return v
    return Filled(f"{_DAYS[v.when.weekday()]} {v.when.day} {_MONTHS[v.when.month - 1]}")


def _time(v: Filled) -> Filled:
    return v if v.when is None else Filled(f"{v.when.hour:02d}:{v.when.minute:02d}")


def _main(v: Filled) -> Filled:
    return Filled(v.items[0], v.items[:1]) if v.items else v


def _others(v: Filled) -> Filled:
    return Filled(joined(v.items[1:], "and"), v.items[1:]) if v.items else Filled("")


FILTERS: dict[str, tuple[Callable[[Filled], Filled], str]] = {
    "a": (_each(article), "a or an before the answer (each item of a list)"),
    "and": (_join("and"), "a list as 'x, y and z'"),
    "or": (_join("or"), "a list as 'x, y or z'"),
    "main": (_main, "the first item: the first picked, or the strongest rating"),
    "others": (_others, "the items after the first, as 'x and y'"),
    "lower": (_each(str.lower), "in lower case"),
    "capital": (_each(lambda t: t[:1].upper() + t[1:]), "with a capital first letter"),
    "clause": (_each(clause), "to sit inside a sentence: no full stop, no leading capital"),
    "line": (_each(lambda t: t.strip().split("\n", 1)[0].strip()), "the first line only"),
    "day": (_day, "a date as its day only: Sat 6 Dec"),
    "time": (_time, "a date as its time only: 14:30"),
}
"""Every filter, with what it does (docs/trees.md lists the same)."""


# -- parsing and filling ---------------------------------------------------------------------


def _tokens(template: str) -> Iterator[tuple[str, Placeholder | None]]:
    """Yield (text, None) and ("", placeholder) pieces; raise TemplateError on bad braces."""
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            yield template[pos : m.start()], None
        text = m.group(0)
        if text in ("{{", "}}"):
            yield text[0], None
        elif text in ("{", "}"):
            raise TemplateError(
                f"unmatched {text!r}: write {text * 2} for a literal brace", m.start()
            )
        else:
            inner = _PLACEHOLDER.match(m.group(1))
            if not inner:
                raise TemplateError(
                    f"bad placeholder {text}: use {{answer_id}}, {{answer_id:filter}} or "
                    "{answer_id|fallback}",
                    m.start(),
                )
            filters = tuple(f.strip() for f in inner.group(2).split(":") if f.strip())
            for name in filters:
                if name not in FILTERS:
                    raise TemplateError(
                        f"unknown filter {name!r} in {text}; filters: {', '.join(FILTERS)}",
                        m.start(),
                    )
            yield "", Placeholder(inner.group(1), inner.group(3), m.start(), filters)
        pos = m.end()
    if pos < len(template):
        yield template[pos:], None


def placeholders(template: str) -> list[Placeholder]:
    """The answers a template names; raises TemplateError when it is malformed."""
    return [p for _, p in _tokens(template) if p is not None]


Lookup = Callable[[str], "Filled | str | None"]


def render(template: str, lookup: Lookup, missing: Callable[[str], str] | None = None) -> str:
    """Fill `template`; `lookup(id)` gives an answer (Filled, or plain text), or None. A
    placeholder with no answer and no fallback reads as `missing(id)`, or as nothing."""
    out: list[str] = []
    for text, ph in _tokens(template):
        if ph is None:
            out.append(text)
            continue
        found = lookup(ph.name)
        value = Filled(found) if isinstance(found, str) else found
        if value is not None:
            for name in ph.filters:
                value = FILTERS[name][0](value)
        shown = value.text if value is not None else ""
        if not shown:
            if ph.fallback is not None:
                shown = ph.fallback
            else:
                shown = missing(ph.name) if missing is not None else ""
        out.append(shown)
    return "".join(out)
