"""The `calm` entry point. `calm followup --check` (run from shell prompts, many times a day)
is answered here with the standard library and the index alone; everything else loads the
full command line.
"""

from __future__ import annotations

import sys


def check() -> int:
    """Print one line about due check-ins; 1 when any are due, 0 when none, 2+ on errors."""
    from .clock import local_now
    from .errors import CalmError
    from .followups import nudge, select
    from .index import open_rows

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


def main() -> None:
    if sys.argv[1:] == ["followup", "--check"]:
        sys.exit(check())
    from .cli.main import run

    run()
