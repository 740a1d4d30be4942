"""Box breathing drawn live with Rich, for `calm breathe` and the pause that opens `calm new`.

It says up front how long it lasts and how to stop; on a terminal q, Enter or Esc stop it at
once, as Ctrl-C does. Piped, or in plain mode, it prints one line per phase instead of
redrawing.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from calmcli.domain import breathe

STOP_KEYS = (b"q", b"Q", b"\r", b"\n", b"\x1b")


class Stopped(Exception):
    """A stop key was pressed."""


def frame(beat: breathe.Beat) -> Panel:
    dots = "● " * beat.count + "○ " * (breathe.COUNT - beat.count)
    body = Text.assemble((f"{beat.phase}\n", "bold cyan"), (dots, "cyan"), f"\n{beat.left} s left")
    return Panel(body, title="breathe", expand=False)


def run_breathing(
    console: Console,
    seconds: int,
    *,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    animate: bool = True,
) -> int:
    """Run the exercise; a stop key or Ctrl-C ends it early and cleanly. Returns the beats
    shown."""
    from rich.live import Live

    live_frames = animate and console.is_terminal
    console.print(
        f"Box breathing: {breathe.describe(seconds)} (in for 4, hold 4, out for 4, hold 4).",
        markup=False,
    )
    console.print("Stop any time: q, Enter or Ctrl-C.", style="dim", markup=False)
    shown = 0

    def show(beat: breathe.Beat) -> None:
        nonlocal shown
        shown += 1
        if live_frames:
            live.update(frame(beat), refresh=True)
        elif beat.count == 1:  # piped or plain: one line per phase, no redrawing
            console.print(f"{beat.phase} for {breathe.COUNT}…", markup=False)

    try:
        with stop_keys() as wait, Live(console=console, transient=True, auto_refresh=False) as live:
            breathe.run(seconds, show, sleep=sleep or wait, clock=clock)
    except (KeyboardInterrupt, Stopped):
        console.print("Stopped early; that's fine.", style="dim", markup=False)
    console.print(Text(breathe.MINDSET, style="italic"))
    return shown


@contextmanager
def stop_keys() -> Iterator[Callable[[float], None]]:
    """A sleep that raises Stopped when a stop key is pressed (stdin a terminal: keys are read
    one at a time, unechoed, and the terminal is restored after); else time.sleep."""
    fd = sys.stdin.fileno() if sys.stdin is not None and sys.stdin.isatty() else -1
    try:
        import select
        import termios
        import tty

        saved = termios.tcgetattr(fd) if fd >= 0 else None
    except (ImportError, OSError, ValueError):  # not POSIX, or not a real terminal
        saved = None
    if saved is None:
        yield time.sleep
        return

    def wait(seconds: float) -> None:
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if select.select([fd], [], [], left)[0]:
                pressed = os.read(fd, 64)
                if any(key in pressed for key in STOP_KEYS):
                    raise Stopped

    tty.setcbreak(fd)
    try:
        yield wait
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
