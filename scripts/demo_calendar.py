#!/usr/bin/env python3
"""One case's life against a real Radicale, with the events on the server listed by the
caldav client after each step; then the outbox while the server is stopped, and emptied
when it is back. Everything in a temporary folder; nothing of yours is touched.

    .venv/bin/python scripts/demo_calendar.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from calsync.radicale_server import PASSWORD, USER, Radicale  # noqa: E402

ANSWERS = """customer_name: Dana Whitfield
customer_phone: "07700 900123"
job: Bathroom retile, 14 Elm Road
feelings: {frustrated: 4}
cause: the grout has cracked along the shower tray
what_happened: Grout cracked along the shower tray.
wants: [repair]
wants_words: clean grout that stays put
option_1: Regrout the edge
option_ratings:
  option_1: {ease: 5, cost: 2, speed: 4}
followup_at: "tue 10am"
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="calm-demo-") as tmp:
        folder = Path(tmp)
        env = dict(
            os.environ,
            CALM_HOME=str(folder / "home"),
            CALM_CACHE=str(folder / "cache"),
            CALM_CONFIG=str(folder / "config.toml"),
            CALM_STATE=str(folder / "state"),
            CALM_NOW="2026-11-30T10:00",
            CALM_CALENDAR_PASSWORD=PASSWORD,
            TZ="Europe/London",
            NO_COLOR="1",
            COLUMNS="100",
        )
        server = Radicale(folder / "radicale").start()
        try:
            server.make_calendar("Jobs")
            (folder / "answers.yaml").write_text(ANSWERS, encoding="utf-8")

            def calm(*args: str, now: str = "2026-11-30T10:00") -> None:
                print(f"$ calm {' '.join(_quote(a) for a in args)}")
                done = subprocess.run(
                    [sys.executable, "-m", "calmcli", *args],
                    env=env | {"CALM_NOW": now},
                    capture_output=True,
                    text=True,
                )
                # The command's first line, and everything it says about the calendar.
                shown = done.stdout.splitlines()[:1] + done.stderr.splitlines()
                if args[0] == "calendar":
                    shown = done.stdout.splitlines() + done.stderr.splitlines()
                for line in shown:
                    print(f"  | {line}")
                print(f"  (exit {done.returncode})")

            def listing() -> None:
                print("  events on the server (caldav client):")
                for line in server.listing("Jobs") or ["(none)"]:
                    print(f"    {line}")
                print()

            def outbox() -> None:
                files = sorted((folder / "state" / "calendar" / "outbox").glob("*.json"))
                print(f"  outbox: {[f.name for f in files] or 'empty'}")

            calm("calendar", "connect", server.url, "--user", USER, "--calendar", "Jobs")
            calm("new", "--tree", "default", "--answers", str(folder / "answers.yaml"),
                 "--no-input")  # fmt: skip
            listing()
            calm("log", "dana", "--no-input", "--option", "Regrout the edge",
                 "--action", "Regrout the tray edge @ tue 10am",
                 "--action", "Text a photo @ wed 5pm")  # fmt: skip
            listing()
            calm("item", "move", "dana", "2", "--to", "thu 4pm", "--why", "waiting for light")
            listing()
            calm("item", "drop", "dana", "2", "--why", "they came round instead")
            listing()
            print("# the server is stopped")
            server.stop()
            calm("delay", "dana", "--until", "fri 10am", "--why", "the grout is out of stock")
            outbox()
            calm("calendar", "status")
            print("# kill -9 cannot lose it: each queued save is its own file, written atomically")
            print("# the server is back")
            server.start()
            calm("calendar", "sync")
            outbox()
            listing()
            calm("item", "done", "dana", "1", now="2026-12-04T15:00")
            listing()
            calm("followup", "done", "dana", "--reached", "--satisfaction", "satisfied",
                 "--no-input", now="2026-12-07T09:05")  # fmt: skip
            listing()
        finally:
            server.stop()


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


if __name__ == "__main__":
    main()
