"""A case's history, check-ins and review in words: what `calm show` and the crib sheet print.

The case file keeps codes and ISO times ("checked_in", "next: 2026-12-04T09:00:00+00:00",
"reached: false"); a person reads "checked in: next check-in Fri 4 Dec 09:00, not reached".
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from calmcli.clock.dates import format_when
from calmcli.clock.now import from_iso
from calmcli.errors import BadInput

SATISFACTION = {"satisfied": "satisfied", "partly": "partly satisfied", "not": "not satisfied"}
EVENTS = {
    "created": "case opened",
    "logged": "call logged",
    "checked_in": "checked in",
    "closed": "closed",
    "snoozed": "check-in moved",
    "reviewed": "reviewed",
}
HIDDEN = {"at", "event", "draft"}
"""Keys of an event that say nothing to a person (`draft`: which draft a case was saved from)."""


def when(value: Any, now: datetime | None) -> str:
    """A stored time in words; the raw text if a hand edit made it unreadable."""
    try:
        return format_when(from_iso(str(value)), now)
    except BadInput:
        return str(value)


def spaced(code: Any) -> str:
    return str(code).replace("_", " ")


def satisfaction(value: Any) -> str:
    return SATISFACTION.get(str(value), spaced(value)) if value else ""


@lru_cache(maxsize=8)
def _tree(tree_id: str) -> Any:
    from calmcli.tree import registry

    try:
        return registry.by_name(tree_id)
    except BadInput:
        return None


def choice_label(tree_id: str, node_id: str, value: Any) -> str:
    """An answer as the question puts it (a choice's label, yes/no), from the tree as it is
    now (read once per run); the value itself when the tree or the choice is gone."""
    tree = _tree(tree_id)
    node = tree.nodes.get(node_id) if tree is not None else None
    if node is None or not node.is_question or value in (None, ""):
        return spaced(value) if not isinstance(value, bool) else ("yes" if value else "no")
    if node.choices and node.choice(value) is None and not isinstance(value, list):
        return spaced(value)  # a choice the tree no longer has
    return node.display(value) or spaced(value)


def event(entry: dict[str, Any], now: datetime | None) -> tuple[str, str]:
    """(what happened, its details) for one history entry."""
    name = str(entry.get("event") or "")
    details: list[str] = []
    for key, value in entry.items():
        if key in HIDDEN or value in (None, ""):
            continue
        if key == "next":
            details.append(f"next check-in {when(value, now)}")
        elif key == "until":
            details.append(f"to {when(value, now)}")
        elif key == "before":
            details.append(f"from {when(value, now)}")
        elif key == "reached":
            details.append("reached" if value is True else "not reached")
        elif key == "satisfaction":
            details.append(satisfaction(value))
        elif key == "option":
            details.append(f"agreed: {value}")
        elif key == "tree":
            tree, _, version = str(value).rpartition(" v")
            details.append(
                f"tree {tree}, version {version}" if tree and version else f"tree {value}"
            )
        elif key == "root_cause":
            details.append(f"root cause: {choice_label('review', 'root_cause', value)}")
        elif isinstance(value, bool):
            details.append(f"{spaced(key)}: {'yes' if value else 'no'}")
        else:
            details.append(f"{spaced(key)}: {value}")
    return EVENTS.get(name, spaced(name)), ", ".join(details)


def review_value(key: str, value: Any) -> str:
    """A review answer in words: choices by their labels, yes/no."""
    return choice_label("review", key, value)
