"""`calm followup`, `done`, `snooze`, `log`, `list`, `show` and `export` through the command line.

The clock is pinned with CALM_NOW to Wednesday 18 November 2026, 10:00 in London (GMT). Every
run must end in a message and an exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import yaml
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.clock import dates
from calmcli.domain.case import Case
from casefactory import case_file, make_case, reload, reminder_file

NOW = "2026-11-18T10:00:00+00:00"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_NOW", NOW)


def calm(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    # Failures are messages and exit codes, never a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def short(customer: str, created: str, due: str | None, **kw: object) -> Case:
    """A case with short fields, so the due table fits on one line per case."""
    fields: dict[str, object] = {"job": "bath", "phone": "0770 111", "offer": "Regrout"}
    fields.update(kw)
    return make_case(customer, created=created, due=due, **fields)  # type: ignore[arg-type]


@pytest.fixture
def board() -> dict[str, Case]:
    return {
        "lee": short("Lee Park", "2026-11-05T09:00", "2026-11-15T14:00"),  # overdue 3 days
        "dana": short("Dana Fox", "2026-11-10T09:00", "2026-11-17T09:00"),  # overdue 1 day
        "sam": short("Sam Ortiz", "2026-11-16T09:00", "2026-11-18T08:00"),  # today, hour passed
        "pat": short("Pat Jones", "2026-11-17T09:00", "2026-11-20T09:00"),  # in 2 days
        "max": short("Max Bell", "2026-10-01T09:00", "2026-12-10T09:00"),  # in 3 weeks
        "uma": short("Uma Hale", "2026-11-14T09:00", None),  # open, no check-in set
        "olga": short("Olga Reyes", "2026-10-20T09:00", None, status="closed"),
        # Closed, with a stale check-in time left in the file: still never listed.
        "quinn": short("Quinn Hart", "2026-11-12T09:00", "2026-11-16T09:00", status="closed"),
    }


def line_with(text: str, needle: str) -> tuple[int, str]:
    lines = text.splitlines()
    found = [(i, line) for i, line in enumerate(lines) if needle in line]
    assert len(found) == 1, (needle, text)
    return found[0]


def line_after(text: str, needle: str) -> str:
    i, _ = line_with(text, needle)
    return text.splitlines()[i + 1].strip()


def flat(text: str) -> str:
    """Panel text as one line: borders dropped and wrapped lines joined, for phrase checks."""
    parts = [line.strip().strip("│╭╮╰╯─").strip() for line in text.splitlines()]
    return " ".join(" ".join(parts).split())


def event(path: Path, uid: str | None = None) -> icalendar.Event:
    """The check-in's event (the one whose UID is the case id's), or the one with `uid`."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    want = uid or f"{path.stem}@calm.local"
    [found] = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == want]
    return found


def snapshot(case: Case) -> tuple[bytes, bytes | None]:
    ics = reminder_file(case)
    return case_file(case).read_bytes(), ics.read_bytes() if ics.exists() else None


# -- calm followup -----------------------------------------------------------------------------


def test_followup_lists_overdue_and_today_soonest_first(board: dict[str, Case]) -> None:
    result = calm("followup")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    order = [line_with(out, name)[0] for name in ("Lee Park", "Dana Fox", "Sam Ortiz")]
    assert order == sorted(order)
    assert "Sun 15 Nov 14:00" in line_with(out, "Lee Park")[1]
    assert "overdue 3 days" in line_with(out, "Lee Park")[1]
    assert "overdue 1 day " in line_with(out, "Dana Fox")[1]
    assert "today" in line_with(out, "Sam Ortiz")[1]
    # the second line of each: job, what was planned, and the case id to act on
    assert line_after(out, "Lee Park").endswith(board["lee"].id)
    assert "0770 111" in line_with(out, "Dana Fox")[1]
    for absent in ("Pat Jones", "Max Bell", "Uma Hale", "Olga Reyes", "Quinn Hart"):
        assert absent not in out


