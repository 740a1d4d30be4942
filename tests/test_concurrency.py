"""Several calm processes changing cases at once: no lost update, no torn file, no temp files.

Each worker is a fresh interpreter ('spawn') given its own CALM_HOME/CALM_CACHE environment,
as separate `calm` commands would be. Every change goes through `save.update`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest

from calmcli.casebook import save
from calmcli.clock import dates
from calmcli.domain.case import Case
from calmcli.store import locks
from casefactory import make_case, reload, reminder_file

NOW = "2026-11-18T10:00:00+00:00"
WORKERS = 8
UPDATES = 10


def _use_env(env: dict[str, str]) -> None:
    os.environ.update(env)


def _tag_worker(env: dict[str, str], case_id: str, worker: int, updates: int, start: Any) -> None:
    """Append `updates` history events tagged `worker-i` to one case, one update at a time."""
    _use_env(env)
    at = dates.local_now()
    start.wait(timeout=60)  # all workers begin together, so the updates really overlap
    for i in range(updates):
        tag = f"w{worker}-{i}"
        save.update(case_id, lambda c, tag=tag: c.add_event("touched", at, tag=tag))


def _slow_holder(
    env: dict[str, str], case_id: str, inside: Any, hold: float, release: Any = None
) -> None:
    """A calm update that keeps the case busy after signalling it has begun: until `release`
    is set when one is given (then the test decides, whatever the machine's load), else for
    `hold` seconds."""
    _use_env(env)
    at = dates.local_now()

    def change(case: Case) -> None:
        inside.set()
        if release is not None:
            release.wait(timeout=60)
        else:
            time.sleep(hold)
        case.add_event("touched", at, tag="holder")

    save.update(case_id, change)


def env_now() -> dict[str, str]:
    return {
        "CALM_HOME": os.environ["CALM_HOME"],
        "CALM_CACHE": os.environ["CALM_CACHE"],
        "CALM_NOW": NOW,
        "TZ": "Europe/London",
    }


def run_all(target: Callable[..., None], arg_sets: list[tuple[Any, ...]]) -> None:
    """Run `target(*args, barrier)` in one spawned process per argument tuple, all at once."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(arg_sets))
    procs = [ctx.Process(target=target, args=(*args, start)) for args in arg_sets]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join()
    assert [p.exitcode for p in procs] == [0] * len(procs)


def stray_files(calm_home: Path) -> list[str]:
    """Anything in CALM_HOME that is not a case, a plan or a reminder (temp files above all)."""
    return sorted(
        p.relative_to(calm_home).as_posix()
        for p in calm_home.rglob("*")
        if p.is_file() and (p.suffix not in (".yaml", ".ics", ".md") or p.name.startswith("."))
    )


def tags(case: Case) -> list[str]:
    return [e["tag"] for e in case.history if e.get("event") == "touched"]


def sequence(case: Case) -> int:
    calendar = icalendar.Calendar.from_ical(reminder_file(case).read_bytes())
    [event] = list(calendar.walk("VEVENT"))
    return int(event["SEQUENCE"])


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_NOW", NOW)


def test_many_processes_updating_one_case_lose_nothing(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    run_all(_tag_worker, [(env_now(), case.id, w, UPDATES) for w in range(WORKERS)])

    final = reload(case)  # parses
    assert len(final.history) == 1 + WORKERS * UPDATES
    got = tags(final)
    assert sorted(got) == sorted(f"w{w}-{i}" for w in range(WORKERS) for i in range(UPDATES))
    for w in range(WORKERS):  # each process's own updates stay in the order it made them
        assert [t for t in got if t.startswith(f"w{w}-")] == [f"w{w}-{i}" for i in range(UPDATES)]
    assert final.status == "open"
    assert final.followup_due == dates.from_iso("2026-11-20T09:00")
    assert sequence(final) == len(final.history)
    assert stray_files(calm_home) == []
    in_cases = sorted(p.name for p in (calm_home / "cases").iterdir())
    assert in_cases == [f"{case.id}.md", f"{case.id}.yaml"]


def test_processes_updating_different_cases_at_once(calm_home: Path) -> None:
    cases = [
        make_case(name, created="2026-11-10T09:00", due="2026-11-20T09:00")
        for name in ("Ann Lee", "Ben Cho", "Cat Diaz", "Dev Rao")
    ]
    jobs = [(env_now(), c.id, w, UPDATES) for w, c in enumerate(cases)]
    jobs += [(env_now(), c.id, w + 10, UPDATES) for w, c in enumerate(cases)]  # two per case
    run_all(_tag_worker, jobs)
    for w, case in enumerate(cases):
        final = reload(case)
        assert sorted(tags(final)) == sorted(
            [f"w{w}-{i}" for i in range(UPDATES)] + [f"w{w + 10}-{i}" for i in range(UPDATES)]
        )
        assert final.customer == case.customer
        assert sequence(final) == len(final.history)
    assert stray_files(calm_home) == []


def test_a_busy_case_calls_on_wait_then_succeeds(calm_home: Path) -> None:
    """The waiter is told after about a second, keeps waiting while the holder holds on (here
    until the waiter has been told twice), then applies its change to the holder's result."""
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    ctx = multiprocessing.get_context("spawn")
    inside, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_slow_holder, args=(env_now(), case.id, inside, 0, release))
    holder.start()
    waits: list[float] = []
    start = 0.0

    def told() -> None:
        waits.append(time.monotonic() - start)
        if len(waits) == 2:
            release.set()

    try:
        assert inside.wait(timeout=30), "the other process never got the case"
        start = time.monotonic()
        updated = save.update(
            case.id,
            lambda c: c.add_event("touched", dates.local_now(), tag="waiter"),
            on_wait=told,
        )
    finally:
        release.set()
        holder.join(timeout=30)
    assert holder.exitcode == 0
    assert len(waits) == 2, "the waiter gave up or was never told the case was busy"
    assert waits[0] >= locks.PATIENCE  # the user is told only after about a second of waiting
    assert waits[1] - waits[0] >= locks.PATIENCE  # and then once a second, not in a burst
    assert tags(updated) == ["holder", "waiter"]  # applied to the holder's result, not lost
    assert tags(reload(case)) == ["holder", "waiter"]


def test_busy_message_from_the_command_line(
    calm_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from calmcli.cli import output
    from calmcli.cli.app import app

    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-17T09:00")
    ctx = multiprocessing.get_context("spawn")
    inside, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_slow_holder, args=(env_now(), case.id, inside, 0, release))
    real_busy = output.busy

    def busy_then_release() -> None:  # the holder lets go once the user has been told
        real_busy()
        release.set()

    monkeypatch.setattr(output, "busy", busy_then_release)
    holder.start()
    try:
        assert inside.wait(timeout=30)
        result = CliRunner().invoke(app, ["followup", "snooze", case.id, "--until", "fri"])
    finally:
        release.set()
        holder.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "busy" in result.stderr and "retrying" in result.stderr
    assert "Check-in with Dana Fox moved to Fri 20 Nov 09:00." in result.stdout
    final = reload(case)
    assert tags(final) == ["holder"]
    assert final.history[-1]["event"] == "snoozed"
    assert final.followup_due == dates.from_iso("2026-11-20T09:00")


def test_the_same_home_through_a_symlink_shares_the_lock(
    calm_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    link = tmp_path / "home-link"
    link.symlink_to(calm_home, target_is_directory=True)
    ctx = multiprocessing.get_context("spawn")
    inside = ctx.Event()
    holder = ctx.Process(target=_slow_holder, args=(env_now(), case.id, inside, 1.2))
    holder.start()
    try:
        assert inside.wait(timeout=30)
        monkeypatch.setenv("CALM_HOME", str(link))
        save.update(case.id, lambda c: c.add_event("touched", dates.local_now(), tag="waiter"))
    finally:
        holder.join(timeout=30)
    assert holder.exitcode == 0
    assert tags(reload(case)) == ["holder", "waiter"]
