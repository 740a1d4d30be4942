"""Answer patterns (`validate: {pattern: ...}`), run by RE2.

RE2 matches in time linear in the answer whatever the pattern, and parses without recursion, so a
tree cannot hang `calm new` with `^(a+)+$` or crash the checker with a pattern nested 500 deep.
It has no lookaround and no backreferences; the checker names a pattern that uses them. The module
(google-re2) is imported the first time a pattern is compiled.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_UNSUPPORTED = {
    "(?=": "lookahead (?=...) is not supported",
    "(?!": "negative lookahead (?!...) is not supported",
    "(?<=": "lookbehind (?<=...) is not supported",
    "(?<!": "negative lookbehind (?<!...) is not supported",
    "(?P=": "backreferences such as (?P=name) are not supported",
}


class PatternError(ValueError):
    """A pattern RE2 will not take; the message says why, in words."""


@lru_cache(maxsize=64)
def compiled(pattern: str) -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print to stderr too
    try:
        return re2.compile(pattern, options)
    except UnicodeEncodeError:  # RE2 reads UTF-8, and a lone surrogate has none
        raise PatternError(
            "bad regular expression: it holds a character that is not text"
        ) from None
    except re2.error as exc:
        raw = exc.args[0] if exc.args else ""
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise PatternError(_words(detail)) from None


def _words(detail: str) -> str:
    if detail.startswith("invalid perl operator: "):
        operator = detail.rsplit(" ", 1)[-1]
        for prefix, words in _UNSUPPORTED.items():
            if operator.startswith(prefix) or prefix.startswith(operator):
                return f"bad regular expression: {words}"
    if detail.startswith("invalid escape sequence: \\") and detail[-1:].isdigit():
        return "bad regular expression: backreferences such as \\1 are not supported"
    return f"bad regular expression: {detail}"


def problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used, or None when it can."""
    try:
        compiled(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches (the pattern was checked when the tree was loaded)."""
    try:
        return compiled(pattern).fullmatch(text) is not None
    except UnicodeEncodeError:  # a lone surrogate: not text, so it matches no pattern
        return False
