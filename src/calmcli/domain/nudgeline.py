"""The one line `calm followup --check` prints for a shell prompt. Standard library only, and
nothing heavy: the quickest path to it reads one small file and imports nothing else."""

from __future__ import annotations

CHECKIN = "check-in"


def nudge_line(due: list[tuple[str, str, int, int]], limit: int = 3) -> str:
    """`due`: (name, kind, item number, days overdue) of each thing due, soonest first.
    '2 things due: Dana (overdue 1 day), Sam (action 2)'."""
    if not due:
        return "Nothing due."
    parts = []
    for name, kind, n, late in due[:limit]:
        what = "" if kind == CHECKIN else f"{kind} {n}"
        if late > 0:
            days = f"overdue {late} day{'' if late == 1 else 's'}"
            what = f"{what}, {days}" if what else days
        parts.append(f"{name} ({what})" if what else name)
    more = f", and {len(due) - limit} more" if len(due) > limit else ""
    checkins = sum(1 for _, kind, _, _ in due if kind == CHECKIN)
    if len(due) == 1:
        noun = "check-in" if checkins == 1 else "thing"
    else:
        noun = "check-ins" if checkins == len(due) else "things"
    return f"{len(due)} {noun} due: {', '.join(parts)}{more}"
