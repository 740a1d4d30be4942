"""The one error type users see, and the exit codes it maps to.

Core modules raise `CalmError` (or a subclass) with a plain message that says what is wrong and
where. `calmcli.cli.boundary` is the one place that turns it (and Ctrl-C, and SIGTERM) into a
message and an exit code; nothing prints tracebacks.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_CANNOT_ANSWER = 3
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


class CannotAnswer(CalmError):
    """`calm followup --check` could not read what it needs (the home folder, the index), so it
    cannot say whether anything is due: exit 3, which a shell prompt can tell from "due" (1)."""

    exit_code = EXIT_CANNOT_ANSWER


class Interrupted(CalmError):
    """The user pressed Ctrl-C (or the process got SIGTERM); partial work has been kept."""

    exit_code = EXIT_INTERRUPTED
