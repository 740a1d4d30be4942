"""The one adapter to the calendar server: python-caldav's client, a few plain requests, and
every way they fail turned into one message that names the server (never a password).

Each request gets what is left of the command's time budget as its timeout. Nothing here
decides what to send; `push` does.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, urljoin, urlsplit

from calmcli.calendar.account import Account, Budget, OutOfTime, host_of
from calmcli.errors import BadInput, CalmError

ICS = "text/calendar; charset=utf-8"
_CREDENTIALS = re.compile(r"//[^/@\s]*@")


class Unreachable(CalmError):
    """Nothing more can be sent now (no answer, no connection, a TLS failure, a server
    error): what is queued stays queued."""


class BadLogin(BadInput):
    """The server refused the user name or password."""


class Refused(CalmError):
    """The server refused one event (a read-only calendar, one that takes no events)."""


@dataclass(frozen=True)
class Reply:
    status: int
    etag: str | None = None
    body: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Found:
    """A calendar on the account: its address, its name, and whether it takes events."""

    url: str
    name: str
    takes_events: bool


def href_for(calendar_url: str, uid: str) -> str:
    """Where an event lives on the server: one file per event, named after its UID."""
    name = uid.split("@", 1)[0]
    return urljoin(calendar_url, quote(f"calm-{name}.ics", safe=""))


class Server:
    """A connection to one calendar collection, within a time budget."""

    def __init__(self, account: Account, password: str, budget: Budget) -> None:
        self.account = account
        self.budget = budget
        self.host = host_of(account.url)
        with self._talking():
            from caldav.davclient import DAVClient

            self.client = DAVClient(
                account.url,
                username=account.user or None,
                password=password,
                timeout=cast(int, max(budget.left(), 0.1)),  # niquests takes any number
                enable_rfc6764=False,
            )

    # -- requests ------------------------------------------------------------------------------

    def put(self, href: str, body: str, *, etag: str | None, create: bool) -> Reply:
        """PUT an event: only over `etag` if given, only if absent with `create`."""
        headers = {"Content-Type": ICS}
        if etag:
            headers["If-Match"] = etag
        elif create:
            headers["If-None-Match"] = "*"
        reply = self._request(href, "PUT", body, headers)
        self._refused(reply, "the event")
        return reply

    def get(self, href: str) -> Reply:
        reply = self._request(href, "GET", "", {"Accept": "text/calendar"})
        self._refused(reply, "reading the event", allow=(404,))
        return reply

    def delete(self, href: str, *, etag: str | None) -> Reply:
        headers = {"If-Match": etag} if etag else {}
        reply = self._request(href, "DELETE", "", headers)
        self._refused(reply, "removing the event", allow=(404,))
        return reply

    def etags(self) -> dict[str, str]:
        """Every event's address on the calendar and its ETag: one request."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
        )
        url = self.account.url
        reply = self._request(url, "PROPFIND", body, {"Depth": "1", "Content-Type": "text/xml"})
        self._refused(reply, "listing the calendar")
        return _etags_of(reply.body, url)

    # -- finding calendars (`calm calendar connect`) -------------------------------------------

    def calendar_here(self) -> Found | None:
        """The calendar at the account's address itself, if it is one."""
        url = self.account.url
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>'
            "<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>"
            "</d:prop></d:propfind>"
        )
        reply = self._request(url, "PROPFIND", body, {"Depth": "0", "Content-Type": "text/xml"})
        if reply.status == 404:
            raise BadInput(f"{self.host} has nothing at {url} (HTTP 404); check the address")
        self._refused(reply, "looking at the address")
        return _calendar_of(reply.body, url)

    def calendars(self) -> list[Found]:
        """The account's calendars, found from its address (the principal's calendar home)."""
        with self._talking():
            principal = self.client.principal()
            return [_found(c) for c in principal.calendars()]

    # -- plumbing ------------------------------------------------------------------------------

    def _request(self, url: str, method: str, body: str, headers: dict[str, str]) -> Reply:
        if self.budget.spent():
            raise OutOfTime(self._late())
        self.client.timeout = cast(int, max(self.budget.left(), 0.1))
        try:
            with self._talking():
                response = self.client.request(url, method, body, headers)
        except Refused:  # python-caldav raises on a 403: say what was refused where it is known
            return Reply(403)
        self.budget.answered()
        etag = response.headers.get("ETag") or response.headers.get("etag")
        raw = response.raw
        return Reply(int(response.status), etag, raw if isinstance(raw, str) else "")

    def _refused(self, reply: Reply, what: str, allow: tuple[int, ...] = ()) -> None:
        status = reply.status
        if reply.ok or status in allow or status == 412:
            return
        reason = f"HTTP {status}"
        if status >= 500 or status == 429:
            raise Unreachable(f"{self.host} answered with an error ({reason}); try again later")
        if status == 404 and what != "the event":
            raise BadInput(f"{self.host} has no calendar at {self.account.url} ({reason})")
        raise Refused(f"{self.host} refused {what} ({reason})")

    def _late(self) -> str:
        return f"{self.host} did not answer within {self.budget.seconds:g} s"

    def _talking(self) -> contextlib.AbstractContextManager[None]:
        return _translated(self)


