"""What keeps coming back: counts across cases, repeat customers, time to resolve, satisfaction,
and the causes or situations heard three times or more, with the lessons recorded for them.

Works on index rows only, so it stays quick with thousands of cases. Pure data: no printing.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from calmcli.domain.summary import CaseSummary, customer_key

RECURRING_AT = 3
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


def compute(rows: list[CaseSummary], now: datetime, within: timedelta | None = None) -> Patterns:
    since = now - within if within is not None else None
    chosen = [r for r in rows if since is None or datetime.fromisoformat(r.created) >= since]
    chosen.sort(key=lambda r: datetime.fromisoformat(r.created).timestamp())
    names: dict[str, str] = {}
    per_customer: Counter[str] = Counter()
    for r in chosen:
        k = _key(r.customer)
        per_customer[k] += 1
        names[k] = " ".join(r.customer.split())  # the latest spelling, spaces tidied
    days = []
    for r in chosen:
        if r.closed:
            delta = datetime.fromisoformat(r.closed) - datetime.fromisoformat(r.created)
            days.append(delta.total_seconds() / 86400)
    lessons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in reversed(chosen):  # newest lesson first
        if r.lesson:
            lessons[("situation", r.tree)].append(r.lesson)
            if r.root_cause:
                lessons[("root cause", r.root_cause)].append(r.lesson)
    by_tree = Counter(r.tree for r in chosen)
    by_cause = Counter(r.root_cause for r in chosen if r.root_cause)
    recurring = [
        Recurring(kind, value, n, tuple(dict.fromkeys(lessons[(kind, value)]))[:5])
        for kind, counts in (("root cause", by_cause), ("situation", by_tree))
        for value, n in _ordered(counts).items()
        if n >= RECURRING_AT
    ]
    return Patterns(
        since=since,
        cases=len(chosen),
        by_situation=_ordered(by_tree),
        by_root_cause=_ordered(by_cause),
        by_outcome_wanted=_ordered(Counter(w for r in chosen for w in outcomes(r.wants))),
        by_month=dict(sorted(Counter(r.created[:7] for r in chosen).items())),
        repeat_customers={names[k]: n for k, n in _ordered(per_customer).items() if n > 1},
        resolution_days={
            "resolved": len(days),
            "median": round(statistics.median(days), 1) if days else None,
            "mean": round(statistics.fmean(days), 1) if days else None,
            "longest": round(max(days), 1) if days else None,
        },
        satisfaction=_ordered(Counter(r.satisfaction for r in chosen if r.satisfaction)),
        recurring=tuple(recurring),
    )
