"""The two consoles calm prints to. Rich is told not to read markup or highlight in user text."""

from __future__ import annotations

import os
from functools import cache

from rich.console import Console
from rich.text import Text

from calmcli.errors import CalmError
from calmcli.textsafe import clean

MIN_WIDTH = 20


def _width() -> int | None:
    """The width to draw at: Rich's own choice, unless COLUMNS is junk or too small to draw
    anything in (COLUMNS=0 would otherwise print nothing at all, not even an error)."""
    raw = os.environ.get("COLUMNS")
    if raw is None:
        return None
    try:
        columns = int(raw)
    except ValueError:
        columns = 0
    if columns >= MIN_WIDTH:
        return None
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        columns = 80
    return max(MIN_WIDTH, columns)


@cache
def out() -> Console:
    return Console(highlight=False, soft_wrap=False, width=_width())


@cache
def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True, width=_width())


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
