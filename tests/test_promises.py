"""Every promise kept: a case's whole life through the command line, the ledger's rules, the
messages to the customer and the settings they are signed with.

The clock is moved with CALM_NOW from day to day, as the contractor's days go by. London time;
Monday 30 November 2026 is the day of the call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from typer.testing import CliRunner

from calmcli.cli.app import app
from calmcli.store import cases as store
from casefactory import make_case, reload, reminder_file

ANSWERS = {
    "customer_name": "Dana Whitfield",
    "customer_phone": "07700 900123",
    "job": "Bathroom retile, 14 Elm Road",
    "feelings": {"frustrated": 4},
    "cause": "the grout has cracked along the shower tray",
    "what_happened": "Grout cracked along the shower tray two weeks after we finished.",
    "wants": ["repair"],
    "wants_words": "clean, sealed grout that stays put",
    "option_1": "Regrout the shower tray edge this week at no cost",
    "option_ratings": {"option_1": {"ease": 5, "cost": 2, "speed": 4}},
    "followup_at": "fri 10am",
}


def calm(*args: str, now: str = "2026-11-30T10:00") -> Any:
    result = CliRunner().invoke(app, list(args), env={"CALM_NOW": now})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def ok(*args: str, now: str = "2026-11-30T10:00") -> str:
    result = calm(*args, now=now)
    assert result.exit_code == 0, result.output
    return result.stdout


def events(case_id: str) -> dict[str, icalendar.Event]:
    """The case's calendar file: its events by UID."""
    calendar = icalendar.Calendar.from_ical(reminder_file(case_id).read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def due_lines(now: str) -> list[str]:
    """What `calm followup` lists that day, as (kind, item, what) from its JSON."""
    listed = json.loads(ok("followup", "--json", now=now))
    return [f"{i['kind']} {i['item'] or ''} {i['what'] or ''}".strip() for i in listed]


@pytest.fixture
def signed() -> None:
    ok("config", "set", "name", "Sam Carter")
    ok("config", "set", "phone", "07700 900456")
    ok("config", "set", "business", "Carter Tiling")


@pytest.fixture
def dana(tmp_path: Path, signed: None) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    ok("new", "--tree", "default", "--answers", str(answers), "--no-input")
    (path,) = (tmp_path / "calm-home" / "cases").glob("*.yaml")
    return path.stem


def test_a_case_from_the_call_to_its_close(dana: str) -> None:
    out = ok(
        "log", dana, "--no-input", "--option", "Regrout the shower tray edge",
        "--action", "Regrout the tray edge @ tue 10am", "--action", "Text a photo @ wed 5pm",
    )  # fmt: skip
    # The check-in follows the last promise, on the next working morning.
    assert "Next check-in with Dana Whitfield: Thu 3 Dec 09:00" in out
    assert "1. Regrout the tray edge, by Tue 1 Dec 10:00  (the fix)" in out
    assert "2. Text a photo, by Wed 2 Dec 17:00" in out
    assert "Sam Carter, Carter Tiling" in out  # the confirmation, signed
    # Each promise is on the due list on its day, and in --check.
    assert due_lines("2026-11-30T17:00") == []
    assert due_lines("2026-12-01T08:00") == ["action 1 Regrout the tray edge"]
    assert calm("followup", "--check", now="2026-12-01T08:00").exit_code == 1
    shown = ok("followup", now="2026-12-01T08:00")
    assert "promised (1): Regrout the tray edge" in shown
    assert shown.rstrip().endswith("Record one: calm item done CASE N")  # a promise, not a call
    # The fix slips to Monday: it moves, the check-in follows it, a delay notice is drafted.
    out = ok(
        "delay", dana, "--until", "mon 10am", "--why", "the grout colour is out of stock",
        now="2026-12-01T08:30",
    )  # fmt: skip
    assert "Next check-in: Tue 8 Dec 09:00" in out
    assert "won't happen on Tue 1 Dec 10:00 as we planned" in out
    assert "The reason: the grout colour is out of stock." in out
    assert "The new date is Mon 7 Dec 10:00." in out
    assert due_lines("2026-12-01T09:00") == []  # nothing due today any more
    assert due_lines("2026-12-02T08:00") == ["action 2 Text a photo"]
    ok("item", "done", dana, "2", now="2026-12-02T17:30")
    # Kept: not overdue. The fix is now four working days away: an update is owed on Thu.
    assert due_lines("2026-12-03T08:00") == ["update 3 Regrout the tray edge"]
    assert "is still on track for Mon 7 Dec 10:00" in ok("message", dana, now="2026-12-03T08:00")
    ok("message", dana, "--kind", "update", "--sent", now="2026-12-03T08:05")
    ok("item", "done", dana, "3", now="2026-12-03T08:06")
    ok("item", "done", dana, "1", now="2026-12-07T15:00")
    assert due_lines("2026-12-08T08:00") == ["check-in"]
    # The check-in closes it; the calendar file turns into cancellations, the same UIDs.
    before = events(dana)
    out = ok(
        "followup", "done", dana, "--reached", "--satisfaction", "satisfied",
        "--feedback", "Looks great", "--no-input", now="2026-12-08T09:05",
    )  # fmt: skip
    assert "Closed" in out and "thank you for your patience" in out
    after = events(dana)
    assert after.keys() == before.keys() == {
        f"{dana}@calm.local", f"{dana}.item-1@calm.local", f"{dana}.item-2@calm.local",
        f"{dana}.item-3@calm.local",
    }  # fmt: skip
    for uid, event in after.items():
        assert str(event["STATUS"]) == "CANCELLED", uid
        assert not event.walk("VALARM")
        if str(before[uid]["STATUS"]) != "CANCELLED":  # kept promises were cancelled already
            assert int(event["SEQUENCE"]) > int(before[uid]["SEQUENCE"]), uid
    exported = icalendar.Calendar.from_ical(ok("export", dana, "--format", "ics"))
    assert {str(e["STATUS"]) for e in exported.walk("VEVENT")} == {"CANCELLED"}
    crib = (store.case_path(dana).with_suffix(".md")).read_text(encoding="utf-8")
    assert "- [x] 1. Regrout the tray edge, by Mon 7 Dec 10:00 (done)" in crib


def test_each_item_has_its_own_event_that_moves_with_it(dana: str) -> None:
    ok("log", dana, "--no-input", "--action", "Regrout @ tue 10am", "--action", "Reseal @ wed")
    first = events(dana)
    assert first[f"{dana}.item-1@calm.local"].decoded("DTSTART").hour == 10
    ok("item", "move", dana, "2", "--to", "thu 2pm", "--why", "the sealant is late")
    moved = events(dana)
    item = moved[f"{dana}.item-2@calm.local"]
    assert item.decoded("DTSTART").strftime("%a %H:%M") == "Thu 14:00"
    assert int(item["SEQUENCE"]) == int(first[f"{dana}.item-2@calm.local"]["SEQUENCE"]) + 1
    assert "Reseal" in str(item["SUMMARY"]) and "calm item done" in str(item["DESCRIPTION"])
    ok("item", "drop", dana, "2", "--why", "they did it themselves")
    assert str(events(dana)[f"{dana}.item-2@calm.local"]["STATUS"]) == "CANCELLED"
    ok("item", "reopen", dana, "2")
    assert str(events(dana)[f"{dana}.item-2@calm.local"]["STATUS"]) == "CONFIRMED"


def test_a_long_fix_gets_progress_updates_until_it_is_done(dana: str) -> None:
    ok("log", dana, "--no-input", "--action", "Replace the shower tray @ 2026-12-14 09:00")
    items = reload(dana).items
    updates = [i for i in items if i.kind == "update"]
    # Every two working days from the call, strictly before the fix's day.
    assert [i.due.strftime("%a %-d %b") for i in updates] == [
        "Wed 2 Dec", "Fri 4 Dec", "Tue 8 Dec", "Thu 10 Dec",
    ]  # fmt: skip
    assert due_lines("2026-12-02T08:00") == ["update 2 Replace the shower tray"]
    draft = ok("message", dana, "--kind", "update", now="2026-12-02T09:00")
    assert "Replace the shower tray is still on track for Mon 14 Dec 09:00" in draft.replace(
        "replace", "Replace"
    )
    ok("item", "done", dana, "1", now="2026-12-03T12:00")  # done early: no more updates
    assert [i.state for i in reload(dana).items if i.kind == "update"] == ["dropped"] * 4
    assert due_lines("2026-12-04T08:00") == []


def test_the_update_interval_comes_from_the_teams_settings(dana: str) -> None:
    ok("config", "set", "update_every", "3")
    ok("log", dana, "--no-input", "--action", "Replace the shower tray @ 2026-12-14 09:00")
    days = [i.due.strftime("%a %-d") for i in reload(dana).items if i.kind == "update"]
    assert days == ["Thu 3", "Tue 8", "Fri 11"]


def test_working_days_from_your_settings(dana: str) -> None:
    ok("config", "set", "working_days", "tue,wed,thu,fri,sat")
    ok("config", "set", "working_hours", "08:00-16:00")
    out = ok("log", dana, "--no-input", "--action", "Regrout @ fri 10am")
    assert "Next check-in with Dana Whitfield: Sat 5 Dec 08:00" in out


def test_closing_with_promises_open_warns_and_names_them(dana: str) -> None:
    ok("log", dana, "--no-input", "--action", "Regrout @ tue 10am", "--action", "Reseal basin")
    result = calm(
        "followup", "done", dana, "--reached", "--satisfaction", "satisfied", "--no-input"
    )
    assert result.exit_code == 0
    assert "Closed with promises still open: 1. Regrout; 2. Reseal basin." in result.stderr


def test_not_reached_tries_a_very_upset_customer_again_today(dana: str) -> None:
    out = ok("followup", "done", dana, "--not-reached", "--no-input", now="2026-12-01T10:00")
    assert "Not reached. Try Dana Whitfield again: Tue 1 Dec 13:00" in out
    assert "breather" not in out  # no conversation, no advice about one
    assert "Sorry I missed you just now." in out
    late = ok("followup", "done", dana, "--not-reached", "--no-input", now="2026-12-01T15:30")
    assert "Try Dana Whitfield again: Wed 2 Dec 09:00" in late  # 18:30 is after hours


def test_not_reached_a_calmer_customer_is_tried_the_next_morning(calm_home: Path) -> None:
    answers = {"customer_name": "Ann Lee", "intensity": 2}
    case = make_case("Ann Lee", created="2026-11-20T09:00", due="2026-11-30T09:00",
                     answers=answers)  # fmt: skip
    out = ok("followup", "done", case.id, "--not-reached", "--no-input", now="2026-11-30T10:00")
    assert "Try Ann Lee again: Tue 1 Dec 09:00" in out


def test_a_closed_case_is_not_logged_on_without_reopen(dana: str) -> None:
    ok("followup", "done", dana, "--reached", "--satisfaction", "satisfied", "--no-input")
    before = store.case_path(dana).read_bytes()
    result = calm("log", dana, "--no-input", "--option", "Something else")
    assert result.exit_code == 2
    assert "closed; add --reopen" in result.stderr
    assert store.case_path(dana).read_bytes() == before
    assert ok("log", dana, "--no-input", "--option", "Fit a new tray", "--reopen")
    case = reload(dana)
    assert case.is_open and case.agreed == "Fit a new tray"
    assert [e["event"] for e in case.history][-2:] == ["reopened", "logged"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["item", "done", "{id}", "9"], "has no item 9"),
        (["item", "move", "{id}", "1", "--to", "fri"], "say why"),
        (["item", "move", "{id}", "1", "--to", "yesterday", "--why", "x"], "in the past"),
        (["item", "done", "{id}"], "say which item"),
        (["delay", "{id}", "--until", "fri", "--why", "   "], "say why it slipped"),
        (["log", "{id}", "--no-input", "--action", "Regrout @ yesterday"], "in the past"),
        (["message", "{id}", "--kind", "poem"], "--kind must be one of"),
    ],
)
def test_bad_input_about_promises_changes_nothing(dana: str, args: list[str], message: str) -> None:
    ok("log", dana, "--no-input", "--action", "Regrout @ tue 10am")
    before = store.case_path(dana).read_bytes()
    result = calm(*(a.replace("{id}", dana) for a in args))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert store.case_path(dana).read_bytes() == before


