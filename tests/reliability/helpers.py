"""Shared by the reliability tests: how big a run is, running the installed `calm`, and figures.

Figures are kept per section (crash, interrupt, concurrency, hostile, terminal, fuzz) as plain
counters, plus a list of every hostile input tried and what calm did with it. `conftest.py`
prints them at the end of the session and writes them to `$CALM_RELIABILITY_REPORT` as JSON.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LONG = os.environ.get("CALM_RELIABILITY_LONG", "") not in ("", "0")
"""Bigger counts: set by `scripts/reliability.py --long`."""

NOW = "2026-12-01T09:00:00+00:00"
"""A Tuesday: every calm the tests start has its clock pinned here (CALM_NOW)."""

ANSI = re.compile(r"\x1b")
BUSY = re.compile(r"^busy: another calm is updating this case; retrying…$")


def count(name: str, normal: int, long: int) -> int:
    """How many to do: `CALM_RELIABILITY_<NAME>` if set, else the long or the normal count."""
    env = os.environ.get(f"CALM_RELIABILITY_{name.upper()}")
    if env:
        return int(env)
    return long if LONG else normal


def seed() -> int:
    """The random seed for this run (`CALM_RELIABILITY_SEED` to replay one); shown on failure."""
    env = os.environ.get("CALM_RELIABILITY_SEED")
    return int(env) if env else int(time.time() * 1000) % 1_000_000


# -- figures -----------------------------------------------------------------------------------

FIGURES: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
TRIED: list[dict[str, Any]] = []


def record(section: str, **figures: float) -> None:
    """Add to the section's counters (kills survived, processes, inputs tried, losses, ...)."""
    for key, value in figures.items():
        FIGURES[section][key] += value


def peak(section: str, **figures: float) -> None:
    """Keep the largest value seen (e.g. processes run at once)."""
    for key, value in figures.items():
        FIGURES[section][key] = max(FIGURES[section][key], value)


_TMP_PATHS = re.compile(r"/\S*?/pytest-of-[^/]+/pytest-\d+/[^/]+/")


def tried(section: str, what: str, via: str, outcome: str, *, ok: bool = True) -> None:
    """One hostile input and what calm did with it, for the table in the summary."""
    outcome = _TMP_PATHS.sub("<tmp>/", outcome)[:160]
    TRIED.append({"section": section, "input": what, "via": via, "outcome": outcome, "ok": ok})
    record(section, inputs_tried=1)


# -- running calm ------------------------------------------------------------------------------


def calm_exe() -> Path:
    """The installed `calm` script: beside this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "calm"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("calm")
    if found is None:  # pragma: no cover - the venv always has it
        raise RuntimeError("the calm command is not installed next to this Python or on PATH")
    return Path(found)


def calm_env(**extra: str) -> dict[str, str]:
    """The test's environment (its CALM_HOME and CALM_CACHE), a pinned clock, plain output."""
    env = dict(os.environ)
    for name in ("FORCE_COLOR", "CALM_TREE", "LINES", "PYTHONWARNINGS"):
        env.pop(name, None)
    env.update(CALM_NOW=NOW, TZ="Europe/London", NO_COLOR="1", COLUMNS="100", LANG="C.UTF-8")
    env.update(extra)
    return env


@dataclass
class Result:
    args: list[str]
    code: int
    out: str
    err: str
    seconds: float

    def show(self) -> str:
        return (
            f"calm {' '.join(self.args)} -> exit {self.code}\n--- stdout ---\n{self.out[-3000:]}"
            f"\n--- stderr ---\n{self.err[-3000:]}"
        )

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.out + self.err


def run_calm(
    args: Sequence[str],
    env: dict[str, str] | None = None,
    *,
    stdin: Any = subprocess.DEVNULL,
    input: str | bytes | None = None,
    timeout: float = 30.0,
    exe: Sequence[str] | None = None,
    cwd: Path | None = None,
) -> Result:
    """Run the installed `calm ARGS` (or `exe ARGS`) to completion, output captured as text."""
    cmd = [*(exe or [str(calm_exe())]), *args]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        env=env if env is not None else calm_env(),
        stdin=None if input is not None else stdin,
        input=input.encode() if isinstance(input, str) else input,
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
    )
    return Result(
        list(args),
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        time.perf_counter() - start,
    )


def run_many(
    jobs: Iterable[tuple[Sequence[str], dict[str, Any]]], workers: int = 4
) -> list[Result]:
    """Run several `calm` commands, a few at a time (they are independent), in order of `jobs`."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_calm, args, **kwargs) for args, kwargs in jobs]
        return [f.result() for f in futures]


def check_clean(res: Result, section: str) -> None:
    """Count a traceback in the figures, then fail on it."""
    record(section, processes=1)
    if res.traceback:
        record(section, tracebacks=1)
    assert not res.traceback, res.show()


# -- what is on disk ---------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stray_files(home: Path) -> list[str]:
    """Files in CALM_HOME that are not cases, plans, reminders or drafts (temp files above all)."""
    if not home.exists():
        return []
    return sorted(
        p.relative_to(home).as_posix()
        for p in home.rglob("*")
        if p.is_file() and (p.suffix not in (".yaml", ".ics", ".md") or p.name.startswith("."))
    )