def test_followup_within_adds_upcoming(board: dict[str, Case]) -> None:
    week = calm("followup", "--within", "7d")
    assert week.exit_code == 0
    for name in ("Lee Park", "Dana Fox", "Sam Ortiz", "Pat Jones"):
        assert name in week.stdout
    assert "Fri 20 Nov 09:00" in line_with(week.stdout, "Pat Jones")[1]
    assert line_with(week.stdout, "Sam Ortiz")[0] < line_with(week.stdout, "Pat Jones")[0]
    for absent in ("Max Bell", "Uma Hale", "Olga Reyes", "Quinn Hart"):
        assert absent not in week.stdout

    month = calm("followup", "--within", "4w")
    assert "Max Bell" in month.stdout and "Uma Hale" not in month.stdout


def test_followup_all_lists_every_open_case(board: dict[str, Case]) -> None:
    result = calm("followup", "--all")
    assert result.exit_code == 0
    for name in ("Lee Park", "Dana Fox", "Sam Ortiz", "Pat Jones", "Max Bell", "Uma Hale"):
        assert name in result.stdout
    assert "not set" in line_with(result.stdout, "Uma Hale")[1]
    assert "Olga Reyes" not in result.stdout and "Quinn Hart" not in result.stdout


def test_followup_with_nothing_due_says_so_kindly() -> None:
    short("Pat Jones", "2026-11-17T09:00", "2026-11-20T09:00")
    short("Olga Reyes", "2026-10-20T09:00", "2026-11-10T09:00", status="closed")
    result = calm("followup")
    assert result.exit_code == 0
    assert result.stdout == (
        "Nothing due today; your promises are on track. Next: Pat Jones, Fri 20 Nov 09:00 "
        "(1 open case: calm followup --all).\n"
    )
    result = calm("followup", "--within", "1d")
    assert result.stdout.startswith("Nothing due in the next 1 day; your promises are on track.")


def test_followup_with_no_cases_at_all(calm_home: Path) -> None:
    result = calm("followup")
    assert result.exit_code == 0
    assert result.stdout == "No open cases. When a customer rings upset: calm new\n"
    assert "promises" not in result.stdout  # no praise for promises that were never made
    assert not (calm_home / "cases").exists()


def test_followup_with_something_due_says_how_to_record_it(board: dict[str, Case]) -> None:
    result = calm("followup")
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("Record one: calm followup done CASE")


@pytest.mark.parametrize("span", ["soon", "7x", "-3d", "99999d"])
def test_followup_within_refuses_what_it_cannot_read(span: str) -> None:
    result = calm("followup", "--within", span)
    assert result.exit_code == 2
    assert span in result.stderr
    assert result.stdout == ""


def _json_item(case: Case, state: str, days: int) -> dict[str, object]:
    return {
        "id": case.id,
        "customer": case.customer,
        "owner": None,
        "phone": "0770 111",
        "job": "bath",
        "planned": "Offer: Regrout",
        "offer": "Regrout",
        "agreed": None,
        "due": dates.to_iso(case.followup_due) if case.followup_due else None,
        "kind": "check-in",
        "item": None,
        "what": None,
        "state": state,
        "days_overdue": days,
    }


def test_followup_json_gives_exact_fields_and_states(board: dict[str, Case]) -> None:
    result = calm("followup", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        _json_item(board["lee"], "overdue", 3),
        _json_item(board["dana"], "overdue", 1),
        _json_item(board["sam"], "today", 0),
    ]
    assert json.loads(result.stdout)[0]["due"] == "2026-11-15T14:00:00+00:00"

    everything = json.loads(calm("followup", "--all", "--json").stdout)
    assert everything == [
        _json_item(board["lee"], "overdue", 3),
        _json_item(board["dana"], "overdue", 1),
        _json_item(board["sam"], "today", 0),
        _json_item(board["pat"], "upcoming", 0),
        _json_item(board["max"], "upcoming", 0),
        _json_item(board["uma"], "unscheduled", 0),
    ]


def test_followup_json_with_nothing_due_is_an_empty_list() -> None:
    assert json.loads(calm("followup", "--json").stdout) == []


NUDGE = "3 check-ins due: Lee Park (overdue 3 days), Dana Fox (overdue 1 day), Sam Ortiz\n"


