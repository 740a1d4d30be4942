"""Sync against a real Radicale: a case's life (create, move, cancel), the server stopped
and back, events changed or deleted there by hand."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CALENDAR, calm, ok, outbox
from .radicale_server import PASSWORD, Radicale


def test_a_cases_life_on_the_calendar(connected: Radicale, dana: str, tmp_path: Path) -> None:
    # calm new: the check-in, with its alarm.
    assert connected.listing(CALENDAR) == [
        f"{dana}@calm.local  Tue 1 Dec 10:00  Check in with Dana Whitfield: Bathroom retile, "
        "14 Elm Road  alarm -PT15M"
    ]
    assert connected.listing("Home") == []  # only the calendar chosen
    (stored,) = connected.calendar(CALENDAR).events()
    assert "METHOD:" not in stored.data  # RFC 4791: none in a calendar collection
    # calm log: each promise its own event; the check-in follows the last one.
    ok(
        "log", dana, "--no-input", "--option", "Regrout the edge",
        "--action", "Regrout the tray edge @ tue 10am", "--action", "Text a photo @ wed 5pm",
    )  # fmt: skip
    assert connected.listing(CALENDAR) == [
        f"{dana}.item-1@calm.local  Tue 1 Dec 10:00  Promised to Dana Whitfield: Regrout the tray "
        "edge  alarm -PT15M",
        f"{dana}.item-2@calm.local  Wed 2 Dec 17:00  Promised to Dana Whitfield: Text a photo  "
        "alarm -PT15M",
        f"{dana}@calm.local  Thu 3 Dec 09:00  Check in with Dana Whitfield: Bathroom retile, "
        "14 Elm Road  alarm -PT15M",
    ]
    # A move moves the event (same UID, later SEQUENCE); a drop removes it.
    before = connected.events(CALENDAR)[f"{dana}.item-2@calm.local"]
    ok("item", "move", dana, "2", "--to", "thu 4pm", "--why", "waiting for the photo")
    after = connected.events(CALENDAR)[f"{dana}.item-2@calm.local"]
    assert f"{after.decoded('DTSTART'):%a %H:%M}" == "Thu 16:00"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    ok("item", "drop", dana, "2", "--why", "they came round instead")
    assert set(connected.events(CALENDAR)) == {f"{dana}@calm.local", f"{dana}.item-1@calm.local"}
    # Closing the case removes what is left.
    ok("item", "done", dana, "1", now="2026-12-01T15:00")
    ok(
        "followup", "done", dana, "--reached", "--satisfaction", "satisfied", "--no-input",
        now="2026-12-03T09:05",
    )  # fmt: skip
    assert connected.listing(CALENDAR) == []
    assert outbox(tmp_path) == []
    # The state folder knows nothing of the password; calm's files neither.
    for folder in (tmp_path / "calm-state", tmp_path / "calm-home", tmp_path / "calm-config"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path


def test_the_server_stopped_and_back(connected: Radicale, dana: str, tmp_path: Path) -> None:
    connected.stop()
    moved = calm("followup", "snooze", dana, "--until", "fri 9am")
    assert moved.exit_code == 0  # the local change succeeded
    assert "moved to Fri 4 Dec 09:00" in moved.stdout
    assert moved.stderr.splitlines() == [
        f"calendar: cannot reach 127.0.0.1:{connected.port}: nothing answers there "
        "(connection refused); 1 change queued, sent with the next change or `calm calendar "
        "sync`"
    ]
    (queued,) = outbox(tmp_path)
    assert json.loads(queued.read_text(encoding="utf-8"))["case"] == dana
    second = calm("followup", "snooze", dana, "--until", "mon 9am")
    assert second.exit_code == 0 and "2 changes queued" in second.stderr
    status = ok("calendar", "status").stdout
    assert "Waiting:   2 changes to 1 case" in status
    assert str(tmp_path / "calm-state" / "calendar" / "outbox") in status
    # Back: the next change sends what waited, and says so in one line.
    connected.start()
    back = ok("item", "add", dana, "Send the invoice @ tue 5pm")
    assert back.stderr.splitlines() == ["calendar: sent 2 earlier changes that were waiting"]
    assert outbox(tmp_path) == []
    events = connected.events(CALENDAR)
    assert f"{events[f'{dana}@calm.local'].decoded('DTSTART'):%a %-d %H:%M}" == "Mon 7 09:00"
    assert f"{dana}.item-1@calm.local" in events


def test_sync_sends_the_outbox_once_the_server_is_back(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    connected.stop()
    calm("followup", "snooze", dana, "--until", "fri 9am")
    failed = calm("calendar", "sync")
    assert failed.exit_code == 1
    assert failed.stderr.splitlines() == [
        f"calm: cannot reach 127.0.0.1:{connected.port}: nothing answers there (connection "
        "refused); 1 change still waiting in the outbox (`calm calendar status`)"
    ]
    connected.start()
    done = ok("calendar", "sync")
    assert "Sent 1 event change; the calendar is up to date." in done.stdout
    assert outbox(tmp_path) == []
    assert "nothing; the calendar has every change" in ok("calendar", "status").stdout
    assert ok("calendar", "sync").stdout.startswith("Nothing to send")


def test_an_event_changed_by_hand_is_reported_not_overwritten(
    connected: Radicale, dana: str
) -> None:
    (event,) = connected.calendar(CALENDAR).events()
    event.icalendar_component["SUMMARY"] = "Ring Dana (she asked for the afternoon)"
    event.save()
    moved = ok("followup", "snooze", dana, "--until", "wed 9am")
    assert moved.stderr.splitlines() == [
        "calendar: 'Check in with Dana Whitfield: Bathroom retile, 14 Elm Road' was changed "
        "on your calendar by hand; calm left it as it is (`calm calendar sync --overwrite` "
        "puts calm's version back)"
    ]
    (kept,) = connected.events(CALENDAR).values()
    assert str(kept["SUMMARY"]) == "Ring Dana (she asked for the afternoon)"
    assert "was changed on the server; calm left it" in ok("calendar", "status").stdout
    ok("calendar", "sync", "--overwrite")
    (back,) = connected.events(CALENDAR).values()
    assert str(back["SUMMARY"]).startswith("Check in with Dana Whitfield")
    assert f"{back.decoded('DTSTART'):%a %H:%M}" == "Wed 09:00"


def test_a_hand_edit_is_found_by_sync_and_a_deleted_event_is_not_put_back(
    connected: Radicale, dana: str
) -> None:
    ok("log", dana, "--no-input", "--option", "Regrout", "--action", "Regrout @ tue 10am")
    for event in connected.calendar(CALENDAR).events():
        if str(event.icalendar_component["UID"]).endswith(".item-1@calm.local"):
            event.delete()
    found = ok("calendar", "sync")
    assert (
        "calendar: 'Promised to Dana Whitfield: Regrout' was deleted from your calendar by "
        "hand; calm did not put it back" in found.stderr
    )
    ok("item", "move", dana, "1", "--to", "wed 10am", "--why", "later")
    assert set(connected.events(CALENDAR)) == {f"{dana}@calm.local"}
    ok("calendar", "sync", "--overwrite")
    assert set(connected.events(CALENDAR)) == {f"{dana}@calm.local", f"{dana}.item-1@calm.local"}


def test_a_change_that_shows_nothing_new_costs_no_request(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    connected.stop()  # were it asked, it would fail
    sent = ok("message", dana, "--kind", "confirm", "--sent")
    assert sent.stderr == "" and outbox(tmp_path) == []


def test_cases_changed_behind_calms_back_are_caught_by_sync(
    connected: Radicale, dana: str, password: str
) -> None:
    ok("calendar", "disconnect")
    ok("followup", "snooze", dana, "--until", "thu 2pm")  # not connected: nothing sent
    (event,) = connected.events(CALENDAR).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Tue 10:00"
    ok("calendar", "connect", connected.url, "--user", "alice", "--calendar", CALENDAR)
    (event,) = connected.events(CALENDAR).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Thu 14:00"


def test_a_new_case_while_the_server_is_away_says_so(connected: Radicale, tmp_path: Path) -> None:
    import yaml

    from .conftest import ANSWERS

    connected.stop()
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    result = ok("new", "--tree", "default", "--answers", str(answers), "--no-input")
    assert "1 change queued" in result.stderr
    assert len(outbox(tmp_path)) == 1
