"""A case: one upset customer and one problem, from the first call to its close.

Pure data and the rules that read it; `calmcli.store.cases` turns it into YAML and back, and
`calmcli.domain.lifecycle` holds the changes a case goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calmcli.clock.now import from_iso, to_iso
from calmcli.domain.ledger import Item
from calmcli.domain.summary import CaseSummary
from calmcli.errors import BadInput

STATUSES = ("open", "closed")


def wants_text(value: Any) -> str:
    """The `wants` answer as one line of values (a multi answer's values joined by commas)."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value) if value not in (None, "") else ""


@dataclass
class Case:
    id: str
    tree_id: str
    tree_version: int | str
    customer: str
    created: datetime
    phone: str = ""
    job: str = ""
    status: str = "open"
    owner: str = ""
    """Whose case it is (a name as `calm config set name` gives it); "" for nobody's yet."""
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    """Choices to make: a field two people changed to different values at the same time (see
    `domain.merging`), each `{field, choices}` with the value in force first."""
    revision: int = 0
    """Raised by every write, so a copy restored over a newer one can be noticed."""
    followup_due: datetime | None = None
    offer: str = ""
    """The call plan's top option: what calm suggested offering."""
    wants: str = ""
    """What the customer wants (the `wants` answer's value), kept at the top for patterns."""
    plan: dict[str, Any] | None = None
    """The call plan as it was made (see `domain.plan.CallPlan.to_data`); None in old cases."""
    answers: dict[str, Any] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None
    items: list[Item] = field(default_factory=list)
    """The promise ledger: actions promised on the call and progress updates owed."""
    checkins: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys calm does not know (a newer calm's, or a hand edit's): kept as they are."""

    @property
    def agreed(self) -> str:
        """The option agreed on the call, or ""."""
        return str((self.outcome or {}).get("option") or "")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def add_event(self, event: str, at: datetime, **details: Any) -> None:
        self.history.append({"at": to_iso(at), "event": event, **details})

    def last_changed(self) -> datetime:
        """When the case last changed: its last history entry, else its creation."""
        if self.history:
            try:
                return from_iso(str(self.history[-1].get("at")))
            except BadInput:
                pass
        return self.created

    def closed_at(self) -> str:
        """When it was closed, as ISO text ("" when open, or the time was edited into junk)."""
        if self.is_open:
            return ""
        at = next((e.get("at") for e in reversed(self.history) if e.get("event") == "closed"), "")
        try:
            return to_iso(from_iso(str(at))) if at else ""
        except BadInput:
            return ""

    def summary(self, file: str) -> CaseSummary:
        review = self.review or {}
        last = self.checkins[-1].get("satisfaction") if self.checkins else ""
        return CaseSummary(
            id=self.id,
            customer=self.customer,
            phone=self.phone,
            job=self.job,
            status=self.status,
            due=to_iso(self.followup_due) if self.followup_due else "",
            created=to_iso(self.created),
            offer=self.offer,
            agreed=self.agreed,
            tree=self.tree_id,
            file=file,
            wants=self.wants or wants_text(self.answers.get("wants")),
            root_cause=str(review.get("root_cause") or ""),
            lesson=str(review.get("lesson") or ""),
            closed=self.closed_at(),
            satisfaction=str(last or ""),
            items=open_dated(self.items),
            owner=self.owner,
            revision=self.revision,
        )


def open_dated(items: list[Item]) -> str:
    """The open items with a due time, as compact JSON for the index: [[n, kind, what, due]]."""
    import json

    rows = [[i.n, i.kind, i.what, to_iso(i.due)] for i in items if i.is_open and i.due]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")) if rows else ""