def test_check_prints_one_line_and_exits_1_when_due(board: dict[str, Case]) -> None:
    result = calm("followup", "--check")
    assert result.exit_code == 1
    assert result.stdout == NUDGE
    assert result.stderr == ""


def test_check_exits_0_when_nothing_is_due() -> None:
    short("Pat Jones", "2026-11-17T09:00", "2026-11-20T09:00")
    result = calm("followup", "--check")
    assert (result.exit_code, result.stdout) == (0, "Nothing due.\n")


# -- the real fast path ------------------------------------------------------------------------


def run_check(*flags: str) -> subprocess.CompletedProcess[str]:
    """`python -m calmcli followup --check` as a shell prompt runs it (env from the fixtures)."""
    env = dict(os.environ)
    for key in ("CALM_HOME", "CALM_CACHE", "CALM_NOW", "TZ"):
        assert env.get(key)
    return subprocess.run(
        [sys.executable, *flags, "-m", "calmcli", "followup", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


HEAVY = re.compile(r"\|\s*(typer|rich|click|questionary|yaml|icalendar)(\.|\s*$)", re.M)


def test_fast_check_matches_the_full_command_and_loads_nothing_heavy_when_warm(
    board: dict[str, Case],
) -> None:
    full = calm("followup", "--check")
    cold = run_check()
    assert (cold.returncode, cold.stdout, cold.stderr) == (1, NUDGE, "")
    warm = run_check("-X", "importtime")
    assert (warm.returncode, warm.stdout) == (full.exit_code, full.stdout)
    assert "calmcli.cli.entry" in warm.stderr  # importtime did report
    assert HEAVY.findall(warm.stderr) == []
    assert "Traceback" not in warm.stderr


def test_fast_check_after_a_change_and_with_nothing_due(board: dict[str, Case]) -> None:
    assert run_check().returncode == 1
    for key in ("lee", "dana", "sam"):
        assert calm("followup", "snooze", board[key].id, "--until", "+3d").exit_code == 0
    quiet = run_check()
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "Nothing due.\n", "")
    assert calm("followup", "--check").stdout == quiet.stdout


def test_fast_check_without_any_cases(calm_home: Path) -> None:
    result = run_check()
    assert (result.returncode, result.stdout, result.stderr) == (0, "Nothing due.\n", "")


# -- corrupt case files ------------------------------------------------------------------------


def _garbage(folder: Path) -> Path:
    path = folder / "2026-11-01-garbage.yaml"
    path.write_text("id: [unclosed\ncustomer: {\n", encoding="utf-8")
    return path


def _wrong_status(folder: Path) -> Path:
    case = short("Wrong Status", "2026-11-02T09:00", "2026-11-17T09:00", reminder=False)
    path = case_file(case)
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: open", "status: pending"),
        encoding="utf-8",
    )
    return path


def _binary(folder: Path) -> Path:
    path = folder / "2026-11-03-binary.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe" * 20)
    return path


CORRUPT = {"garbage-yaml": _garbage, "wrong-status": _wrong_status, "binary": _binary}


def _one_warning_naming(stderr: str, path: Path) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert path.name in lines[0]
    assert "skipped" in lines[0]


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_case_file_is_skipped_with_one_warning(
    board: dict[str, Case], calm_home: Path, kind: str
) -> None:
    bad = CORRUPT[kind](calm_home / "cases")
    for _ in range(2):  # cold, then with the index warm: the warning stays
        result = calm("followup")
        assert result.exit_code == 0
        _one_warning_naming(result.stderr, bad)
        assert "Dana Fox" in result.stdout and "Pat Jones" not in result.stdout

        check = calm("followup", "--check")
        assert (check.exit_code, check.stdout) == (1, NUDGE)
        _one_warning_naming(check.stderr, bad)

        fast = run_check()
        assert (fast.returncode, fast.stdout) == (1, NUDGE)
        _one_warning_naming(fast.stderr, bad)
        assert "Traceback" not in fast.stderr

        listed = calm("list", "--json")
        assert listed.exit_code == 0
        assert {r["id"] for r in json.loads(listed.stdout)} == {c.id for c in board.values()}
        _one_warning_naming(listed.stderr, bad)


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_case_file_does_not_make_check_report_due(calm_home: Path, kind: str) -> None:
    short("Pat Jones", "2026-11-17T09:00", "2026-11-20T09:00")
    bad = CORRUPT[kind](calm_home / "cases")
    check = calm("followup", "--check")
    assert (check.exit_code, check.stdout) == (0, "Nothing due.\n")
    _one_warning_naming(check.stderr, bad)
    fast = run_check()
    assert (fast.returncode, fast.stdout) == (0, "Nothing due.\n")
    _one_warning_naming(fast.stderr, bad)


