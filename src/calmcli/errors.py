"""The one error type users see, and the exit codes it maps to.

Core modules raise `CalmError` (or a subclass) with a plain message that says what is wrong and
where. Only `calmcli.cli.main` turns it into an exit code; nothing else prints tracebacks.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class CalmError(Exception):
    """A failure the user can understand and act on. `exit_code` is 1 unless a subclass says so."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadInput(CalmError):
    """The user gave calm something it cannot use: a bad tree, date, answers file or case id."""

    exit_code = EXIT_BAD_INPUT


class Interrupted(CalmError):
    """The user pressed Ctrl-C (or the process got SIGTERM); partial work has been kept."""

    exit_code = EXIT_INTERRUPTED
