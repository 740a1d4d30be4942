"""Print the reliability figures at the end of the run; write them as JSON when asked to.

`CALM_RELIABILITY_REPORT=path.json` (set by `scripts/reliability.py`) receives
`{"long": bool, "figures": {section: {name: number}}, "tried": [...]}`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .helpers import FIGURES, LONG, TRIED


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    target = os.environ.get("CALM_RELIABILITY_REPORT")
    if not target or not FIGURES:
        return
    data = {
        "long": LONG,
        "figures": {s: dict(sorted(f.items())) for s, f in sorted(FIGURES.items())},
        "tried": TRIED,
    }
    Path(target).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    tr = terminalreporter
    tr.section(f"calm reliability figures ({'long' if LONG else 'normal'} run)")
    for section, figures in sorted(FIGURES.items()):
        shown = ", ".join(f"{k} {v:g}" for k, v in sorted(figures.items()))
        tr.write_line(f"{section:<12} {shown}")
    bad = [t for t in TRIED if not t["ok"]]
    tr.write_line(f"hostile inputs tried: {len(TRIED)}, refused badly: {len(bad)}")
    for t in bad:
        tr.write_line(f"  BAD {t['section']}: {t['input']} via {t['via']}: {t['outcome']}")
