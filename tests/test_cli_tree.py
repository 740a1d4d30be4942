"""`calm tree list|show|check|schema`: what a user sees, on which stream, and the exit codes."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.tree import registry
from calmcli.tree.model import END, Tree
from treetexts import BASE, BRANCHY

BUILTIN_DIR = registry.builtin_dir()
_SHIPPED = {p.stem for p in BUILTIN_DIR.glob("*.yaml")}
# default, quality, delay and billing in that order (billing may not exist yet), then any others
BUILTINS = [n for n in registry.BUILTIN_ORDER if n in _SHIPPED] + sorted(
    _SHIPPED - set(registry.BUILTIN_ORDER)
)
SCHEMA_ID = "https://calm.invalid/schemas/tree-v1.json"

# The same small trees as tests/test_tree_loader.py uses (line numbers are explained there).


def sub(old: str, new: str, text: str = BASE) -> str:
    """`text` with the one occurrence of `old` replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def after(anchor: str, lines: str, text: str = BASE) -> str:
    """`text` with `lines` inserted right after the one line `anchor`."""
    return sub(anchor, anchor + lines, text)


def calm(*args: str) -> Result:
    """Run `calm ARGS`; whatever happens, it must not crash or print a traceback."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def names_listed(stdout: str) -> list[str]:
    """The first column of `calm tree list`, skipping the header and wrapped lines."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["name", "title", "source"]
    return [line.split()[0] for line in lines[1:] if line.strip() and not line.startswith(" ")]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path, so output lines naming files fit the 100-column console."""
    folder = Path(tempfile.mkdtemp(prefix="calm-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def user_trees(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CALM_HOME", str(short_dir / "home"))
    folder = short_dir / "home" / "trees"
    folder.mkdir(parents=True)
    return folder


def mine(title: str = "My own roof tree", tree_id: str = "mine") -> str:
    return sub("title: Base tree\n", f"title: {title}\n", sub("id: base\n", f"id: {tree_id}\n"))


BAD_NXT = after("    prompt: Name?\n", "    nxt: mood\n")
BAD_KIND = sub("    kind: multi\n", "    kind: mutli\n")


# -- list ---------------------------------------------------------------------------------------


def test_the_three_general_builtins_are_shipped() -> None:
    assert BUILTINS[:3] == ["default", "quality", "delay"]


def test_list_shows_the_builtins_default_first() -> None:
    result = calm("tree", "list")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert names_listed(result.stdout) == BUILTINS
    for name in BUILTINS:
        tree = registry.resolve(name)
        row = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        assert tree.title in row
        assert row.rstrip().endswith("built-in")


def test_list_shows_user_trees_after_builtins(user_trees: Path) -> None:
    (user_trees / "mine.yaml").write_text(mine(), encoding="utf-8")
    result = calm("tree", "list")
    assert result.exit_code == 0
    assert names_listed(result.stdout) == [*BUILTINS, "mine"]
    row = next(line for line in result.stdout.splitlines() if line.startswith("mine "))
    assert "My own roof tree" in row
    assert "mine.yaml" in result.stdout


def test_list_marks_a_broken_user_tree_invalid_without_failing(user_trees: Path) -> None:
    (user_trees / "broken.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (user_trees / "typo.yaml").write_text(BAD_NXT, encoding="utf-8")
    (user_trees / "mine.yaml").write_text(mine(), encoding="utf-8")
    result = calm("tree", "list")
    assert result.exit_code == 0
    assert names_listed(result.stdout) == [*BUILTINS, "broken", "mine", "typo"]
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line[:1].strip()}
    assert "(invalid:" in rows["broken"]
    assert "(invalid:" in rows["typo"]
    assert "(invalid:" not in rows["mine"]
    assert "My own roof tree" in rows["mine"]


def test_list_prints_markup_in_titles_literally(user_trees: Path) -> None:
    (user_trees / "fancy.yaml").write_text(
        mine(title='"[bold]x[/bold] y"', tree_id="fancy"), encoding="utf-8"
    )
    result = calm("tree", "list")
    assert result.exit_code == 0
    assert "[bold]x[/bold] y" in result.stdout


def test_list_survives_markup_like_text_in_a_broken_tree(user_trees: Path) -> None:
    (user_trees / "odd.yaml").write_text("[/bold] [red\n", encoding="utf-8")
    result = calm("tree", "list")
    assert result.exit_code == 0
    assert "odd" in names_listed(result.stdout)


# -- show ---------------------------------------------------------------------------------------


def test_show_default_draws_sections_nodes_and_branches() -> None:
    result = calm("tree", "show", "default")
    assert result.exit_code == 0
    assert result.stderr == ""
    tree = registry.resolve("default")
    out = result.stdout
    assert out.splitlines()[0] == f"{tree.title}  (default, version {tree.version})"
    for section in tree.sections:
        assert section.title in out
    for node_id, node in tree.nodes.items():
        assert f"{node_id}  [{node.kind}]" in out
    # every branch on a ticked box is drawn, e.g. "if situation includes unsafe → hazard"
    drawn = 0
    for node in tree.nodes.values():
        for rule in node.rules:
            if rule.cond is not None and rule.cond.op == "includes":
                target = "end of interview" if rule.goto == END else rule.goto
                assert f"if {rule.cond.answer} includes {rule.cond.arg} → {target}" in out
                drawn += 1
    assert drawn >= 5
    assert "if situation includes unsafe → hazard" in out


def test_show_draws_every_kind_of_branch(user_trees: Path) -> None:
    (user_trees / "branchy.yaml").write_text(BRANCHY, encoding="utf-8")
    result = calm("tree", "show", "branchy")
    assert result.exit_code == 0
    lines = [line.lstrip("│├└─ ") for line in result.stdout.splitlines()]
    assert lines[0] == "Branching  (branchy, version 1.2)"
    # each node, then what can follow it, in file order
    assert lines[1:] == [
        "S",
        "pick  [choice]  Pick one",
        "• A = a  → after_a",
        "• B = b",
        "• C = c",
        "if pick in a or b → after_b",
        "otherwise → level",
        "after_a  [text]  Why A?",
        "→ level",
        "after_b  [text]  Why B?",
        "level  [scale]  How much?",
        "1 to 5",
        "if level >= 4 → high",
        "if level >= 2 → mid",
        "otherwise → end of interview",
        "high  [yesno]  Really high?",
        "→ end of interview",
        "mid  [text]  In the middle?",
        "last  [text]  Last one?",
        "→ end of interview",
    ]


def test_show_prints_markup_in_titles_and_prompts_literally(user_trees: Path) -> None:
    text = mine(title='"[bold]x[/bold] y"', tree_id="fancy")
    text = sub("    prompt: Breathe.\n", "    prompt: '[red]Breathe[/red] {{x}}'\n", text)
    (user_trees / "fancy.yaml").write_text(text, encoding="utf-8")
    result = calm("tree", "show", "fancy")
    assert result.exit_code == 0
    assert result.stdout.startswith("[bold]x[/bold] y  (fancy, version 1)")
    assert "[red]Breathe[/red] {{x}}" in result.stdout


def test_show_a_file_by_path(short_dir: Path) -> None:
    path = short_dir / "here.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = calm("tree", "show", str(path))
    assert result.exit_code == 0
    assert result.stdout.startswith("Base tree  (base, version 1)")


def test_show_unknown_name_exits_2_listing_the_trees() -> None:
    result = calm("tree", "show", "nosuch")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("calm: no tree named 'nosuch'; trees: ")
    for name in BUILTINS:
        assert name in result.stderr


def test_show_misspelt_name_suggests_the_right_one() -> None:
    result = calm("tree", "show", "defualt")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no tree named 'defualt'; did you mean default?" in result.stderr


def test_show_broken_file_exits_2_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_NXT, encoding="utf-8")
    result = calm("tree", "show", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"calm: {path}: 1 problem in this tree",
        f"  {path}:17:5: name: unknown key 'nxt' in a node; did you mean 'next'?",
    ]


# -- check --------------------------------------------------------------------------------------


def test_check_good_files_exits_0(short_dir: Path) -> None:
    one, two = short_dir / "one.yaml", short_dir / "two.yml"
    one.write_text(BASE, encoding="utf-8")
    two.write_text(BRANCHY, encoding="utf-8")
    result = calm("tree", "check", str(one), str(two))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"ok  {one}  (base: 6 nodes)",
        f"ok  {two}  (branchy: 7 nodes)",
    ]


def test_check_bad_file_exits_2_with_problems_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_NXT, encoding="utf-8")
    result = calm("tree", "check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:17:5: name: unknown key 'nxt' in a node; did you mean 'next'?",
        "calm: 1 of 1 tree file(s) have problems",
    ]


def test_check_reports_every_file(short_dir: Path) -> None:
    good = short_dir / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad1 = short_dir / "bad1.yaml"
    bad1.write_text(BAD_NXT, encoding="utf-8")
    bad2 = short_dir / "bad2.yaml"
    bad2.write_text(BAD_KIND, encoding="utf-8")
    listed = short_dir / "list.yaml"
    listed.write_text("- a\n", encoding="utf-8")
    missing = short_dir / "missing.yaml"
    result = calm("tree", "check", str(bad1), str(good), str(bad2), str(listed), str(missing))
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"ok  {good}  (base: 6 nodes)"]
    assert result.stderr.splitlines() == [
        f"{bad1}:17:5: name: unknown key 'nxt' in a node; did you mean 'next'?",
        f"{bad2}:32:11: wants: unknown kind 'mutli'; did you mean 'multi'?",
        f"{listed}:1:1: the top level must be a mapping (format, id, title, ...), not a list",
        f"{missing}: no such file",
        "calm: 4 of 5 tree file(s) have problems",
    ]


def test_check_reports_every_problem_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(sub("    kind: multi\n", "    kind: mutli\n", BAD_NXT), encoding="utf-8")
    result = calm("tree", "check", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"{path}:17:5: name: unknown key 'nxt' in a node; did you mean 'next'?",
        f"{path}:33:11: wants: unknown kind 'mutli'; did you mean 'multi'?",
    ]


def test_check_a_builtin_file_checks_it_as_builtin(tmp_path: Path) -> None:
    builtin = BUILTIN_DIR / "default.yaml"
    result = calm("tree", "check", str(builtin))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok  {builtin}  (default: ")


def test_check_without_arguments_checks_builtins_and_user_trees(user_trees: Path) -> None:
    (user_trees / "mine.yaml").write_text(mine(), encoding="utf-8")
    result = calm("tree", "check")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(BUILTINS) + 1
    for line, name in zip(lines, BUILTINS, strict=False):
        assert line.startswith(f"ok  {BUILTIN_DIR / name}.yaml  ({name}: ")
    assert lines[-1] == f"ok  {user_trees / 'mine.yaml'}  (mine: 6 nodes)"


def test_check_without_arguments_fails_on_a_broken_user_tree(user_trees: Path) -> None:
    (user_trees / "mine.yaml").write_text(mine(), encoding="utf-8")
    (user_trees / "typo.yaml").write_text(sub("id: base\n", "id: typo\n", BAD_KIND), "utf-8")
    result = calm("tree", "check")
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == len(BUILTINS) + 1
    typo = user_trees / "typo.yaml"
    assert result.stderr.splitlines() == [
        f"{typo}:32:11: wants: unknown kind 'mutli'; did you mean 'multi'?",
        f"calm: 1 of {len(BUILTINS) + 2} tree file(s) have problems",
    ]


def test_check_a_hostile_file_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_bytes(b'!!python/object/apply:os.system ["touch PWNED"]\n')
    result = calm("tree", "check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(f"{path}:1:1: the tag ")
    assert not (tmp_path / "PWNED").exists()


def test_check_ok_line_is_one_line_even_for_a_long_path(tmp_path: Path) -> None:
    folder = tmp_path / ("long-folder-name-" * 6)
    folder.mkdir()
    path = folder / "tree.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = calm("tree", "check", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"ok  {path}  (base: 6 nodes)"]


# -- schema -------------------------------------------------------------------------------------


def test_schema_prints_the_tree_v1_json_schema() -> None:
    result = calm("tree", "schema")
    assert result.exit_code == 0
    assert result.stderr == ""
    schema = json.loads(result.stdout)
    assert schema["$id"] == SCHEMA_ID
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"format", "id", "title", "version", "sections", "nodes"}


# -- the user's copy of a built-in --------------------------------------------------------------


def test_a_copied_builtin_is_a_valid_user_tree(user_trees: Path) -> None:
    text = (BUILTIN_DIR / "default.yaml").read_text(encoding="utf-8")
    (user_trees / "my-default.yaml").write_text(
        text.replace("id: default\n", "id: my-default\n", 1), encoding="utf-8"
    )
    result = calm("tree", "check", str(user_trees / "my-default.yaml"))
    assert result.exit_code == 0
    tree: Tree = registry.resolve("my-default")
    assert tree.id == "my-default" and not tree.builtin


def test_a_copy_under_a_builtins_name_takes_its_place(user_trees: Path) -> None:
    shutil.copy(BUILTIN_DIR / "default.yaml", user_trees / "default.yaml")
    assert calm("tree", "check", str(user_trees / "default.yaml")).exit_code == 0
    tree: Tree = registry.resolve("default")
    assert tree.id == "default" and not tree.builtin
    assert tree.source == str(user_trees / "default.yaml")


# -- calm tree copy ------------------------------------------------------------------------------


def test_copy_makes_a_tree_of_yours_with_its_new_id(calm_home: Path) -> None:
    result = calm("tree", "copy", "quality", "roof-leak")
    assert result.exit_code == 0, result.output
    target = calm_home / "trees" / "roof-leak.yaml"
    assert f"Copied quality to {target}." in result.stdout
    assert "calm tree check" in result.stdout and "calm new --tree roof-leak" in result.stdout
    copied = registry.resolve("roof-leak")
    assert copied.id == "roof-leak"
    assert copied.nodes.keys() == registry.resolve("quality").nodes.keys()
    assert calm("tree", "check", str(target)).exit_code == 0
    assert "roof-leak" in names_listed(calm("tree", "list").stdout)


def test_copy_under_a_built_in_name_says_it_replaces_it(calm_home: Path) -> None:
    result = calm("tree", "copy", "quality", "default")
    assert result.exit_code == 0, result.output
    assert "(it replaces the built-in 'default')" in result.stdout
    assert registry.resolve("default").title == registry.resolve("quality").title


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "mine"], "no tree named 'nosuch' (trees: default"),
        (["quality", "Roof Leak"], "'Roof Leak' cannot name a tree"),
        (["quality", "../escape"], "'../escape' cannot name a tree"),
        (["quality", "_x"], "cannot name a tree"),
        (["quality", "a" * 65], "cannot name a tree"),
    ],
)
def test_copy_refuses_what_it_cannot_do(calm_home: Path, args: list[str], message: str) -> None:
    result = calm("tree", "copy", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (calm_home / "trees").exists()


def test_copy_never_overwrites_a_tree_of_yours(calm_home: Path) -> None:
    assert calm("tree", "copy", "quality", "mine").exit_code == 0
    target = calm_home / "trees" / "mine.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# my changes\n", encoding="utf-8")
    result = calm("tree", "copy", "delay", "mine")
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8").endswith("# my changes\n")
