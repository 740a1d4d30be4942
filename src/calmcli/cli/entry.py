"""The `calm` entry point.

The two commands run many times a day are answered here without loading Typer: plain
`calm followup` (Rich only) and `calm followup --check` (the standard library only, for a shell
prompt). Everything else goes to the Typer app. All of them run inside the one error boundary.
"""

from __future__ import annotations

import os
import sys

from calmcli.cli.boundary import guarded
from calmcli.cli.nudge import check


def due() -> int:
    """A plain `calm followup`: the due list with Rich, without Typer."""
    from calmcli.cli.views.due import show_due

    show_due()
    return 0


def new(options: dict[str, object]) -> int:
    """`calm new` with its everyday options: straight to the interview, without Typer."""
    from calmcli.cli import newcase

    newcase.run(**options)  # type: ignore[arg-type]
    return 0


def app() -> int:
    from calmcli.cli.app import run

    return run()


def _safe_streams() -> None:
    """Never crash on a terminal that cannot show a character (PYTHONIOENCODING=ascii, cp1252):
    show a replacement instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:  # noqa: SIM105 (contextlib costs the fast path)
                reconfigure(errors="replace")
            except (OSError, ValueError):
                pass


def main() -> None:
    _safe_streams()
    args = sys.argv[1:]
    if args == ["followup", "--check"]:
        sys.exit(guarded(check))
    if args == ["followup"]:
        sys.exit(guarded(due))
    if args[:1] == ["new"] and not os.environ.get("_CALM_COMPLETE"):
        from calmcli.cli.newcase import parse

        options = parse(args[1:])
        if options is not None:
            sys.exit(guarded(lambda: new(options)))
    sys.exit(guarded(app))
