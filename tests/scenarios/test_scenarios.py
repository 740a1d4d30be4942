"""Realistic callbacks, each an answers file with what its call plan must show.

Every `*.yaml` here is one call: `tree`, `answers`, and `expect`:

- `opens_with`: the first step of the plan (`safety`, `own`, `heated`, `reflect`, ...);
- `situations`: the situations calm recognised (danger, ignored, repeat, deadline, threat,
  escalate);
- `contains` / `not_contains`: text the printed plan must (not) show, wrapped lines joined;
- `rows`: the plan's height in rows at 100 and at 80 columns.

Each runs through `calm new --no-input` at both widths, with the clock pinned. On top of what
each file expects, every plan must meet the rules that hold for any call: no run of six words
printed twice, the contractor's notes never read out, nothing left in braces, one screen (24 rows
at 100 columns; 20 for a mild call), the calm-down reminder whenever feelings run high, and a
hand-over line only when someone is to be brought in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from calmcli.cli import output
from calmcli.cli.app import app
from calmcli.cli.views.plan import LABELS

HERE = Path(__file__).parent
SCENARIOS = sorted(HERE.glob("*.yaml"))
NOW = "2026-12-01T09:00"  # a Tuesday
WIDTHS = (100, 80)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def run(tmp: Path, scenario: dict[str, Any], width: int) -> tuple[list[str], dict[str, Any]]:
    """The plan panel's lines as printed at `width`, and the plan as the case stored it."""
    home = tmp / f"home-{width}"
    answers = tmp / "answers.yaml"
    answers.write_text(yaml.safe_dump(scenario["answers"], allow_unicode=True), encoding="utf-8")
    env = {"CALM_HOME": str(home), "CALM_NOW": scenario.get("now", NOW), "COLUMNS": str(width)}
    args = ["new", "--tree", scenario["tree"], "--answers", str(answers), "--no-input"]
    output.out.cache_clear()  # the console reads COLUMNS when it is made
    result = CliRunner().invoke(app, args, env=env)
    output.out.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    [case] = (home / "cases").glob("*.yaml")
    plan: dict[str, Any] = yaml.safe_load(case.read_text(encoding="utf-8"))["plan"]
    return lines[top : bottom + 1], plan


def flat(panel: list[str]) -> str:
    """The panel as one line: borders dropped, wrapped lines joined."""
    inner = [line.strip("│╭╮╰╯─ ") for line in panel]
    return " ".join(" ".join(inner).split())


def labels(panel: list[str]) -> list[str]:
    """The step labels down the left of the panel, in order."""
    first = panel[1]  # the "Call" row: its text starts where the label column ends
    column = first.index("Call") + len("Call") + 2
    return [label for line in panel[1:-1] if (label := line[1:column].strip())]


def repeated_runs(text: str, n: int = 6) -> set[str]:
    words = re.findall(r"[a-z0-9£']+", text.casefold())
    seen: set[tuple[str, ...]] = set()
    twice: set[str] = set()
    for i in range(len(words) - n + 1):
        run_ = tuple(words[i : i + n])
        if run_ in seen:
            twice.add(" ".join(run_))
        seen.add(run_)
    return twice


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Any]:
    out = {}
    for path in SCENARIOS:
        scenario = load(path)
        for width in WIDTHS:
            tmp = tmp_path_factory.mktemp(path.stem)
            out[(path.stem, width)] = (scenario, *run(tmp, scenario, width))
    return out


def test_there_are_enough_scenarios_and_they_cover_the_situations() -> None:
    assert len(SCENARIOS) >= 10
    kinds = [load(p)["expect"] for p in SCENARIOS]
    seen = {s for k in kinds for s in k["situations"]}
    assert {"danger", "ignored", "deadline", "threat", "repeat", "escalate"} <= seen
    trees = {load(p)["tree"] for p in SCENARIOS}
    assert trees == {"default", "quality", "delay", "billing"}
    levels = [max(_ratings(load(p)["answers"]["feelings"])) for p in SCENARIOS]
    assert min(levels) <= 2 and max(levels) == 5


def _ratings(feelings: dict[str, int]) -> list[int]:
    return list(feelings.values())


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, printed: dict[tuple[str, int], Any]) -> None:
    scenario, panel, plan = printed[(path.stem, 100)]
    expect = scenario["expect"]
    text = flat(panel)
    assert plan["steps"][0]["kind"] == expect["opens_with"], text
    assert labels(panel)[2] == LABELS[expect["opens_with"]], labels(panel)
    assert sorted(plan["situations"]) == sorted(expect["situations"])
    for phrase in expect.get("contains", []):
        assert " ".join(phrase.split()) in text, f"missing {phrase!r} in:\n" + "\n".join(panel)
    for phrase in expect.get("not_contains", []):
        assert phrase not in text, f"{phrase!r} should not be in:\n" + "\n".join(panel)
    for width in WIDTHS:
        _, at_width, _ = printed[(path.stem, width)]
        assert len(at_width) == expect["rows"][width], "\n".join(at_width)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_rules_every_plan_keeps(path: Path, printed: dict[tuple[str, int], Any]) -> None:
    scenario, panel, plan = printed[(path.stem, 100)]
    text = flat(panel)
    shown = "\n".join(panel)
    assert repeated_runs(text) == set(), shown
    assert "{" not in text and "}" not in text
    notes = scenario["answers"].get("what_happened") or ""
    for run_ in zip(*(notes.split()[i:] for i in range(6)), strict=False):
        assert " ".join(run_) not in text, f"the notes are read out: {' '.join(run_)!r}"
    level = plan["level"]
    assert len(panel) <= (20 if level <= 2 else 26), shown
    assert ("Listen" in labels(panel)) == (level >= 4)
    assert ("Bring in" in labels(panel)) == ("escalate" in plan["situations"] and level > 2)
    assert ("Make safe" in labels(panel)) == ("danger" in plan["situations"])
    if "ignored" in plan["situations"] or "repeat" in plan["situations"]:
        assert labels(panel).index("Own it") <= 3
    assert 3 <= len(next(s for s in plan["steps"] if s["kind"] == "avoid")["lines"]) <= 4