@contextlib.contextmanager
def _translated(server: Server) -> Iterator[None]:
    """Whatever the HTTP stack raises, as one of calm's messages."""
    try:
        yield
    except CalmError:
        raise
    except Exception as exc:
        raise translate(exc, server.host, server.budget) from None


def translate(exc: Exception, host: str, budget: Budget) -> CalmError:
    from caldav.lib import error
    from caldav.lib.http_sync import requests

    failures = requests.exceptions
    if isinstance(exc, error.AuthorizationError):
        if getattr(exc, "status", None) == 403:
            return Refused(f"{host} refused access to the calendar (HTTP 403)")
        return BadLogin(f"{host} refused the user name or password (HTTP 401)")
    if isinstance(exc, error.RateLimitError):
        return Unreachable(f"{host} asks calm to wait (HTTP 429); try again later")
    if isinstance(exc, failures.SSLError):
        return Unreachable(f"the secure connection to {host} failed: {_why_tls(exc)}")
    if isinstance(exc, failures.Timeout | TimeoutError):
        return OutOfTime(f"{host} did not answer within {budget.seconds:g} s")
    if isinstance(exc, failures.ConnectionError | OSError):
        return Unreachable(_why_unreachable(exc, host))
    if isinstance(exc, error.DAVError):
        status = getattr(exc, "status", None)
        return Unreachable(f"{host} gave an answer calm cannot use (HTTP {status or '?'})")
    return Unreachable(f"talking to {host} failed ({type(exc).__name__})")


def _why_tls(exc: Exception) -> str:
    text = _clean(str(exc))
    for known in (
        "certificate verify failed",
        "wrong version number",
        "hostname mismatch",
        "self-signed certificate",
        "certificate has expired",
        "unknown protocol",
        "record layer failure",
    ):
        if known in text.lower():
            return known
    return text[:120] or type(exc).__name__


def _why_unreachable(exc: Exception, host: str) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return f"cannot reach {host}: nothing answers there (connection refused)"
    if any(s in text for s in ("name or service not known", "nodename nor servname", "resolve")):
        return f"cannot reach {host}: no server by that name (check the address, or the network)"
    if "timed out" in text or "timeout" in text:
        return f"{host} did not answer in time"
    if "unreachable" in text:
        return f"cannot reach {host}: the network is unreachable"
    return f"cannot reach {host} ({type(exc).__name__})"


def _clean(text: str) -> str:
    """An error's text with any credentials in a URL taken out, on one line."""
    return " ".join(_CREDENTIALS.sub("//", text).split())


def _parse(xml: str) -> Any:
    """A server's XML, parsed without entities or network (its text is untrusted)."""
    from lxml import etree

    try:
        return etree.fromstring(
            xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except (etree.XMLSyntaxError, ValueError):
        return None


def _calendar_of(xml: str, url: str) -> Found | None:
    root = _parse(xml)
    if (
        root is None
        or root.find(".//{DAV:}resourcetype/{urn:ietf:params:xml:ns:caldav}calendar") is None
    ):
        return None
    name = root.findtext(".//{DAV:}displayname") or ""
    kinds = [c.get("name", "").upper() for c in root.iter("{urn:ietf:params:xml:ns:caldav}comp")]
    return Found(
        url,
        name or urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1],
        not kinds or "VEVENT" in kinds,
    )


def _found(calendar: Any) -> Found:
    try:
        name = calendar.get_display_name() or ""
    except Exception:  # a server without display names: the address is the name
        name = ""
    try:
        kinds = calendar.get_supported_components()
        takes = not kinds or "VEVENT" in kinds
    except Exception:  # not said: assume it does
        takes = True
    url = str(calendar.url)
    return Found(url, name or urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1], takes)


def _etags_of(xml: str, base: str) -> dict[str, str]:
    """href -> ETag from a multistatus answer (a defused parse: the server's text is
    untrusted)."""
    root = _parse(xml)
    if root is None:
        return {}
    out: dict[str, str] = {}
    for response in root.iter("{DAV:}response"):
        href = response.findtext("{DAV:}href")
        etag = next((e.text for e in response.iter("{DAV:}getetag") if e.text), None)
        if href and etag and href.endswith(".ics"):
            out[urljoin(base, href)] = etag
    return out