# -- calm followup done ------------------------------------------------------------------------


def test_done_satisfied_closes_the_case(board: dict[str, Case]) -> None:
    dana = board["dana"]
    assert reminder_file(dana).is_file()
    result = calm(
        "followup", "done", dana.id, "--no-input", "--reached",
        "--satisfaction", "satisfied", "--feedback", "Looks great now, thanks",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Closed {dana.id}" in result.stdout
    case = reload(dana)
    assert case.status == "closed"
    assert case.followup_due is None
    assert case.checkins == [
        {
            "at": NOW,
            "reached": True,
            "feedback": "Looks great now, thanks",
            "satisfaction": "satisfied",
        }
    ]
    assert case.history[0]["event"] == "created"
    assert case.history[-1] == {
        "at": NOW, "event": "closed", "reached": True, "satisfaction": "satisfied",
    }  # fmt: skip
    # The reminder stays, as a cancellation: re-importing it takes the event out of a calendar.
    cancelled = icalendar.Calendar.from_ical(reminder_file(dana).read_bytes())
    (event,) = cancelled.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{dana.id}@calm.local"
    assert not event.walk("VALARM")
    # Gone from the due list and the prompt line.
    assert "Dana Fox" not in calm("followup").stdout
    assert calm("followup", "--check").stdout == (
        "2 check-ins due: Lee Park (overdue 3 days), Sam Ortiz\n"
    )


@pytest.mark.parametrize(
    ("flags", "expected", "shown"),
    [
        (["--satisfaction", "partly"], "2026-11-20T09:00:00+00:00", "Fri 20 Nov 09:00"),
        (
            ["--satisfaction", "not", "--next", "fri"],
            "2026-11-20T09:00:00+00:00",
            "Fri 20 Nov 09:00",
        ),
        (
            ["--satisfaction", "satisfied", "--next", "mon 2pm"],
            "2026-11-23T14:00:00+00:00",
            "Mon 23 Nov 14:00",
        ),
        (["--not-reached"], "2026-11-18T13:00:00+00:00", "Wed 18 Nov 13:00"),
    ],
    ids=["partly-default", "next-fri", "satisfied-but-next", "not-reached"],
)
def test_done_without_closing_schedules_the_next_check_in(
    board: dict[str, Case], flags: list[str], expected: str, shown: str
) -> None:
    dana = board["dana"]
    before = event(reminder_file(dana))
    args = ["followup", "done", "dana fox", "--no-input", "--feedback", "Edge still leaks"]
    if "--not-reached" not in flags:
        args.append("--reached")
    result = calm(*args, *flags)
    assert result.exit_code == 0, result.output
    if "--not-reached" in flags:  # Dana was very upset (4): try again later today
        assert f"Not reached. Try Dana Fox again: {shown}" in result.stdout
    else:
        assert f"Next check-in with Dana Fox: {shown}" in result.stdout
    case = reload(dana)
    assert case.status == "open"
    assert dates.to_iso(case.followup_due) == expected  # type: ignore[arg-type]
    [checkin] = case.checkins
    assert checkin["at"] == NOW
    assert checkin["reached"] is ("--not-reached" not in flags)
    assert case.history[-1]["event"] == "checked_in"
    assert case.history[-1]["next"] == expected
    # Same calendar event, moved: same UID, higher SEQUENCE, new start.
    after = event(reminder_file(dana))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == dates.from_iso(expected)
    if "--not-reached" in flags:  # later today: still due today
        assert "Dana Fox" in calm("followup").stdout
        return
    # Now upcoming rather than due.
    assert "Dana Fox" not in calm("followup").stdout
    assert "Dana Fox" in calm("followup", "--within", "7d").stdout


def test_done_with_close_and_next_is_refused_and_changes_nothing(
    board: dict[str, Case],
) -> None:
    dana = board["dana"]
    before = snapshot(dana)
    result = calm("followup", "done", dana.id, "--no-input", "--close", "--next", "fri")
    assert result.exit_code == 2
    assert "--close" in result.stderr and "--next" in result.stderr
    assert snapshot(dana) == before


def test_done_on_a_closed_case_is_refused(board: dict[str, Case]) -> None:
    olga = board["olga"]
    before = snapshot(olga)
    result = calm("followup", "done", olga.id, "--no-input", "--reached", "--close")
    assert result.exit_code == 2
    assert "closed" in result.stderr
    assert snapshot(olga) == before


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--next", "yesterday"], "Tue 17 Nov 09:00 is in the past"),
        (["--next", "31/02"], "31/02"),
        (["--satisfaction", "meh"], "meh"),
    ],
)
def test_done_with_bad_input_is_refused_and_changes_nothing(
    board: dict[str, Case], flags: list[str], said: str
) -> None:
    dana = board["dana"]
    before = snapshot(dana)
    result = calm("followup", "done", dana.id, "--no-input", "--reached", *flags)
    assert result.exit_code == 2
    assert result.stderr.startswith("calm: ")
    assert said in result.stderr
    assert snapshot(dana) == before


