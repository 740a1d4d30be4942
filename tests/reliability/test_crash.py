"""Crash safety: a writer killed with SIGKILL at random moments never leaves a broken file.

A child process (see `crash_driver.py`) creates cases, updates them under their lock and saves
drafts in a loop, printing `DONE ...` after each write has returned. It is killed after a random
5-60 ms, over and over, on the same CALM_HOME. Afterwards:

- every case file loads with `store.load_case`, every reminder parses with `icalendar`, every
  draft loads with `drafts.load_draft`; none is empty;
- temp files left by a kill are hidden and never listed as cases (index and `calm list`);
- every write reported DONE is there with its content: each new case (with its plan and its
  reminder), each update's history event, each draft's answers; a reminder is never older
  than the last update reported DONE for its case.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import icalendar

from calmcli.errors import BadInput
from calmcli.store import cases as store
from calmcli.store import drafts as draftstore
from calmcli.store import index

from .helpers import calm_env, count, record, run_calm, seed, stray_files

DRIVER = Path(__file__).with_name("crash_driver.py")
SECTION = "crash"


@dataclass
class Ledger:
    """What the killed writers reported as done."""

    new: dict[str, str] = field(default_factory=dict)  # case id -> token
    updates: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # id -> (token, len)
    drafts: dict[str, int] = field(default_factory=dict)  # draft id -> answers saved
    torn: list[str] = field(default_factory=list)  # a writer found a case it could not read
    lines: int = 0

    def take(self, line: str) -> None:
        parts = line.split()
        if parts and parts[0] == "BROKEN":
            self.torn.append(line.strip())
            return
        if not parts or parts[0] != "DONE":
            return
        self.lines += 1
        if parts[1] == "new":
            self.new[parts[2]] = parts[3]
        elif parts[1] == "update":
            self.updates.setdefault(parts[2], []).append((parts[3], int(parts[4])))
        elif parts[1] == "draft":
            self.drafts[parts[2]] = max(self.drafts.get(parts[2], 0), int(parts[3]))
        else:  # pragma: no cover - a driver bug
            raise AssertionError(f"unknown DONE line {line!r}")


def driver_env() -> dict[str, str]:
    env = calm_env()
    src = Path(__file__).resolve().parents[2] / "src"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    return env


def kill_forked(cycles: int, rng: random.Random, ledger: Ledger, errors: Path) -> int:
    """Fork `cycles` writers from one warm driver and SIGKILL each after 5-60 ms."""
    with errors.open("ab") as err:
        zygote = subprocess.Popen(
            [sys.executable, str(DRIVER), "zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=driver_env(),
        )
    assert zygote.stdin is not None and zygote.stdout is not None
    killed = 0
    try:
        for cycle in range(cycles):
            zygote.stdin.write(f"GO {cycle} {rng.randrange(1 << 30)}\n".encode())
            zygote.stdin.flush()
            line = zygote.stdout.readline().decode()
            assert line.startswith("PID "), f"driver said {line!r}; see {errors}"
            pid = int(line.split()[1])
            time.sleep(rng.uniform(0.005, 0.060))
            with contextlib.suppress(ProcessLookupError):  # it failed on its own: said below
                os.kill(pid, signal.SIGKILL)
            while True:
                line = zygote.stdout.readline().decode()
                assert line, f"the driver died; see {errors}"
                if line.startswith("REAPED "):
                    status = int(line.split()[2])
                    # Killed as intended; anything else means the writer stopped on its own.
                    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                        f"writer {pid} ended with status {status}:\n"
                        + errors.read_text(errors="replace")[-3000:]
                    )
                    killed += 1
                    break
                ledger.take(line)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
    return killed


def kill_spawned(cycles: int, rng: random.Random, ledger: Ledger, errors: Path) -> int:
    """Start `cycles` fresh interpreters (imports and all) and SIGKILL each 5-60 ms after READY."""
    killed = 0
    for cycle in range(cycles):
        with errors.open("ab") as err:
            proc = subprocess.Popen(
                [sys.executable, str(DRIVER), "run", str(100_000 + cycle), str(rng.randrange(99))],
                stdout=subprocess.PIPE,
                stderr=err,
                env=driver_env(),
            )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"READY\n", f"see {errors}"
        time.sleep(rng.uniform(0.005, 0.060))
        proc.send_signal(signal.SIGKILL)
        for raw in proc.stdout:
            ledger.take(raw.decode())
        assert proc.wait(timeout=30) == -signal.SIGKILL, f"see {errors}"
        killed += 1
    return killed


def sequence_of(path: Path) -> tuple[int, object]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    return int(event["SEQUENCE"]), event.decoded("dtstart")


def test_sigkill_at_random_moments_loses_nothing_reported_done(
    calm_home: Path, tmp_path: Path
) -> None:
    run_seed = seed()
    rng = random.Random(run_seed)
    forked, spawned = count("kills", 200, 2000), count("spawned_kills", 3, 60)
    ledger = Ledger()
    errors = tmp_path / "driver-stderr.txt"
    errors.touch()
    start = time.perf_counter()
    killed = kill_forked(forked, rng, ledger, errors)
    killed += kill_spawned(spawned, rng, ledger, errors)
    elapsed = time.perf_counter() - start
    where = f"(seed {run_seed}; CALM_RELIABILITY_SEED={run_seed} replays the kill times)"

    tracebacks = errors.read_text(errors="replace").count("Traceback")
    cases_dir, followups, drafts_dir = (calm_home / d for d in ("cases", "followups", "drafts"))
    losses: list[str] = []

    # Every visible file parses and is not empty.
    broken: list[str] = []
    cases = {}
    for path in sorted(cases_dir.glob("[!.]*.yaml")):
        try:
            cases[path.stem] = store.load_case(path)
        except BadInput as exc:
            broken.append(exc.message)
    sequences = {}
    for path in sorted(followups.glob("[!.]*.ics")):
        try:
            sequences[path.stem] = sequence_of(path)
        except ValueError as exc:
            broken.append(f"{path}: {exc}")
    drafts = {}
    for path in sorted(drafts_dir.glob("[!.]*.yaml")):
        try:
            drafts[path.stem] = draftstore.load_draft(path)
        except BadInput as exc:
            broken.append(exc.message)
    for folder in (cases_dir, followups, drafts_dir):
        broken += [f"{p}: empty" for p in folder.glob("[!.]*") if p.stat().st_size == 0]

    # Whatever a kill left behind is hidden and is not taken for a case.
    leftovers = stray_files(calm_home)
    listing = index.refresh()
    listed = run_calm(["list", "--json"])

    # Every write reported DONE is there, with its content.
    for case_id, token in ledger.new.items():
        case = cases.get(case_id)
        if case is None:
            losses.append(f"new case {case_id} ({token}) is missing")
            continue
        if case.customer != f"Crash {token}" or case.answers.get("option_1") != f"Option {token}":
            losses.append(f"new case {case_id} has the wrong content")
        if not (cases_dir / f"{case_id}.md").exists():
            losses.append(f"new case {case_id} has no plan")
        if case_id not in sequences:
            losses.append(f"new case {case_id} has no reminder")
    for case_id, done in ledger.updates.items():
        case = cases.get(case_id)
        if case is None:
            losses.append(f"updated case {case_id} is missing")
            continue
        have = {e.get("token") for e in case.history if e.get("event") == "crash"}
        losses += [
            f"update {token} of {case_id} is missing" for token, _ in done if token not in have
        ]
        # The reminder is rewritten after the case, so it may lag a write that was cut short, but
        # never the last update that was reported done.
        seq, start_at = sequences.get(case_id, (-1, None))
        last_done = max(n for _, n in done)
        if seq < last_done:
            losses.append(f"reminder of {case_id} is at SEQUENCE {seq}, older than {last_done}")
        if seq == len(case.history) and start_at != case.followup_due:
            losses.append(f"reminder of {case_id} is in step but has the wrong time")
    for draft_id, n in ledger.drafts.items():
        draft = drafts.get(draft_id)
        if draft is None:
            losses.append(f"draft {draft_id} is missing")
            continue
        kept = draft.answers
        if len(kept) < n or any(not str(v).endswith(f".{k[1:]}") for k, v in kept.items()):
            losses.append(f"draft {draft_id} has {len(kept)} answers, {n} were reported saved")

    record(
        SECTION,
        torn_files=len(broken) + len(ledger.torn),
        kills_survived=killed,
        processes=killed + 1,
        writes_done=ledger.lines,
        cases_written=len(cases),
        drafts_written=len(drafts),
        leftover_temp_files=len(leftovers),
        losses=len(losses),
        tracebacks=tracebacks,
        seconds=round(elapsed, 1),
    )
    assert tracebacks == 0, errors.read_text(errors="replace")[-3000:]
    assert broken == [], f"{len(broken)} torn or empty files {where}: {broken[:10]}"
    assert ledger.torn == [], f"writers met torn case files {where}: {ledger.torn[:10]}"
    assert all(Path(p).name.startswith(".") and p.endswith(".tmp") for p in leftovers), leftovers
    assert listing.warnings == [], listing.warnings
    assert sorted(r.id for r in listing.rows) == sorted(cases)
    assert listed.code == 0 and listed.err == "", listed.show()
    assert sorted(r["id"] for r in json.loads(listed.out)) == sorted(cases)
    assert losses == [], f"{len(losses)} losses {where}: {losses[:20]}"
    assert killed == forked + spawned
    assert ledger.lines > 0, "no write ever finished: the kills came too early to test anything"
    assert ledger.new and ledger.updates and ledger.drafts, "some kind of write never finished"
