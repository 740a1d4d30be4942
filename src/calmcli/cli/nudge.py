"""`calm followup --check`: one line for a shell prompt, on the standard library alone."""

from __future__ import annotations

import sys

from calmcli.errors import BadInput, CalmError, CannotAnswer


def check(owner: str | None = None) -> int:
    """Print one line about what is due: exit 0 when nothing is due, 1 when something is, 3
    when calm cannot tell (its home or index unreadable). A case file that cannot be read is
    only a warning. With `owner`, only that person's cases (the due file holds everyone's, so
    that asks the index)."""
    from calmcli.store.duefile import answer

    quick = answer() if owner is None else None  # a few stats and one small read, when in step
    if quick is not None:
        print(quick[0])
        return quick[1]
    from calmcli.clock.now import local_now
    from calmcli.domain.followups import nudge, owned_by, select
    from calmcli.store.index import open_rows

    try:
        listing = open_rows()
        items = select(owned_by(listing.rows, owner), local_now(named=False))
    except BadInput:
        raise
    except CalmError as exc:
        raise CannotAnswer(exc.message, details=exc.details) from None
    for warning in listing.warnings:
        print(f"calm: skipped {warning}", file=sys.stderr)
    print(nudge(items))
    return 1 if any(item.is_due for item in items) else 0