# -- calm followup snooze ----------------------------------------------------------------------


def test_snooze_moves_the_check_in_and_the_reminder(board: dict[str, Case]) -> None:
    dana = board["dana"]
    before = event(reminder_file(dana))
    result = calm("followup", "snooze", "Dana Fox", "--until", "+3d")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Check-in with Dana Fox moved to Sat 21 Nov 09:00.\n"
    case = reload(dana)
    assert dates.to_iso(case.followup_due) == "2026-11-21T09:00:00+00:00"  # type: ignore[arg-type]
    assert case.history[-1] == {
        "at": NOW,
        "event": "snoozed",
        "before": "2026-11-17T09:00:00+00:00",
        "until": "2026-11-21T09:00:00+00:00",
    }
    after = event(reminder_file(dana))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == case.followup_due
    assert "Dana Fox" not in calm("followup").stdout


@pytest.mark.parametrize(
    ("until", "said"),
    [
        ("yesterday", "Tue 17 Nov 09:00 is in the past"),
        ("10am", None),  # today 10:00 has just passed, so this is tomorrow: accepted
        ("31/02", '"31/02"'),
        ("2026-02-31", "February 2026 has no day 31"),
        ("", "no date given"),
        ("whenever", '"whenever"'),
    ],
)
def test_snooze_to_a_bad_time_is_refused_and_changes_nothing(
    board: dict[str, Case], until: str, said: str | None
) -> None:
    dana = board["dana"]
    before = snapshot(dana)
    result = calm("followup", "snooze", dana.id, "--until", until)
    if said is None:
        assert result.exit_code == 0
        assert "Thu 19 Nov 10:00" in result.stdout
        return
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("calm: ")
    assert "\n" not in message
    assert said in message
    assert result.stdout == ""
    assert snapshot(dana) == before


def test_snooze_a_closed_case_is_refused(board: dict[str, Case]) -> None:
    before = snapshot(board["olga"])
    result = calm("followup", "snooze", board["olga"].id, "--until", "fri")
    assert result.exit_code == 2
    assert "closed" in result.stderr
    assert snapshot(board["olga"]) == before


# -- calm log ----------------------------------------------------------------------------------