def test_a_delay_needs_an_agreed_fix(dana: str) -> None:
    result = calm("delay", dana, "--until", "fri", "--why", "rain")
    assert result.exit_code == 2
    assert "no open agreed fix" in result.stderr


# -- messages ----------------------------------------------------------------------------------


def test_a_delay_notice_asked_for_later_still_says_why_and_the_old_date(dana: str) -> None:
    """`calm message --kind delay` a day after `calm delay` gives the same notice: the apology
    with the date it was due and the reason come from the case's history, as an email too."""
    ok("log", dana, "--no-input", "--option", "Regrout the edge", "--action", "Regrout @ tue")
    ok("delay", dana, "--until", "mon 10am", "--why", "the grout colour is out of stock")
    for args in ((), ("--email",)):
        out = ok("message", dana, "--kind", "delay", *args, now="2026-12-01T09:00")
        assert "but regrout won't happen on Tue 1 Dec 09:00 as we planned." in out
        assert "The reason: the grout colour is out of stock." in out
        assert "The new date is Mon 7 Dec 10:00." in out
    assert "Dear Dana, I'm sorry" in out


def test_the_confirmation_says_what_by_when_and_how_to_reach_you(dana: str) -> None:
    ok("log", dana, "--no-input", "--option", "Regrout the edge", "--action", "Regrout @ tue")
    out = ok("message", dana)  # the moment calls for a confirmation
    assert out.splitlines()[1:8] == [
        "A message to send (confirm what you agreed):",
        "Hi Dana, thanks for talking it through with me today.",
        "To confirm what we agreed: regrout the edge.",
        "- Regrout, by Tue 1 Dec 09:00",
        "I'll be in touch on Wed 2 Dec 09:00 to check it's all on track.",
        "If anything changes before then, you can reach me on 07700 900456.",
        "Sam Carter, Carter Tiling",
    ]
    assert "sms:07700900123?body=Hi%20Dana" in out
    email = ok("message", dana, "--email")
    assert "Subject: What we agreed: Bathroom retile, 14 Elm Road" in email
    assert "Dear Dana," in email and "Best wishes," in email
    assert "mailto:?subject=What%20we%20agreed" in email
    ok("message", dana, "--kind", "confirm", "--sent")
    assert reload(dana).history[-1]["event"] == "message_sent"
    assert "a progress update" in ok("message", dana)  # confirmed: next is an update


