#!/usr/bin/env python3
"""Start-up cost of the commands the calendar work touches, before and after: `calm --help`,
`calm followup` and `calm log` (a change, so the after-save step runs), plus, for installs
that have it, `calm log` with a calendar server connected (a real Radicale on 127.0.0.1:
the push included) and with that server stopped (the push queued).

Runs are interleaved (one of each in turn); prints medians and the ratio to the peer, a bare
`python -c pass` from the same run. Measure non-editable installs with bytecode compiled:

    .venv/bin/python scripts/bench_calendar.py --runs 15 \\
        --calm before=/tmp/bench/before/bin/calm --calm after=/tmp/bench/after/bin/calm
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

ANSWERS = """customer_name: Dana Whitfield
customer_phone: "07700 900123"
job: Bathroom retile
feelings: {frustrated: 4}
cause: the grout has cracked along the shower tray
what_happened: Grout cracked along the shower tray.
wants: [repair]
wants_words: clean grout that stays put
option_1: Regrout the edge
option_ratings:
  option_1: {ease: 5, cost: 2, speed: 4}
followup_at: "tue 10am"
"""


ANSWERS_V1 = """customer_name: Dana Whitfield
customer_phone: "07700 900123"
job: Bathroom retile
feeling: frustrated
intensity: 4
what_happened: Grout cracked.
raised_before: no
wants: repair
fixed_looks_like: Clean grout.
option_1: Regrout the edge
option_1_feasible: 5
option_1_cost: 2
option_1_speed: 4
more_options: no
escalate: no
followup_at: "tue 10am"
"""
"""The same case for a calm from before the default tree's version 2 (a `before` install)."""


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv}: exit {done.returncode}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--calm", action="append", default=[], metavar="LABEL=PATH")
    args = parser.parse_args()
    calms = dict(c.split("=", 1) for c in args.calm) or {
        "calm": str(Path(sys.executable).parent / "calm")
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "answers.yaml").write_text(ANSWERS, encoding="utf-8")
        (folder / "answers-v1.yaml").write_text(ANSWERS_V1, encoding="utf-8")
        cases: dict[str, tuple[list[str], dict[str, str]]] = {}
        servers = []
        for label, calm in calms.items():
            for setup in ("plain", "server", "stopped"):
                base = folder / f"{label}-{setup}"
                env = dict(
                    os.environ,
                    CALM_HOME=str(base / "home"),
                    CALM_CACHE=str(base / "cache"),
                    CALM_CONFIG=str(base / "config.toml"),
                    CALM_STATE=str(base / "state"),
                    CALM_NOW="2026-11-30T10:00",
                    NO_COLOR="1",
                )
                new = [calm, "new", "--tree", "default", "--no-input"]
                for answers in ("answers.yaml", "answers-v1.yaml"):  # an older calm: v1 tree
                    made = subprocess.run([*new, "--answers", str(folder / answers)], env=env,
                                          capture_output=True)  # fmt: skip
                    if made.returncode == 0:
                        break
                else:
                    raise SystemExit(f"{calm} new failed: {made.stderr.decode()}")
                log = [calm, "log", "dana", "--no-input", "--option", "Regrout the edge"]
                if setup == "plain":
                    cases[f"{label}: calm --help"] = ([calm, "--help"], env)
                    cases[f"{label}: calm followup"] = ([calm, "followup"], env)
                    cases[f"{label}: calm log (no calendar)"] = (log, env)
                    move = [calm, "followup", "snooze", "dana", "--until"]
                    cases[f"{label}: calm followup snooze (no calendar)"] = (move, env)
                    continue
                has_calendar = subprocess.run([calm, "calendar", "--help"], env=env,
                                              capture_output=True).returncode == 0  # fmt: skip
                if not has_calendar:
                    continue
                from calsync.radicale_server import PASSWORD, USER, Radicale

                server = Radicale(base / "radicale").start()
                servers.append(server)
                server.make_calendar("Jobs")
                env["CALM_CALENDAR_PASSWORD"] = PASSWORD
                subprocess.run([calm, "calendar", "connect", server.url, "--user", USER],
                               env=env, check=True, capture_output=True)  # fmt: skip
                # Each run moves the check-in, so every run has an event to send.
                move = [calm, "followup", "snooze", "dana", "--until"]
                if setup == "server":
                    cases[f"{label}: calm followup snooze (Radicale up)"] = (move, env)
                else:
                    server.stop()
                    cases[f"{label}: calm followup snooze (server stopped)"] = (move, env)
        cases["peer: python -c pass"] = ([sys.executable, "-c", "pass"], dict(os.environ))
        when = iter(f"2026-12-{d:02d} {h:02d}:00" for d in range(1, 29) for h in range(9, 17))
        try:
            times: dict[str, list[float]] = {label: [] for label in cases}
            for run in range(args.runs + 1):  # the first round warms the page cache
                slot = next(when)
                for label, (argv, env) in cases.items():
                    full = [*argv, slot] if "snooze" in label else argv
                    took = timed(full, env)
                    if run:
                        times[label].append(took)
        finally:
            for server in servers:
                server.stop()
        medians = {label: statistics.median(t) for label, t in times.items()}
        peer = medians["peer: python -c pass"]
        print(f"medians of {args.runs} interleaved runs")
        for label, t in medians.items():
            print(f"  {label:<48} {t * 1000:7.1f} ms  {t / peer:5.2f}x peer")


if __name__ == "__main__":
    main()
