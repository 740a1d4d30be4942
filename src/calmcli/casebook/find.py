"""Naming a case: by its full id, the start of its id, or the customer's name."""

from __future__ import annotations

import difflib
from pathlib import Path

from calmcli.domain.case import Case
from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.errors import BadInput
from calmcli.store import cases, index, queries


def find(ref: str, rows: list[CaseSummary], warnings: list[str] | None = None) -> CaseSummary:
    """A case by full id, unique id prefix, or customer name (exact, then partial). When nothing
    matches but a file that could not be read might be the one, say so, naming the file."""
    ref = ref.strip()
    if not ref:
        raise BadInput("name a case: its id, the start of its id, or the customer's name")
    for row in rows:
        if row.id == ref:
            return row
    folded = customer_key(ref)
    for matcher in (
        lambda r: r.id.startswith(ref),
        lambda r: customer_key(r.customer) == folded,
        lambda r: folded in customer_key(r.customer),
    ):
        found = [r for r in rows if matcher(r)]
        if len(found) == 1:
            return found[0]
        if found:
            found.sort(key=lambda r: r.created, reverse=True)
            raise BadInput(
                f"{ref!r} matches {len(found)} cases; use the case id",
                details=[f"{r.id}  {r.customer}  ({r.status})" for r in found[:20]],
            )
    unreadable = _unreadable_matches(ref, warnings or [])
    if unreadable:
        raise BadInput(
            f"no readable case matches {ref!r}; this file may be the one, but calm cannot read it",
            details=unreadable,
        )
    names = {r.id: r for r in rows} | {r.customer: r for r in rows}
    if not names:  # nothing near it in the index: suggest from the customers calm knows
        names = {r.customer: r for r in index.rows("", (), "created_ts DESC LIMIT 5000")}
    close = difflib.get_close_matches(ref, list(names), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise BadInput(f"no case matches {ref!r}{hint} (see `calm list`)")


def _unreadable_matches(ref: str, warnings: list[str]) -> list[str]:
    """Warnings about unreadable files whose name holds the ref (an id, or a name's slug)."""
    slug = cases.slugify(ref)
    out = []
    for warning in warnings:
        name = Path(warning.split(":", 1)[0]).name
        if ref in name or (slug != "customer" and slug in name):
            out.append(warning)
    return out


def resolve(ref: str) -> Case:
    """Load the case `ref` names (its derived files are repaired if found stale). A full id
    is read straight from its file; anything else is a query on the index, which is brought
    up to date first only when the folder changed behind calm's back."""
    from calmcli.casebook.save import repair

    ref = ref.strip()
    direct = cases.case_path(ref) if cases.SAFE_ID.fullmatch(ref) else None
    if direct is not None and direct.is_file():
        row_id = ref
    else:
        found = queries.candidates(ref)
        warnings: list[str] = []
        if found is None or not found:
            listing = index.update_all()  # a sync or a hand edit may have brought it
            found, warnings = queries.candidates(ref) or [], listing.warnings
        row_id = find(ref, found, warnings).id
    path = cases.case_path(row_id)
    case = cases.load_case(path)
    repair(case, path)
    return case
