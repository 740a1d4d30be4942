"""Box breathing, as data: four phases of four counts, repeated. No terminal I/O here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

PHASES = ("Breathe in", "Hold", "Breathe out", "Hold")
COUNT = 4
MINDSET = "It's about the situation, not about you. Listen first; you can solve this together."


@dataclass(frozen=True)
class Beat:
    """One second of the exercise: which phase, which count within it, and seconds left."""

    phase: str
    count: int
    left: int


def beats(seconds: int) -> Iterator[Beat]:
    """One beat per second for `seconds` (rounded up to whole breaths of 16 seconds)."""
    cycle = len(PHASES) * COUNT
    total = max(cycle, -(-seconds // cycle) * cycle)
    for second in range(total):
        phase = PHASES[(second // COUNT) % len(PHASES)]
        yield Beat(phase, second % COUNT + 1, total - second)


def run(
    seconds: int,
    show: Callable[[Beat], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Show each beat on time (catching up after a slow frame); return the beats shown."""
    start = clock()
    shown = 0
    for i, beat in enumerate(beats(seconds)):
        show(beat)
        shown += 1
        delay = start + i + 1 - clock()
        if delay > 0:
            sleep(delay)
    return shown
