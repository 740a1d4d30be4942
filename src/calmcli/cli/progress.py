"""A progress bar for a slow index rebuild: shown on a terminal only, and only after a second."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from calmcli.cli.output import err

SHOW_AFTER = 1.0


@contextmanager
def rebuild_progress() -> Iterator[Callable[[int, int], None]]:
    start = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if not err().is_terminal or time.monotonic() - start < SHOW_AFTER:
                return
            from rich.progress import Progress

            bar = Progress(console=err(), transient=True)
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task("Indexing cases", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
