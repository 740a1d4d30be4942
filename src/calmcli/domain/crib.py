"""The crib sheet: a case as Markdown, to print or keep open during the call.

The call plan as it was made (with the check-in as it now stands), then what happened since:
what was agreed, the check-ins, the review and the history. The same text is the case's `.md`
file (rewritten whenever the case changes) and `calm export --format md`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from calmcli.clock.dates import format_when
from calmcli.clock.now import from_iso
from calmcli.domain import history, plan_v1
from calmcli.domain.case import Case
from calmcli.domain.lifecycle import REVIEW_LABELS
from calmcli.domain.plan import CallPlan
from calmcli.domain.ranking import said
from calmcli.errors import BadInput
from calmcli.textsafe import clean


def md(text: str) -> str:
    """User text on one Markdown line, with characters that would start markup escaped."""
    flat = " / ".join(part.strip() for part in clean(text).splitlines() if part.strip())
    for ch in "\\`*_[]<>#|":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def when(value: Any, now: datetime | None) -> str:
    """A stored time in words; the raw text if a hand edit made it unreadable."""
    try:
        return format_when(from_iso(str(value)), now)
    except BadInput:
        return str(value)


def plan_markdown(plan: CallPlan, case_id: str, now: datetime | None = None) -> str:
    """The plan as a Markdown page to print: the steps, the facts, every question, and room
    for notes during the call."""
    if plan.v1 is not None:
        return plan_v1.markdown(replace(plan.v1, followup=plan.followup), case_id, now, md)
    due = format_when(plan.followup, now) if plan.followup else "not set"
    out = [f"# Call plan: {md(plan.customer)}", ""]
    out.append(f"- **Phone:** {md(plan.phone) or 'not recorded'}")
    out.append(f"- **Job:** {md(plan.job) or 'not recorded'}")
    if plan.feelings:
        out.append(f"- **Feels:** {md(plan.feelings)}")
    out.append(f"- **Case:** {case_id}")
    out.append("")
    for step in plan.steps:
        out += [f"## {HEADINGS.get(step.kind, step.kind.capitalize())}", ""]
        if step.kind == "followup":
            out.append(f"**{due}**")
            out.append("")
        if step.said and step.kind != "offer":
            out.append("> “" + " ".join(md(x) for x in step.lines) + "”")
        elif step.kind in ("ask", "avoid", "wants", "followup"):
            out.extend(f"- {md(x)}" for x in step.lines)
        else:
            out.append(" ".join(md(x) for x in step.lines))
        if step.kind == "offer":
            out[-1] = "> “" + " ".join(md(x) for x in step.lines) + "”"
            out.append("")
            for i, (o, words) in enumerate(zip(plan.options, said(plan.options), strict=True), 1):
                mark = " **(your pick)**" if o.top and len(plan.options) > 1 else ""
                out.append(f"{i}. {md(o.text)}{mark}" + (f": {md(words)}" if words else ""))
        out.append("")
    if plan.step("followup") is None:
        out += ["## Follow up", "", due, ""]
    for title, lines in (("The facts", plan.facts), ("Every question to ask", plan.questions)):
        if lines:
            out += [f"## {title}", "", *(f"- {md(x)}" for x in lines), ""]
    out += ["## Notes during the call", ""]
    out += [f"{what}: {'_' * (60 - len(what))}\n" for what in NOTES]
    return "\n".join(out).rstrip() + "\n"


HEADINGS = {
    "safety": "Make it safe first",
    "own": "Own it first",
    "heated": "While they talk",
    "reflect": "Say back what you heard",
    "apology": "Apologise, and mean it",
    "wants": "What they want",
    "ask": "Ask",
    "offer": "Offer a choice",
    "threat": "If they press",
    "escalate": "Bring someone in",
    "avoid": "Mistakes to avoid on this call",
    "extra": "A small extra",
    "followup": "Follow up",
}
NOTES = ("What they said", "What we agreed", "What I promised, and by when")


def actions(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """Promised actions as {what, due}, whatever shape a hand edit left them in."""
    raw = outcome.get("actions")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [a if isinstance(a, dict) else {"what": a} for a in items]


def progress_markdown(case: Case, now: datetime | None) -> str:
    """What happened after the plan."""
    lines = [f"## Status: {case.status}", ""]
    if case.is_open and case.followup_due:
        lines += [f"Next check-in: {format_when(case.followup_due, now)}", ""]
    if case.outcome or case.items:
        outcome = case.outcome or {}
        lines += ["## What was agreed", "", f"- Option: {md(case.agreed or '-')}"]
        for a in actions(outcome):  # promises recorded before the ledger
            due = f" (by {when(a.get('due'), now)})" if a.get("due") else ""
            lines.append(f"- Action: {md(str(a.get('what')))}{due}")
        if outcome.get("notes"):
            lines.append(f"- Notes: {md(str(outcome['notes']))}")
        lines.append("")
    if case.items:
        lines += ["## Promises", ""]
        for item in case.items:
            due = f", by {format_when(item.due, now)}" if item.due else ""
            kind = "Progress update on: " if item.kind == "update" else ""
            state = "" if item.is_open else f" ({item.state})"
            box = "[ ]" if item.is_open else "[x]"
            lines.append(f"- {box} {item.n}. {kind}{md(item.what)}{due}{state}")
        lines.append("")
    if case.checkins:
        lines += ["## Check-ins", ""]
        for c in case.checkins:
            reached = "reached" if c.get("reached") else "not reached"
            lines.append(
                f"- {when(c.get('at'), now)}: {reached}, "
                f"{history.satisfaction(c.get('satisfaction')) or '-'}; "
                f"{md(str(c.get('feedback') or ''))}"
            )
        lines.append("")
    if case.review:
        lines += ["## Review", ""]
        lines += [
            f"- {label}: {md(history.review_value(k, case.review[k]))}"
            for k, label in REVIEW_LABELS
            if case.review.get(k) not in (None, "")
        ]
        lines.append("")
    lines += ["## History", ""]
    for e in case.history:
        what, details = history.event(e, now)
        lines.append(
            f"- {when(e.get('at'), now)} {what}" + (f" ({md(details)})" if details else "")
        )
    return "\n".join(lines) + "\n"


def crib_sheet(case: Case, plan: CallPlan | None, now: datetime | None = None) -> str:
    """The whole case as Markdown: the plan (its check-in as it now stands), then progress."""
    if plan is not None:
        head = plan_markdown(replace(plan, followup=case.followup_due), case.id, now)
    else:
        head = f"# Case {case.id}\n"
    body = head.rstrip() + "\n\n" + progress_markdown(case, now)
    return body + f"\n<!-- {REVISION_MARK} {case.revision} -->\n"


REVISION_MARK = "calm case revision"
"""The last line of a crib sheet names the case revision it was built from."""
