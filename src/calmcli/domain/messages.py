"""Messages to the customer: a short text and an email for each moment that needs one.

- `confirm`: after the call, what was agreed, by when, and what happens next;
- `update`: while a fix takes time, that it is still on track;
- `delay`: the fix slipped, why, and the new date, said plainly and with an apology;
- `thanks`: once it is put right.

Every draft is signed with your name and business and says how to reach you. The wording is
calm's own unless the team's settings give their own (`messages.<kind>.text`, `.subject`,
`.email`), with the same `{placeholder}` templates as trees. Lines left empty by a missing
answer are dropped, so a draft never has a hole in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from calmcli.clock.dates import format_when
from calmcli.domain.case import Case
from calmcli.domain.ledger import ACTION, fix_of
from calmcli.domain.settings import Settings
from calmcli.errors import BadInput
from calmcli.textsafe import one_line
from calmcli.tree.templates import placeholders, render

KINDS = ("confirm", "update", "delay", "thanks")

TEXTS = {
    "confirm": (
        "Hi {first_name}, thanks for talking it through with me today.\n"
        "To confirm what we agreed: {agreed}.\n"
        "{promises}\n"
        "I'll be in touch {next|soon} to check it's all on track.\n"
        "If anything changes before then, you can reach me on {my_phone}.\n"
        "{signature}"
    ),
    "update": (
        "Hi {first_name}, a quick update on {job}.\n"
        "{missed}\n"
        "{fix} is still on track for {fix_due}.\n"
        "I'll be in touch again {next|soon}.\n"
        "Any questions, you can reach me on {my_phone}.\n"
        "{signature}"
    ),
    "delay": (
        "Hi {first_name}, I'm sorry, but {fix} won't happen on {old_date} as we planned.\n"
        "The reason: {why}.\n"
        "The new date is {fix_due}. I know that's not what you wanted to hear.\n"
        "I'll keep you posted.\n"
        "You can reach me on {my_phone} any time.\n"
        "{signature}"
    ),
    "thanks": (
        "Hi {first_name}, thank you for your patience while we put this right, and for "
        "telling us about it in the first place: it helps us do better.\n"
        "If anything else comes up, you can reach me on {my_phone}.\n"
        "{signature}"
    ),
}
SUBJECTS = {
    "confirm": "What we agreed: {job}",
    "update": "Update: {job}",
    "delay": "A change of date: {job}",
    "thanks": "Thank you",
}


@dataclass(frozen=True)
class Draft:
    kind: str
    text: str
    subject: str
    email: str
    sms_link: str
    mail_link: str


def draft(case: Case, kind: str, settings: Settings, now: datetime, **extra: str) -> Draft:
    """The `kind` message for `case`. `extra` fills what only the moment knows (a delay's
    `why` and `old_date`)."""
    if kind not in KINDS:
        raise BadInput(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    values = _values(case, settings, now) | {k: one_line(v) for k, v in extra.items()}

    def fill(template: str) -> str:
        return "\n".join(
            filled for line in template.splitlines() if (filled := _line(line, values))
        ).strip()

    text = fill(settings.get(f"messages.{kind}.text") or TEXTS[kind])
    subject = fill(settings.get(f"messages.{kind}.subject") or SUBJECTS[kind])
    body = settings.get(f"messages.{kind}.email")
    email = fill(body) if body else _as_email(text)
    sms = f"sms:{_number(case.phone)}?body={quote(text)}" if _number(case.phone) else ""
    mail = f"mailto:?subject={quote(subject)}&body={quote(email)}"
    return Draft(kind, text, subject, email, sms, mail)


def _line(template: str, values: dict[str, str]) -> str:
    """One line filled in, or "" when a blank in it has nothing to fill it (a fallback given
    as `{name|words}` counts as filled): a draft never has a hole in it."""
    for ph in placeholders(template):
        if not values.get(ph.name) and ph.fallback is None:
            return ""
    return render(template, lambda name: values.get(name)).rstrip()


def _as_email(text: str) -> str:
    lines = text.splitlines()
    if lines and lines[0].startswith("Hi "):
        lines[0] = "Dear " + lines[0][3:]
    if len(lines) > 1:
        lines.insert(len(lines) - 1, "")
        lines.insert(len(lines) - 1, "Best wishes,")
    return "\n".join(lines)


def _number(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return digits if len(digits) >= 6 else ""


def _values(case: Case, settings: Settings, now: datetime) -> dict[str, str]:
    fix = fix_of(case)
    promises = [i for i in case.items if i.kind == ACTION and i.state != "dropped"]
    lines = [
        f"- {one_line(i.what)}" + (f", by {format_when(i.due, now)}" if i.due else "")
        for i in promises
    ]
    first = one_line(case.customer).split(" ")
    title = first[0].rstrip(".").lower() in ("mr", "mrs", "ms", "miss", "dr")
    why, old_date = _last_delay(case, now)
    return {
        "customer": one_line(case.customer),
        "first_name": " ".join(first[:2]) if title and len(first) > 1 else first[0],
        "job": one_line(case.job) or "the work",
        "agreed": _mid(case.agreed or case.offer),
        "promises": "\n".join(lines),
        "next": f"on {format_when(case.followup_due, now)}" if case.followup_due else "",
        "fix": _mid(fix.what if fix else case.agreed or case.offer),
        "fix_due": format_when(fix.due, now) if fix and fix.due else "",
        "my_name": settings.get("name"),
        "my_phone": settings.get("phone"),
        "business": settings.get("business"),
        "signature": settings.signature,
        "missed": "Sorry I missed you just now." if _missed(case) else "",
        "why": why,
        "old_date": old_date,
    }


def _last_delay(case: Case, now: datetime) -> tuple[str, str]:
    """Why the fix last slipped and when it was due before, from its history: a delay notice
    asked for later (`calm message --kind delay`) says both, as the one `calm delay` printed."""
    from calmcli.clock.dates import from_iso

    for event in reversed(case.history):
        if event.get("event") == "delayed":
            try:
                before = format_when(from_iso(str(event["before"])), now)
            except (KeyError, ValueError, TypeError):
                before = ""
            return one_line(str(event.get("why") or "")), before
    return "", ""


def _mid(text: str) -> str:
    """Text to put mid-sentence: "Regrout the edge" reads "regrout the edge" (an acronym or
    a name in capitals stays as it is)."""
    flat = one_line(text)
    if len(flat) > 1 and flat[0].isupper() and flat[1].islower():
        return flat[0].lower() + flat[1:]
    return flat


def _missed(case: Case) -> bool:
    """The last check-in was a call that did not reach them."""
    return bool(case.checkins) and case.checkins[-1].get("reached") is False


def suggested_kind(case: Case, now: datetime) -> str:
    """The message the case's moment calls for: thanks once closed; an update when one is owed
    today; else a confirmation until one was sent; else an update."""
    if not case.is_open:
        return "thanks"
    if any(
        i.kind == "update" and i.is_open and i.due and i.due.date() <= now.date()
        for i in case.items
    ):
        return "update"
    sent = {e.get("kind") for e in case.history if e.get("event") == "message_sent"}
    return "update" if "confirm" in sent else "confirm"


def record_sent(case: Case, kind: str, now: datetime) -> None:
    case.add_event("message_sent", now, kind=kind)


def missing_signature(settings: Settings) -> list[str]:
    """Settings a message would be better for: said once, not nagged."""
    return [k for k in ("name", "phone", "business") if not settings.get(k)]


__all__ = ["KINDS", "Draft", "draft", "missing_signature", "record_sent", "suggested_kind"]
