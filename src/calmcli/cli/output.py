"""The two consoles calm prints to. Rich is told not to read markup or highlight in user text."""

from __future__ import annotations

from functools import cache

from rich.console import Console


@cache
def out() -> Console:
    return Console(highlight=False, soft_wrap=False)


@cache
def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str, *, style: str | None = None) -> None:
    """Print plain text literally (no markup), in an optional style."""
    out().print(text, style=style, markup=False)


def warn(text: str) -> None:
    err().print(text, style="yellow", markup=False)
