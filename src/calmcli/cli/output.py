"""The two consoles calm prints to. Rich is told not to read markup or highlight in user text."""

from __future__ import annotations

from functools import cache

from rich.console import Console
from rich.text import Text

from calmcli.errors import CalmError
from calmcli.textsafe import clean


@cache
def out() -> Console:
    return Console(highlight=False, soft_wrap=False)


@cache
def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str, *, style: str | None = None) -> None:
    """Print user-facing text literally: no markup, no control characters, never wrapped."""
    out().print(clean(text), style=style, markup=False, soft_wrap=True)


def warn(text: str) -> None:
    err().print(clean(text), style="yellow", markup=False)


def busy() -> None:
    """What a waiting update says while another calm holds the case's lock."""
    warn("busy: another calm is updating this case; retrying…")


def lit(text: object, style: str = "") -> Text:
    """A Rich Text of user content: literal, with control characters removed."""
    return Text(clean(str(text)), style=style)


def report(exc: CalmError) -> None:
    console = err()
    console.print(f"calm: {clean(exc.message)}", style="bold red", markup=False)
    for line in exc.details:
        console.print(f"  {clean(line)}", markup=False)
