"""A change to a case in words: the git commit message for it, and a choice to make as a
person reads it. Pure data: the events are the case's own history entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.clock.dates import format_when
from calmcli.clock.now import from_iso
from calmcli.domain import merging
from calmcli.domain.case import Case
from calmcli.errors import BadInput
from calmcli.textsafe import one_line

SUBJECT_MAX = 72
_MAIN = ("created", "logged", "closed", "checked_in", "reviewed", "delayed", "snoozed",
         "assigned", "resolved", "merged", "reopened")  # fmt: skip
"""Which event names a commit, when one change made several."""


def _when(text: Any, now: datetime | None) -> str:
    try:
        return format_when(from_iso(str(text)), now) if text else "no date"
    except BadInput:
        return str(text)


def event_words(case: Case, event: dict[str, Any], now: datetime | None = None) -> str:
    """One history entry as a line: "Moved the check-in with Dana Whitfield to Fri 20 Nov"."""
    who = one_line(case.customer)[:40] or case.id
    kind = event.get("event")
    item = event.get("item")
    option = one_line(str(event.get("option") or "nothing yet"))[:60]
    words = {
        "created": f"New case: {who}" + (f" ({one_line(case.job)[:40]})" if case.job else ""),
        "logged": f"Logged the call with {who}: agreed {option!r}",
        "checked_in": f"Checked in with {who}; next check-in {_when(event.get('next'), now)}",
        "closed": f"Closed the case of {who}",
        "snoozed": f"Moved the check-in with {who} to {_when(event.get('until'), now)}",
        "reviewed": f"Reviewed the case of {who}",
        "promised": f"Promised {who}: {one_line(str(event.get('what') or ''))[:60]}",
        "item_done": f"Kept promise {item} to {who}",
        "item_moved": f"Moved promise {item} to {who} to {_when(event.get('to'), now)}",
        "item_dropped": f"Dropped promise {item} to {who}",
        "item_reopened": f"Reopened promise {item} to {who}",
        "delayed": f"Delayed the fix for {who} to {_when(event.get('to'), now)}",
        "message_sent": f"Sent {who} a {event.get('kind') or ''} message".replace("  ", " "),
        "reopened": f"Reopened the case of {who}",
        "assigned": f"Gave the case of {who} to {one_line(str(event.get('to') or 'nobody'))}",
        "resolved": f"Chose {event.get('what') or 'between two versions'} for {who}",
        "merged": f"Merged another copy of the case of {who} ({event.get('source') or ''})",
        "updates_planned": f"Planned progress updates for {who}",
        "renamed": f"Renamed the case of {who} to {case.id} ({event.get('why') or ''})",
    }.get(str(kind))
    return words or f"{str(kind).replace('_', ' ').capitalize()}: {who}"


def commit_message(case: Case, events: list[dict[str, Any]]) -> str:
    """A commit message in words: the main change as the subject, every change in the body,
    and the case's id (so `git log -- cases/ID.yaml` reads as the case's story)."""
    if not events:
        return f"Changed the case of {one_line(case.customer)[:40] or case.id}\n\nCase: {case.id}\n"
    main = next(
        (e for kind in _MAIN for e in events if e.get("event") == kind),
        events[0],
    )
    subject = event_words(case, main)
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    body = [f"- {event_words(case, e)}" for e in events if e is not main]
    by = next((str(e["by"]) for e in events if e.get("by")), "")
    tail = [f"Case: {case.id}"] + ([f"By: {one_line(by)}"] if by else [])
    return "\n".join([subject, "", *body, *([""] if body else []), *tail]) + "\n"


@dataclass(frozen=True)
class Choice:
    """A choice to make, as a person reads it: what it is about and each value, the one in
    force first."""

    field: str
    what: str
    options: tuple[str, ...]
    values: tuple[Any, ...]


def choice_of(case: Case, entry: dict[str, Any], now: datetime | None = None) -> Choice:
    """A case's `conflicts` entry in words."""
    name = str(entry.get("field"))
    values = tuple(entry.get("choices") or ())
    if name == merging.NEXT:
        what = "the next step: two different next check-ins"
        if merging.CLOSED in values:
            what = "the next step: closed on one machine, a check-in set on another"
        options = tuple(
            "close the case" if v == merging.CLOSED
            else "keep it open, no check-in set" if v is None
            else f"check in {_when(v, now)}"
            for v in values
        )  # fmt: skip
    elif name == "outcome":
        what = "what was agreed: two different options logged"
        options = tuple(_outcome(v) for v in values)
    elif name == "review":
        what = "the review: two different reviews"
        options = tuple(
            one_line(str((v or {}).get("lesson") or (v or {}).get("root_cause") or v))[:80]
            for v in values
        )
    elif name == "owner":
        what = "whose case it is"
        options = tuple(one_line(str(v)) if v else "nobody" for v in values)
    elif name.startswith("items."):
        key, _, part = name[len("items.") :].rpartition(".")
        item = next((i for i in case.items if merging.item_key(i.to_data()) == key), None)
        label = f"promise {item.n} ({one_line(item.what)[:40]})" if item else "a promise"
        what = {"due": f"when {label} is due", "state": f"whether {label} is done"}.get(
            part, f"the {part} of {label}"
        )
        options = tuple(_when(v, now) if part == "due" and v else one_line(str(v)) for v in values)
    else:
        what = f"the {name.replace('_', ' ')}"
        options = tuple(one_line(str(v))[:80] for v in values)
    return Choice(name, what, options, values)


def _outcome(value: Any) -> str:
    if not isinstance(value, dict):
        return one_line(str(value))
    option = one_line(str(value.get("option") or "nothing"))[:60]
    notes = one_line(str(value.get("notes") or ""))[:40]
    at = value.get("at")
    when = f", logged {_when(at, None)}" if at else ""
    return f"{option!r}{when}" + (f" ({notes})" if notes else "")
