"""The two consoles calm prints to. Rich is told not to read markup or highlight in user text.

Plain mode (`calm --plain`, or CALM_PLAIN=1) is for screen readers and simple terminals: the
consoles draw no boxes or rules (a panel's title becomes a line of its own), and the prompts
and the breathing exercise redraw nothing (see `cli.prompts`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import chain
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
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


def is_plain() -> bool:
    return os.environ.get("CALM_PLAIN", "").strip() not in ("", "0")


class PlainConsole(Console):
    """A console that draws no boxes: panels lose their frame, rules keep only their title and
    tables their columns. Nested renderables pass through `render` too, so this holds at any
    depth."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        while (plain := unboxed(renderable)) is not renderable:
            renderable = plain
        return super().render(renderable, options)


def unboxed(renderable: Any) -> Any:
    """The renderable without its box, or itself when it has none."""
    from rich.padding import Padding  # plain mode only: `calm followup` loads none of these
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.table import Table
    from rich.tree import Tree

    if isinstance(renderable, Panel):
        title = renderable.title
        if not title:
            return renderable.renderable
        heading = title.copy() if isinstance(title, Text) else Text(str(title))
        heading.stylize("bold")
        return Group(heading, renderable.renderable)
    if isinstance(renderable, Rule):
        title = renderable.title
        return title if isinstance(title, Text) else Text(str(title), style="bold")
    if isinstance(renderable, Table) and renderable.box is not None:
        renderable.box = None
    if isinstance(renderable, Tree):  # guides become indentation
        children = [Padding(child, (0, 0, 0, 4), expand=False) for child in renderable.children]
        return Group(*children) if renderable.hide_root else Group(renderable.label, *children)
    return renderable


def _console(**kwargs: Any) -> Console:
    kind = PlainConsole if is_plain() else Console
    # emoji=False: a customer called ":fire:" is printed as typed (and Rich's emoji table,
    # 1.5 ms to import, is never loaded)
    return kind(highlight=False, emoji=False, width=_width(), **kwargs)


@cache
def out() -> Console:
    return _console(soft_wrap=False)


@cache
def err() -> Console:
    return _console(stderr=True, soft_wrap=True)


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


def pager_command() -> str | None:
    """The pager for long output: `$PAGER` (empty or `cat`: none), else `less -FRX`; none when
    stdout is not a terminal (piped, redirected), in plain mode or on a dumb terminal."""
    import shlex
    import shutil
    import sys

    if not sys.stdout.isatty() or is_plain() or os.environ.get("TERM") == "dumb":
        return None
    chosen = os.environ.get("PAGER")
    if chosen is not None:
        try:
            words = shlex.split(chosen)
        except ValueError:  # unbalanced quotes: not a command calm can run
            words = [""]
        if not words or words[0] == "cat":
            return None
        if words[0] and shutil.which(words[0]):
            return chosen
    return "less -FRX" if shutil.which("less") else None


@contextmanager
def paged() -> Iterator[Console]:
    """Print through a pager on a terminal when the output is taller than the screen; print
    directly otherwise, or when no pager can be started."""
    console = out()
    command = pager_command()
    if command is None:
        yield console
        return
    with console.capture() as captured:
        yield console
    text = captured.get()
    if text.count("\n") < console.height or not _page(command, text):
        console.file.write(text)
        console.file.flush()


def _page(command: str, text: str) -> bool:
    """Show `text` in the pager; False when it could not run (then the caller prints it)."""
    import signal
    import subprocess

    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
    try:
        done = subprocess.run(command, shell=True, input=text.encode("utf-8", "replace"), env=env)
    except OSError:
        return False
    finally:
        signal.signal(signal.SIGINT, before)
    return done.returncode != 127


def paged_lines(lines: Iterable[Text]) -> int:
    """Print lines as they come: through the pager once there is more than a screen of them
    (so the first screen shows before the last line is even read: a listing of 100,000 cases
    starts at once), directly otherwise. Returns how many lines there were."""
    console = out()
    stream = iter(lines)
    command = pager_command()
    head: list[Text] = []
    if command is not None:
        for line in stream:
            head.append(line)
            if len(head) >= console.height:
                break
        else:
            command = None  # it all fits on the screen
    if command is None:
        count = 0
        show = line_writer(console)
        for line in chain(head, stream):
            show(line)
            count += 1
        console.file.flush()
        return count
    return _stream_to_pager(command, chain(head, stream), console)


_narrow = re.compile("[\x20-\x7e\xa0-\u02ff\u2026]*").fullmatch
"""Text whose every character takes one cell, as Rich counts them (ASCII, Latin letters,
the ellipsis a listing cuts with): its length is its width, with no lookup per character."""


def line_writer(console: Console) -> Callable[[Text], None]:
    """Write one Text as a line of its own, as `console.print(line, no_wrap=True,
    overflow="ellipsis")` would (cut to the width with an ellipsis, styled by its spans), at
    a tenth of the cost: 100,000 listed cases take a second, not ten."""
    from rich.cells import cell_len
    from rich.console import COLOR_SYSTEMS

    write = console.file.write
    width = console.width
    system = COLOR_SYSTEMS.get(console.color_system or "")
    if console.legacy_windows:  # its colours are calls to the Windows console, not text

        def slow(line: Text) -> None:
            console.print(line, no_wrap=True, overflow="ellipsis")

        return slow

    def show(line: Text) -> None:
        plain = line.plain
        if "\t" in plain or "\n" in plain:  # (never in a listing: cells are one line)
            console.print(line, no_wrap=True, overflow="ellipsis")
            return
        if (len(plain) if _narrow(plain) else cell_len(plain)) > width:
            line = line.copy()
            line.truncate(width, overflow="ellipsis")
            plain = line.plain
        if system is None or not (line.spans or line.style):
            write(plain + "\n")
            return
        parts = [
            segment.style.render(segment.text, color_system=system)
            if segment.style
            else segment.text
            for segment in line.render(console)
        ]
        write("".join(parts) + "\n")

    return show


def _stream_to_pager(command: str, lines: Iterator[Text], console: Console) -> int:
    import io
    import signal
    import subprocess

    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
    count = 0
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
        assert proc.stdin is not None
        pipe = io.TextIOWrapper(proc.stdin, encoding="utf-8", errors="replace")
        to_pager = Console(
            file=pipe,
            width=console.width,
            force_terminal=console.is_terminal,
            color_system=console.color_system,  # type: ignore[arg-type]
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
        show = line_writer(to_pager)
        try:
            for line in lines:
                show(line)
                count += 1
            pipe.close()
        except (BrokenPipeError, OSError):
            pass  # the pager was quit before the end: nothing more to show
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, before)
    return count
