"""Codes stored in cases, said in words: a situation is its tree's title, a wish or a root cause
the label its question shows, a month "Sep 2026", a satisfaction "partly satisfied".

Labels come from the trees as they are now (yours first, then the built-ins), then from the
built-ins' earlier versions, which older cases were made with (a delay case of version 1 wanted
`firm_date`, "a date they can count on"); a code no tree knows is shown with its underscores as
spaces, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

SATISFACTION = {"satisfied": "satisfied", "partly": "partly satisfied", "not": "not satisfied"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plural(n: int, word: str, many: str = "") -> str:
    """ "1 case", "2 cases" ("1 day", "3 days"; `many` for an irregular plural)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def span(text: str) -> str:
    """A span as typed after --since or --within, said: "90d" is "90 days", "1w" "1 week"."""
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([dwh]?)\s*", text)
    if not m:
        return text
    return plural(int(m[1]), {"": "day", "d": "day", "w": "week", "h": "hour"}[m[2]])


def spaced(code: str) -> str:
    return code.replace("_", " ")


@cache
def _trees() -> dict[str, object]:
    from calmcli.tree import registry

    try:
        return {name: e.tree for name, e in registry.usable(registry.entries()).items()}
    except Exception:  # words are a nicety: a broken tree folder must not stop a listing
        return {}


@cache
def _earlier() -> list[object]:
    """The built-in trees' earlier versions, newest first (read only when a code is not found
    in the trees as they are now)."""
    from calmcli.tree import registry

    try:
        return [tree for name in registry.names() for tree in registry.earlier(name)]
    except Exception:  # as above: words are a nicety
        return []


def situation(tree_id: str) -> str:
    """A tree's title ("A job running late"), or its id when no tree has that name."""
    tree = _trees().get(tree_id)
    title = getattr(tree, "title", "")
    return str(title) if title else spaced(tree_id)


def _then_earlier(trees: list[object]) -> Iterator[object]:
    yield from trees
    yield from _earlier()


def _label(node_id: str, value: str, trees: list[object]) -> str:
    for tree in _then_earlier(trees):
        node = getattr(tree, "nodes", {}).get(node_id)
        choice = node.choice(value) if node is not None else None
        if choice is not None:
            return str(choice.shown)
    return spaced(value)


def wanted(value: str, tree_id: str = "") -> str:
    """What a customer wanted, as the `wants` question of their tree (or any tree) puts it."""
    trees = _trees()
    first = [trees[tree_id]] if tree_id in trees else []
    return ", ".join(
        _label("wants", v.strip(), [*first, *trees.values()]) for v in value.split(",")
    )


def root_cause(value: str) -> str:
    """A root cause as the review's question puts it ("pricing or billing")."""
    return _label("root_cause", value, list(_trees().values()))


def month(key: str) -> str:
    """ "2026-09" as "Sep 2026"."""
    year, _, number = key.partition("-")
    return (
        f"{_MONTHS[int(number) - 1]} {year}" if number.isdigit() and 1 <= int(number) <= 12 else key
    )


def satisfaction(value: str) -> str:
    return SATISFACTION.get(value, spaced(value))