def test_log_stores_the_outcome_and_moves_the_reminder(board: dict[str, Case]) -> None:
    dana = board["dana"]
    before = event(reminder_file(dana))
    result = calm(
        "log", dana.id, "--no-input", "--option", "Regrout",
        "--action", "Regrout edge @ fri 9am", "--action", "Send photos",
        "--notes", "She wants grey, not white.", "--next", "+4d",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Next check-in with Dana Fox: Sun 22 Nov 09:00" in result.stdout
    case = reload(dana)
    assert case.outcome == {"at": NOW, "option": "Regrout", "notes": "She wants grey, not white."}
    assert [{k: v for k, v in i.to_data().items() if k != "uid"} for i in case.items] == [
        {"n": 1, "kind": "action", "what": "Regrout edge", "due": "2026-11-20T09:00:00+00:00",
         "state": "open", "fix": True},
        {"n": 2, "kind": "action", "what": "Send photos", "due": None, "state": "open"},
    ]  # fmt: skip
    assert all(len(i.uid) == 8 for i in case.items) and case.items[0].uid != case.items[1].uid
    assert case.agreed == "Regrout"
    assert case.status == "open"
    assert dates.to_iso(case.followup_due) == "2026-11-22T09:00:00+00:00"  # type: ignore[arg-type]
    assert case.history[-1] == {
        "at": NOW, "event": "logged", "option": "Regrout", "next": "2026-11-22T09:00:00+00:00",
    }  # fmt: skip
    after = event(reminder_file(dana))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == case.followup_due
    # The listing shows what was agreed.
    [item] = [i for i in json.loads(calm("followup", "--all", "--json").stdout)
              if i["id"] == dana.id and i["kind"] == "check-in"]  # fmt: skip
    assert (item["planned"], item["state"]) == ("Agreed: Regrout", "upcoming")


@pytest.mark.parametrize(
    "flags",
    [["--action", "Regrout edge @ yesterday"], ["--action", "@ fri"], ["--next", "31/02"]],
)
def test_log_with_bad_input_is_refused_and_changes_nothing(
    board: dict[str, Case], flags: list[str]
) -> None:
    dana = board["dana"]
    before = snapshot(dana)
    result = calm("log", dana.id, "--no-input", "--option", "Regrout", *flags)
    assert result.exit_code == 2
    assert result.stderr.startswith("calm: ")
    assert snapshot(dana) == before


# -- calm list ---------------------------------------------------------------------------------


def listed(*flags: str) -> list[str]:
    result = calm("list", "--json", *flags)
    assert result.exit_code == 0, result.output
    return [r["id"] for r in json.loads(result.stdout)]


def test_list_json_is_every_case_newest_first(board: dict[str, Case]) -> None:
    b = board
    assert listed() == [b[k].id for k in
                        ("pat", "sam", "uma", "quinn", "dana", "lee", "olga", "max")]  # fmt: skip
    [row] = [r for r in json.loads(calm("list", "--json").stdout) if r["id"] == b["dana"].id]
    assert row == {
        "id": b["dana"].id,
        "customer": "Dana Fox",
        "phone": "0770 111",
        "job": "bath",
        "status": "open",
        "due": "2026-11-17T09:00:00+00:00",
        "created": "2026-11-10T09:00:00+00:00",
        "planned": "Offer: Regrout",
        "tree": "default",
        "owner": None,
    }


HOSTILE = {
    "customer": 'Zoë "Z" [bold]O\'Brien[/bold] \\ 日本 😀',
    "job": "line one\nline two\ttabbed \x01\x1f\u2028 end",
    "phone": "",
}


@pytest.mark.parametrize("touched", [False, True])
def test_list_json_keeps_any_text_exactly(calm_home: Path, touched: bool) -> None:
    """Whatever a case's text holds, `list --json` gives it back exactly (empty as null), as
    the index stored it or, for a file changed since (`touched`), as read again on the way."""
    case = short(HOSTILE["customer"], "2026-11-10T09:00", "2026-11-17T09:00",
                 job=HOSTILE["job"], phone=HOSTILE["phone"], offer="Fix \"it\"")  # fmt: skip
    assert calm("list", "--json").exit_code == 0  # indexed
    if touched:
        [path] = (calm_home / "cases").glob("*.yaml")
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    [row] = json.loads(calm("list", "--json").stdout)
    assert row["id"] == case.id
    assert row["customer"] == HOSTILE["customer"] and row["job"] == HOSTILE["job"]
    assert row["phone"] is None and row["owner"] is None
    assert row["planned"] == 'Offer: Fix "it"'


def test_list_filters(board: dict[str, Case]) -> None:
    b = board
    assert listed("--open") == [b[k].id for k in ("pat", "sam", "uma", "dana", "lee", "max")]
    assert listed("--closed") == [b["quinn"].id, b["olga"].id]
    assert listed("--since", "7d") == [b[k].id for k in ("pat", "sam", "uma", "quinn")]
    assert listed("--since", "2026-11-01") == [
        b[k].id for k in ("pat", "sam", "uma", "quinn", "dana", "lee")
    ]
    assert listed("--customer", "FOX") == [b["dana"].id]
    assert listed("--customer", "o", "--closed") == [b["olga"].id]
    assert listed("--customer", "nobody") == []


def test_list_table_shows_cases(board: dict[str, Case]) -> None:
    result = calm("list", "--open")
    assert result.exit_code == 0
    assert "next check-in" in result.stdout
    assert "Tue 17 Nov 09:00" in line_with(result.stdout, "Dana Fox")[1]
    assert "Olga Reyes" not in result.stdout
    assert calm("list", "--customer", "nobody").stdout == "No cases match.\n"


@pytest.mark.parametrize(
    "flags", [["--open", "--closed"], ["--since", "last week"], ["--since", "31/02"]]
)
def test_list_refuses_bad_filters(board: dict[str, Case], flags: list[str]) -> None:
    result = calm("list", *flags)
    assert result.exit_code == 2
    assert result.stderr.startswith("calm: ")
    assert result.stdout == ""


def test_list_newest_first_across_the_clocks_going_back() -> None:
    early = short("Ann Early", "2026-10-25T01:30:00+01:00", None)  # 00:30 UTC
    late = short("Ben Late", "2026-10-25T01:10:00+00:00", None)  # 01:10 UTC, 40 min later
    assert listed() == [late.id, early.id]


# -- calm show and calm export -----------------------------------------------------------------


def test_show_has_the_plan_status_check_ins_and_history(board: dict[str, Case]) -> None:
    dana = board["dana"]
    done = calm(
        "followup", "done", dana.id, "--no-input", "--reached",
        "--satisfaction", "partly", "--feedback", "Edge still leaks",
    )  # fmt: skip
    assert done.exit_code == 0
    result = calm("show", dana.id)
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    assert "Call plan: Dana Fox" in shown
    assert "Regrout the splashback" in shown  # the option from the plan
    assert "Status: open next check-in Fri 20 Nov 09:00" in shown
    assert "Check-ins" in shown
    [checkin] = [line for line in result.stdout.splitlines() if "Edge still leaks" in line]
    assert "Wed 18 Nov 10:00" in checkin and "yes" in checkin and "partly satisfied" in checkin
    history = result.stdout[result.stdout.index("History") :]
    assert "Tue 10 Nov 09:00" in line_with(history, "case opened")[1]
    checked = line_with(history, "checked in")[1]
    assert "Wed 18 Nov 10:00" in checked
    assert "next check-in Fri 20 Nov 09:00, reached, partly satisfied" in checked  # in words
    assert "T09:00" not in history and "True" not in history and "checked_in" not in history


def test_show_a_closed_case(board: dict[str, Case]) -> None:
    result = calm("show", board["olga"].id)
    assert result.exit_code == 0
    assert "Status: closed" in result.stdout
    assert "next check-in" not in result.stdout


def test_export_json_is_the_case_file(board: dict[str, Case]) -> None:
    dana = board["dana"]
    calm("followup", "snooze", dana.id, "--until", "fri")
    result = calm("export", dana.id, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == yaml.safe_load(case_file(dana).read_text(encoding="utf-8"))


def test_export_ics_is_the_reminder(board: dict[str, Case]) -> None:
    dana = board["dana"]
    result = calm("export", dana.id, "--format", "ics")
    assert result.exit_code == 0
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    [exported] = list(calendar.walk("VEVENT"))
    saved = event(reminder_file(dana))
    assert str(exported["UID"]) == str(saved["UID"])
    assert exported.decoded("DTSTART") == reload(dana).followup_due
    assert "Dana Fox" in str(exported["SUMMARY"])


def test_export_ics_of_a_closed_case_is_its_cancellation(board: dict[str, Case]) -> None:
    result = calm("export", board["olga"].id, "--format", "ics")
    assert result.exit_code == 0
    (event,) = icalendar.Calendar.from_ical(result.stdout).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{board['olga'].id}@calm.local"


def test_export_md_has_status_and_history(board: dict[str, Case]) -> None:
    dana = board["dana"]
    calm("followup", "snooze", dana.id, "--until", "fri")
    result = calm("export", dana.id)
    assert result.exit_code == 0
    md = result.stdout
    assert md == calm("export", dana.id, "--format", "md").stdout
    assert "## Status: open" in md
    assert "Next check-in: Fri 20 Nov 09:00" in md
    history = md[md.index("## History") :]
    assert "- Tue 10 Nov 09:00 case opened (tree default, version 2)" in history
    snoozed = line_with(history, "check-in moved")[1]
    assert (
        snoozed == "- Wed 18 Nov 10:00 check-in moved (from Tue 17 Nov 09:00, to Fri 20 Nov 09:00)"
    )


def test_export_refuses_an_unknown_format(board: dict[str, Case]) -> None:
    result = calm("export", board["dana"].id, "--format", "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.stderr


# -- naming a case -----------------------------------------------------------------------------


def exported_id(ref: str) -> str:
    result = calm("export", ref, "--format", "json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["id"])


def test_a_case_is_found_by_id_prefix_or_name(board: dict[str, Case]) -> None:
    dana = board["dana"]
    assert exported_id(dana.id) == dana.id
    assert exported_id("2026-11-10") == dana.id  # unique start of the id
    assert exported_id("2026-11-05-lee") == board["lee"].id
    assert exported_id("Dana Fox") == dana.id
    assert exported_id("dana fox") == dana.id
    assert exported_id("  DANA FOX ") == dana.id
    assert exported_id("ortiz") == board["sam"].id  # part of a name


def test_an_ambiguous_name_lists_the_candidates(board: dict[str, Case]) -> None:
    first = short("Ann Lee", "2026-11-01T09:00", "2026-11-19T09:00")
    second = short("Ann Lee", "2026-11-11T09:00", None, status="closed")
    for args in (["show", "ann lee"], ["followup", "done", "Ann Lee", "--no-input", "--close"],
                 ["followup", "snooze", "ann lee", "--until", "fri"]):  # fmt: skip
        result = calm(*args)
        assert result.exit_code == 2
        assert "matches 2 cases" in result.stderr
        assert first.id in result.stderr and second.id in result.stderr
    assert reload(first).history == first.history


def test_an_ambiguous_id_prefix_lists_the_candidates(board: dict[str, Case]) -> None:
    result = calm("show", "2026-11-1")
    assert result.exit_code == 2
    for key in ("dana", "quinn", "uma", "sam", "pat"):
        assert board[key].id in result.stderr
    assert board["lee"].id not in result.stderr


def test_an_unknown_case_suggests_close_matches(board: dict[str, Case]) -> None:
    result = calm("show", "Dana Fax")
    assert result.exit_code == 2
    assert "no case matches 'Dana Fax'" in result.stderr
    assert "Dana Fox" in result.stderr
    assert result.stdout == ""

    nothing = calm("followup", "done", "Zebediah", "--no-input", "--close")
    assert nothing.exit_code == 2
    assert "no case matches 'Zebediah'" in nothing.stderr


# -- hostile text ------------------------------------------------------------------------------


def test_escape_sequences_in_a_name_do_not_reach_the_due_list() -> None:
    short("Eve\x1b[2J\x1b]0;owned\x07 Moss", "2026-11-10T09:00", "2026-11-17T09:00",
          job="bath\x1b[31m")  # fmt: skip
    for args in (["followup"], ["followup", "--check"]):
        result = calm(*args)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "Eve" in result.stdout and "Moss" in result.stdout


def test_escape_sequences_in_a_name_do_not_reach_the_case_list() -> None:
    short("Eve\x1b[2J\x1b]0;owned\x07 Moss", "2026-11-10T09:00", "2026-11-17T09:00",
          job="bath\x1b[31m")  # fmt: skip
    result = calm("list")
    assert result.exit_code == 0
    assert "Moss" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
