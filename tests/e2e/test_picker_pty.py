"""The situation picker in a real pseudo-terminal: the team's usual tree comes first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .conftest import Keyboard


def test_the_teams_usual_tree_is_first_and_picked_by_1(spawn_calm: Any, calm_home: Path) -> None:
    calm_home.mkdir(parents=True, exist_ok=True)
    (calm_home / "config.toml").write_text('default_tree = "delay"\n', encoding="utf-8")
    term = spawn_calm("new")
    term.expect("Which situation is it?")
    listed = term.expect("(billing)")
    rows = [m[1] for line in listed.splitlines() if (m := re.search(r"  \((\w+)\)$", line))]
    assert rows == ["delay", "default", "quality", "billing"]
    term.send("1")
    term.expect("A missed date or slow progress")  # the pick, shown
    term.expect("Enter: start")  # the delay tree's note before its first question
    term.send(Keyboard.Enter)
    term.expect("What's the customer's name?")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
