"""The ledger and messages on screen: a case's promised items, and a draft to send."""

from __future__ import annotations

from datetime import datetime

from calmcli.cli.output import out, say
from calmcli.clock.dates import format_when
from calmcli.domain.case import Case
from calmcli.domain.ledger import Item
from calmcli.domain.messages import Draft

STATE_WORDS = {"open": "", "done": "done", "dropped": "dropped"}


def item_line(item: Item, now: datetime) -> str:
    """`2. Regrout the tray edge, by Tue 1 Dec 10:00 (the fix)`, in words."""
    parts = [f"{item.n}. {'Progress update on: ' if item.kind == 'update' else ''}{item.what}"]
    if item.due:
        parts.append(f", by {format_when(item.due, now)}")
    marks = [m for m in ("the fix" if item.fix else "", STATE_WORDS[item.state]) if m]
    if item.why and item.state == "dropped":
        marks.append(item.why)
    elif item.why and item.is_open:
        marks.append(f"moved: {item.why}")
    return "".join(parts) + (f"  ({'; '.join(marks)})" if marks else "")


def show_items(case: Case, now: datetime, *, open_only: bool = False) -> None:
    items = [i for i in case.items if i.is_open or not open_only]
    if not items:
        say("No promises recorded yet: `calm log` records them, `calm item add` adds one.")
        return
    for item in items:
        say(f"  {item_line(item, now)}", style="" if item.is_open else "dim")


def show_draft(draft: Draft, case_id: str, *, email: bool = False, links: bool = True) -> None:
    """A message to send, printed literally and ready to copy."""
    console = out()
    title = {"confirm": "confirm what you agreed", "update": "a progress update"}.get(
        draft.kind, {"delay": "the delay", "thanks": "a thank-you"}.get(draft.kind, draft.kind)
    )
    console.print(f"\nA message to send ({title}):", style="bold")
    if email:
        say(f"Subject: {draft.subject}")
        say("")
        say(draft.email)
    else:
        say(draft.text)
    if links:
        console.print("")
        if draft.sms_link and not email:
            say(f"Send as a text: {draft.sms_link}", style="dim")
        if email:
            say(f"Open in your mail app: {draft.mail_link}", style="dim")
        else:
            say(f"As an email: calm message {case_id} --kind {draft.kind} --email", style="dim")
        say(f"Sent it? calm message {case_id} --kind {draft.kind} --sent", style="dim")
