"""A real CalDAV server for the tests: Radicale in a subprocess on 127.0.0.1, its storage in
the test's temporary folder, a user `alice` with a plain-text password (test only).

`Radicale(folder).start()` waits until it answers; `stop()` kills it (the storage stays, so
`start()` again is the same server back). `rights="read-only"` makes calendars refuse new
events (HTTP 403); `failing=True` swaps in a storage that fails every write (HTTP 500).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

USER, PASSWORD = "alice", "s3cret-for-tests-only"
HERE = Path(__file__).resolve().parent

READ_ONLY = """
[root]
user: .+
collection:
permissions: R

[principal]
user: .+
collection: {user}
permissions: R

[calendars]
user: .+
collection: {user}/[^/]+
permissions: r
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, *, rights: str = "owner", failing: bool = False) -> Radicale:
        config = self.folder / "config"
        rights_part = "type = owner_only"
        if rights == "read-only":
            (self.folder / "rights").write_text(READ_ONLY, encoding="utf-8")
            rights_part = f"type = from_file\nfile = {self.folder / 'rights'}"
        storage_type = "type = failing_storage\n" if failing else ""
        config.write_text(
            f"""
[server]
hosts = 127.0.0.1:{self.port}
delay_on_error = 0
[auth]
type = htpasswd
htpasswd_filename = {self.folder / "users"}
htpasswd_encryption = plain
delay = 0
[rights]
{rights_part}
[storage]
{storage_type}filesystem_folder = {self.folder / "storage"}
[logging]
level = error
""",
            encoding="utf-8",
        )
        env = dict(os.environ, PYTHONPATH=str(HERE))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "log").open("ab"),
            env=env,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "log").read_text(encoding="utf-8"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Radicale did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    # -- what the server holds, read with the caldav client itself ----------------------------

    def client(self) -> Any:
        from caldav.davclient import DAVClient

        return DAVClient(
            self.url, username=USER, password=PASSWORD, enable_rfc6764=False, timeout=10
        )

    def make_calendar(self, name: str) -> str:
        return str(self.client().principal().make_calendar(name=name).url)

    def calendar(self, name: str) -> Any:
        for found in self.client().principal().calendars():
            if found.get_display_name() == name:
                return found
        raise KeyError(name)

    def events(self, name: str) -> dict[str, Any]:
        """UID -> the VEVENT, as the caldav client lists the calendar."""
        return {
            str(e.icalendar_component["UID"]): e.icalendar_component
            for e in self.calendar(name).events()
        }

    def listing(self, name: str) -> list[str]:
        """One line per event: UID, start, summary, alarm."""
        out = []
        for uid, event in sorted(self.events(name).items()):
            alarms = [a.get("TRIGGER").to_ical().decode() for a in event.walk("VALARM")]
            out.append(
                f"{uid}  {event.decoded('DTSTART'):%a %-d %b %H:%M}  {event['SUMMARY']}"
                f"  alarm {','.join(alarms) or 'none'}"
            )
        return out
