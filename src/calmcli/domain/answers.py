"""What an answer may be: turning typed or file-given input into a stored value, and back to words.

One function (`accept`) decides whether an answer is valid, for the interactive prompts, for
`--answers` files and for `--no-input` runs alike, so all three refuse the same things with the
same message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from calmcli.clock import dates
from calmcli.errors import BadInput
from calmcli.files import yamlsafe
from calmcli.tree.model import Node, Tree

_TRUE = {"y", "yes", "true", "on", "1"}
_FALSE = {"n", "no", "false", "off", "0"}


class Invalid(ValueError):
    """An answer that does not fit its question; the message is what the user reads."""


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _choice_value(node: Node, raw: Any) -> Any:
    """The stored value for a choice given by value or, as typed by a person, by label."""
    if node.choice(raw) is not None:
        return raw
    if isinstance(raw, bool):  # YAML reads an unquoted yes/no as true/false
        for word in ("yes", "true", "y") if raw else ("no", "false", "n"):
            if node.choice(word) is not None:
                return word
    text = str(raw).strip().casefold()
    for c in node.choices:
        if text in (str(c.value).casefold(), c.label.casefold()):
            return c.value
    shown = ", ".join(str(c.value) for c in node.choices)
    raise Invalid(f"{raw!r} is not one of the choices ({shown})")


def _coerce(node: Node, raw: Any, now: datetime) -> Any:
    kind = node.kind
    if kind in ("text", "longtext"):
        if isinstance(raw, dict | list):
            raise Invalid("expected text")
        text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
        return text.strip() if kind == "text" else text.strip("\n ")
    if kind == "yesno":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise Invalid(f"answer yes or no, not {raw!r}")
    if kind == "scale":
        if isinstance(raw, bool):
            raise Invalid(f"expected a number from {node.min} to {node.max}")
        try:
            number = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            raise Invalid(f"expected a number from {node.min} to {node.max}, not {raw!r}") from None
        if not node.min <= number <= node.max:
            raise Invalid(f"{number} is outside {node.min} to {node.max}")
        return number
    if kind == "choice":
        if isinstance(raw, dict | list):
            raise Invalid("expected one choice")
        return _choice_value(node, raw)
    if kind == "multi":
        items = raw if isinstance(raw, list) else [p for p in str(raw).split(",") if p.strip()]
        values: list[Any] = []
        for item in items:
            if isinstance(item, dict | list):
                raise Invalid("expected a list of choices")
            value = _choice_value(node, item)
            if value not in values:
                values.append(value)
        return values
    if kind == "date":
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
    raise Invalid(f"a {kind} node takes no answer")


def _check(node: Node, value: Any, now: datetime) -> None:
    rules = node.validate
    failed: str | None = None
    if node.kind in ("text", "longtext"):
        if rules.min_length is not None and len(value) < rules.min_length:
            failed = f"at least {rules.min_length} characters"
        elif rules.max_length is not None and len(value) > rules.max_length:
            failed = f"at most {rules.max_length} characters"
        elif rules.pattern is not None and not re.fullmatch(rules.pattern, value):
            failed = "that does not look right"
    elif node.kind == "multi":
        n = len(value)
        if rules.min_choices is not None and n < rules.min_choices:
            failed = f"pick at least {rules.min_choices}"
        elif rules.max_choices is not None and n > rules.max_choices:
            failed = f"pick at most {rules.max_choices}"
    elif node.kind == "scale":
        if rules.min is not None and value < rules.min:
            failed = f"at least {rules.min:g}"
        elif rules.max is not None and value > rules.max:
            failed = f"at most {rules.max:g}"
    elif node.kind == "date":
        when = dates.from_iso(value)
        if rules.not_past:
            try:
                dates.check_not_past(when, now)
            except BadInput as exc:
                failed = exc.message
        limit = rules.max_days_ahead
        if failed is None and limit is not None and when > now + timedelta(days=limit):
            failed = f"at most {rules.max_days_ahead} days ahead"
    if failed is not None:
        raise Invalid(rules.message or failed)


def accept(node: Node, raw: Any, now: datetime) -> Any:
    """The value to store for `raw`, or Invalid. Skipping an optional question stores None."""
    if _empty(raw):
        if node.required:
            raise Invalid(node.validate.message or "an answer is needed")
        return None
    value = _coerce(node, raw, now)
    if _empty(value):
        if node.required:
            raise Invalid(node.validate.message or "an answer is needed")
        return None
    _check(node, value, now)
    return value


def _label(node: Node, value: Any) -> str:
    choice = node.choice(value)
    return choice.label if choice is not None else str(value)


def display(node: Node, value: Any, now: datetime | None = None) -> str:
    """An answer as a person reads it: labels for choices, yes/no, a friendly date."""
    if value is None:
        return ""
    if node.kind == "choice":
        return _label(node, value)
    if node.kind == "multi":
        return ", ".join(_label(node, v) for v in value)
    if node.kind == "yesno":
        return "yes" if value else "no"
    if node.kind == "date":
        try:
            return dates.format_when(dates.from_iso(str(value)), now)
        except BadInput:
            return str(value)
    return str(value)


def read_answers_file(path: Path, tree: Tree, now: datetime) -> dict[str, Any]:
    """Node id -> raw answer from a YAML file; refuse unknown ids and wrong types, naming each."""
    answers, problems = scan_answers_file(path, tree, now)
    if problems:
        n = len(problems)
        raise BadInput(
            f"{path}: {n} problem{'s' if n > 1 else ''} in the answers", details=problems
        )
    return answers


def scan_answers_file(path: Path, tree: Tree, now: datetime) -> tuple[dict[str, Any], list[str]]:
    """The usable answers and a `file:line:col: id: message` line for each unusable one."""
    doc = yamlsafe.read_file(path, what="an answers file")
    data = doc.data
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        raise BadInput(f"{path}:1:1: an answers file is a mapping of question id to answer")
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key, raw in data.items():
        line, col = doc.loc((key,), key=True)
        node = tree.nodes.get(str(key))
        if node is None:
            problems.append(f"{path}:{line}:{col}: {key}: no such question in tree {tree.id!r}")
            continue
        if not node.is_question:
            problems.append(f"{path}:{line}:{col}: {key}: is a note, it takes no answer")
            continue
        try:
            if not _empty(raw):
                _coerce(node, raw, now)
        except Invalid as exc:
            problems.append(f"{path}:{line}:{col}: {key}: {exc}")
            continue
        out[node.id] = raw
    return out, problems


def lookup(tree: Tree, answers: Mapping[str, Any], now: datetime | None = None):  # type: ignore[no-untyped-def]
    """A template lookup function over `answers`."""

    def get(name: str) -> str | None:
        node = tree.nodes.get(name)
        if node is None or name not in answers:
            return None
        return display(node, answers[name], now)

    return get
