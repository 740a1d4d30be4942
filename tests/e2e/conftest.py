"""Driving the installed `calm` in a pseudo-terminal, the way a person at a keyboard would.

`Term` wraps a pexpect child. It keeps everything the program has printed, with ANSI escape
codes removed, and `expect` waits for a piece of text to show up after the last match, so a test
reads like a conversation: wait for the question, press keys, wait for the next question.
It also feeds the output to a screen model (pyte) of the terminal's size, so a test can check
what a person would see: `screen()` is the visible rows, `wait_screen` waits for text on them.
Keys are only ever sent after the prompt they answer has been drawn: prompt_toolkit switches the
terminal to raw mode before it draws, so a key sent earlier could reach a cooked terminal (where
Ctrl-C would be a signal and Enter a line feed).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path

import pexpect  # both in the `test` extra: a missing one fails, never skips the real terminal
import pyte
import pytest

if sys.platform == "win32":  # pragma: no cover - pexpect.spawn needs a POSIX pty
    pytest.skip("pseudo-terminal tests need a POSIX system", allow_module_level=True)

EXPECT_TIMEOUT = 10.0
"""Seconds to wait for any one piece of output."""

ROWS, COLS = 40, 120

_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erase, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


class Keyboard(StrEnum):
    """What the terminal sends for each key (as in copier's tests/helpers.py)."""

    Enter = "\r"
    Up = "\x1b[A"
    Down = "\x1b[B"
    Space = " "
    CtrlB = "\x02"
    CtrlC = "\x03"
    CtrlU = "\x15"  # prompt_toolkit (emacs keys): delete the line before the cursor
    EscEnter = "\x1b\r"  # finish a multi-line text
    Esc = "\x1b"


class Term:
    """A running `calm` in a pseudo-terminal, with its output kept as plain text."""

    def __init__(self, child: pexpect.spawn, rows: int = ROWS, cols: int = COLS) -> None:
        self.child = child
        self.raw = ""
        self.pos = 0  # where in `text` the next expect starts looking
        self.exitstatus: int | None = None
        self.model = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.model)

    @property
    def text(self) -> str:
        """Everything printed so far, without escape codes or carriage returns."""
        return strip_ansi(self.raw)

    def _read(self, timeout: float) -> bool:
        """Read what is available; False once the program has closed the terminal."""
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
            self.raw += chunk
            self.stream.feed(chunk)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def _fail(self, what: str) -> AssertionError:
        tail = self.text[self.pos :][-3000:]
        return AssertionError(f"{what}\n--- output since the last match ---\n{tail}")

    def expect(self, needle: str, timeout: float = EXPECT_TIMEOUT) -> str:
        """Wait until `needle` appears after the last match; return the text since that match."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            found = text.find(needle, self.pos)
            if found >= 0:
                since = text[self.pos : found + len(needle)]
                self.pos = found + len(needle)
                return since
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._fail(f"timed out after {timeout:g} s waiting for {needle!r}")
            if not self._read(min(left, 0.2)) and needle not in self.text[self.pos :]:
                raise self._fail(f"calm exited (status {self._status()}) before {needle!r}")

    def screen(self) -> list[str]:
        """The terminal's rows as a person sees them now (trailing spaces removed)."""
        return [row.rstrip() for row in self.model.display]

    def wait_screen(
        self, needle: str | Callable[[list[str]], bool], timeout: float = EXPECT_TIMEOUT
    ) -> list[str]:
        """Wait until `needle` is on one row of the screen (or the screen satisfies it);
        return the screen."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.screen()
            if needle(rows) if callable(needle) else any(needle in row for row in rows):
                return rows
            left = deadline - time.monotonic()
            if left <= 0:
                shown = "\n".join(rows)
                raise AssertionError(f"timed out waiting for {needle!r} on the screen:\n{shown}")
            if not self._read(min(left, 0.2)):
                rows = self.screen()
                if needle(rows) if callable(needle) else any(needle in row for row in rows):
                    return rows
                raise AssertionError(f"calm exited before {needle!r} was on the screen")

    def send(self, *keys: str) -> None:
        self.child.send("".join(str(k) for k in keys))

    def type(self, text: str) -> None:
        """Type text then Enter (a one-line text prompt)."""
        self.send(text, Keyboard.Enter)

    def wait_exit(self, timeout: float = EXPECT_TIMEOUT) -> int:
        """Read to the end of the output and return the exit status (128+n for signal n)."""
        deadline = time.monotonic() + timeout
        while self._read(0.2):
            if time.monotonic() > deadline:
                raise self._fail(f"calm still running after {timeout:g} s")
        return self._status()

    def _status(self) -> int:
        if self.exitstatus is None:
            self.child.close()
            status = self.child.exitstatus
            self.exitstatus = 128 + self.child.signalstatus if status is None else status
        return self.exitstatus

    def rest(self) -> str:
        """The output after the last match."""
        return self.text[self.pos :]


def _find_calm() -> Path | None:
    beside = Path(sys.executable).parent / "calm"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("calm")
    return Path(found) if found else None


@pytest.fixture(scope="session")
def calm_exe() -> Path:
    exe = _find_calm()
    if exe is None:
        pytest.skip("the calm command is not installed next to this Python or on PATH")
    return exe


@pytest.fixture
def calm_env(calm_home: Path) -> dict[str, str]:
    """A plain xterm in London; CALM_HOME is the test's own (from tests/conftest.py)."""
    env = dict(os.environ)
    for name in ("NO_COLOR", "FORCE_COLOR", "CALM_TREE", "LINES"):
        env.pop(name, None)
    env.update(
        CALM_HOME=str(calm_home),
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
        TZ="Europe/London",
        COLUMNS=str(COLS),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    return env


@pytest.fixture
def spawn_calm(calm_exe: Path, calm_env: dict[str, str]) -> Iterator[Callable[..., Term]]:
    """Start `calm ARGS...` in a pseudo-terminal (40x120 unless `size=(rows, cols)`), with
    `env` added to its environment; anything left running is killed after."""
    started: list[Term] = []

    def spawn(
        *args: str, size: tuple[int, int] = (ROWS, COLS), env: dict[str, str] | None = None
    ) -> Term:
        rows, cols = size
        child = pexpect.spawn(
            str(calm_exe),
            list(args),
            env={**calm_env, "COLUMNS": str(cols), "LINES": str(rows), **(env or {})},
            dimensions=(rows, cols),
            encoding="utf-8",
            codec_errors="replace",
            timeout=EXPECT_TIMEOUT,
        )
        term = Term(child, rows, cols)
        started.append(term)
        return term

    yield spawn
    for term in started:
        if term.child.isalive():
            term.child.terminate(force=True)
        term.child.close()
