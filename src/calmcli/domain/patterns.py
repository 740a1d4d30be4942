"""What keeps coming back: counts across cases, repeat customers, time to resolve, satisfaction,
and the causes or situations heard three times or more, with the lessons recorded for them.

Works on counts the index makes, so it stays quick with 100,000 cases. Pure data: no printing.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

RECURRING_AT = 3
NOBODY = "(nobody)"
SILENT_PER_COMPLAINT = 26
"""For each customer who complains, about 26 others with the same problem say nothing."""


@dataclass(frozen=True)
class Recurring:
    kind: str  # "root cause" or "situation"
    value: str
    count: int
    lessons: tuple[str, ...]


@dataclass(frozen=True)
class Patterns:
    since: datetime | None
    cases: int
    by_situation: dict[str, int]
    by_root_cause: dict[str, int]
    by_outcome_wanted: dict[str, int]
    by_month: dict[str, int]
    repeat_customers: dict[str, int]
    resolution_days: dict[str, float | int | None]
    satisfaction: dict[str, int]
    recurring: tuple[Recurring, ...] = field(default_factory=tuple)
    by_owner: dict[str, int] = field(default_factory=dict)
    """Cases per owner (NOBODY for a case no one owns)."""

    def to_data(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "cases": self.cases,
            "by_situation": self.by_situation,
            "by_root_cause": self.by_root_cause,
            "by_outcome_wanted": self.by_outcome_wanted,
            "by_month": self.by_month,
            "repeat_customers": self.repeat_customers,
            "resolution_days": self.resolution_days,
            "satisfaction": self.satisfaction,
            "by_owner": self.by_owner,
            "recurring": [
                {"kind": r.kind, "value": r.value, "count": r.count, "lessons": list(r.lessons)}
                for r in self.recurring
            ],
        }


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def outcomes(wants: str) -> list[str]:
    """Each outcome a case's customer wanted: a multi answer is kept as "repair, apology", and
    each one counts on its own."""
    return list(dict.fromkeys(w.strip() for w in wants.split(",") if w.strip()))


class Tally(NamedTuple):
    """What `Patterns` is made from, counted by the index over the cases in the span (see
    `store.index.tally`): each grouping as (value as stored, cases) pairs, the days each
    closed case took, and the lessons recorded."""

    cases: int
    by_tree: list[tuple[str, int]]
    by_cause: list[tuple[str, int]]
    by_wants: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    by_satisfaction: list[tuple[str, int]]
    by_owner: list[tuple[str, int]]
    days: list[float]
    lessons: list[tuple[float, str, str, str]]
    """(created timestamp, tree, root cause, lesson) for each case with a lesson."""


def summarise(
    tally: Tally, now: datetime, within: timedelta | None, repeats: dict[str, int]
) -> Patterns:
    """The figures from the counts: a stored value's spellings merged (owners' spaces, each
    outcome of a multi answer on its own), everything ordered, the days to resolve
    summarised, and the causes or situations heard `RECURRING_AT` times with their lessons
    (newest first). `repeats`: customers with more than one case, counted by the index."""
    since = now - within if within is not None else None
    by_wish: Counter[str] = Counter()
    for wants, n in tally.by_wants:
        for wish in outcomes(wants):
            by_wish[wish] += n
    by_owner: Counter[str] = Counter()
    for owner, n in tally.by_owner:
        by_owner[" ".join(owner.split()) or NOBODY] += n
    by_tree = Counter(dict(tally.by_tree))
    by_cause = Counter({cause: n for cause, n in tally.by_cause if cause})
    lessons: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for at, tree, cause, lesson in tally.lessons:
        lessons[("situation", tree)].append((at, lesson))
        if cause:
            lessons[("root cause", cause)].append((at, lesson))
    days = tally.days

    def newest_first(key: tuple[str, str]) -> tuple[str, ...]:
        ordered = [text for _, text in sorted(lessons[key], key=lambda x: -x[0])]
        return tuple(dict.fromkeys(ordered))[:5]

    recurring = [
        Recurring(kind, value, n, newest_first((kind, value)))
        for kind, counts in (("root cause", by_cause), ("situation", by_tree))
        for value, n in _ordered(counts).items()
        if n >= RECURRING_AT
    ]
    return Patterns(
        since=since,
        cases=tally.cases,
        by_situation=_ordered(by_tree),
        by_root_cause=_ordered(by_cause),
        by_outcome_wanted=_ordered(by_wish),
        by_month=dict(sorted(tally.by_month)),
        repeat_customers=repeats,
        resolution_days={
            "resolved": len(days),
            "median": round(statistics.median(days), 1) if days else None,
            "mean": round(statistics.fmean(days), 1) if days else None,
            "longest": round(max(days), 1) if days else None,
        },
        satisfaction=_ordered(Counter({s: n for s, n in tally.by_satisfaction if s})),
        recurring=tuple(recurring),
        by_owner=_ordered(by_owner),
    )
