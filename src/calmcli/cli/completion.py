"""Shell completion for tree names and case references (`calm --install-completion`).

Completion runs on every Tab, so it reads only file names and the index as it stands.
"""

from __future__ import annotations


def complete_tree(incomplete: str) -> list[str]:
    from calmcli.tree import registry

    try:
        names = registry.names()
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    return [n for n in names if n.startswith(incomplete)]


def complete_case(incomplete: str) -> list[tuple[str, str]]:
    """Open cases first, then the rest: ids that start with what was typed, with the customer."""
    from calmcli.store import queries

    try:
        rows = queries.matching(incomplete)
    except Exception:  # as above
        return []
    return [(r.id, f"{r.customer} ({r.status})") for r in rows]
