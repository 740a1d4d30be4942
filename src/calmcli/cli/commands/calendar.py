"""`calm calendar`: the contractor's own calendar server (CalDAV), and a feed for calendars
that only subscribe. The core is `calmcli.calendar`; this module parses, asks and prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help=(
        "Put every check-in and promise on your own calendar (CalDAV: Nextcloud, iCloud, "
        "Fastmail, Radicale...), with alarms; or keep a calendar feed file current."
    ),
    no_args_is_help=True,
)


@app.command(short_help="Connect to your calendar server and send every open case")
def connect(
    url: Annotated[
        str,
        typer.Argument(metavar="URL", help="The server's CalDAV address, or the calendar's own."),
    ],
    user: Annotated[str, typer.Option("--user", "-u", metavar="NAME", help="Your user name.")],
    calendar: Annotated[
        str | None,
        typer.Option(
            "--calendar", "-c", metavar="NAME", help="Which calendar of the account (by name)."
        ),
    ] = None,
    password_command: Annotated[
        str | None,
        typer.Option(
            "--password-command",
            metavar="CMD",
            help="A command that prints the password, like 'pass show calm'.",
        ),
    ] = None,
    keyring: Annotated[
        bool,
        typer.Option("--keyring", help="Ask for the password and keep it in the system keyring."),
    ] = False,
) -> None:
    """Connect to a calendar you already have, check the password, and send every open
    case's check-ins and promises to it, each with its alarm.

    The password is never kept in calm's files. Give it one of three ways: the
    CALM_CALENDAR_PASSWORD environment variable, --password-command, or --keyring (asked
    once, kept in the system keyring; the default on a terminal).
    """
    import sys

    from calmcli.calendar import sync
    from calmcli.cli.output import say, warn

    def ask() -> str:
        import getpass

        return getpass.getpass(f"Password for {user}: ")

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    done = sync.connect(
        url,
        user,
        calendar=calendar,
        password_command=password_command or "",
        use_keyring=keyring,
        ask_password=ask if interactive else None,
    )
    found = done.account
    say(f"Connected to the calendar {found.name!r} on {found.host} as {found.user}.")
    say(f"Password: from {found.password_from}; never in calm's files.", style="dim")
    _report(done.outcome, done.queued, say, warn)
    if done.outcome.trouble is not None:
        warn(f"calendar: {done.outcome.trouble.message}; {_still(done.outcome.waiting)}")


@app.command(short_help="Where calm sends events, and what is waiting")
def status() -> None:
    """The calendar calm sends to, where the password comes from, what is waiting in the
    outbox and why, and events someone changed on the server by hand. No network."""
    from calmcli.calendar import account, outbox, record
    from calmcli.cli.output import say
    from calmcli.store import config

    settings = config.load()
    found = account.current(settings)
    if found is None:
        say("No calendar server connected: calm calendar connect URL --user NAME")
    else:
        say(f"Calendar:  {found.name or '(no name)'} on {found.host}, as {found.user}")
        say(f"           {found.url}")
        say(f"Password:  from {found.password_from}")
        say(f"Waiting:   {_waiting(outbox.count(), outbox.cases_waiting(), outbox.oldest())}")
        say(f"Outbox:    {outbox.folder()}")
        say(f"Time allowed for the server: {found.timeout} s a command")
        for _case, sent in record.everything(found):
            for had in sent.values():
                if had.hand:
                    how = "deleted" if had.hand == record.DELETED else "changed"
                    say(f"By hand:   '{had.summary}' was {how} on the server; calm left it")
    target = settings.get("calendar.feed")
    say(f"Feed:      {target}" if target else "Feed:      none (calm calendar feed PATH)")


@app.command("sync", short_help="Send what is waiting; bring the calendar up to date")
def sync_(
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Put calm's version back over events changed by hand."),
    ] = False,
) -> None:
    """Send what is waiting in the outbox, and any case whose events on the server are not
    what it wants (changed on another machine, say); report events changed there by hand.
    Also rewrites the feed, if there is one."""
    from calmcli.calendar import account, sync
    from calmcli.cli.output import say, warn
    from calmcli.errors import BadInput, CalmError
    from calmcli.store import config

    settings = config.load()
    target = settings.get("calendar.feed")
    if target:
        n = _rebuild_feed(Path(target), settings.get("alarm_minutes"))
        say(f"Feed: wrote {target} ({_n(n, 'event')}).")
    found = account.current(settings)
    if found is None:
        if target:
            return
        raise BadInput("no calendar server connected: calm calendar connect URL --user NAME")
    queued, outcome = sync.sync(found, overwrite=overwrite)
    _report(outcome, queued, say, warn)
    if outcome.trouble is not None:
        message = f"{outcome.trouble.message}; {_still(outcome.waiting)}"
        if isinstance(outcome.trouble, BadInput):
            raise BadInput(message)
        raise CalmError(message)


@app.command(short_help="Stop sending to the calendar server")
def disconnect() -> None:
    """Forget the calendar server: its settings, the keyring entry, the outbox. The events
    calm put there stay on your calendar."""
    from calmcli.calendar import sync
    from calmcli.cli.output import say

    found, dropped = sync.disconnect()
    if found is None:
        say("No calendar server was connected.")
        return
    say(f"Disconnected from {found.name!r} on {found.host}.")
    if dropped:
        were = "change that had not been sent was" if dropped == 1 else "changes not sent were"
        say(f"{dropped} {were} dropped.")
    say("The events calm put there stay; delete them in your calendar app if you want.")


@app.command(short_help="Keep a calendar feed file (.ics) of every open item")
def feed(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", help="The .ics file, e.g. in a synced folder."),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Stop keeping the feed.")] = False,
) -> None:
    """Write one .ics file with every open check-in and promise, and keep it current on
    every change: for calendars that subscribe to a file or web address (put it in a
    folder that Nextcloud, Dropbox or a web server shares)."""
    from calmcli.calendar import feed as feeds
    from calmcli.cli.output import say
    from calmcli.errors import BadInput
    from calmcli.store import config

    if off:
        config.unset_values(["calendar.feed"])
        say("calm no longer keeps a feed (the file is left as it is).")
        return
    if path is None:
        raise BadInput("give the feed's file, like ~/Nextcloud/calm.ics, or --off")
    target = feeds.check_target(path)
    n = _rebuild_feed(target, config.load().get("alarm_minutes"))
    config.set_value("calendar.feed", str(target))
    say(f"Wrote {target}: {n} event{'' if n == 1 else 's'}; calm keeps it current.")


def _rebuild_feed(target: Path, alarm: int) -> int:
    from calmcli.calendar import feed as feeds

    return feeds.rebuild(target.expanduser(), alarm_minutes=alarm)


def _waiting(files: int, cases: int, oldest: str | None) -> str:
    if not files:
        return "nothing; the calendar has every change"
    since = f", the oldest from {oldest[:16].replace('T', ' ')}" if oldest else ""
    return f"{_n(files, 'change')} to {_n(cases, 'case')}{since}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _still(waiting: int) -> str:
    return f"{_n(waiting, 'change')} still waiting in the outbox (`calm calendar status`)"


def _report(outcome: Any, queued: int, say: Any, warn: Any) -> None:
    """What a connect or a sync did: sent, nothing to send, or why not (one line)."""
    from calmcli.calendar.hook import lines

    changes = outcome.changes
    if outcome.trouble is None and not outcome.refused:
        done = f"Sent {_n(changes, 'event change')}" if changes else "Nothing to send"
        but = "; the rest is as calm wants it" if outcome.hand else "; the calendar is up to date"
        say(done + but + ".")
    for line in lines(outcome, trouble=False, earlier=False):
        warn(line)
