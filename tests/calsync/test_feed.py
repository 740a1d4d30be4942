"""The calendar feed: one .ics of every open item, kept current on each change, no server."""

from __future__ import annotations

from pathlib import Path

import icalendar

from .conftest import calm, ok


def feed_events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_follows_every_change(dana: str, tmp_path: Path) -> None:
    target = tmp_path / "Sync" / "calm.ics"
    target.parent.mkdir()
    assert "Wrote" in ok("calendar", "feed", str(target)).stdout
    (event,) = feed_events(target).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M %Z}" == "Tue 10:00 UTC"  # 10:00 London
    assert event.walk("VALARM")
    ok("log", dana, "--no-input", "--option", "Regrout", "--action", "Regrout @ tue 2pm",
       "--action", "Text a photo @ wed 5pm")  # fmt: skip
    assert set(feed_events(target)) == {
        f"{dana}@calm.local",
        f"{dana}.item-1@calm.local",
        f"{dana}.item-2@calm.local",
    }
    ok("item", "drop", dana, "2", "--why", "no need")
    assert set(feed_events(target)) == {f"{dana}@calm.local", f"{dana}.item-1@calm.local"}
    ok("followup", "done", dana, "--reached", "--satisfaction", "satisfied", "--no-input")
    assert feed_events(target) == {}  # only what is still owed
    text = target.read_text(encoding="utf-8")
    assert "X-WR-CALNAME:calm" in text and "CANCELLED" not in text
    assert "Feed:      " + str(target) in ok("calendar", "status").stdout


def test_a_second_case_and_a_rebuild(dana: str, tmp_path: Path) -> None:
    target = tmp_path / "calm.ics"
    ok("calendar", "feed", str(target))
    target.unlink()  # lost: the next change writes it whole again
    ok("followup", "snooze", dana, "--until", "wed 9am")
    (event,) = feed_events(target).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Wed 09:00"
    ok("calendar", "sync")  # no server: the feed alone
    assert len(feed_events(target)) == 1


def test_the_feed_never_writes_over_a_file_that_is_not_its_own(tmp_path: Path) -> None:
    mine = tmp_path / "family.ics"
    mine.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    result = calm("calendar", "feed", str(mine))
    assert result.exit_code == 2 and "is not calm's feed" in result.stderr
    assert calm("calendar", "feed", str(tmp_path)).exit_code == 2  # a folder
    assert calm("calendar", "feed", str(tmp_path / "nope" / "x.ics")).exit_code == 2
    assert calm("calendar", "feed", str(tmp_path / "x.txt")).exit_code == 2


def test_feed_off(dana: str, tmp_path: Path) -> None:
    target = tmp_path / "calm.ics"
    ok("calendar", "feed", str(target))
    ok("calendar", "feed", "--off")
    before = target.read_bytes()
    ok("followup", "snooze", dana, "--until", "wed 9am")
    assert target.read_bytes() == before
