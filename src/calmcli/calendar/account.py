"""Which calendar calm writes to, and the password for it.

The address, the user and the calendar's name are personal settings (`calendar.*`); the
password never is. It comes, in this order, from `CALM_CALENDAR_PASSWORD`, from a command
that prints it (`calendar.password_command`, like `pass show calm`), or from the system
keyring when `calendar.keyring` is on and the keyring is a real one.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from calmcli.domain.settings import BadValue, Settings, check
from calmcli.errors import BadInput, CalmError

ENV = "CALM_CALENDAR_PASSWORD"
KEYRING_SERVICE = "calm calendar"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
WAYS = (
    f"set {ENV} in the environment, set calendar.password_command to a command that prints it "
    "(like `pass show calm`), or use the keyring (`calm calendar connect ... --keyring`)"
)
# Keyrings that keep a secret in a store of the system's, locked with the user's login.
REAL_KEYRINGS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    }
)


class Budget:
    """The time a command may wait for the calendar server (`calendar.timeout`): in all, for
    a command that changes a case; or, with `renew` (`calm calendar sync`, which may have
    much to send), at most that long for any one answer."""

    def __init__(self, seconds: float, *, renew: bool = False) -> None:
        self.seconds = seconds
        self.renew = renew
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def answered(self) -> None:
        if self.renew:
            self.deadline = time.monotonic() + self.seconds

    def spent(self) -> bool:
        return self.left() <= 0.05


class OutOfTime(CalmError):
    """The budget ran out: the server (or the password command) did not answer in time."""


@dataclass(frozen=True)
class Account:
    url: str
    user: str
    name: str
    password_command: str
    keyring: bool
    timeout: int

    @property
    def host(self) -> str:
        return host_of(self.url)

    @property
    def key(self) -> str:
        """Names this account in the state folder, so records of one server are never used
        for another."""
        return hashlib.sha256(f"{self.url}\n{self.user}".encode()).hexdigest()[:16]

    @property
    def password_from(self) -> str:
        """Where the password will come from, for `calm calendar status` (never the value)."""
        if os.environ.get(ENV):
            return f"the environment ({ENV})"
        if self.password_command:
            program = shlex.split(self.password_command)[:1] or ["?"]
            return f"a command ({program[0]} …)"
        if self.keyring:
            return "the system keyring"
        return "nowhere yet: " + WAYS


def current(settings: Settings | None = None) -> Account | None:
    """The connected calendar, or None."""
    if settings is None:
        from calmcli.store import config

        settings = config.load()
    url = settings.get("calendar.url")
    if not url:
        return None
    return Account(
        url=url,
        user=settings.get("calendar.user"),
        name=settings.get("calendar.name"),
        password_command=settings.get("calendar.password_command"),
        keyring=settings.get("calendar.keyring"),
        timeout=settings.get("calendar.timeout"),
    )


def host_of(url: str) -> str:
    """`host:port` of a URL, never its user or password."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def checked_url(url: str) -> str:
    """A URL fit to send a password to: no password in it, and encrypted unless the server is
    this machine. The message says why a URL is refused."""
    try:
        url = check("calendar.url", url.strip())
    except BadValue as exc:
        raise BadInput(f"the calendar address {exc}") from None
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK:
        raise BadInput(
            f"the calendar address starts with http://, so your password would cross the "
            f"network unencrypted; use https://{url.split('://', 1)[1]}"
        )
    return url if url.endswith("/") else url + "/"


def password(account: Account, budget: Budget) -> str:
    """The password, from the first of the three ways that is set."""
    env = os.environ.get(ENV)
    if env:
        return env
    if account.password_command:
        return from_command(account.password_command, budget)
    if account.keyring:
        found = keyring_get(account)
        if found:
            return found
        raise BadInput(
            f"the keyring has no password for {account.user} at {account.host}; run "
            "`calm calendar connect` again with --keyring, or " + _instead()
        )
    raise BadInput("calm has no password for your calendar: " + WAYS)


def from_command(command: str, budget: Budget) -> str:
    """The first line the password command prints. Its errors go to the terminal as they
    are (gpg may need to ask); its output is never shown."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise BadInput(f"calendar.password_command cannot be read: {exc}") from None
    if not argv:
        raise BadInput("calendar.password_command is empty")
    try:
        done = subprocess.run(
            argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=budget.left() or 0.1
        )
    except FileNotFoundError:
        raise BadInput(f"calendar.password_command: no program called {argv[0]!r}") from None
    except subprocess.TimeoutExpired:
        raise OutOfTime(
            f"calendar.password_command ({argv[0]}) did not finish within {budget.seconds:g} s"
        ) from None
    except OSError as exc:
        raise BadInput(f"calendar.password_command ({argv[0]}): {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise BadInput(
            f"calendar.password_command ({argv[0]}) failed with exit code {done.returncode}"
        )
    line = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    if not line or not line[0]:
        raise BadInput(f"calendar.password_command ({argv[0]}) printed no password")
    return line[0]


# -- the keyring -------------------------------------------------------------------------------


def real_keyring() -> Any:
    """The system keyring, if it is one that keeps secrets safe; else BadInput saying why and
    what to do instead. A keyring that writes plain text, or none at all, is refused."""
    try:
        import keyring
        from keyring.backends import chainer
    except ImportError:
        raise BadInput("there is no keyring support here; " + _instead()) from None
    backend = keyring.get_keyring()
    found = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else [backend]
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in found]
    if not any(name in REAL_KEYRINGS for name in names):
        what = ", ".join(names) or "none"
        raise BadInput(
            f"this machine has no keyring calm trusts with a password (found: {what}); "
            + _instead()
        )
    return backend


def _instead() -> str:
    return f"set {ENV}, or set calendar.password_command to a command that prints the password"


def _keyring_user(account: Account) -> str:
    return f"{account.user}@{account.url}"


def keyring_get(account: Account) -> str | None:
    backend = real_keyring()
    try:
        found: str | None = backend.get_password(KEYRING_SERVICE, _keyring_user(account))
        return found
    except Exception as exc:  # keyring backends raise their own types (locked, dbus gone)
        raise CalmError(f"the keyring did not give the password: {type(exc).__name__}") from None


def keyring_set(account: Account, secret: str) -> None:
    backend = real_keyring()
    try:
        backend.set_password(KEYRING_SERVICE, _keyring_user(account), secret)
    except Exception as exc:
        raise CalmError(f"the keyring did not keep the password: {type(exc).__name__}") from None


def keyring_forget(account: Account) -> bool:
    try:
        backend = real_keyring()
        backend.delete_password(KEYRING_SERVICE, _keyring_user(account))
    except Exception:  # nothing there, or no keyring: nothing to forget
        return False
    return True
