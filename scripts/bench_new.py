#!/usr/bin/env python3
"""Time from starting `calm new` to its first prompt on screen, in a pseudo-terminal.

Peer, in the same run: a bare Python script that shows one questionary prompt (the floor for any
questionary CLI). The runs are interleaved (one of each in turn, so a busy moment of the machine
hits all of them alike); prints the medians and the ratios to the peer.

    .venv/bin/python scripts/bench_new.py [--runs 9] [--cases N]
        [--calm before=/path/to/old/venv/bin/calm --calm after=/path/to/new/venv/bin/calm]

Measure a non-editable install with its bytecode compiled (see docs/architecture.md): this
machine sets PYTHONDONTWRITEBYTECODE=1, so an editable install recompiles on every start.
`--cases N` first fills CALM_HOME with N cases (through calm's own code), to show that the
start does not grow with the history.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

PEER = """import questionary
questionary.select("Take a short breathing pause first?", choices=["yes", "no"]).unsafe_ask()
"""


def first_prompt(cmd: str, args: list[str], env: dict[str, str], text: str) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(cmd, args, env=env, encoding="utf-8", dimensions=(40, 120), timeout=30)
    child.expect(text)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def fill(home: str, n: int) -> None:
    """N cases in `home`, written through calm's own code (as `bench_followup.py` does)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from datetime import UTC, datetime

    from bench_followup import build_calm

    build_calm(Path(home), n, datetime.now(UTC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cases", type=int, default=0)
    parser.add_argument("--calm", action="append", default=[], metavar="LABEL=PATH")
    args = parser.parse_args()
    calms = dict(c.split("=", 1) for c in args.calm) or {
        "calm": str(Path(sys.executable).parent / "calm")
    }
    with tempfile.TemporaryDirectory() as tmp:
        home = str(Path(tmp) / "home")
        if args.cases:
            fill(home, args.cases)
        env = dict(os.environ, CALM_HOME=home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
        env["CALM_CACHE"] = str(Path(tmp) / "cache")
        peer = Path(tmp) / "peer.py"
        peer.write_text(PEER)
        cases: dict[str, tuple[str, list[str], str]] = {}
        for label, calm in calms.items():
            cases[f"{label}: calm new --tree default"] = (
                calm,
                ["new", "--tree", "default"],
                "breath",  # the first screen: "breathe first" now, "breathing pause" before
            )
            cases[f"{label}: calm new (tree picker)"] = (calm, ["new"], "Which situation")
        cases["peer: one questionary prompt"] = (sys.executable, [str(peer)], "breathing pause")
        for cmd, argv, text in cases.values():
            first_prompt(cmd, argv, env, text)  # warm the page cache
        times: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(args.runs):
            for label, (cmd, argv, text) in cases.items():
                times[label].append(first_prompt(cmd, argv, env, text))
        medians = {label: statistics.median(t) for label, t in times.items()}
        peer_t = medians["peer: one questionary prompt"]
        print(f"{args.cases} cases in CALM_HOME; medians of {args.runs} interleaved runs")
        for label, t in medians.items():
            ratio = "" if label.startswith("peer") else f"  {t / peer_t:.2f}x peer"
            print(f"  {label:<44} {t * 1000:7.1f} ms{ratio}")


if __name__ == "__main__":
    main()
