"""Your settings and your team's: every key calm knows, what it means, its type and default.

Personal settings (your name, your phone, your working week, the alarm) live in a file of your
own; team settings (the business name, message wording, the default tree, how soon to follow
up) live in `$CALM_HOME/config.toml`, shared with the case book. Any key may be set in either
file: yours wins. `store.config` reads and writes the files; this module only checks values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from calmcli.clock.workdays import DAY_NAMES, Workweek

PERSONAL = "personal"
TEAM = "team"

_HOURS = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*")


class BadValue(ValueError):
    """A setting's value that cannot be used; the message says what would be right."""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue("must be text in quotes")
    return value.strip()


def _count(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BadValue(f"must be a whole number from {low} to {high}")
        return value

    return check


def _days(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,]+", value) if v]
    if not isinstance(value, list) or not value:
        raise BadValue('must be a list of days, like ["mon", "tue", "wed", "thu", "fri"]')
    out = []
    for item in value:
        day = str(item).strip().lower()[:3]
        if day not in DAY_NAMES:
            raise BadValue(f"{item!r} is not a day: use mon, tue, wed, thu, fri, sat, sun")
        if day not in out:
            out.append(day)
    return sorted(out, key=DAY_NAMES.index)


def _hours(value: Any) -> str:
    m = _HOURS.fullmatch(value) if isinstance(value, str) else None
    if not m or (int(m[1]), int(m[2])) >= (int(m[3]), int(m[4])):
        raise BadValue('must be a start and an end time, like "08:00-17:30"')
    return f"{int(m[1]):02d}:{m[2]}-{int(m[3]):02d}:{m[4]}"


_YES, _NO = ("true", "yes", "on"), ("false", "no", "off", "")


def _flag(value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in _YES + _NO:
        return value.strip().lower() in _YES
    if not isinstance(value, bool):
        raise BadValue("must be true or false")
    return value


def _calendar_url(value: Any) -> str:
    """A CalDAV address: http(s), and never a password in it (settings files are plain text)."""
    from urllib.parse import urlsplit

    text = _text(value)
    if not text:
        return text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise BadValue("is not a web address") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadValue("must start with https:// and name a server")
    if parts.password is not None:
        raise BadValue(
            "has a password in it; calm keeps passwords out of its files: give it with "
            "CALM_CALENDAR_PASSWORD, calendar.password_command or the keyring instead"
        )
    if parts.username is not None:
        raise BadValue("has a user name in it; set calendar.user instead")
    return text


def _template(value: Any) -> str:
    from calmcli.tree.templates import TemplateError, placeholders

    text = _text(value)
    try:
        placeholders(text)
    except TemplateError as exc:
        raise BadValue(f"is not a valid template: {exc}") from None
    return text


@dataclass(frozen=True)
class Key:
    name: str
    home: str
    default: Any
    check: Callable[[Any], Any]
    help: str
    personal_only: bool = False
    """Never read from the team's file: a shared file must not point your calendar at a
    server, or name a command for calm to run on your machine."""


KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key("name", PERSONAL, "", _text, "Your name, to sign messages to customers."),
        Key("phone", PERSONAL, "", _text, "The number customers can reach you on."),
        Key("email", PERSONAL, "", _text, "Your email address, for messages by email."),
        Key(
            "working_days",
            PERSONAL,
            ["mon", "tue", "wed", "thu", "fri"],
            _days,
            "The days you work; default times and working-day counts use them.",
        ),
        Key(
            "working_hours",
            PERSONAL,
            "09:00-17:00",
            _hours,
            "Your working day; a default time is its start.",
        ),
        Key(
            "alarm_minutes",
            PERSONAL,
            15,
            _count(0, 24 * 60),
            "How long before a reminder its alarm goes off.",
        ),
        *(
            Key(f"calendar.{name}", PERSONAL, default, check, text, personal_only=True)
            for name, default, check, text in (
                ("url", "", _calendar_url, "The CalDAV calendar calm puts reminders on."),
                ("user", "", _text, "Your user name on the calendar server."),
                ("name", "", _text, "The calendar's name on the server (for you to read)."),
                (
                    "password_command",
                    "",
                    _text,
                    "A command that prints the calendar password, like `pass show calm`.",
                ),
                ("keyring", False, _flag, "Take the calendar password from the keyring."),
                (
                    "timeout",
                    5,
                    _count(1, 120),
                    "Seconds a command may wait for the calendar server, in all.",
                ),
                ("feed", "", _text, "A calendar file calm keeps current (`calm calendar feed`)."),
            )
        ),
        Key("business", TEAM, "", _text, "The business name, to sign messages."),
        Key(
            "default_tree",
            TEAM,
            "default",
            _text,
            "The tree `calm new --no-input` uses; first in the list `calm new` shows.",
        ),
        Key(
            "followup_days",
            TEAM,
            2,
            _count(0, 60),
            "Working days from the call to the check-in, when none is given.",
        ),
        Key(
            "update_after",
            TEAM,
            3,
            _count(1, 60),
            "A fix further away than this many working days gets progress updates.",
        ),
        Key(
            "update_every",
            TEAM,
            2,
            _count(1, 60),
            "Working days between progress updates while a fix is waiting.",
        ),
        *(
            Key(
                f"messages.{kind}.{part}",
                TEAM,
                None,
                _template,
                f"The {what} of the {kind} message (default: calm's own wording).",
            )
            for kind in ("confirm", "update", "delay", "thanks")
            for part, what in (("text", "text"), ("subject", "email subject"), ("email", "email"))
        ),
    )
}


@dataclass(frozen=True)
class Settings:
    """The settings in force: each key's value and where it came from."""

    values: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return KEYS[name].default

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")

    @property
    def workweek(self) -> Workweek:
        days = frozenset(DAY_NAMES.index(d) for d in self.get("working_days"))
        start, end = self.get("working_hours").split("-")
        return Workweek(days, _time(start), _time(end))

    @property
    def signature(self) -> str:
        return ", ".join(x for x in (self.get("name"), self.get("business")) if x)


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def check(name: str, value: Any) -> Any:
    """The value to keep for `name`, or BadValue; an unknown name is a KeyError."""
    return KEYS[name].check(value)
