#!/usr/bin/env python3
"""Benchmark `calm sync`: 10,000 cases shared by 3 clones, 10 changed cases on each.

Builds N cases (500 open) through calm's own store code, shares them with `calm sync init`
(a bare remote in a temp folder, three clones), then, each round, changes 10 open cases on
every clone (3 of them the same cases on all three clones, so calm's merge driver has work,
and two of those clones move the same check-in to different times: true conflicts) and times
`calm sync` on each clone in turn: the first only sends, the next receive and merge too.

The peer, in the same run and interleaved: plain git on a copy of the same repository, each
clone committing 10 changed case files (all different: git's own text merge cannot merge two
changes to one case) and running `git pull --rebase` then `git push`.

After the last round every clone syncs until nothing moves, and the script checks what a team
would: every change present on every clone, the same files everywhere, no conflict markers,
no history entry lost, and the true conflicts reported. Prints medians.

    .venv/bin/python scripts/bench_sync.py                 # 10,000 cases, 9 rounds
    .venv/bin/python scripts/bench_sync.py --cases 2000 --rounds 3
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
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_followup import OPEN, _build_chunk  # noqa: E402


def _with_plans(args: tuple[str, int, int, int, str]) -> None:
    """bench_followup's cases, each with the call plan `calm new` keeps (so a crib sheet is
    written from the case, as for real cases, not rebuilt from its tree every time)."""
    from calmcli.domain.plan import build_plan
    from calmcli.store import cases as store
    from calmcli.tree import registry

    tree = registry.by_name("default")
    made = store.create_case

    def create(case):  # type: ignore[no-untyped-def]
        case.plan = build_plan(
            tree, {**case.answers, "more_options": False, "escalate": False}, case.created
        ).to_data()
        return made(case)

    store.create_case = create  # type: ignore[assignment]
    _build_chunk(args)


def build_calm(home: Path, n: int, now: datetime) -> None:
    workers = 2
    step = -(-n // workers)
    chunks = [(str(home), s, min(n, s + step), OPEN, now.isoformat()) for s in range(0, n, step)]
    with get_context("fork").Pool(workers) as pool:
        pool.map(_with_plans, chunks)


CHANGE = """
import sys
from datetime import timedelta
from calmcli.casebook.save import update
from calmcli.clock.now import local_now
from calmcli.domain.lifecycle import snooze

now = local_now()
kind, hours, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for n, case_id in enumerate(ids):
    if kind == "message":
        update(case_id, lambda c: c.add_event("message_sent", now, kind="update"))
    else:
        update(case_id, lambda c: snooze(c, now, now + timedelta(days=3, hours=hours + n)))
"""
PLAIN_CHANGE = """
import sys
from pathlib import Path

for name in sys.argv[2:]:
    path = Path(name)
    path.write_text(path.read_text(encoding="utf-8") + f"# {sys.argv[1]}\\n", encoding="utf-8")
