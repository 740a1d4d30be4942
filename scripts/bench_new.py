#!/usr/bin/env python3
"""Time from starting `calm new` to its first prompt on screen, in a pseudo-terminal.

Peer, in the same run: a bare Python script that shows one questionary prompt (the floor for any
questionary CLI). Prints the medians and the ratio.

    .venv/bin/python scripts/bench_new.py [--runs 15]
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
    child = pexpect.spawn(cmd, args, env=env, encoding="utf-8", dimensions=(40, 120), timeout=20)
    child.expect(text)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    calm = str(Path(sys.executable).parent / "calm")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CALM_HOME=tmp, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
        peer = Path(tmp) / "peer.py"
        peer.write_text(PEER)
        cases = {
            "calm new --tree default (to the breathing offer)": (
                calm,
                ["new", "--tree", "default"],
                "breathing pause",
            ),
            "calm new (to the tree picker)": (calm, ["new"], "Which situation"),
            "peer: one questionary prompt": (sys.executable, [str(peer)], "breathing pause"),
        }
        medians = {}
        for label, (cmd, argv, text) in cases.items():
            first_prompt(cmd, argv, env, text)  # warm the page cache
            times = [first_prompt(cmd, argv, env, text) for _ in range(args.runs)]
            medians[label] = statistics.median(times)
            print(f"{label:<52} median {medians[label] * 1000:7.1f} ms  ({args.runs} runs)")
        peer_t = medians["peer: one questionary prompt"]
        for label, t in medians.items():
            if not label.startswith("peer"):
                print(f"  {label} / peer: {t / peer_t:.2f}")


if __name__ == "__main__":
    main()
