"""Tree text templates: `{id}` and `{id|fallback}` replaced by answers, `{{`/`}}` literal braces.

Substitution only: no expressions, attribute access or format specs, so a tree file can never run
code or reach anything but the answers it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PLACEHOLDER = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?:\|(.*))?$", re.DOTALL)


class Placeholder(NamedTuple):
    name: str
    fallback: str | None
    offset: int


class TemplateError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


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
                    f"bad placeholder {text}: use {{answer_id}} or {{answer_id|fallback}}",
                    m.start(),
                )
            yield "", Placeholder(inner.group(1), inner.group(2), m.start())
        pos = m.end()
    if pos < len(template):
        yield template[pos:], None


def placeholders(template: str) -> list[Placeholder]:
    """The answers a template names; raises TemplateError when it is malformed."""
    return [p for _, p in _tokens(template) if p is not None]


def render(
    template: str,
    lookup: Callable[[str], str | None],
    missing: Callable[[str], str] | None = None,
) -> str:
    """Fill `template`; `lookup(id)` gives an answer as display text, or None when there is none.
    A placeholder with no answer and no fallback reads as `missing(id)`, or as nothing."""
    out: list[str] = []
    for text, ph in _tokens(template):
        if ph is None:
            out.append(text)
            continue
        value = lookup(ph.name)
        if value in (None, ""):
            if ph.fallback is not None:
                value = ph.fallback
            else:
                value = missing(ph.name) if missing is not None else ""
        out.append(value)
    return "".join(out)
