"""The README's systemd timer and cron line, as pasted: run the way systemd and cron run them
(no DBUS_SESSION_BUS_ADDRESS, no DISPLAY, a bare PATH, calm's default folders under HOME),
with a stand-in notify-send that records what it was given and in which environment."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .test_notify import shown, stand_in

README = Path(__file__).resolve().parents[2] / "README.md"


def block(opening: str) -> str:
    """The fenced code block of the README that starts with `opening`."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"```\w*\n(" + re.escape(opening) + r".*?)```", text, re.S)
    assert found, opening
    return found.group(1)


@pytest.fixture
def desktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A user's home with calm installed where pipx puts it, a case due in five minutes of
    real time (cron and systemd have no CALM_NOW) in calm's default folders, and a recorder
    for notify-send."""
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    installed = Path(sys.executable).with_name("calm")
    assert installed.exists(), installed
    (home / ".local" / "bin" / "calm").symlink_to(installed)
    monkeypatch.setenv("CALM_HOME", str(home / ".local" / "share" / "calm"))
    from casefactory import make_case

    now = datetime.now(ZoneInfo("Europe/London"))
    make_case("Dana Whitfield", created=now - timedelta(hours=1), due=now + timedelta(minutes=5))
    log = tmp_path / "shown.jsonl"
    stand_in(tmp_path / "stand-in", "notify-send", log)
    return {"home": home, "log": log, "bin": tmp_path / "stand-in"}


def bare_env(desktop: dict[str, Path], path: str) -> dict[str, str]:
    return {
        "HOME": str(desktop["home"]),
        "LOGNAME": "calm-user",
        "SHELL": "/bin/sh",
        "PATH": f"{desktop['bin']}:{path}",
    }


def test_the_cron_line_shows_a_notification(desktop: dict[str, Path]) -> None:
    (line,) = [x for x in block("*/10").splitlines() if x.strip()]
    minute, hour, day, month, weekday, command = line.split(None, 5)
    assert (minute, hour, day, month, weekday) == ("*/10", "*", "*", "*", "*")
    assert "%" not in command  # cron would cut the line there
    env = bare_env(desktop, "/usr/bin:/bin")  # cron's own PATH, with notify-send's stand-in
    done = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")  # cron mails any output
    (entry,) = shown(desktop["log"])
    assert entry["dbus"] == f"unix:path=/run/user/{os.getuid()}/bus"
    assert entry["display"] == ":0"
    assert entry["argv"][4] == "calm: Check in with Dana Whitfield"  # type: ignore[index]
    again = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and len(shown(desktop["log"])) == 1  # once, not every 10 min


def test_the_systemd_units_show_a_notification(desktop: dict[str, Path]) -> None:
    service = block("# ~/.config/systemd/user/calm-nudge.service")
    timer = block("# ~/.config/systemd/user/calm-nudge.timer")
    assert "OnCalendar=*:0/10" in timer and "WantedBy=timers.target" in timer
    assert "Type=oneshot" in service
    runtime = f"/run/user/{os.getuid()}"
    specifiers = {"%h": str(desktop["home"]), "%t": runtime, "%U": str(os.getuid())}

    def expand(text: str) -> str:
        for key, value in specifiers.items():
            text = text.replace(key, value)
        return text

    environment = dict(
        expand(line.split("=", 1)[1]).split("=", 1)
        for line in service.splitlines()
        if line.startswith("Environment=")
    )
    commands = [expand(line.split("=", 1)[1]) for line in service.splitlines()
                if line.startswith("ExecStart=")]  # fmt: skip
    assert len(commands) == 1
    # A user service's environment: no DISPLAY, the manager's PATH, XDG_RUNTIME_DIR.
    env = bare_env(desktop, "/usr/local/bin:/usr/bin:/bin") | {"XDG_RUNTIME_DIR": runtime}
    done = subprocess.run(
        shlex.split(commands[0]), env=env | environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    (entry,) = shown(desktop["log"])
    assert entry["dbus"] == f"unix:path={runtime}/bus"
    assert entry["argv"][4] == "calm: Check in with Dana Whitfield"  # type: ignore[index]
