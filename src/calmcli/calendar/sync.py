"""`calm calendar connect` and `calm calendar sync`: finding the calendar on the account, and
bringing the server up to date with every case (not only what the outbox holds: cases
changed behind calm's back, on another machine or by a sync tool, are caught here too)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace

from calmcli.calendar import account, events, outbox, record
from calmcli.calendar.account import Account, Budget
from calmcli.calendar.push import Outcome
from calmcli.calendar.record import DELETED, Sent
from calmcli.calendar.server import Found, Refused
from calmcli.errors import BadInput, CalmError

ConnectSettings = ("calendar.url", "calendar.user", "calendar.name")
ALL_SETTINGS = (*ConnectSettings, "calendar.password_command", "calendar.keyring")


@dataclass(frozen=True)
class Connected:
    account: Account
    outcome: Outcome
    queued: int


def connect(
    url: str,
    user: str,
    *,
    calendar: str | None,
    password_command: str,
    use_keyring: bool,
    ask_password: Callable[[], str] | None,
) -> Connected:
    """Check the address and the password, find the calendar, remember it (never the
    password) and send every open case's events to it."""
    from calmcli.calendar.server import Server
    from calmcli.store import config

    settings = config.load()
    timeout = settings.get("calendar.timeout")
    typed = account.checked_url(url)
    trial = Account(typed, user, "", password_command, use_keyring, timeout)
    budget = Budget(timeout, renew=True)
    secret, keep_in_keyring = _password(trial, ask_password, budget)
    server = Server(trial, secret, budget)
    try:
        found = server.calendar_here() if calendar is None else None
        if found is None:
            found = _choose(server.calendars(), calendar, trial.host)
    except Refused as exc:  # at connect, a refusal is about the address or the account
        raise BadInput(f"{exc.message}; check the address and the user name") from None
    if not found.takes_events:
        raise BadInput(f"the calendar {found.name!r} takes no events (only tasks or notes)")
    chosen = replace(trial, url=found.url, name=found.name, keyring=keep_in_keyring)
    before = account.current(settings)
    if keep_in_keyring:
        account.keyring_set(chosen, secret)
    config.unset_values(list(ALL_SETTINGS))
    for name, value in (
        ("calendar.url", chosen.url),
        ("calendar.user", chosen.user),
        ("calendar.name", chosen.name),
        ("calendar.password_command", chosen.password_command),
        ("calendar.keyring", "true" if chosen.keyring else ""),
    ):
        if value:
            config.set_value(name, value)
    if before is not None and before.key != chosen.key:
        outbox.clear()
        record.clear()
    queued = reconcile(chosen)
    return Connected(chosen, _send(chosen, survey=False, secret=secret), queued)


def _password(trial: Account, ask: Callable[[], str] | None, budget: Budget) -> tuple[str, bool]:
    """The password to try, and whether to keep it in the keyring once it works."""
    if os.environ.get(account.ENV) or trial.password_command:
        return account.password(trial, budget), False
    if not trial.keyring and ask is None:
        raise BadInput("calm needs the calendar password: " + account.WAYS)
    account.real_keyring()  # refuse a plain-text keyring before asking for anything
    if ask is None:
        raise BadInput(
            "calm asks for the password to keep in the keyring, but this is not a terminal; "
            f"set {account.ENV} or calendar.password_command instead"
        )
    secret = ask()
    if not secret:
        raise BadInput("no password given; nothing was changed")
    return secret, True


def _choose(calendars: list[Found], wanted: str | None, host: str) -> Found:
    if not calendars:
        raise BadInput(
            f"the account on {host} has no calendar; make one in your calendar app first "
            "(calm never creates calendars: some servers, like Google's, cannot)"
        )
    if wanted is None:
        if len(calendars) == 1:
            return calendars[0]
        names = ", ".join(c.name for c in calendars)
        raise BadInput(f"the account has {len(calendars)} calendars ({names}); choose one with "
                       "--calendar NAME")  # fmt: skip
    for calendar in calendars:
        if wanted.casefold() in (calendar.name.casefold(), calendar.url.casefold()):
            return calendar
    names = ", ".join(c.name for c in calendars)
    raise BadInput(f"no calendar called {wanted!r} on {host}; there are: {names}")


def reconcile(found: Account, *, overwrite: bool = False) -> int:
    """Queue every case whose events on the server are not what it wants (open cases, and
    cases calm has events on the server for); the number queued."""
    from calmcli.store import cases, config, index

    alarm = config.load().get("alarm_minutes")
    ids = {row.id for row in index.open_rows().rows} | set(record.case_ids())
    waiting = {(q.case_id, q.revision) for q, _ in outbox.pending()}
    queued = 0
    for case_id in sorted(ids):
        try:
            case = cases.load_case(cases.case_path(case_id))
            wanted = events.wanted(case, alarm_minutes=alarm)
        except CalmError:
            continue  # unreadable, or gone: its events are left as they are
        if (case.id, case.revision) in waiting and not overwrite:
            continue  # queued already, as it is now
        if _differs(wanted, record.load(found, case_id), overwrite):
            outbox.put(case.id, case.revision, wanted)
            queued += 1
    return queued


def _differs(wanted: list[events.Wanted], sent: dict[str, Sent], overwrite: bool) -> bool:
    for want in wanted:
        had = sent.get(want.uid)
        if want.body is None:
            if had is not None and had.hand != DELETED:
                return True
        elif had is None or had.fingerprint != want.fingerprint or (overwrite and had.hand):
            return True
    return bool(set(sent) - {w.uid for w in wanted})


def sync(found: Account, *, overwrite: bool = False) -> tuple[int, Outcome]:
    """Queue what differs, look for hand edits on the server, send."""
    queued = reconcile(found, overwrite=overwrite)
    return queued, _send(found, survey=True, overwrite=overwrite)


def _send(
    found: Account, *, survey: bool, overwrite: bool = False, secret: str | None = None
) -> Outcome:
    from calmcli.calendar.push import run

    return run(found, Budget(found.timeout, renew=True), overwrite=overwrite, survey=survey,
               secret=secret)  # fmt: skip


def disconnect() -> tuple[Account | None, int]:
    """Forget the calendar: settings, keyring entry, outbox and records. The events on the
    server stay."""
    from calmcli.store import config

    found = account.current()
    if found is not None and found.keyring:
        account.keyring_forget(found)
    config.unset_values(list(ALL_SETTINGS))
    dropped = outbox.clear()
    record.clear()
    return found, dropped
