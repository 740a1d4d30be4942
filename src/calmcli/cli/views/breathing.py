"""Box breathing drawn live with Rich, for `calm breathe` and the pause that opens `calm new`."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from calmcli.domain import breathe


def frame(beat: breathe.Beat) -> Panel:
    dots = "● " * beat.count + "○ " * (breathe.COUNT - beat.count)
    body = Text.assemble((f"{beat.phase}\n", "bold cyan"), (dots, "cyan"), f"\n{beat.left} s left")
    return Panel(body, title="breathe", expand=False)


def run_breathing(
    console: Console,
    seconds: int,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run the exercise; Ctrl-C ends it early and cleanly. Returns the beats shown."""
    from rich.live import Live

    shown = 0

    def show(beat: breathe.Beat) -> None:
        nonlocal shown
        shown += 1
        if console.is_terminal:
            live.update(frame(beat), refresh=True)
        elif beat.count == 1:  # piped: one line per phase, no redrawing
            console.print(f"{beat.phase} for {breathe.COUNT}…", markup=False)

    try:
        with Live(console=console, transient=True, auto_refresh=False) as live:
            breathe.run(seconds, show, sleep=sleep, clock=clock)
    except KeyboardInterrupt:
        console.print("Stopped early; that's fine.", style="dim", markup=False)
    console.print(Text(breathe.MINDSET, style="italic"))
    return shown
