"""The crib sheet (`cases/<id>.md`): the call plan to print, with the fuller detail the screen
leaves out and room for notes, rewritten whenever the case changes; and `calm show`, which
prints the fuller plan too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from calmcli.cli import output
from calmcli.cli.app import app
from treeanswers import default_answers


def calm(*args: str | Path) -> Result:
    output.out.cache_clear()
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def case_id(calm_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CALM_NOW", "2026-12-01T09:00")
    answers = default_answers(situation=["date"], deadline="2026-12-12", deadline_for="a party")
    del answers["what_happened"]
    answers["option_ratings"] = {
        "option_1": {"ease": 5, "cost": 2, "speed": 4, "in_time": 1},
        "option_2": {"ease": 3, "cost": 4, "speed": 3, "in_time": 0},
    }
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    calm("new", "--tree", "default", "--answers", path, "--no-input")
    [case] = (calm_home / "cases").glob("*.yaml")
    return case.stem


def test_the_crib_sheet_is_the_plan_with_its_detail_and_room_for_notes(
    calm_home: Path, case_id: str
) -> None:
    md = (calm_home / "cases" / f"{case_id}.md").read_text(encoding="utf-8")
    assert md.startswith("# Call plan: Dana Whitfield\n")
    order = [
        "## While they talk", "## Say back what you heard", "## Apologise, and mean it",
        "## What they want", "## Ask", "## Offer a choice", "## Mistakes to avoid on this call",
        "## Follow up", "## The facts", "## Every question to ask", "## Notes during the call",
    ]  # fmt: skip
    positions = [md.index(f"\n{heading}\n") for heading in order]
    assert positions == sorted(positions)
    assert "- Their date: Sat 12 Dec, a party. Say which option is done in time." in md
    assert "in time for a party" in md and "too late for a party" in md
    assert "- Notes: none" in md
    assert "- Could you take me through what happened, from the start?" in md  # no notes yet
    assert "- Is there anything else I should know?" in md  # on the crib, not the screen
    assert "- Is there a date coming up" not in md  # the date is known
    assert "What we agreed: ____" in md
    assert len(re.findall(r"^[A-Z][A-Za-z ,]+: _{10,}$", md, re.M)) == 3


def test_the_crib_sheet_is_rewritten_when_the_case_changes(calm_home: Path, case_id: str) -> None:
    crib = calm_home / "cases" / f"{case_id}.md"
    assert "**Fri 4 Dec 10:00**" in crib.read_text(encoding="utf-8")
    calm("followup", "snooze", case_id, "--until", "mon 9am")
    text = crib.read_text(encoding="utf-8")
    assert "**Mon 7 Dec 09:00**" in text and "Fri 4 Dec 10:00" not in text.split("## The facts")[0]


def test_show_prints_the_fuller_plan(calm_home: Path, case_id: str) -> None:
    lines = [line.strip("│ ") for line in calm("show", case_id).stdout.splitlines()]
    assert "Facts  • Their date: Sat 12 Dec, a party" in lines
    assert "Also ask  • Is there anything else I should know?" in lines
