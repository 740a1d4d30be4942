"""`calm log` and `calm followup done` as a person at a keyboard meets them (pseudo-terminal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from casefactory import make_case, reload

from .conftest import Keyboard, Term

pytestmark = pytest.mark.e2e
NOW = "2026-11-30T10:00:00+00:00"  # a Monday


@pytest.fixture
def spawn(spawn_calm: Callable[..., Term], calm_env: dict[str, str]) -> Callable[..., Term]:
    calm_env["CALM_NOW"] = NOW
    return spawn_calm


def test_log_re_asks_a_bad_date_keeping_what_was_typed(
    spawn: Callable[..., Term], calm_home: Path
) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-02T09:00")
    term = spawn("log", case.id)
    term.expect("Logging the call with Dana Fox.")
    term.expect("Which option did you agree on?")
    term.send(Keyboard.CtrlU)
    term.type("Regrout the edge")
    term.expect("A promised action")
    term.type("Refit tray @ yesterday")  # WHAT @ WHEN, with a date in the past
    term.expect("is in the past")
    term.expect("A promised action")
    term.expect("Refit tray @ yesterday")  # offered again as typed: only the date to fix
    term.send(Keyboard.CtrlU)
    term.type("Refit tray @ wed 2pm")
    term.expect("A promised action")
    term.type("Send photos")  # no @: asked when, separately
    term.expect("By when will you: Send photos?")
    term.type("someday")
    term.expect("can't read")
    term.expect("By when will you: Send photos?")
    term.send(Keyboard.CtrlU)
    term.type("thu")
    term.expect("Thu 3 Dec 09:00")  # the date understood, said back
    term.expect("A promised action")
    term.type("")
    term.expect("When will you check in with them next?")
    term.expect("Fri 4 Dec 09:00")  # the morning after the last promise, offered
    term.send(Keyboard.Enter)
    term.expect("Notes")
    term.type("")
    term.expect("Logged. Next check-in with Dana Fox: Fri 4 Dec 09:00")
    assert term.wait_exit() == 0
    logged = reload(case)
    assert [(i.what, i.due.strftime("%a %H:%M") if i.due else None) for i in logged.items] == [
        ("Refit tray", "Wed 14:00"),
        ("Send photos", "Thu 09:00"),
    ]
    assert logged.agreed == "Regrout the edge"


def test_log_on_a_closed_case_refuses_before_asking(
    spawn: Callable[..., Term], calm_home: Path
) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due=None, status="closed")
    term = spawn("log", case.id)
    assert term.wait_exit() == 2
    assert "closed; add --reopen" in term.text
    assert "Which option" not in term.text


def test_followup_done_says_whose_case_and_what_was_agreed_first(
    spawn: Callable[..., Term], calm_home: Path
) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    path = calm_home / "cases" / f"{case.id}.yaml"
    data = yaml.safe_load(path.read_text())
    data["outcome"] = {"at": NOW, "option": "Regrout the edge", "notes": ""}
    data["answers"]["intensity"] = 5
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    term = spawn("followup", "done", case.id)
    intro = term.expect("Did you reach Dana Fox?")
    assert "Check-in: Dana Fox, 07700 900123" in intro
    assert "Agreed: Regrout the edge" in intro
    term.send("n")
    term.expect("When will you try Dana Fox again?")
    term.expect("Mon 30 Nov 13:00")  # very upset: later today, offered
    term.send(Keyboard.Enter)
    term.expect("Not reached. Try Dana Fox again: Mon 30 Nov 13:00")
    assert term.wait_exit() == 0
    assert "breather" not in term.text
    assert reload(case).checkins[-1]["reached"] is False
