"""What a user made for the version-1 trees still works, or gets a message saying what changed.

- Answers files written for the version-1 built-in trees (`fixtures/v1/answers/`): every
  question that is no longer asked, or asked differently, is named with what to do instead.
- A user's own tree copied from a version-1 built-in keeps working: it loads, its old reserved
  ids hold their roles, and its plan adapts to the call like the built-ins'.
- A user's tree with a role on the wrong kind of question gets the checker's file:line:col message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.tree import registry

FIXTURES = Path(__file__).parent / "fixtures" / "v1" / "answers"
EARLIER = registry.builtin_dir() / "earlier"


def calm(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", ["default", "quality", "delay", "billing"])
def test_an_old_answers_file_names_every_question_that_changed(name: str) -> None:
    path = FIXTURES / f"{name}.yaml"
    old = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree = registry.resolve(name)
    gone = [key for key in old if key not in tree.nodes]
    assert gone  # the version-2 trees ask differently
    result = calm("new", "--tree", name, "--answers", path, "--no-input")
    assert result.exit_code == 2
    named = re.findall(rf"^  {re.escape(str(path))}:\d+:1: (\w+): (.*)$", result.stderr, re.M)
    # Questions asked under the same id whose old answer no longer fits are named too.
    refitted = [key for key, message in named if key not in gone]
    assert [key for key, _ in named if key in gone] == gone
    assert all("is not one of the choices" in dict(named)[key] for key in refitted), named
    for key, message in named:
        if key in refitted:
            continue
        replaced = next((n for n in tree.nodes.values() if key in getattr(n, "replaces", ())), None)
        if replaced is not None:
            assert f"answer {replaced.id!r} instead" in message, (key, message)
        else:
            assert "no longer asked in version 2" in message, (key, message)
    assert "answer 'feelings' instead" in result.stderr  # feeling and intensity became one
    assert "intensity" in dict(named)


def copy_v1_default(home: Path, name: str = "roof-leak") -> Path:
    folder = home / "trees"
    folder.mkdir(parents=True, exist_ok=True)
    text = (EARLIER / "default-1.yaml").read_text(encoding="utf-8")
    path = folder / f"{name}.yaml"
    path.write_text(text.replace("id: default\n", f"id: {name}\n", 1), encoding="utf-8")
    return path


def test_a_users_tree_copied_from_version_1_still_works_and_its_plan_adapts(
    calm_home: Path, tmp_path: Path
) -> None:
    tree_file = copy_v1_default(calm_home)
    assert calm("tree", "check", tree_file).exit_code == 0
    result = calm(
        "new", "--tree", "roof-leak", "--answers", FIXTURES / "default.yaml", "--no-input"
    )
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Listen Let them finish. Don't explain or correct anything yet." in out  # intensity 4
    assert "frustrated, 4 out of 5" in out  # the tree's own wording for how they feel
    assert "Bring in Sam, the owner if she asks for a refund." in out  # escalate_to answered
    assert "Regrout the shower tray edge this week at no cost (your pick): easy to do 5/5" in out
    [case] = (calm_home / "cases").glob("*.yaml")
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["tree"] == {"id": "roof-leak", "version": 1}
    assert data["plan"]["layout"] == 2


def test_a_role_on_the_wrong_kind_of_question_is_a_clear_checker_message(
    calm_home: Path,
) -> None:
    path = copy_v1_default(calm_home)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: job\n", "  - id: job\n    role: intensity\n"), "utf-8")
    result = calm("tree", "check", path)
    assert result.exit_code == 2
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "role:" in row)
    assert f"{path}:{line}:11: job: role 'intensity' needs a scale question; 'job' is text" in (
        result.stdout + result.stderr
    )
