#!/usr/bin/env python3
"""Benchmark `calm followup` against khal and Taskwarrior on the same shape of data.

Builds N synthetic cases (500 of them open, due dates spread around today) through calm's own
store code in a temporary CALM_HOME, and, when installed, the same data for khal (one .ics per
event in a vdir, the same due window) and Taskwarrior (N tasks, 500 pending). Prints medians and
ratios for warm runs (cache present) and cold runs (cache deleted), the 100k-case scaling with
peak memory, and the one-line `--check` nudge.

    scripts/bench_followup.py                  # 10,000 and 100,000 cases
    scripts/bench_followup.py --cases 2000 --big 0 --runs 5

The peers come from Debian's packages: when `khal` or `task` is missing and this runs as root
with apt-get, it installs them first (`--no-install` to skip the peers instead).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

OPEN = 500  # open cases, whatever the total: a growing history, the same workload today
PEER_HELP = "minimal Typer+Rich app --help (start-up peer)"
HELLO_TYPER = """import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    Console().print(f"hello {name}")


@app.command()
def bye() -> None:
    pass


app()
"""
WINDOW_DAYS = 30
CUSTOMERS = [
    "Dana Whitfield",
    "Sam Okafor",
    "Priya Natarajan",
    "Tom Breck",
    "Ana Souza",
    "Lee Chan",
]
JOBS = ["Bathroom retile", "Kitchen fit", "Roof repair", "Loft conversion", "Decking", "Rewire"]


def _build_chunk(args: tuple[str, int, int, int, str]) -> None:
    home, start, stop, n_open, now_iso = args
    os.environ["CALM_HOME"] = home
    from calmcli.clock import dates
    from calmcli.domain.case import Case
    from calmcli.files import atomic
    from calmcli.store import cases as store

    atomic.os.fsync = lambda fd: None  # type: ignore[attr-defined]  # building only: no need to hit the disk
    now = dates.from_iso(now_iso)
    rng = random.Random(start)
    for i in range(start, stop):
        is_open = i < n_open
        created = now - timedelta(days=rng.randint(1, 700), hours=rng.randint(0, 23))
        due = now + timedelta(days=rng.randint(-WINDOW_DAYS, WINDOW_DAYS), hours=rng.randint(-8, 8))
        case = Case(
            id="",
            tree_id="default",
            tree_version=1,
            customer=f"{CUSTOMERS[i % len(CUSTOMERS)]} {i}",
            created=created,
            phone=f"07700 9{i:05d}",
            job=f"{JOBS[i % len(JOBS)]}, {i} Elm Road",
            status="open" if is_open else "closed",
            followup_due=due if is_open else None,
            offer="regrout the edge at no cost",
            answers={
                "customer_name": f"{CUSTOMERS[i % len(CUSTOMERS)]} {i}",
                "feeling": "frustrated",
                "intensity": rng.randint(1, 5),
                "what_happened": "Grout cracked along the shower tray after two weeks.",
                "wants": "repair",
                "option_1": "Regrout the edge at no cost",
                "option_1_feasible": 5,
                "option_1_cost": 2,
                "option_1_speed": 4,
            },
        )
        case.add_event("created", created, tree="default v1")
        store.create_case(case)


def build_calm(home: Path, n: int, now: datetime) -> None:
    workers = 2
    step = -(-n // workers)
    chunks = [(str(home), s, min(n, s + step), OPEN, now.isoformat()) for s in range(0, n, step)]
    with get_context("fork").Pool(workers) as pool:
        pool.map(_build_chunk, chunks)


def build_khal(root: Path, n: int, now: datetime) -> Path:
    from icalendar import Calendar, Event

    cal_dir = root / "calendars" / "calm"
    cal_dir.mkdir(parents=True)
    rng = random.Random(1)
    n_open = OPEN
    for i in range(n):
        if i < n_open:
            start = now + timedelta(
                days=rng.randint(-WINDOW_DAYS, WINDOW_DAYS), hours=rng.randint(-8, 8)
            )
        else:
            start = now - timedelta(days=rng.randint(WINDOW_DAYS + 1, 700))
        cal = Calendar()
        cal.add("prodid", "-//calm bench//EN")
        cal.add("version", "2.0")
        ev = Event()
        ev.add("uid", f"case-{i}@calm.local")
        ev.add(
            "summary", f"Check in with {CUSTOMERS[i % len(CUSTOMERS)]} {i}: {JOBS[i % len(JOBS)]}"
        )
        ev.add("dtstart", start.replace(microsecond=0))
        ev.add("dtend", start.replace(microsecond=0) + timedelta(minutes=15))
        ev.add("dtstamp", now)
        ev.add("description", f"Phone: 07700 9{i:05d}")
        cal.add_component(ev)
        (cal_dir / f"case-{i}.ics").write_bytes(cal.to_ical())
    config = root / "khal.conf"
    config.write_text(
        f"[calendars]\n[[calm]]\npath = {cal_dir}\n\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        f"\n[sqlite]\npath = {root / 'khal.db'}\n"
    )
    return config


def build_task(root: Path, n: int, now: datetime) -> Path:
    import uuid

    data = root / "taskdata"
    data.mkdir(parents=True)
    rng = random.Random(2)
    n_open = OPEN
    pending, completed = [], []
    for i in range(n):
        entry = int((now - timedelta(days=rng.randint(1, 700))).timestamp())
        due = int((now + timedelta(days=rng.randint(-WINDOW_DAYS, WINDOW_DAYS))).timestamp())
        desc = f"Check in with {CUSTOMERS[i % len(CUSTOMERS)]} {i}"
        uid = uuid.UUID(int=i + 1)
        if i < n_open:
            pending.append(
                f'[description:"{desc}" due:"{due}" entry:"{entry}" status:"pending" uuid:"{uid}"]'
            )
        else:
            completed.append(
                f'[description:"{desc}" end:"{entry + 3600}" entry:"{entry}" '
                f'status:"completed" uuid:"{uid}"]'
            )
    (data / "pending.data").write_text("\n".join(pending) + "\n")
    (data / "completed.data").write_text("\n".join(completed) + "\n")
    rc = root / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    return rc


def ensure_peers() -> None:
    """Install khal and Taskwarrior from Debian's packages when missing (as root, with apt)."""
    missing = [
        pkg
        for cmd, pkg in (("khal", "khal"), ("task", "taskwarrior"), ("/usr/bin/time", "time"))
        if not shutil.which(cmd)
    ]
    if not missing or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print(f"Installing {', '.join(missing)} with apt-get…", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, **quiet)