"""


def sh(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def timed(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    out = sh(cmd, env, cwd)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--changed", type=int, default=10, help="cases changed per clone")
    parser.add_argument("--shared", type=int, default=3, help="of them, the same on all clones")
    args = parser.parse_args()
    if args.rounds * (args.shared + 3 * (args.changed - args.shared)) > OPEN:
        raise SystemExit("not enough open cases for that many rounds")

    calm = str(Path(sys.executable).parent / "calm")
    if shutil.which("git") is None:
        raise SystemExit("git is needed")
    tmp = Path(tempfile.mkdtemp(prefix="calm-bench-sync-"))
    gitconfig = tmp / "gitconfig"
    gitconfig.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    base = dict(
        os.environ,
        NO_COLOR="1",
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        LC_ALL="C",
    )
    names = ("a", "b", "c")
    envs = {
        n: dict(
            base,
            CALM_HOME=str(tmp / n / "home"),
            CALM_CACHE=str(tmp / n / "cache"),
            CALM_CONFIG=str(tmp / n / "config.toml"),
        )
        for n in names
    }
    try:
        print(f"Building {args.cases:,} cases ({OPEN} open)…", flush=True)
        t = time.perf_counter()
        now = datetime.now().astimezone().replace(microsecond=0)
        build_calm(tmp / "a" / "home", args.cases, now)
        print(f"  built in {time.perf_counter() - t:.1f} s", flush=True)
        remote = tmp / "remote.git"
        sh(["git", "init", "--quiet", "--bare", str(remote)], base)
        for n in names:
            sh([calm, "config", "set", "name", f"Person {n.upper()}"], envs[n])
        seconds, _ = timed([calm, "sync", "init", str(remote)], envs["a"])
        print(f"  calm sync init (share {args.cases:,} cases): {seconds:.1f} s", flush=True)
        for n in names[1:]:
            seconds, _ = timed([calm, "sync", "init", str(remote)], envs[n])
            print(f"  calm sync init (join, {n}): {seconds:.1f} s", flush=True)
        opened = json.loads(sh([calm, "list", "--open", "--json"], envs["a"]))
        open_ids = sorted(row["id"] for row in opened)

        # The peer: the same repository, three plain git clones.
        plain = tmp / "plain.git"
        sh(["git", "clone", "--quiet", "--bare", str(remote), str(plain)], base)
        plain_env = dict(
            base,
            GIT_AUTHOR_NAME="P",
            GIT_AUTHOR_EMAIL="p@x",
            GIT_COMMITTER_NAME="P",
            GIT_COMMITTER_EMAIL="p@x",
        )
        for n in names:
            sh(
                [
                    "git",
                    "clone",
                    "--quiet",
                    "--branch",
                    "main",
                    str(plain),
                    str(tmp / f"plain-{n}"),
                ],
                plain_env,
            )

        calm_times: dict[str, list[float]] = {n: [] for n in names}
        git_times: dict[str, list[float]] = {n: [] for n in names}
        expected: list[tuple[str, str, str]] = []  # (case, event, person): changes made
        reported: set[str] = set()
        merged_cases: set[str] = set()
        pick = iter(open_ids)
        for rnd in range(args.rounds):
            shared = [next(pick) for _ in range(args.shared)]
            for i, n in enumerate(names):
                own = [next(pick) for _ in range(args.changed - args.shared)]
                kind = "message" if n == "b" else "snooze"
                # a and c move the shared check-ins to different times: true conflicts.
                sh([sys.executable, "-c", CHANGE, kind, str(10 * i), *shared, *own], envs[n])
                event = "message_sent" if kind == "message" else "snoozed"
                expected += [(c, event, f"Person {n.upper()}") for c in [*shared, *own]]
                files = [f"cases/{c}.yaml" for c in own + [next(pick) for _ in shared]]
                sh(
                    [sys.executable, "-c", PLAIN_CHANGE, f"{rnd}{n}", *files],
                    plain_env,
                    cwd=tmp / f"plain-{n}",
                )
                for f in files:
                    sh(
                        ["git", "commit", "--quiet", "-m", f"change {f}", "--", f],
                        plain_env,
                        cwd=tmp / f"plain-{n}",
                    )
            for n in names:  # interleaved: calm, then the peer, clone by clone
                seconds, out = timed([calm, "sync"], envs[n])
                calm_times[n].append(seconds)
                reported |= {
                    line.split("(")[-1].rstrip("):")
                    for line in out.splitlines()
                    if line.startswith("  ") and line.rstrip().endswith("):")
                }
                if "Merged" in out:
                    merged_cases |= {
                        c.strip() for c in out.split("machine: ", 1)[1].splitlines()[0].split(",")
                    }
                seconds, _ = timed(
                    ["sh", "-c", "git pull --quiet --rebase && git push --quiet"],
                    plain_env,
                    cwd=tmp / f"plain-{n}",
                )
                git_times[n].append(seconds)
            mine = ", ".join(f"{n} {calm_times[n][-1]:.2f} s" for n in names)
            peer = ", ".join(f"{n} {git_times[n][-1]:.2f} s" for n in names)
            print(
                f"  round {rnd + 1}: calm sync {mine}; git pull --rebase + push {peer}", flush=True
            )

        for _ in range(2):  # everyone receives everything
            for n in names:
                sh([calm, "sync"], envs[n])
        trees = {
            sh(["git", "-C", envs[n]["CALM_HOME"], "rev-parse", "HEAD^{tree}"], base) for n in names
        }
        grep = subprocess.run(
            ["git", "-C", envs["a"]["CALM_HOME"], "grep", "-l", "^<<<<<<<", "--", "cases/"],
            capture_output=True,
            text=True,
            check=False,
        )
        marked = [line for line in grep.stdout.splitlines() if line]
        status = json.loads(sh([calm, "sync", "status", "--json"], envs["a"]))
        choices = {c["id"] for c in status["choices"]}
        lost = 0
        home = Path(envs["a"]["CALM_HOME"]) / "cases"
        import yaml

        found: dict[str, list[dict[str, object]]] = {}
        for case_id, event, person in expected:
            if case_id not in found:
                data = yaml.safe_load((home / f"{case_id}.yaml").read_text(encoding="utf-8"))
                found[case_id] = data["history"]
            hits = [e for e in found[case_id] if e.get("event") == event and e.get("by") == person]
            lost += not hits
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def med(times: dict[str, list[float]], n: str) -> float:
        return statistics.median(times[n])

    print(
        f"\n`calm sync`, {args.cases:,} cases, 3 clones, {args.changed} changed cases on each "
        f"({args.shared} the same on all three); medians of {args.rounds} rounds"
    )
    print(f"  {'clone':<48} {'calm sync':>10} {'git peer':>10} {'ratio':>6}")
    labels = {
        "a": "first (receives 20 of the last round, sends 10)",
        "b": "second (receives 10, merges 3, sends 10)",
        "c": "third (receives 20, merges 3, sends 10)",
    }
    for n in names:
        c, g = med(calm_times, n), med(git_times, n)
        print(f"  {labels[n]:<48} {c:9.2f}s {g:9.2f}s {c / g:6.2f}")
    every = [t for n in names for t in calm_times[n]]
    print(f"  all syncs: median {statistics.median(every):.2f} s, slowest {max(every):.2f} s")
    print("\nAfter the last sync, on every clone")
    print(
        f"  changes made: {len(expected)}; present everywhere: {len(expected) - lost}; lost: {lost}"
    )
    print(f"  cases merged by calm's driver: {len(merged_cases)}; conflict markers: {len(marked)}")
    print(
        f"  true conflicts (a and c moved one check-in to two times): "
        f"{args.rounds * args.shared} made, {len(choices)} reported as choices"
    )
    print(f"  clones identical: {'yes' if len(trees) == 1 else 'NO'}")
    if lost or marked or len(trees) != 1 or len(choices) != args.rounds * args.shared:
        raise SystemExit(1)


if __name__ == "__main__":
    get_context("fork")
    main()
