#!/usr/bin/env python3
"""Run calm's reliability tests (tests/reliability/) and summarise what they survived.

    .venv/bin/python scripts/reliability.py            # the normal counts (about a minute)
    .venv/bin/python scripts/reliability.py --long     # bigger counts (a few minutes)
    .venv/bin/python scripts/reliability.py --kills 5000 --examples 10000 --seed 42

It runs pytest on tests/reliability with `CALM_RELIABILITY_LONG` and the count overrides set,
collects the figures the tests record (kills survived, processes, inputs tried, losses,
tracebacks, ...), prints a table, and writes a machine-readable summary (JSON) to `--out`:

    {"mode", "seconds", "pytest": {passed, failed, xfailed, ...}, "totals": {...},
     "sections": {section: {figure: number}}, "known_defects": [...], "failures": [...],
     "tried": [{section, input, via, outcome, ok}, ...]}

Known defects are the tests marked `xfail(strict=True, reason="bug: ...")`; a `failures` entry
is a test that failed outright. The exit status is pytest's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOTALS = {
    "kills survived": ("kills_survived",),
    "processes": ("processes",),
    "processes at once": ("processes_at_once",),
    "inputs tried": ("inputs_tried",),
    "losses": ("losses", "answers_lost"),
    "targeted kills": ("targeted_kills",),
    "hostile texts shown": ("hostile_texts",),
    "tracebacks": ("tracebacks", "crashes"),
}
COLUMNS = ("kills_survived", "processes", "inputs_tried", "losses", "tracebacks")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--long", action="store_true", help="bigger counts (CALM_RELIABILITY_LONG=1)")
    p.add_argument("--kills", type=int, help="SIGKILL cycles of the forked writer")
    p.add_argument("--spawned-kills", type=int, help="SIGKILL cycles of fresh interpreters")
    p.add_argument("--processes", type=int, help="calm commands run at once")
    p.add_argument("--rounds", type=int, help="rounds of concurrent commands")
    p.add_argument("--examples", type=int, help="hypothesis examples per property")
    p.add_argument("--seed", type=int, help="random seed (kill times, signal counts)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "calm-reliability-summary.json",
        help="where to write the JSON summary (default: %(default)s)",
    )
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    return p.parse_args(argv)


def environment(args: argparse.Namespace, report: Path) -> dict[str, str]:
    env = dict(os.environ, CALM_RELIABILITY_REPORT=str(report))
    if args.long:
        env["CALM_RELIABILITY_LONG"] = "1"
    for name, value in (
        ("KILLS", args.kills),
        ("SPAWNED_KILLS", args.spawned_kills),
        ("PROCESSES", args.processes),
        ("CONCURRENCY_ROUNDS", args.rounds),
        ("EXAMPLES", args.examples),
        ("SEED", args.seed),
    ):
        if value is not None:
            env[f"CALM_RELIABILITY_{name}"] = str(value)
    return env


def read_junit(path: Path) -> tuple[dict[str, int], list[str], list[str]]:
    """Outcome counts, the xfail reasons (known defects) and the failures, from pytest's XML."""
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "xfailed": 0}
    defects: list[str] = []
    failures: list[str] = []
    if not path.exists():
        return counts, defects, failures
    for case in ET.parse(path).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        skipped, failure, error = case.find("skipped"), case.find("failure"), case.find("error")
        if skipped is not None and skipped.get("type") == "pytest.xfail":
            counts["xfailed"] += 1
            defects.append(f"{name}: {skipped.get('message', '').removeprefix('xfail-marked: ')}")
        elif skipped is not None:
            counts["skipped"] += 1
        elif failure is not None:
            counts["failed"] += 1
            failures.append(f"{name}: {failure.get('message', '')[:300]}")
        elif error is not None:
            counts["errors"] += 1
            failures.append(f"{name}: {error.get('message', '')[:300]}")
        else:
            counts["passed"] += 1
    return counts, defects, failures


def totals(sections: dict[str, dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for label, keys in TOTALS.items():
        values = [f.get(k, 0) for f in sections.values() for k in keys]
        out[label] = max(values, default=0) if label == "processes at once" else sum(values)
    return out


def table(sections: dict[str, dict[str, float]], total: dict[str, float]) -> str:
    head = ["section", *(c.replace("_", " ") for c in COLUMNS), "other figures"]
    rows = []
    for name, figures in sections.items():
        cells = [name]
        for column in COLUMNS:
            value = (
                figures.get(column, 0)
                + (figures.get("answers_lost", 0) if column == "losses" else 0)
                + (figures.get("crashes", 0) if column == "tracebacks" else 0)
            )
            cells.append(f"{value:g}")
        rest = {k: v for k, v in figures.items() if k not in (*COLUMNS, "answers_lost", "crashes")}
        cells.append(", ".join(f"{k} {v:g}" for k, v in rest.items()))
        rows.append(cells)
    in_columns = ("kills survived", "processes", "inputs tried", "losses", "tracebacks")
    rest_total = [label for label in TOTALS if label not in in_columns]
    rows.append(
        [
            "TOTAL",
            *(f"{total[label]:g}" for label in in_columns),
            ", ".join(f"{label} {total[label]:g}" for label in rest_total),
        ]
    )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = []
    for r in [head, *rows]:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=False))
            )
            + "  "
            + r[-1]
        )
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    with tempfile.TemporaryDirectory(prefix="calm-reliability-") as tmp:
        report, junit = Path(tmp) / "figures.json", Path(tmp) / "junit.xml"
        cmd = [
            str(python),
            "-m",
            "pytest",
            "tests/reliability",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rfxX",
            f"--junitxml={junit}",
            *args.pytest_args,
        ]
        print("$", " ".join(cmd), "(long)" if args.long else "", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT, env=environment(args, report))
        seconds = round(time.perf_counter() - start, 1)
        figures: dict[str, Any] = (
            json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        )
        counts, defects, failures = read_junit(junit)
    sections = figures.get("figures", {})
    total = totals(sections)
    summary = {
        "mode": "long" if args.long else "normal",
        "seconds": seconds,
        "exit_status": code,
        "pytest": counts,
        "totals": total,
        "sections": sections,
        "known_defects": defects,
        "failures": failures,
        "tried": figures.get("tried", []),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print()
    print(
        f"calm reliability, {summary['mode']} run: {seconds:g} s, pytest exit {code}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    )
    print()
    print(table(sections, total))
    tried = summary["tried"]
    print(
        f"\nhostile inputs tried: {len(tried)} "
        f"({sum(1 for t in tried if not t['ok'])} handled badly, all known defects below)"
        if not failures
        else f"\nhostile inputs tried: {len(tried)}"
    )
    for t in tried:
        mark = "ok " if t["ok"] else "BAD"
        print(f"  {mark} {t['input'][:48]:<48} {t['via'][:34]:<34} {t['outcome'][:110]}")
    if defects:
        print(f"\nknown defects (strict xfail): {len(defects)}")
        for d in defects:
            print(f"  - {d[:300]}")
    if failures:
        print(f"\nFAILED: {len(failures)}")
        for f in failures:
            print(f"  - {f}")
    print(f"\nsummary written to {args.out}")
    return code


if __name__ == "__main__":
    sys.exit(main())
