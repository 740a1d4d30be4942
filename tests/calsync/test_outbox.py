"""The outbox survives kill -9; the daily commands never touch the network or load CalDAV
code, whatever is waiting."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .conftest import CALENDAR, NOW, ok, outbox
from .radicale_server import USER, Radicale

NETWORK = re.compile(
    r"\|\s*(caldav|niquests|urllib3|requests|keyring|lxml|calmcli\.calendar)(\.|\s*$)", re.M
)


def run_calm(*args: str, flags: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    env = dict(os.environ, CALM_NOW=NOW)
    return subprocess.Popen(
        [sys.executable, *flags, "-m", "calmcli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_outbox_survives_kill_9_in_the_middle_of_a_push(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/alice/jobs/"
        config = tmp_path / "calm-config" / "config.toml"
        real = config.read_text(encoding="utf-8")
        ok("config", "set", "calendar.url", url)
        ok("config", "set", "calendar.timeout", "60")
        process = run_calm("followup", "snooze", dana, "--until", "thu 9am")
        deadline = time.monotonic() + 20
        while not outbox(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # inside the push now, waiting on the silent server
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
    (queued,) = outbox(tmp_path)
    data = json.loads(queued.read_text(encoding="utf-8"))
    assert data["case"] == dana and data["events"][0]["summary"].startswith("Check in")
    config.write_text(real, encoding="utf-8")  # the real server again
    ok("calendar", "sync")
    assert outbox(tmp_path) == []
    (event,) = connected.events(CALENDAR).values()
    assert f"{event.decoded('DTSTART'):%a %H:%M}" == "Thu 09:00"


def test_followup_check_and_help_load_no_calendar_code_with_changes_waiting(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    connected.stop()  # anything that tried the network would now wait or fail
    ok("followup", "snooze", dana, "--until", "+0d 17:00")
    assert len(outbox(tmp_path)) == 1
    for args in (("followup",), ("followup", "--check"), ("--help",)):
        process = run_calm(*args, flags=("-X", "importtime"))
        out, err = process.communicate(timeout=60)
        assert process.returncode in (0, 1), err
        assert "calmcli.cli.entry" in err
        assert NETWORK.findall(err) == [], args
        assert "calendar:" not in err
    assert len(outbox(tmp_path)) == 1  # nothing was sent


def test_disconnect_forgets_the_server_and_the_outbox(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    connected.stop()
    ok("followup", "snooze", dana, "--until", "thu 9am")
    result = ok("calendar", "disconnect")
    assert "1 change that had not been sent were dropped" not in result.stdout
    assert "1 change that had not been sent was dropped." in result.stdout
    assert outbox(tmp_path) == []
    config = (tmp_path / "calm-config" / "config.toml").read_text(encoding="utf-8")
    assert "calendar" not in config and USER not in config
    assert ok("calendar", "status").stdout.startswith("No calendar server connected")


def test_calms_at_once_send_every_change_in_order(
    connected: Radicale, dana: str, tmp_path: Path
) -> None:
    """Six changes from six processes at once: each waits its turn to send, nothing is lost,
    and the calendar ends with the last change."""
    processes = []
    for hour in range(10, 16):
        processes.append(run_calm("followup", "snooze", dana, "--until", f"wed {hour}:00"))
        time.sleep(0.15)  # started in this order; the case book's lock keeps the saves so
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "calendar:" not in err, err
    assert outbox(tmp_path) == []
    (event,) = connected.events(CALENDAR).values()
    from calmcli.store import cases

    due = cases.load_case(cases.case_path(dana)).followup_due
    assert due is not None
    assert event.decoded("DTSTART") == due
