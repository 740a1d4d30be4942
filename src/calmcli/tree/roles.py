"""Roles: what a question (or one of its choices) means to calm beyond its own tree.

A node's `role` tells calm how to read its answer whatever the node is called: `customer` names
the case, `feelings` says how the customer feels, `danger` that something is unsafe now, and so
on. The call plan adapts to the roles it finds (see `domain.situation`); the wording stays in
the tree. A choice's `role` says that picking it means one of the situations, so one multi
question can flag several at once.

Trees written before roles keep working: a node with one of the old reserved ids and no other
node holding its role has that role implicitly (`customer_name` is the customer, `wants` the
outcome, ...).
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Literal

SITUATIONS = ("danger", "ignored", "repeat", "deadline", "threat", "escalate")
"""Roles that flag a situation the plan adapts to: on a node (answered, and not "no"), or on a
choice (picked)."""

_ANY = ("text", "longtext", "choice", "multi", "yesno", "scale", "date", "ratings")

FITS: dict[str, tuple[str, ...]] = {
    "customer": ("text",),
    "phone": ("text",),
    "job": ("text", "longtext"),
    "feelings": ("ratings", "multi", "choice"),
    "intensity": ("scale",),
    "cause": ("text", "longtext"),
    "notes": ("text", "longtext"),
    "contacts": ("scale", "choice", "text"),
    "outcome": ("multi", "choice"),
    "followup": ("date",),
    "danger": _ANY,
    "ignored": _ANY,
    "repeat": _ANY,
    "deadline": ("date", "text"),
    "threat": _ANY,
    "escalate": ("text", "choice"),
}
"""Each role, and the kinds of question that can hold it."""

MEANS: dict[str, str] = {
    "customer": "the customer's name: it names the case",
    "phone": "the number to ring: it goes into the reminder",
    "job": "which job it is about",
    "feelings": "how they feel: the strongest (or first) is the one the plan names",
    "intensity": "how strongly, when it is not the strongest feeling's rating",
    "cause": "what went wrong, in a few words: the plan says it back",
    "notes": "the full notes: kept for `calm show` and the crib sheet, never read out",
    "contacts": "how often they have tried to reach you",
    "outcome": "what they want: `calm patterns` counts each one",
    "followup": "when you will check in",
    "danger": "something is unsafe or getting worse now: the plan opens with making it safe",
    "ignored": "nobody got back to them: the plan owns that first",
    "repeat": "it came back after a fix: the plan owns that first",
    "deadline": "a date that matters to them: the plan names it",
    "threat": "they mentioned a review, a solicitor or the like: the plan sets a calm boundary",
    "escalate": "who to bring in: the plan says who, and when",
}

IMPLICIT = {
    "customer_name": "customer",
    "customer_phone": "phone",
    "job": "job",
    "feeling": "feelings",
    "intensity": "intensity",
    "what_happened": "notes",
    "wants": "outcome",
    "escalate_to": "escalate",
}
"""Old reserved ids, and the role such a node has when no node declares it."""

Role = Literal[
    "customer", "phone", "job", "feelings", "intensity", "cause", "notes", "contacts",
    "outcome", "followup", "danger", "ignored", "repeat", "deadline", "threat", "escalate",
]  # fmt: skip
Situation = Literal["danger", "ignored", "repeat", "deadline", "threat", "escalate"]


def unknown(value: object, known: tuple[str, ...] | list[str]) -> str:
    """The message for a role calm does not know, with the nearest one (a template for
    `parts.Words`: braces in the value are doubled)."""
    shown = repr(value).replace("{", "{{").replace("}", "}}")
    hint = get_close_matches(str(value), list(known), n=1)
    if hint:
        return f"{{name}} {shown} is not a role; did you mean {hint[0]!r}?"
    return f"{{name}} {shown} is not a role (roles: {', '.join(known)})"
