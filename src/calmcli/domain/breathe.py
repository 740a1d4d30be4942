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


BREATH = len(PHASES) * COUNT
"""Seconds in one whole breath: in, hold, out, hold."""


def breaths(seconds: int) -> int:
    """Whole breaths nearest to `seconds` (half a breath rounds up), at least one."""
    return max(1, (seconds + BREATH // 2) // BREATH)


def length(seconds: int) -> int:
    """How long `seconds` of breathing really lasts: whole breaths."""
    return breaths(seconds) * BREATH


def describe(seconds: int) -> str:
    """The exercise's real length in words: "1 breath, 16 s", "4 breaths, 1 min 4 s"."""
    n, total = breaths(seconds), length(seconds)
    minutes, rest = divmod(total, 60)
    took = (
        f"{minutes} min {rest} s"
        if minutes and rest
        else f"{minutes} min"
        if minutes
        else f"{rest} s"
    )
    return f"{n} slow breath{'s' if n > 1 else ''}, {took}"


def beats(seconds: int) -> Iterator[Beat]:
    """One beat per second for `seconds`, rounded to whole breaths (see `length`)."""
    total = length(seconds)
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
