"""Complete answers for the built-in `default` tree (version 2), for tests that need a whole case
without caring which: `default_answers()` returns a fresh copy to change."""

from __future__ import annotations

from typing import Any

DEFAULT: dict[str, Any] = {
    "customer_name": "Dana Whitfield",
    "customer_phone": "07700 900123",
    "job": "Bathroom retile, 14 Elm Road",
    "feelings": {"frustrated": 4, "let_down": 3},
    "cause": "the grout has cracked along the shower tray",
    "what_happened": "Finished two weeks ago. She says the crack is getting longer.",
    "wants": ["repair", "apology"],
    "wants_words": "a seal that stays put",
    "option_1": "Regrout the shower-tray edge this week, at no cost",
    "option_2": "Reseal the whole tray and replace the trim next week",
    "option_ratings": {
        "option_1": {"ease": 5, "cost": 2, "speed": 4},
        "option_2": {"ease": 3, "cost": 4, "speed": 3},
    },
    "followup_at": "fri 10am",
}

REQUIRED = ["customer_name", "job", "feelings", "cause", "wants", "wants_words", "option_1"]
"""The questions of the default tree's shortest walk that have no default and must be
answered (the ratings of option 1 too: `option_ratings`)."""


def default_answers(**changes: Any) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT.items()}
    out.update(changes)
    return out
