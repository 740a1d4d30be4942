"""`calm followup --notify`: a stand-in notify-send (and osascript) on PATH records what it is
asked to show."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from .conftest import calm, ok

RECORDER = """#!{python}
import json, os, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": sys.argv, "dbus": os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
                          "display": os.environ.get("DISPLAY")}}) + "\\n")
sys.exit(int(os.environ.get("STAND_IN_EXIT", "0")))
"""


def stand_in(folder: Path, name: str, log: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(RECORDER.format(python=sys.executable, log=str(log)), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def shown(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def recorder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "shown.jsonl"
    stand_in(tmp_path / "bin", "notify-send", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return log


def test_each_item_is_shown_once_when_its_time_comes(dana: str, recorder: Path) -> None:
    # The check-in is Tue 1 Dec 10:00; the alarm's lead is 15 minutes.
    ok("followup", "--notify", now="2026-12-01T09:40")
    assert shown(recorder) == []
    ok("followup", "--notify", now="2026-12-01T09:46")
    (first,) = shown(recorder)
    argv = first["argv"]
    assert isinstance(argv, list)
    assert argv[1:5] == ["--app-name=calm", "--icon=appointment-soon", "--",
                         "calm: Check in with Dana Whitfield"]  # fmt: skip
    assert argv[5] == (
        f"Due 10:00 · 07700 900123 · Bathroom retile, 14 Elm Road\ncalm followup done {dana}"
    )
    ok("followup", "--notify", now="2026-12-01T09:56")  # a timer every 10 minutes
    assert len(shown(recorder)) == 1
    ok("followup", "--notify", "--again", now="2026-12-01T09:57")
    assert len(shown(recorder)) == 2
    # Still owed the next morning: shown again, as overdue; a promise too.
    ok("item", "add", dana, "Send the invoice @ wed 9am", now="2026-12-01T12:00")
    ok("followup", "--notify", now="2026-12-02T08:50")
    titles = [e["argv"][4] for e in shown(recorder)[2:]]  # type: ignore[index]
    assert titles == [
        "calm: Check in with Dana Whitfield",
        "calm: Promised to Dana Whitfield: Send the invoice",
    ]
    assert str(shown(recorder)[2]["argv"][5]).startswith("Overdue 1 day (Tue 1 Dec 10:00)")  # type: ignore[index]


def test_a_moved_check_in_is_a_new_nudge(dana: str, recorder: Path) -> None:
    ok("followup", "--notify", now="2026-12-01T10:00")
    ok("followup", "snooze", dana, "--until", "today 3pm", now="2026-12-01T10:05")
    ok("followup", "--notify", now="2026-12-01T10:10")
    assert len(shown(recorder)) == 1
    ok("followup", "--notify", now="2026-12-01T14:50")
    assert len(shown(recorder)) == 2


def test_the_customers_words_are_not_markup(tmp_path: Path, recorder: Path) -> None:
    import yaml

    from .conftest import ANSWERS

    answers = tmp_path / "a.yaml"
    odd = dict(ANSWERS, customer_name="Lee <b>Smith</b>", job="Tiles & <grout>")
    answers.write_text(yaml.safe_dump(odd), encoding="utf-8")
    ok("new", "--tree", "default", "--answers", str(answers), "--no-input")
    ok("followup", "--notify", now="2026-12-01T10:00")
    (entry,) = shown(recorder)
    argv = entry["argv"]
    assert isinstance(argv, list)
    assert argv[4] == "calm: Check in with Lee <b>Smith</b>"  # titles are plain text
    assert "Tiles &amp; &lt;grout&gt;" in argv[5]


def test_macos_uses_osascript_with_the_text_as_arguments(
    dana: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "osa.jsonl"
    stand_in(tmp_path / "macbin", "osascript", log)
    monkeypatch.setenv("PATH", str(tmp_path / "macbin"))
    monkeypatch.setattr(sys, "platform", "darwin")
    ok("followup", "--notify", now="2026-12-01T10:00")
    (entry,) = shown(log)
    argv = entry["argv"]
    assert isinstance(argv, list)
    assert argv[1:7] == [
        "-e", "on run argv",
        "-e", "display notification (item 2 of argv) with title (item 1 of argv)",
        "-e", "end run",
    ]  # fmt: skip
    assert argv[7] == "calm: Check in with Dana Whitfield"


def test_no_way_to_notify_is_one_clear_message(
    dana: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = calm("followup", "--notify", now="2026-12-01T10:00")
    assert result.exit_code == 1
    assert result.stderr.startswith("calm: calm cannot show a desktop notification here: it "
                                    "needs notify-send")  # fmt: skip
    nothing_due = calm("followup", "--notify", now="2026-11-30T10:00")
    assert nothing_due.exit_code == 0  # nothing to show: nothing to complain about


def test_a_failing_notify_send_says_what_cron_needs(
    dana: str, recorder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAND_IN_EXIT", "1")
    result = calm("followup", "--notify", now="2026-12-01T10:00")
    assert result.exit_code == 1
    assert "notify-send failed (exit 1)" in result.stderr
    assert "DBUS_SESSION_BUS_ADDRESS" in result.stderr
    monkeypatch.setenv("STAND_IN_EXIT", "0")
    ok("followup", "--notify", now="2026-12-01T10:01")  # not remembered as shown: shown now
    assert len(shown(recorder)) == 2