def test_a_message_never_has_a_hole(calm_home: Path) -> None:
    case = make_case("Ann Lee", created="2026-11-20T09:00", due=None, phone="", offer="")
    out = ok("message", case.id)
    assert "  " not in out.replace("    ", "") and " ." not in out
    assert "To confirm what we agreed" not in out  # nothing agreed yet: the line goes
    assert "reach me on" not in out  # no phone set
    assert "Tip: set your name, phone and business" in calm("message", case.id).stderr


def test_the_teams_own_wording(dana: str, calm_home: Path) -> None:
    (calm_home / "config.toml").write_text(
        '# our wording\nbusiness = "Carter Tiling"\n[messages.confirm]\n'
        'text = """Hello {first_name}! Agreed: {agreed}.\nCheers, {signature}"""\n',
        encoding="utf-8",
    )
    ok("log", dana, "--no-input", "--option", "Regrout")
    out = ok("message", dana, "--kind", "confirm")
    assert "Hello Dana! Agreed: regrout.\nCheers, Sam Carter, Carter Tiling" in out


# -- settings ----------------------------------------------------------------------------------


def test_config_shows_every_setting_and_where_it_comes_from(signed: None, tmp_path: Path) -> None:
    out = ok("config")
    assert str(tmp_path / "calm-config" / "config.toml") in out
    assert str(tmp_path / "calm-home" / "config.toml") in out
    assert "name" in out and "Sam Carter" in out and "[personal]" in out
    assert "Carter Tiling  [team]" in out
    assert "followup_days              2  [default]" in out


