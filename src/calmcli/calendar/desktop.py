"""Showing a desktop notification: notify-send on Linux (and the BSDs), osascript on macOS.
The text goes as arguments, never through a shell or into a script's source."""

from __future__ import annotations

import shutil
import subprocess
import sys

from calmcli.errors import CalmError

TIMEOUT = 10
APPLESCRIPT = [
    "-e",
    "on run argv",
    "-e",
    "display notification (item 2 of argv) with title (item 1 of argv)",
    "-e",
    "end run",
]


def command(title: str, body: str) -> list[str]:
    """The command that shows one notification here; CalmError where there is none."""
    if sys.platform == "darwin" and (found := shutil.which("osascript")):
        return [found, *APPLESCRIPT, title, body]
    found = shutil.which("notify-send")
    if found:
        return [found, "--app-name=calm", "--icon=appointment-soon", "--", title, _markup(body)]
    raise CalmError(
        "calm cannot show a desktop notification here: it needs notify-send (Linux: the "
        "libnotify-bin package on Debian and Ubuntu, libnotify on Fedora and Arch) or "
        "osascript (macOS); `calm followup` lists what is due"
    )


def show(title: str, body: str) -> None:
    argv = command(title, body)
    program = argv[0].rsplit("/", 1)[-1]
    try:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise CalmError(f"{program} did not finish within {TIMEOUT} s") from None
    except OSError as exc:
        raise CalmError(f"{program} could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[:1]
        hint = (
            "; from cron or a timer it needs DBUS_SESSION_BUS_ADDRESS (see calm's README, "
            "Desktop nudges)"
            if program == "notify-send"
            else ""
        )
        raise CalmError(
            f"{program} failed (exit {done.returncode}"
            + (f": {said[0][:160]}" if said else "")
            + f"){hint}"
        )


def _markup(text: str) -> str:
    """notify-send's body may be read as markup: show the customer's words as they are."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