def run(cmd: list[str], env: dict[str, str], prepare=None) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of one run, output discarded. The memory comes from GNU
    time, a small C process in between: a child forked straight from this Python would report
    this process's own size as its peak (Linux keeps ru_maxrss across exec), which with
    100,000 cases built is 70 MiB whatever the command."""
    if prepare:
        prepare()
    gnu_time = "/usr/bin/time" if Path("/usr/bin/time").exists() else ""  # Debian's `time`
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        timed = [gnu_time, "-f", "%M", "-o", rss.name, *cmd] if gnu_time else cmd
        start = time.perf_counter()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        code = subprocess.run(timed, env=env, stdin=subprocess.DEVNULL, **quiet).returncode
        elapsed = time.perf_counter() - start
        peak = int(rss.read().split()[-1]) if gnu_time and code in (0, 1) else 0
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit {code}")
    return elapsed, peak


def median_of(cmd: list[str], env: dict[str, str], runs: int, prepare=None) -> tuple[float, int]:
    run(cmd, env, prepare)  # warm the page cache and the tool's own cache
    results = [run(cmd, env, prepare) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="0 to skip the scaling run")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--no-install", action="store_true", help="do not apt-get the peers")
    args = parser.parse_args()
    if not args.no_install:
        ensure_peers()

    calm = str(Path(sys.executable).parent / "calm")
    now = datetime.now().astimezone().replace(microsecond=0)
    tmp = Path(tempfile.mkdtemp(prefix="calm-bench-"))
    rows: list[tuple[str, float, int]] = []

    def report(label: str, seconds: float, rss: int) -> None:
        rows.append((label, seconds, rss))
        print(f"  {label:<52} {seconds * 1000:9.1f} ms  {rss / 1024:6.1f} MiB", flush=True)

    try:
        print(f"Building {args.cases:,} cases ({OPEN} open)…", flush=True)
        t = time.perf_counter()
        home, cache = tmp / "home", tmp / "cache"
        build_calm(home, args.cases, now)
        print(f"  built in {time.perf_counter() - t:.1f} s", flush=True)
        env = dict(os.environ, CALM_HOME=str(home), CALM_CACHE=str(cache), NO_COLOR="1")
        drop_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        print("calm", flush=True)
        report("calm followup (warm)", *median_of([calm, "followup"], env, args.runs))
        report(
            "calm followup (cold: cache deleted)",
            *median_of([calm, "followup"], env, args.cold_runs, drop_cache),
        )
        report(
            "calm followup --check (warm)",
            *median_of([calm, "followup", "--check"], env, args.runs),
        )
        report("calm --help", *median_of([calm, "--help"], env, args.runs))
        hello = tmp / "hello_typer.py"
        hello.write_text(HELLO_TYPER)
        report(PEER_HELP, *median_of([sys.executable, str(hello), "--help"], env, args.runs))

        if shutil.which("khal"):
            print(f"khal ({args.cases:,} events, same window)", flush=True)
            config = build_khal(tmp / "khal", args.cases, now)
            kenv = dict(os.environ, XDG_DATA_HOME=str(tmp / "khal-data"))
            start = (now - timedelta(days=WINDOW_DAYS + 1)).strftime("%Y-%m-%d")
            end = now.strftime("%Y-%m-%d")
            kcmd = ["khal", "-c", str(config), "list", "--once", start, end]
            report("khal list (warm)", *median_of(kcmd, kenv, args.runs))
            kdb = tmp / "khal" / "khal.db"
            report(
                "khal list (cold: cache deleted)",
                *median_of(kcmd, kenv, args.cold_runs, lambda: kdb.unlink(missing_ok=True)),
            )
        else:
            print("khal not installed: skipped (apt-get install -y khal)")
        if shutil.which("task"):
            print(f"Taskwarrior ({args.cases:,} tasks, {OPEN} pending)", flush=True)
            rc = build_task(tmp / "task", args.cases, now)
            tenv = dict(os.environ, TASKRC=str(rc))
            report(
                "task due.before:tomorrow list",
                *median_of(["task", "due.before:tomorrow", "list"], tenv, args.runs),
            )
        else:
            print("taskwarrior not installed: skipped (apt-get install -y taskwarrior)")

        if args.big:
            print(f"Building {args.big:,} cases for scaling…", flush=True)
            t = time.perf_counter()
            big_home, big_cache = tmp / "big-home", tmp / "big-cache"
            build_calm(big_home, args.big, now)
            print(f"  built in {time.perf_counter() - t:.1f} s", flush=True)
            benv = dict(
                os.environ, CALM_HOME=str(big_home), CALM_CACHE=str(big_cache), NO_COLOR="1"
            )
            report(
                f"calm followup, {args.big:,} cases (warm)",
                *median_of([calm, "followup"], benv, args.runs),
            )
            report(
                f"calm followup --check, {args.big:,} cases (warm)",
                *median_of([calm, "followup", "--check"], benv, args.runs),
            )
            report(
                f"calm followup, {args.big:,} cases (cold)",
                *median_of(
                    [calm, "followup"],
                    benv,
                    1,
                    lambda: shutil.rmtree(big_cache, ignore_errors=True),
                ),
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    t = {label: s for label, s, _ in rows}
    mem = {label: m for label, _, m in rows}
    print("\nRatios (target in brackets)")

    def ratio(a: str, b: str, target: str) -> None:
        if a in t and b in t:
            print(f"  {a} / {b}: {t[a] / t[b]:.2f}  [{target}]")

    ratio("calm followup (warm)", "khal list (warm)", "<= 1.0")
    ratio("calm followup (cold: cache deleted)", "khal list (cold: cache deleted)", "< 0.3")
    ratio(f"calm followup, {args.big:,} cases (warm)", "calm followup (warm)", "< 1.5")
    ratio("calm followup --check (warm)", "task due.before:tomorrow list", "<= 1.5")
    ratio("calm --help", PEER_HELP, "about 1")
    big = f"calm followup, {args.big:,} cases (warm)"
    if big in mem:
        print(f"  peak memory, {args.big:,} cases warm: {mem[big] / 1024:.1f} MiB  [< 64]")
    big_cold = f"calm followup, {args.big:,} cases (cold)"
    if big_cold in mem:
        print(f"  peak memory, {args.big:,} cases cold: {mem[big_cold] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
