"""Sending the outbox: each queued case's events PUT or DELETEd on the calendar server, over
the ETag calm recorded, so a hand edit on the server is reported instead of overwritten.

It runs in a worker thread the command waits for at most its time budget: a server that does
not answer (or a DNS lookup that hangs) costs a command a few seconds at most, and whatever
was not sent stays queued for the next command or `calm calendar sync`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from calmcli.calendar import outbox, record
from calmcli.calendar.account import Account, Budget, OutOfTime, password
from calmcli.calendar.events import Wanted, fingerprint, revision_of
from calmcli.calendar.outbox import Queued
from calmcli.calendar.record import CHANGED, DELETED, Sent
from calmcli.calendar.server import Refused, Server, href_for
from calmcli.errors import CalmError


@dataclass
class Outcome:
    sent: list[Path] = field(default_factory=list)  # queued files dealt with
    earlier: int = 0  # of those, how many an earlier command could not send
    changes: int = 0  # events created, moved or removed on the server
    hand: list[str] = field(default_factory=list)  # events changed there by hand, left alone
    refused: list[str] = field(default_factory=list)
    trouble: CalmError | None = None  # what stopped the sending
    waiting: int = 0  # queued files left


class Sender:
    """Talks to the server only once there is something to say: no password asked, no
    connection made, for a save that changed nothing a calendar shows."""

    def __init__(
        self, account: Account, budget: Budget, overwrite: bool, secret: str | None = None
    ) -> None:
        self.account = account
        self.budget = budget
        self.overwrite = overwrite
        self.secret = secret
        self._server: Server | None = None

    def server(self) -> Server:
        if self._server is None:
            secret = self.secret or password(self.account, self.budget)
            self._server = Server(self.account, secret, self.budget)
        return self._server


def run(
    account: Account,
    budget: Budget,
    *,
    overwrite: bool = False,
    survey: bool = False,
    secret: str | None = None,
) -> Outcome:
    """Send what is queued, within the budget; with `survey`, first look for events changed
    on the server by hand (one request for every ETag)."""
    outcome = Outcome()
    sender = Sender(account, budget, overwrite, secret)
    worker = threading.Thread(target=_send_all, args=(sender, outcome, survey), daemon=True)
    worker.start()
    while worker.is_alive() and not budget.spent():
        worker.join(min(budget.left(), 0.1) or 0.01)
    if worker.is_alive() and outcome.trouble is None:
        # Left to finish or die with the process; what it did not send is still queued.
        outcome.trouble = OutOfTime(f"{account.host} did not answer within {budget.seconds:g} s")
    outcome.waiting = outbox.count()
    if outcome.trouble is not None or outcome.refused:
        outbox.mark_waiting()
    return outcome


def _send_all(sender: Sender, outcome: Outcome, survey: bool = False) -> None:
    tried: set[Path] = set()
    try:
        with record.sending(sender.budget):
            if survey:
                _survey(sender, outcome)
            while batch := [(q, fs) for q, fs in outbox.pending() if q.path not in tried]:
                for queued, files in batch:
                    tried.add(queued.path)
                    try:
                        _send_case(sender, queued, outcome)
                    except Refused as exc:
                        outcome.refused.append(exc.message)
                        continue
                    outcome.earlier += sum(outbox.was_waiting(f) for f in files)
                    outbox.drop(files)
                    outcome.sent += files
    except CalmError as exc:
        outcome.trouble = exc
    except Exception as exc:  # a bug, or a library's surprise: keep the queue, say so
        outcome.trouble = CalmError(f"sending failed inside calm ({type(exc).__name__})")


def _survey(sender: Sender, outcome: Outcome) -> None:
    """Compare every event calm sent with the server's ETags; read the ones that moved, and
    mark those a person changed or deleted (reported, left alone)."""
    recorded = list(record.everything(sender.account))
    if not recorded:
        return
    server = sender.server()
    tags = server.etags()
    for case_id, sent in recorded:
        changed = False
        for uid, had in list(sent.items()):
            if had.hand or tags.get(had.href) == had.etag:
                continue
            if had.href not in tags:
                sent[uid] = had.but(hand=DELETED)
            else:
                current = server.get(had.href)
                if current.status == 404:
                    sent[uid] = had.but(hand=DELETED)
                elif fingerprint(current.body) == had.fingerprint:
                    sent[uid] = had.but(etag=current.etag or tags[had.href])
                else:
                    sent[uid] = had.but(hand=CHANGED)
            if sent[uid].hand:
                outcome.hand.append(_hand_note(sent[uid]))
            changed = True
        if changed:
            record.save(sender.account, case_id, sent)


def _send_case(sender: Sender, queued: Queued, outcome: Outcome) -> None:
    sent = record.load(sender.account, queued.case_id)
    wanted = {w.uid: w for w in queued.events}
    for uid in dict.fromkeys([*wanted, *sent]):
        want, had = wanted.get(uid), sent.get(uid)
        if want is not None and want.body is not None:
            now = _place(sender, queued, want, had, outcome)
        else:
            now = _remove(sender, had, outcome)
        if now is None:
            sent.pop(uid, None)
        else:
            sent[uid] = now
        if now != had:
            record.save(sender.account, queued.case_id, sent)


def _place(
    sender: Sender, queued: Queued, want: Wanted, had: Sent | None, outcome: Outcome
) -> Sent | None:
    """The event on the server as the case wants it: created, moved, or left alone when it
    is as wanted already or someone changed it by hand."""
    if had and not sender.overwrite:
        if had.hand:
            outcome.hand.append(_hand_note(had))
            return had
        if had.fingerprint == want.fingerprint:
            return had  # nothing a person would see has changed
    server = sender.server()
    href = had.href if had else href_for(sender.account.url, want.uid)
    etag = None if sender.overwrite or had is None else had.etag
    reply = server.put(
        href, want.body or "", etag=etag, create=had is None and not sender.overwrite
    )
    if reply.ok:
        outcome.changes += 1
        return _fresh(server, href, reply.etag, want, queued)
    # 412: the event is not what calm last sent (or, for a new one, is there already).
    current = server.get(href)
    if current.status == 404:
        if had is None:  # gone again in between: try once more
            reply = server.put(href, want.body or "", etag=None, create=True)
            if reply.ok:
                outcome.changes += 1
                return _fresh(server, href, reply.etag, want, queued)
            return None
        marked = had.but(hand=DELETED)
        outcome.hand.append(_hand_note(marked))
        return marked
    theirs = fingerprint(current.body)
    if theirs == want.fingerprint:
        return _fresh(server, href, current.etag, want, queued)
    if had is not None:
        ours = theirs == had.fingerprint  # what calm sent last; only the ETag moved
    else:  # calm's own event from another machine, or from a record that was lost
        revision = revision_of(current.body)
        ours = revision is not None and revision <= queued.revision
        if revision is not None and revision > queued.revision:  # a newer one is there
            return Sent(href, current.etag or "", theirs, want.summary, want.start, revision)
    if ours and current.etag:
        reply = server.put(href, want.body or "", etag=current.etag, create=False)
        if reply.ok:
            outcome.changes += 1
            return _fresh(server, href, reply.etag, want, queued)
    base = had or Sent(href, current.etag or "", theirs, want.summary, want.start)
    marked = base.but(hand=CHANGED)
    outcome.hand.append(_hand_note(marked))
    return marked


def _remove(sender: Sender, had: Sent | None, outcome: Outcome) -> Sent | None:
    """The event gone from the server (a closed case, a dropped or kept promise), unless
    someone changed it there by hand."""
    if had is None or had.hand == DELETED:
        return None
    if had.hand and not sender.overwrite:
        outcome.hand.append(_hand_note(had, removing=True))
        return had
    server = sender.server()
    reply = server.delete(had.href, etag=None if sender.overwrite else had.etag)
    if reply.ok or reply.status == 404:
        outcome.changes += reply.ok
        return None
    current = server.get(had.href)
    if current.status == 404:
        return None
    if fingerprint(current.body) == had.fingerprint and current.etag:
        reply = server.delete(had.href, etag=current.etag)
        if reply.ok or reply.status == 404:
            outcome.changes += reply.ok
            return None
    marked = had.but(hand=CHANGED)
    outcome.hand.append(_hand_note(marked, removing=True))
    return marked


def _fresh(server: Server, href: str, etag: str | None, want: Wanted, queued: Queued) -> Sent:
    """The record of an event just sent. A server that changed what it stored sends no ETag
    (RFC 4791): ask for it."""
    if not etag:
        etag = server.get(href).etag or ""
    return Sent(href, etag, want.fingerprint, want.summary, want.start, queued.revision)


def _hand_note(sent: Sent, *, removing: bool = False) -> str:
    what = f"'{sent.summary}'"
    if sent.hand == DELETED:
        return (
            f"{what} was deleted from your calendar by hand; calm did not put it back "
            "(`calm calendar sync --overwrite` does)"
        )
    if removing:
        return (
            f"{what} was changed on your calendar by hand, so calm did not remove it "
            "(`calm calendar sync --overwrite` does)"
        )
    return (
        f"{what} was changed on your calendar by hand; calm left it as it is "
        "(`calm calendar sync --overwrite` puts calm's version back)"
    )
