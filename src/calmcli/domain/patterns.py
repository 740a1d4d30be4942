"""What keeps coming back: counts across cases, repeat customers, time to resolve, satisfaction,
and the causes or situations heard three times or more, with the lessons recorded for them.

Works on index rows only, so it stays quick with thousands of cases. Pure data: no printing.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from calmcli.domain.summary import CaseSummary, customer_key

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


_key = customer_key


def outcomes(wants: str) -> list[str]:
    """Each outcome a case's customer wanted: a multi answer is kept as "repair, apology", and
    each one counts on its own."""
    return list(dict.fromkeys(w.strip() for w in wants.split(",") if w.strip()))


def compute(
    rows: Iterable[CaseSummary],
    now: datetime,
    within: timedelta | None = None,
    *,
    repeats: dict[str, int] | None = None,
) -> Patterns:
    """Everything in one pass over the rows, in any order: counters, the days to resolve,
    and the lessons (newest first). `repeats` (customer -> cases, for those with more than
    one) may come already counted, by the index: then memory does not grow with the number
    of customers either."""
    since = now - within if within is not None else None
    cases = 0
    names: dict[str, tuple[float, str]] = {}
    per_customer: Counter[str] = Counter()
    by_tree: Counter[str] = Counter()
    by_cause: Counter[str] = Counter()
    by_wish: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    satisfaction: Counter[str] = Counter()
    by_owner: Counter[str] = Counter()
    days: list[float] = []
    lessons: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for r in rows:
        created = datetime.fromisoformat(r.created)
        if since is not None and created < since:
            continue
        cases += 1
        at = created.timestamp()
        if repeats is None:
            k = _key(r.customer)
            per_customer[k] += 1
            if k not in names or names[k][0] <= at:
                names[k] = (at, " ".join(r.customer.split()))  # the latest spelling, tidied
        by_tree[r.tree] += 1
        by_owner[" ".join(r.owner.split()) or NOBODY] += 1
        by_month[r.created[:7]] += 1
        if r.root_cause:
            by_cause[r.root_cause] += 1
        for wish in outcomes(r.wants):
            by_wish[wish] += 1
        if r.satisfaction:
            satisfaction[r.satisfaction] += 1
        if r.closed:
            days.append((datetime.fromisoformat(r.closed) - created).total_seconds() / 86400)
        if r.lesson:
            lessons[("situation", r.tree)].append((at, r.lesson))
            if r.root_cause:
                lessons[("root cause", r.root_cause)].append((at, r.lesson))

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
        cases=cases,
        by_situation=_ordered(by_tree),
        by_root_cause=_ordered(by_cause),
        by_outcome_wanted=_ordered(by_wish),
        by_month=dict(sorted(by_month.items())),
        repeat_customers=(
            repeats
            if repeats is not None
            else {names[k][1]: n for k, n in _ordered(per_customer).items() if n > 1}
        ),
        resolution_days={
            "resolved": len(days),
            "median": round(statistics.median(days), 1) if days else None,
            "mean": round(statistics.fmean(days), 1) if days else None,
            "longest": round(max(days), 1) if days else None,
        },
        satisfaction=_ordered(satisfaction),
        recurring=tuple(recurring),
        by_owner=_ordered(by_owner),
    )
