"""Every way the calendar can fail: one clear message, the case saved, the push queued, no
traceback, no password anywhere."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmcli.store import cases

from .conftest import CALENDAR, calm, ok, outbox
from .radicale_server import PASSWORD, USER, Radicale


def saved_due(case_id: str) -> str:
    case = cases.load_case(cases.case_path(case_id))
    assert case.followup_due is not None
    return f"{case.followup_due:%a %H:%M}"


def test_a_wrong_password_at_connect_changes_nothing(server: Radicale, tmp_path: Path) -> None:
    server.make_calendar(CALENDAR)
    result = calm(
        "calendar", "connect", server.url, "--user", USER, CALM_CALENDAR_PASSWORD="wrong-one"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"calm: 127.0.0.1:{server.port} refused the user name or password (HTTP 401)"
    ]
    assert "wrong-one" not in result.output
    assert not (tmp_path / "calm-config" / "config.toml").exists()


def test_a_wrong_password_later_keeps_the_change_and_queues_it(
    connected: Radicale, dana: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALM_CALENDAR_PASSWORD", "changed-on-the-server")
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    assert saved_due(dana) == "Thu 09:00"
    assert result.stderr.splitlines() == [
        f"calendar: 127.0.0.1:{connected.port} refused the user name or password (HTTP 401); "
        "1 change queued, sent with the next change or `calm calendar sync`"
    ]
    assert len(outbox(tmp_path)) == 1
    sync = calm("calendar", "sync")
    assert sync.exit_code == 2 and "refused the user name or password" in sync.stderr
    assert "changed-on-the-server" not in sync.output


def test_an_error_status_from_the_server(connected: Radicale, dana: str, tmp_path: Path) -> None:
    connected.stop()
    connected.start(failing=True)  # reads work, every write fails inside the server
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    assert saved_due(dana) == "Thu 09:00"
    assert result.stderr.splitlines() == [
        f"calendar: 127.0.0.1:{connected.port} answered with an error (HTTP 500); try again "
        "later; 1 change queued, sent with the next change or `calm calendar sync`"
    ]
    connected.stop()
    connected.start()
    ok("calendar", "sync")
    assert outbox(tmp_path) == []


def test_a_calendar_that_refuses_events(connected: Radicale, dana: str, tmp_path: Path) -> None:
    connected.stop()
    connected.start(rights="read-only")
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    assert result.stderr.splitlines() == [
        f"calendar: 127.0.0.1:{connected.port} refused the event (HTTP 403); kept in the "
        "outbox (`calm calendar status`)"
    ]
    assert len(outbox(tmp_path)) == 1
    assert "Waiting:   1 change to 1 case" in ok("calendar", "status").stdout


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that takes the connection and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_server_that_does_not_answer_costs_at_most_the_timeout(
    silent_server: int, dana: str, tmp_path: Path, password: str
) -> None:
    url = f"http://127.0.0.1:{silent_server}/alice/jobs/"
    ok("config", "set", "calendar.url", url)
    ok("config", "set", "calendar.user", USER)
    ok("config", "set", "calendar.timeout", "1")
    started = time.monotonic()
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    took = time.monotonic() - started
    assert took < 2.5, took
    assert saved_due(dana) == "Thu 09:00"
    assert result.stderr.splitlines() == [
        f"calendar: 127.0.0.1:{silent_server} did not answer within 1 s; 1 change queued, sent "
        "with the next change or `calm calendar sync`"
    ]


def test_the_default_budget_is_five_seconds(silent_server: int, dana: str, password: str) -> None:
    ok("config", "set", "calendar.url", f"http://127.0.0.1:{silent_server}/c/")
    started = time.monotonic()
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    assert 4.5 < time.monotonic() - started < 6.5
    assert "did not answer within 5 s" in result.stderr


def test_a_tls_failure(server: Radicale, dana: str, password: str) -> None:
    # https:// to a server that speaks plain HTTP: the handshake fails.
    ok("config", "set", "calendar.url", f"https://127.0.0.1:{server.port}/alice/jobs/")
    result = ok("followup", "snooze", dana, "--until", "thu 9am")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"calendar: the secure connection to 127.0.0.1:{server.port} failed: ")
    assert line.endswith("1 change queued, sent with the next change or `calm calendar sync`")
    connect = calm("calendar", "connect", f"https://127.0.0.1:{server.port}/", "--user", USER)
    assert connect.exit_code == 1
    assert connect.stderr.startswith("calm: the secure connection to 127.0.0.1")


def test_a_wrong_address(server: Radicale, password: str) -> None:
    nothing = calm("calendar", "connect", f"{server.url}alice/no-such-calendar/", "--user", USER)
    assert nothing.exit_code == 2
    assert nothing.stderr == (
        f"calm: 127.0.0.1:{server.port} has nothing at {server.url}alice/no-such-calendar/ "
        "(HTTP 404); check the address\n"
    )
    other = calm("calendar", "connect", f"{server.url}bob/", "--user", USER)
    assert other.exit_code == 2
    assert other.stderr == (
        f"calm: 127.0.0.1:{server.port} refused looking at the address (HTTP 403); check the "
        "address and the user name\n"
    )
    port = server.port
    server.stop()
    down = calm("calendar", "connect", f"http://127.0.0.1:{port}/", "--user", USER)
    assert down.exit_code == 1
    assert down.stderr == (
        f"calm: cannot reach 127.0.0.1:{port}: nothing answers there (connection refused)\n"
    )
    unknown = calm("calendar", "connect", "https://calendar.invalid/dav/", "--user", USER)
    assert unknown.exit_code == 1
    assert "no server by that name" in unknown.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            f"https://alice:{PASSWORD}@cal.example.com/dav/",
            "has a password in it; calm keeps passwords out of its files",
        ),
        ("https://alice@cal.example.com/dav/", "has a user name in it; set calendar.user"),
        ("http://cal.example.com/dav/", "your password would cross the network unencrypted"),
        ("ftp://cal.example.com/", "must start with https://"),
        ("cal.example.com", "must start with https://"),
    ],
)
def test_addresses_refused_before_anything_is_sent(
    url: str, message: str, tmp_path: Path, password: str
) -> None:
    result = calm("calendar", "connect", url, "--user", USER)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "calm-config" / "config.toml").exists()
    if "password in it" in message:
        refused = calm("config", "set", "calendar.url", url)
        assert refused.exit_code == 2 and message in refused.stderr


def test_no_password_given(server: Radicale) -> None:
    result = calm("calendar", "connect", server.url, "--user", USER)
    assert result.exit_code == 2
    assert result.stderr.startswith("calm: calm needs the calendar password: set CALM_CALENDAR")
    assert "calendar.password_command" in result.stderr and "keyring" in result.stderr


def test_a_password_command(server: Radicale, dana: str, tmp_path: Path) -> None:
    server.make_calendar(CALENDAR)
    secret = tmp_path / "secret"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    command = f"{sys.executable} -c \"print(open('{secret}').read().strip())\""
    ok("calendar", "connect", server.url, "--user", USER, "--password-command", command)
    assert "Password:  from a command" in ok("calendar", "status").stdout
    ok("followup", "snooze", dana, "--until", "thu 9am")
    (event,) = server.events(CALENDAR).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Thu 09:00"
    failing = f"{sys.executable} -c \"import sys; print('nope'); sys.exit(3)\""
    ok("config", "set", "calendar.password_command", failing)
    result = ok("followup", "snooze", dana, "--until", "fri 9am")
    assert result.stderr.startswith("calendar: calendar.password_command (")
    assert "failed with exit code 3" in result.stderr


def test_a_keyring_that_is_not_real_is_refused(
    server: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    result = calm("calendar", "connect", server.url, "--user", USER, "--keyring")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "calm: this machine has no keyring calm trusts with a password (found: "
        "keyring.backends.null.Keyring); set CALM_CALENDAR_PASSWORD, or set "
        "calendar.password_command to a command that prints the password"
    ]


def test_a_real_keyring_keeps_the_password(
    server: Radicale, dana: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A stand-in for the Secret Service (no D-Bus here): the class calm trusts, its store in
    memory."""
    import keyring
    from keyring.backends import SecretService

    from calmcli.calendar import sync

    class Memory(SecretService.Keyring):
        kept: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username))

    Memory.__module__ = "keyring.backends.SecretService"
    Memory.__name__ = Memory.__qualname__ = "Keyring"
    monkeypatch.setattr(keyring, "get_keyring", lambda: Memory())
    server.make_calendar(CALENDAR)
    done = sync.connect(
        server.url, USER, calendar=None, password_command="", use_keyring=False,
        ask_password=lambda: PASSWORD,
    )  # fmt: skip
    assert done.account.keyring and list(Memory.kept.values()) == [PASSWORD]
    assert "keyring = true" in (tmp_path / "calm-config" / "config.toml").read_text()
    assert "Password:  from the system keyring" in ok("calendar", "status").stdout
    ok("followup", "snooze", dana, "--until", "thu 9am")
    (event,) = server.events(CALENDAR).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Thu 09:00"
    ok("calendar", "disconnect")
    assert Memory.kept == {}


def test_the_teams_file_cannot_point_your_calendar_anywhere(calm_home: Path) -> None:
    calm_home.mkdir(parents=True)
    (calm_home / "config.toml").write_text(
        '[calendar]\npassword_command = "rm -rf ~"\n', encoding="utf-8"
    )
    result = calm("config")
    assert result.exit_code == 2
    assert "calendar.password_command can only be in your own settings" in result.stderr
    refused = calm("config", "set", "calendar.user", "bob", "--team")
    assert refused.exit_code == 2


def test_several_calendars_and_none_chosen(server: Radicale, password: str) -> None:
    server.make_calendar("Jobs")
    server.make_calendar("Family")
    result = calm("calendar", "connect", server.url, "--user", USER)
    assert result.exit_code == 2
    assert "the account has 2 calendars (" in result.stderr and "--calendar NAME" in result.stderr
    wrong = calm("calendar", "connect", server.url, "--user", USER, "--calendar", "Work")
    assert "no calendar called 'Work'" in wrong.stderr
    empty = Radicale(server.folder.parent / "empty").start()
    try:
        none = calm("calendar", "connect", empty.url, "--user", USER)
        assert "has no calendar; make one in your calendar app first" in none.stderr
    finally:
        empty.stop()
