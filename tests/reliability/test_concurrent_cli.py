"""Concurrency: 20 real `calm` commands at once against one case and a few others.

`calm followup done`, `calm followup snooze` and `calm log` each change a case under its lock.
Run together (subprocesses, `--no-input`, the clock pinned), every one exits 0, every change is
in the case's history, the files parse, the reminder matches the case, and the only thing any
of them prints on stderr is the "busy ... retrying" line.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import icalendar

from calmcli.domain.case import Case
from casefactory import make_case, reload, reminder_file

from .helpers import BUSY, calm_env, calm_exe, count, peak, record, stray_files

SECTION = "concurrency"


def command(kind: str, case_id: str, n: int) -> list[str]:
    """One change, tagged with `n` so it can be found in the case afterwards."""
    if kind == "done":
        return [
            "followup",
            "done",
            case_id,
            "--not-reached",
            "--feedback",
            f"fb-{n}",
            "--next",
            f"+{n % 20 + 1}d",
            "--no-input",
        ]
    if kind == "snooze":
        return [
            "followup",
            "snooze",
            case_id,
            "--until",
            f"2027-01-{n % 28 + 1:02d} {n % 12 + 8}:{n % 60:02d}",
        ]
    return [
        "log",
        case_id,
        "--option",
        f"opt-{n}",
        "--notes",
        f"note-{n}",
        "--next",
        f"+{n % 9 + 1}d",
        "--no-input",
    ]


def found(case: Case, kind: str, n: int) -> bool:
    if kind == "done":
        return any(c.get("feedback") == f"fb-{n}" for c in case.checkins) and any(
            e.get("event") == "checked_in" for e in case.history
        )
    if kind == "snooze":
        until = f"2027-01-{n % 28 + 1:02d}T{n % 12 + 8:02d}:{n % 60:02d}:00"
        return any(
            e.get("event") == "snoozed" and str(e.get("until", "")).startswith(until)
            for e in case.history
        )
    return any(e.get("event") == "logged" and e.get("option") == f"opt-{n}" for e in case.history)


def test_twenty_commands_at_once_lose_no_update(calm_home: Path) -> None:
    processes = count("processes", 20, 40)
    rounds = count("concurrency_rounds", 1, 5)
    hot = make_case("Hot Case", created="2026-11-20T09:00", due="2026-12-02T09:00")
    others = [
        make_case(name, created="2026-11-21T09:00", due="2026-12-03T09:00")
        for name in ("Ann Lee", "Ben Cho", "Cat Diaz", "Dev Rao")
    ]
    kinds = ("done", "snooze", "log")
    env = calm_env()
    exe = str(calm_exe())
    busy_lines = failures = lost = tracebacks = n = 0
    start = time.perf_counter()
    for _ in range(rounds):
        jobs = []
        for i in range(processes):
            n += 1
            # Three in five go to the same case; the rest spread over the others.
            target = hot if i % 5 < 3 else others[i % len(others)]
            jobs.append((kinds[n % 3], target.id, n))
        before = {c.id: len(reload(c).history) for c in [hot, *others]}
        procs = [
            subprocess.Popen(
                [exe, *command(kind, cid, k)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for kind, cid, k in jobs
        ]
        peak(SECTION, processes_at_once=len(procs))
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        record(SECTION, processes=len(procs))
        problems = []
        for (kind, cid, k), (code, out, err) in zip(jobs, results, strict=True):
            tracebacks += (out + err).decode().count("Traceback (most recent call last)")
            stderr_lines = [line for line in err.decode().splitlines() if line.strip()]
            busy_lines += sum(1 for line in stderr_lines if BUSY.match(line))
            other = [line for line in stderr_lines if not BUSY.match(line)]
            if code != 0 or other:
                failures += 1
                problems.append(
                    f"{command(kind, cid, k)} -> {code}: {other or out.decode()[-300:]}"
                )
        for c in [hot, *others]:
            case = reload(c)  # parses
            mine = [(kind, k) for kind, cid, k in jobs if cid == c.id]
            missing = [(kind, k) for kind, k in mine if not found(case, kind, k)]
            lost += len(missing)
            problems += [f"{c.id}: lost {m}" for m in missing]
            if len(case.history) != before[c.id] + len(mine):
                problems.append(
                    f"{c.id}: {len(case.history)} events, expected {before[c.id] + len(mine)}"
                )
            calendar = icalendar.Calendar.from_ical(reminder_file(case).read_bytes())
            (event,) = calendar.walk("VEVENT")
            if int(event["SEQUENCE"]) != len(case.history) or (
                event.decoded("dtstart") != case.followup_due
            ):
                problems.append(f"{c.id}: the reminder is not in step with the case")
        if problems:
            break
    record(
        SECTION,
        updates_applied=n,
        busy_retries_seen=busy_lines,
        failures=failures,
        losses=lost,
        tracebacks=tracebacks,
        seconds=round(time.perf_counter() - start, 1),
    )
    assert problems == [], problems
    assert stray_files(calm_home) == []
