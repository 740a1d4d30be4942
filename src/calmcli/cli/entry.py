"""The `calm` entry point. `calm followup --check` (run from shell prompts, many times a day)
is answered here with the standard library and the index alone; everything else loads the
full command line.
"""

from __future__ import annotations

import sys


def check() -> int:
    """Print one line about due check-ins; 1 when any are due, 0 when none, 2+ on errors."""
    from calmcli.clock.now import local_now
    from calmcli.domain.followups import nudge, select
    from calmcli.errors import CalmError
    from calmcli.store.index import open_rows

    try:
        listing = open_rows()
        for warning in listing.warnings:
            print(f"calm: skipped {warning}", file=sys.stderr)
        items = select(listing.rows, local_now(named=False))
    except CalmError as exc:
        print(f"calm: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    print(nudge(items))
    return 1 if any(item.is_due for item in items) else 0


def due() -> int:
    """A plain `calm followup`: the due list, with Rich but without Typer (and the pydantic
    it loads), so the daily command starts as fast as Rich itself."""
    from calmcli.cli.output import report
    from calmcli.cli.views.due import show_due
    from calmcli.errors import CalmError

    try:
        show_due()
    except CalmError as exc:
        report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


def main() -> None:
    args = sys.argv[1:]
    if args == ["followup", "--check"]:
        sys.exit(check())
    if args == ["followup"]:
        sys.exit(due())
    from calmcli.cli.app import run

    run()
