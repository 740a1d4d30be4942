"""Box breathing: the beats as data, keeping time with a fake clock, and `calm breathe`.

No test here sleeps for real: every clock and sleep is a fake that moves a counter.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.cli.views.breathing import frame, run_breathing
from calmcli.domain import breathe

CYCLE = ["Breathe in"] * 4 + ["Hold"] * 4 + ["Breathe out"] * 4 + ["Hold"] * 4
PHASE_LINES = ["Breathe in for 4…", "Hold for 4…", "Breathe out for 4…", "Hold for 4…"]


def up_front(seconds: int) -> str:
    """What is said before the exercise starts: how long, and how to stop."""
    return (
        f"Box breathing: {breathe.describe(seconds)} (in for 4, hold 4, out for 4, hold 4)."
        "\nStop any time: q, Enter or Ctrl-C."
    )


class FakeTime:
    """A monotonic clock that only moves when slept on, or when a frame takes time to draw."""

    def __init__(self, start: float = 1000.0, frame_cost: float = 0.0) -> None:
        self.now = start
        self.frame_cost = frame_cost
        self.sleeps: list[float] = []
        self.slow: dict[int, float] = {}  # beat number (0-based) -> how long its frame took
        self.frames = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def show(self, beat: breathe.Beat) -> None:
        self.now += self.slow.get(self.frames, self.frame_cost)
        self.frames += 1


# -- beats ---------------------------------------------------------------------------------


def test_sixty_seconds_is_four_whole_breaths() -> None:
    beats = list(breathe.beats(60))
    assert len(beats) == 64
    assert [b.phase for b in beats] == CYCLE * 4
    assert [b.count for b in beats] == [1, 2, 3, 4] * 16
    assert [b.left for b in beats] == list(range(64, 0, -1))  # counts down to the last second


@pytest.mark.parametrize(
    ("seconds", "total"), [(1, 16), (5, 16), (16, 16), (23, 16), (24, 32), (48, 48), (60, 64)]
)
def test_beats_are_the_nearest_whole_sixteen_second_breaths(seconds: int, total: int) -> None:
    beats = list(breathe.beats(seconds))
    assert len(beats) == total
    assert beats[0] == breathe.Beat("Breathe in", 1, total)
    assert beats[-1] == breathe.Beat("Hold", 4, 1)  # always ends after the second hold


def test_a_breath_is_in_hold_out_hold_of_four_counts() -> None:
    assert breathe.PHASES == ("Breathe in", "Hold", "Breathe out", "Hold")
    assert breathe.COUNT == 4


# -- run: keeping time -------------------------------------------------------------------------


def test_run_sleeps_to_show_one_beat_a_second() -> None:
    t = FakeTime()
    shown = breathe.run(16, t.show, sleep=t.sleep, clock=t.clock)
    assert shown == 16
    assert t.sleeps == [1.0] * 16
    assert t.now == pytest.approx(1016.0)


def test_run_subtracts_the_time_a_frame_takes() -> None:
    t = FakeTime(frame_cost=0.25)
    breathe.run(16, t.show, sleep=t.sleep, clock=t.clock)
    assert t.sleeps == pytest.approx([0.75] * 16)
    assert t.now == pytest.approx(1016.0)  # no drift: 16 seconds is 16 seconds


def test_run_catches_up_after_a_slow_frame_without_negative_sleeps() -> None:
    t = FakeTime(frame_cost=0.1)
    t.slow = {2: 2.5}  # the third frame takes 2.5 s (a busy machine)
    shown = breathe.run(16, t.show, sleep=t.sleep, clock=t.clock)
    assert shown == 16  # no beat is skipped ...
    assert all(s > 0 for s in t.sleeps)  # ... nothing sleeps a negative or zero time ...
    # ... the two beats that fell behind are shown straight away, then it is back on time:
    assert t.sleeps[:3] == pytest.approx([0.9, 0.9, 0.3])
    assert t.sleeps[3:] == pytest.approx([0.9] * 11)
    assert len(t.sleeps) == 14
    assert t.now == pytest.approx(1016.0)  # ends when it should have


def test_run_returns_the_beats_shown() -> None:
    seen: list[breathe.Beat] = []
    t = FakeTime()
    shown = breathe.run(30, seen.append, sleep=t.sleep, clock=t.clock)
    assert shown == len(seen) == 32
    assert seen == list(breathe.beats(30))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (5, "1 slow breath, 16 s"),
        (32, "2 slow breaths, 32 s"),
        (60, "4 slow breaths, 1 min 4 s"),
        (120, "8 slow breaths, 2 min 8 s"),
        (3600, "225 slow breaths, 60 min"),
    ],
)
def test_the_length_is_said_in_words_as_it_will_really_be(seconds: int, words: str) -> None:
    assert breathe.describe(seconds) == words
    assert breathe.length(seconds) == len(list(breathe.beats(seconds)))


# -- run_breathing: on screen ----------------------------------------------------------------


def piped_console() -> Console:
    return Console(record=True, width=100, file=io.StringIO(), color_system=None)


def test_piped_output_is_one_line_per_phase_then_the_mindset() -> None:
    console = piped_console()
    t = FakeTime()
    shown = run_breathing(console, 32, sleep=t.sleep, clock=t.clock)
    assert shown == 32
    lines = [*up_front(32).splitlines(), *PHASE_LINES * 2, breathe.MINDSET]
    assert console.export_text().splitlines() == lines
    assert t.now == pytest.approx(1032.0)


def test_ctrl_c_ends_it_cleanly_with_the_mindset() -> None:
    console = piped_console()
    t = FakeTime()

    def sleep(seconds: float) -> None:
        if len(t.sleeps) == 5:  # Ctrl-C during the sixth second
            raise KeyboardInterrupt
        t.sleep(seconds)

    shown = run_breathing(console, 60, sleep=sleep, clock=t.clock)  # no exception escapes
    assert shown == 6
    assert console.export_text().splitlines() == [
        *up_front(60).splitlines(),
        "Breathe in for 4…",
        "Hold for 4…",
        "Stopped early; that's fine.",
        breathe.MINDSET,
    ]


def test_a_terminal_draws_the_breathing_box() -> None:
    console = Console(
        record=True, width=100, file=io.StringIO(), force_terminal=True, color_system=None
    )
    t = FakeTime()
    shown = run_breathing(console, 16, sleep=t.sleep, clock=t.clock)
    assert shown == 16
    text = console.export_text()
    assert "for 4…" not in text  # the live box instead of piped lines
    assert "Breathe in" in text
    assert "16 s left" in text
    assert "● ● ● ●" in text
    assert text.rstrip().endswith(breathe.MINDSET)


def test_frame_shows_the_phase_the_count_and_the_time_left() -> None:
    console = piped_console()
    console.print(frame(breathe.Beat("Breathe out", 3, 7)))
    text = console.export_text()
    assert "breathe" in text
    assert "Breathe out" in text
    assert "● ● ● ○" in text
    assert "7 s left" in text


# -- calm breathe ------------------------------------------------------------------------------


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """`calm breathe` with a fake clock: `breathe.run` gets the fake sleep and clock injected.

    `run_breathing` binds `time.sleep` as a default when it is defined, so patching `time.sleep`
    would not reach it; the core `run` it calls is looked up at call time, so wrap that.
    """
    t = FakeTime()
    real_run: Callable[..., int] = breathe.run
    calls: list[int] = []

    def run(seconds: int, show: Callable[[breathe.Beat], None], **_: Any) -> int:
        calls.append(seconds)
        return real_run(seconds, show, sleep=t.sleep, clock=t.clock)

    monkeypatch.setattr(breathe, "run", run)
    t.calls = calls  # type: ignore[attr-defined]
    return t


def calm(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def test_calm_breathe_runs_for_the_seconds_asked(fake_time: FakeTime) -> None:
    result = calm("breathe", "--seconds", "16")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [*up_front(16).splitlines(), *PHASE_LINES, breathe.MINDSET]
    assert fake_time.calls == [16]  # type: ignore[attr-defined]
    assert sum(fake_time.sleeps) == pytest.approx(16.0)


def test_calm_breathe_defaults_to_a_minute(fake_time: FakeTime) -> None:
    result = calm("breathe")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        *up_front(60).splitlines(),
        *PHASE_LINES * 4,
        breathe.MINDSET,
    ]
    assert sum(fake_time.sleeps) == pytest.approx(64.0)  # the nearest whole breaths
    assert "4 slow breaths, 1 min 4 s" in result.stdout  # said before it starts


def test_calm_breathe_short_option(fake_time: FakeTime) -> None:
    result = calm("breathe", "-s", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [*up_front(5).splitlines(), *PHASE_LINES, breathe.MINDSET]
    assert "1 slow breath, 16 s" in result.stdout  # 5 s is one whole breath, said up front


@pytest.mark.parametrize("seconds", ["0", "-5", "3601", "soon"])
def test_calm_breathe_refuses_a_silly_length(fake_time: FakeTime, seconds: str) -> None:
    result = calm("breathe", "--seconds", seconds)
    assert result.exit_code == 2
    assert "--seconds" in result.output
    assert fake_time.calls == []  # type: ignore[attr-defined]


# -- stopping with a key -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [b"q", b"\r", b"\x1b", b"Q"])
def test_a_stop_key_on_the_terminal_ends_the_wait_at_once(
    monkeypatch: pytest.MonkeyPatch, key: bytes
) -> None:
    import os
    import sys
    import time

    from calmcli.cli.views.breathing import Stopped, stop_keys

    leader, follower = os.openpty()
    with os.fdopen(follower, encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stdin", terminal)
        with stop_keys() as wait:
            os.write(leader, b"x")  # any other key: the wait goes on to its end
            started = time.monotonic()
            wait(0.05)
            assert time.monotonic() - started >= 0.05
            os.write(leader, key)
            with pytest.raises(Stopped):
                wait(30)  # returns at once, not after 30 s
    os.close(leader)


def test_without_a_terminal_the_wait_is_a_plain_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys
    import time

    from calmcli.cli.views.breathing import stop_keys

    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    with stop_keys() as wait:
        assert wait is time.sleep
