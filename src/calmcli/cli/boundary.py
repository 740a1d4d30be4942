"""The one error boundary: `CalmError`, Ctrl-C and SIGTERM become a message and an exit code.

Every way into calm runs through here: the fast paths in `entry` (plain `calm followup` and
`--check`) call `guarded`, and the Typer app's group calls `handle` for each command. Only the
standard library is imported at module level, so the `--check` path stays quick; Rich is loaded
only when there is an error to show on a terminal.
"""

from __future__ import annotations

import os
import sys

from calmcli.errors import EXIT_INTERRUPTED, CalmError, Interrupted

TYPE_CHECKING = False  # not typing's: importing typing costs `--check` 8 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _term_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def install_signal_handlers() -> None:
    """SIGTERM (a closed terminal, `kill`) ends calm like Ctrl-C: whatever is in hand is kept
    and calm exits 130 with a message, instead of dying silently with 143."""
    import signal

    signal.signal(signal.SIGTERM, _term_as_interrupt)


def report(exc: CalmError) -> None:
    """`calm: message` on stderr, then one indented line per detail; user text made safe."""
    from calmcli.textsafe import clean

    lines = [f"calm: {clean(exc.message)}", *(f"  {clean(line)}" for line in exc.details)]
    if sys.stderr.isatty():
        from calmcli.cli.output import err

        console = err()
        console.print(lines[0], style="bold red", markup=False, highlight=False)
        for line in lines[1:]:
            console.print(line, markup=False, highlight=False)
        return
    try:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr closed: the exit code still tells


def say_rebuilt() -> None:
    """One line for each case index calm had to throw away and make again in this command (a
    corrupt, foreign or old one). Nothing to do when the command never opened the index."""
    indexdb = sys.modules.get("calmcli.store.indexdb")
    if indexdb is None:
        return
    for line in indexdb.take_rebuilt():
        try:  # noqa: SIM105 (contextlib costs the `--check` path)
            sys.stderr.write(f"calm: {line}\n")
        except (OSError, ValueError):
            pass


def handle(exc: BaseException) -> int:
    """Report `exc` and give the exit code. A failure that is not calm's own error (a bug) is
    one line on screen and the traceback in a log file, unless CALM_DEBUG is set."""
    if isinstance(exc, KeyboardInterrupt):
        exc = Interrupted("interrupted")
    if isinstance(exc, BrokenPipeError):  # the reader stopped reading (`calm list | head`)
        return _reader_gone()
    if not isinstance(exc, CalmError):
        if not isinstance(exc, Exception) or os.environ.get("CALM_DEBUG"):
            raise exc
        exc = _internal(exc)
    report(exc)
    return exc.exit_code


EXIT_PIPE = 141
"""What a shell says of a command stopped by SIGPIPE (128 + 13), as `yes | head` ends."""


def _reader_gone() -> int:
    """Say nothing: the output is no longer wanted. What is still buffered for stdout goes
    nowhere, so Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE


def _internal(exc: Exception) -> CalmError:
    """A bug: keep the details for a bug report, tell the user what they need to know."""
    import tempfile
    import traceback
    from pathlib import Path

    log = Path(tempfile.gettempdir()) / f"calm-error-{os.getpid()}.log"
    try:
        log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f"; the details are in {log}"
    except OSError:
        where = ""
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return CalmError(
        f"something went wrong inside calm ({summary}){where}. Your cases are as they were "
        "before this command; set CALM_DEBUG=1 to see the traceback"
    )


def guarded(run: Callable[[], int | None]) -> int:
    """Run a command; its exit code, or the one its error maps to."""
    install_signal_handlers()
    try:
        return run() or 0
    except (Exception, KeyboardInterrupt) as exc:
        return handle(exc)
    finally:
        say_rebuilt()


__all__ = [
    "EXIT_INTERRUPTED", "guarded", "handle", "install_signal_handlers", "report", "say_rebuilt",
]  # fmt: skip
