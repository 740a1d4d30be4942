"""Small questions several commands ask the same way: a date, asked again until it reads as
one in the future, with what was typed kept and the date understood said back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from calmcli.cli.output import say, warn
from calmcli.clock.dates import format_when, parse_future
from calmcli.errors import BadInput


def ask_date(asker: Any, question: str, default: str, now: datetime) -> datetime | None:
    """A future date, or None when the answer is left empty."""
    typed = default
    while True:
        typed = asker.text(question, typed)
        if not typed.strip():
            return None
        try:
            when = parse_future(typed, now)
        except BadInput as exc:
            warn(f"✗ {exc.message}")
            continue
        say(f"  → {format_when(when, now)}", style="dim")
        return when
