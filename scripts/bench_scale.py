#!/usr/bin/env python3
"""Every command at 100, 1,000, 10,000 and 100,000 cases, against peers in the same run.

For each size it builds the cases through calm's own store code (500 open, the rest closed:
a growing history, the same day's work), then times each command with interleaved runs (one of
each in turn, so a busy moment hits all alike) and reports medians and peak memory:

- `calm show`, `calm export`, `calm log`, `calm followup done`: against the same command at 100
  cases (target: at most 1.2x);
- `calm list --json`, `calm patterns --since all`: at most 1.0 s and 64 MiB at 100,000;
- `calm list` on a terminal: the first screen (through the pager) in at most 300 ms;
- `calm new` to its first prompt: at most 1.6x one bare questionary prompt;
- `calm followup --check`: at most 0.6x Taskwarrior's due list on the same data;
- `calm followup` cold (index deleted) at 100,000: at most 1.5 s and 96 MiB;
- `calm followup` warm: at most 0.6x `khal list` at 10,000, and flat to 100,000.

Run it on a non-editable install with its bytecode compiled (docs/architecture.md):

    python3 -m venv /tmp/calm-bench && /tmp/calm-bench/bin/pip install . pexpect
    /tmp/calm-bench/bin/python -m compileall -q /tmp/calm-bench/lib
    /tmp/calm-bench/bin/python scripts/bench_scale.py [--sizes 1000,10000,100000] [--runs 9]

khal and Taskwarrior come from Debian's packages (installed when missing, as root).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_followup import (  # noqa: E402
    WINDOW_DAYS,
    build_calm,
    build_khal,
    build_task,
    ensure_peers,
    run,
)

PEER_PROMPT = """import questionary
questionary.select("Take a short breathing pause first?", choices=["yes", "no"]).unsafe_ask()
"""


def first_screen(cmd: list[str], env: dict[str, str], text: str) -> tuple[float, int]:
    """Seconds until `text` is on a 40x120 terminal (a prompt, or a listing's first lines)."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8", dimensions=(40, 120))
    child.expect(text, timeout=60)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.sendline("q")
    child.close(force=True)
    return elapsed, 0


Measure = Callable[[], tuple[float, int]]


def interleaved(measures: dict[str, Measure], runs: int) -> dict[str, tuple[float, int]]:
    for measure in measures.values():
        measure()  # warm the page cache and the tool's own cache
    seen: dict[str, list[tuple[float, int]]] = {label: [] for label in measures}
    for _ in range(runs):
        for label, measure in measures.items():
            seen[label].append(measure())
    return {
        label: (statistics.median(t for t, _ in r), max(m for _, m in r))
        for label, r in seen.items()
    }


def one_size(
    n: int, tmp: Path, calm: str, now: datetime, runs: int, peer: Path
) -> dict[str, tuple[float, int]]:
    """Build `n` cases and measure every command on them."""
    home, cache = tmp / f"home-{n}", tmp / f"cache-{n}"
    t = time.perf_counter()
    build_calm(home, n, now)
    print(f"\n{n:,} cases (built in {time.perf_counter() - t:.0f} s)", flush=True)
    env = dict(
        os.environ,
        CALM_HOME=str(home),
        CALM_CACHE=str(cache),
        CALM_CONFIG=str(tmp / "config.toml"),
        NO_COLOR="1",
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    env.pop("CALM_NOW", None)
    listed = subprocess.run(  # indexes every case once, and says which are open
        [calm, "list", "--json", "--open"], env=env, capture_output=True, text=True, check=True
    )
    open_rows = json.loads(listed.stdout)
    one, other = open_rows[0]["id"], open_rows[1]["id"]
    some = open_rows[len(open_rows) // 2]["customer"]  # a name
    tasks: dict[str, Measure] = {
        "show": lambda: run([calm, "show", one], env),
        "export": lambda: run([calm, "export", one], env),
        "log": lambda: run([calm, "log", other, "--no-input", "--option", "x"], env),
        "followup done": lambda: run(
            [calm, "followup", "done", other, "--no-input", "--next", "+3d"], env
        ),
        "show by name": lambda: run([calm, "show", some], env),
        "followup (warm)": lambda: run([calm, "followup"], env),
        "followup --check": lambda: run([calm, "followup", "--check"], env),
        # the floor under --check: this venv's Python starting (its .pth files run first)
        "ref: python -c pass (same venv)": lambda: run([sys.executable, "-c", "pass"], env),
    }
    if n > 100:
        tasks |= {
            "list --json": lambda: run([calm, "list", "--json"], env),
            "patterns --since all": lambda: run([calm, "patterns", "--since", "all"], env),
            "list, first screen": lambda: first_screen([calm, "list"], env, "next check-in"),
            "new, first prompt": lambda: first_screen(
                [calm, "new", "--tree", "default"], env, "Before you ring"
            ),
            "peer: one questionary prompt": lambda: first_screen(
                [sys.executable, str(peer)], env, "breathing pause"
            ),
        }
    if n in (10_000, 100_000) and shutil.which("task"):
        rc = build_task(tmp / f"task-{n}", n, now)
        tenv = dict(os.environ, TASKRC=str(rc))
        tasks["peer: task due.before:tomorrow list"] = lambda: run(
            ["task", "due.before:tomorrow", "list"], tenv
        )
    if n == 10_000 and shutil.which("khal"):
        config = build_khal(tmp / "khal", n, now)
        kenv = dict(os.environ, XDG_DATA_HOME=str(tmp / "khal-data"))
        start = (now - timedelta(days=WINDOW_DAYS + 1)).strftime("%Y-%m-%d")
        tasks["peer: khal list"] = lambda: run(
            ["khal", "-c", str(config), "list", "--once", start, now.strftime("%Y-%m-%d")],
            kenv,
        )
    found = interleaved(tasks, runs)
    if n >= 100_000:
        cold = [
            (shutil.rmtree(cache, ignore_errors=True), run([calm, "followup"], env))[1]
            for _ in range(runs)
        ]
        found["followup (cold: index deleted)"] = (
            statistics.median(t for t, _ in cold),
            max(m for _, m in cold),
        )
    for label, (t, m) in found.items():
        mem = f"{m / 1024:6.1f} MiB" if m else ""
        print(f"  {label:<38} {t * 1000:9.1f} ms  {mem}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-install", action="store_true", help="do not apt-get the peers")
    args = parser.parse_args()
    sizes = [100, *(int(s) for s in args.sizes.split(",") if s)]
    if not args.no_install:
        ensure_peers()
    bindir = Path(sys.executable).parent
    calm = str(bindir / "calm")
    now = datetime.now().astimezone().replace(microsecond=0)
    tmp = Path(tempfile.mkdtemp(prefix="calm-scale-"))
    peer = tmp / "peer.py"
    peer.write_text(PEER_PROMPT)
    results: dict[int, dict[str, tuple[float, int]]] = {}
    try:
        for n in sizes:
            results[n] = one_size(n, tmp, calm, now, args.runs, peer)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(results)


def report(results: dict[int, dict[str, tuple[float, int]]]) -> None:
    base = results[100]
    print("\nAgainst targets")
    for n, found in results.items():
        if n == 100:
            continue
        print(f"{n:,} cases")
        for label in ("show", "export", "log", "followup done"):
            print(
                f"  {label} / same at 100 cases: {found[label][0] / base[label][0]:.2f}  [<= 1.2]"
            )
        for label in ("list --json", "patterns --since all"):
            t, m = found[label]
            print(f"  {label}: {t:.2f} s, {m / 1024:.0f} MiB  [<= 1.0 s, <= 64 MiB at 100k]")
        print(f"  list, first screen: {found['list, first screen'][0] * 1000:.0f} ms  [<= 300]")
        prompt = found["new, first prompt"][0] / found["peer: one questionary prompt"][0]
        print(f"  new to its first prompt / one questionary prompt: {prompt:.2f}  [<= 1.6]")
        task = found.get("peer: task due.before:tomorrow list")
        if task:
            check = found["followup --check"][0]
            floor = found["ref: python -c pass (same venv)"][0]
            print(f"  followup --check / task: {check / task[0]:.2f}  [<= 0.6]")
            print(f"    (Python's own start-up in this venv / task: {floor / task[0]:.2f})")
        khal = found.get("peer: khal list")
        if khal:
            print(f"  followup warm / khal: {found['followup (warm)'][0] / khal[0]:.2f}  [<= 0.6]")
        cold = found.get("followup (cold: index deleted)")
        if cold:
            print(f"  followup cold: {cold[0]:.2f} s, {cold[1] / 1024:.0f} MiB  [<= 1.5 s, 96 MiB]")
    if 10_000 in results and 100_000 in results:
        flat = results[100_000]["followup (warm)"][0] / results[10_000]["followup (warm)"][0]
        print(f"followup warm, 100k / 10k: {flat:.2f}  [flat: about 1]")


if __name__ == "__main__":
    main()