def test_config_set_keeps_comments_and_your_settings_win(tmp_path: Path) -> None:
    team = tmp_path / "calm-home" / "config.toml"
    team.parent.mkdir(parents=True)
    team.write_text('# shared by the office\nbusiness = "Old Name"\nname = "Office"\n')
    ok("config", "set", "business", "Carter Tiling")
    assert (
        team.read_text() == '# shared by the office\nbusiness = "Carter Tiling"\nname = "Office"\n'
    )
    assert "Office  [team]" in ok("config")
    ok("config", "set", "name", "Sam Carter")  # a personal key: your own file
    assert "Sam Carter  [personal]" in ok("config")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "x"\nworking_days = ["mon", "funday"]\n',
            ":2: working_days 'funday' is not a day",
        ),
        ("update_every = 0\n", ":1: update_every must be a whole number from 1 to 60"),
        ('[messages.confirm]\ntext = "Hi {name"\n', ":2: messages.confirm.text is not a valid"),
        ("workign_days = []\n", ":1: unknown setting 'workign_days'; did you mean 'working_days'?"),
        ('working_hours = "17:00-09:00"\n', ":1: working_hours must be a start and an end time"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_a_bad_setting_names_the_file_key_and_line(
    text: str, message: str, tmp_path: Path, dana: str
) -> None:
    mine = tmp_path / "calm-config" / "config.toml"
    mine.write_text(text, encoding="utf-8")
    for args in (["config"], ["log", dana, "--no-input", "--option", "x"], ["message", dana]):
        result = calm(*args)
        assert result.exit_code == 2, result.output
        assert f"calm: {mine}" in result.stderr and message in result.stderr
        assert "Traceback" not in result.output


def test_config_set_refuses_a_bad_value_and_changes_nothing(signed: None, tmp_path: Path) -> None:
    mine = tmp_path / "calm-config" / "config.toml"
    before = mine.read_text()
    result = calm("config", "set", "alarm_minutes", "soon")
    assert result.exit_code == 2 and "alarm_minutes must be a whole number" in result.stderr
    assert calm("config", "set", "nmae", "x").exit_code == 2
    assert mine.read_text() == before


def test_the_alarm_lead_time_from_your_settings(dana: str) -> None:
    ok("config", "set", "alarm_minutes", "45")
    ok("followup", "snooze", dana, "--until", "fri 9am")
    (alarm,) = events(dana)[f"{dana}@calm.local"].walk("VALARM")
    assert alarm.decoded("TRIGGER").total_seconds() == -45 * 60


def test_old_case_files_without_a_ledger_load_and_list(calm_home: Path) -> None:
    case = make_case("Old Timer", created="2026-10-01T09:00", due="2026-11-30T09:00")
    path = store.case_path(case.id)
    data = yaml.safe_load(path.read_text())
    del data["items"]
    promised = [{"what": "Regrout", "due": "2026-10-05T09:00:00+01:00"}]
    data["outcome"] = {"at": "2026-10-01T10:00:00+01:00", "option": "Regrout", "actions": promised}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert "Old Timer" in ok("followup")
    shown = ok("show", case.id)
    assert "Regrout (by Mon 5 Oct 09:00)" in shown


def test_an_items_event_never_shares_a_uid_with_another_case(
    calm_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case `X`'s second promise and a case `X-2` (an id from before ids had a random end, or
    one `calm sync init` renamed) are different events."""
    first = make_case("Dana Fox", created="2026-11-30T09:00", due="2026-12-03T09:00")
    monkeypatch.setattr(store, "new_id", lambda created, customer: f"{first.id}-2")
    second = make_case("Dana Fox", created="2026-11-30T11:00", due="2026-12-04T09:00")
    assert second.id == f"{first.id}-2"
    ok("log", first.id, "--no-input", "--action", "Regrout @ tue", "--action", "Reseal @ wed")
    assert not set(events(first.id)) & set(events(second.id))
