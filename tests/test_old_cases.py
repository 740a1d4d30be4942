"""Cases made before the adaptive call plan still show and export what they did then.

`tests/fixtures/v1/cases/` holds case files written by calm at commit 1c53fd2 (tree format 1,
the version-1 built-in trees, the plan stored in the case), one per built-in tree, one with an
agreed outcome, one closed after a check-in, and one whose stored plan was removed, as in cases
made before plans were kept (calm rebuilds that one from the version-1 tree). `expected/` holds
what that calm printed for `calm show` and `calm export --format md`, with the clock pinned.

One part of `expected/` is newer: the History section (a table in `show`, `## History` in the
Markdown) was regenerated when calm came to say every case's history in words ("call logged:
agreed: Regrout the edge, next check-in Sun 6 Dec 09:00", not "logged: option: ..., next:
2026-12-06T09:00:00+00:00"; issue 11). The history is not part of the plan a case was made with:
it is the record of its events, stored the same way for every case, so it reads the same way for
every case. Everything above it, the plan first, is byte for byte what 1c53fd2 printed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from calmcli.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures" / "v1"
CASES = sorted(p.stem for p in (FIXTURES / "cases").glob("*.yaml"))
NOW = "2026-12-08T10:00"


@pytest.fixture
def old_home(calm_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES / "cases", calm_home / "cases")
    monkeypatch.setenv("CALM_NOW", NOW)
    return calm_home


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def expected(name: str) -> str:
    return (FIXTURES / "expected" / name).read_text(encoding="utf-8")


def test_the_fixtures_cover_every_built_in_tree_and_a_case_without_a_stored_plan() -> None:
    files = [yaml.safe_load((FIXTURES / "cases" / f"{c}.yaml").read_text()) for c in CASES]
    assert {f["tree"]["id"] for f in files} == {"default", "quality", "delay", "billing"}
    assert {f["tree"]["version"] for f in files} == {1}
    assert sum("plan" not in f for f in files) == 1


@pytest.mark.parametrize("case_id", CASES)
def test_show_prints_what_it_printed_before(old_home: Path, case_id: str) -> None:
    assert run("show", case_id) == expected(f"{case_id}.show.txt")


@pytest.mark.parametrize("case_id", CASES)
def test_export_md_prints_what_it_printed_before(old_home: Path, case_id: str) -> None:
    assert run("export", case_id, "--format", "md") == expected(f"{case_id}.md")


@pytest.mark.parametrize("case_id", CASES)
def test_the_history_of_an_old_case_is_in_words_like_any_other(
    old_home: Path, case_id: str
) -> None:
    for text, start in (
        (run("show", case_id), "History"),
        (expected(f"{case_id}.md"), "## History"),
    ):
        history = text[text.index(start) :]
        assert "case opened" in history
        assert not re.search(r"\d{4}-\d\d-\d\dT|True|False|tree: \w+ v1", history), history
