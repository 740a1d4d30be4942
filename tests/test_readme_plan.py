"""The README's example stays true: its answers file walks in at most 15 prompts, and the plan it
shows is what calm prints for it, on one screen (24 rows at 100 columns, 32 at 80)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from calmcli.cli import output
from calmcli.cli.app import app
from calmcli.domain.interview import Interview, Question, ReviewRow
from calmcli.store import cases
from calmcli.tree.registry import resolve

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
NOW = "2026-12-01T09:00"


def example() -> dict[str, Any]:
    after = README.split("The answers file maps question ids", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", after, re.S)
    assert block is not None
    answers: dict[str, Any] = yaml.safe_load(block.group(1))
    return answers


def shown_plan() -> list[str]:
    after = README.split("the example prints:", 1)[1]
    block = re.search(r"```\n(.*?)```", after, re.S)
    assert block is not None
    return block.group(1).rstrip("\n").splitlines()


class Counting:
    """Answers each prompt from the README's file, counting the prompts a person would see:
    the breathing offer (shown with the `breathe` note), each question, and the final check."""

    interactive = True

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.prompts: list[str] = []

    def note(self, question: Question) -> None:
        if question.node.id == "breathe":
            self.prompts.append("breathing offer")

    def ask(self, question: Question) -> Any:
        self.prompts.append(question.node.id)
        return self.answers.get(question.node.id, question.default)

    def review(self, rows: list[ReviewRow]) -> str | None:
        self.prompts.append("review")
        return None


def test_walking_the_readme_example_takes_at_most_15_prompts() -> None:
    prompter = Counting(example())
    Interview(resolve("default")).run(prompter)
    assert len(prompter.prompts) <= 15, prompter.prompts
    assert prompter.prompts.count("option_ratings") == 1  # both options rated in one prompt
    assert "Walking this example\nby hand takes 15 prompts" in README
    assert len(prompter.prompts) == 15


def plan_at(tmp_path: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tail = iter("k3f9" * 2)  # the random end of the id the README shows
    monkeypatch.setattr(cases, "_pick", lambda alphabet: next(tail))
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(example(), allow_unicode=True), encoding="utf-8")
    env = {"CALM_HOME": str(tmp_path / f"home-{width}"), "CALM_NOW": NOW, "COLUMNS": str(width)}
    output.out.cache_clear()
    args = ["new", "--tree", "default", "--answers", str(answers), "--no-input"]
    result = CliRunner().invoke(app, args, env=env)
    output.out.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    return lines[top : bottom + 1]


def test_the_readme_shows_the_plan_calm_prints_and_it_fits_one_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_100 = plan_at(tmp_path, 100, monkeypatch)
    assert at_100 == shown_plan()
    assert len(at_100) <= 24
    assert len(plan_at(tmp_path, 80, monkeypatch)) <= 32
