"""Hostile trees, through the installed `calm`: each defect of "Nothing lost, round two" that a
tree file could cause, with what calm must do instead. Every input goes into the summary's
table (`helpers.tried`).

- tree text with bidi overrides and escape sequences is shown literally by `calm tree show` (9);
- a regular expression nested 500 deep is refused with a message, not a RecursionError (10);
- `^(a+)+$` cannot hang `calm new` (11);
- a 10,000-node tree is refused at once, and a 2,000-node one checks in about a second (12);
- a symbolic link loop is one message (13); ids with a trailing newline are refused (14);
- Arabic-Indic and fullwidth digits are not scale answers (26);
- a tree in trees/ whose file name is not its id is refused, naming both (27).
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import yaml

from calmcli.tree import registry

from .helpers import Result, calm_env, check_clean, record, run_calm, tried

SECTION = "hostile"
BIDI_AND_CONTROLS = ("\u202e", "\u2066", "\u2069", "\x1b", "\x07")

SMALL = textwrap.dedent(
    """\
    format: 1
    id: small
    title: A small tree
    version: 1
    sections: [{id: s, title: Questions}]
    nodes:
      - id: code
        section: s
        kind: text
        prompt: The job code?
        validate: {pattern: 'PATTERN'}
      - {id: heat, section: s, kind: scale, prompt: How strongly?, min: 1, max: 5}
    """
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def first_line(res: Result) -> str:
    lines = (res.err.strip() or res.out.strip() or "(nothing)").splitlines()
    return f"exit {res.code}: {lines[-1] if res.traceback else lines[0]}"[:160]


def big_tree(n: int, *, rules: bool = True) -> str:
    """`n` nodes in a chain; each prompt names the one before (and with `rules`, each node
    branches on the one before), so every "asked before here" check has work to do."""
    lines = ["format: 1\nid: big\ntitle: Big\nversion: 1\nsections: [{id: s, title: S}]"]
    lines.append("nodes:")
    lines.append("  - {id: n0, section: s, kind: scale, prompt: 'First?', min: 1, max: 5}")
    for i in range(1, n):
        if rules:
            lines.append(
                f"  - {{id: n{i}, section: s, kind: scale, prompt: 'After {{n{i - 1}}}?', min: 1,"
                f" max: 5, next: [{{if: {{answer: n{i - 1}, at_least: 3}}, goto: n{i + 1}}},"
                f" {{goto: n{i + 1}}}]}}"
            )
        else:
            lines.append(f"  - {{id: n{i}, section: s, kind: text, prompt: 'x {{n{i - 1}}}'}}")
    return "\n".join(lines).replace(f"goto: n{n}}}", "goto: end}") + "\n"


# -- 9: tree text is shown literally --------------------------------------------------------------


def test_tree_show_prints_no_bidi_override_or_escape(tmp_path: Path) -> None:
    evil = "\u202eevil\u2066 \x1b[2J\x1b]0;pwned\x07"
    tree = {
        "format": 1,
        "id": "evil",
        "title": f"Title {evil}",
        "version": f"v{evil}",
        "sections": [{"id": "s", "title": f"Section {evil}"}],
        "nodes": [
            {
                "id": "pick",
                "section": "s",
                "kind": "choice",
                "prompt": f"Prompt {evil}",
                "choices": [{"value": f"v{evil}", "label": f"Label {evil}"}],
                "next": [
                    {"if": {"answer": "pick", "equals": f"x{evil}"}, "goto": "end"},
                    {"goto": "heat"},
                ],
            },
            {
                "id": "heat",
                "section": "s",
                "kind": "scale",
                "prompt": "How?",
                "min": 1,
                "max": 2,
                "labels": {1: f"low {evil}"},
            },
        ],
    }
    path = write(tmp_path / "evil.yaml", yaml.safe_dump(tree, allow_unicode=True))
    res = run_calm(["tree", "show", str(path)])
    check_clean(res, SECTION)
    leaked = [repr(c) for c in BIDI_AND_CONTROLS if c in res.out + res.err]
    tried(
        SECTION,
        "tree: bidi overrides and escapes in every text",
        "calm tree show",
        f"exit {res.code}; leaked {leaked or 'nothing'}",
        ok=res.code == 0 and not leaked,
    )
    assert res.code == 0, res.show()
    assert not leaked, res.show()
    for words in ("Title evil", "vevil", "Section evil", "Prompt evil", "Label evil", "low evil"):
        assert words in res.out, words


# -- 10, 11: patterns -----------------------------------------------------------------------------


def test_a_pattern_nested_500_deep_is_refused_everywhere(tmp_path: Path, calm_home: Path) -> None:
    pattern = "(" * 500 + "a" + ")" * 500
    path = write(calm_home / "trees" / "small.yaml", SMALL.replace("PATTERN", pattern))
    runs = {
        "calm tree check": run_calm(["tree", "check", str(path)]),
        "calm tree show": run_calm(["tree", "show", "small"]),
        "calm tree list": run_calm(["tree", "list"]),
    }
    for via, res in runs.items():
        check_clean(res, SECTION)
        tried(SECTION, "tree: a pattern nested 500 deep", via, first_line(res), ok=True)
    assert runs["calm tree check"].code == 2
    assert f"{path}:11:" in runs["calm tree check"].err
    assert "code: 'pattern' is too long" in runs["calm tree check"].err
    assert runs["calm tree show"].code == 2
    assert runs["calm tree list"].code == 0
    assert "(invalid:" in runs["calm tree list"].out
    # the `calm new` picker lists what `entries` loads: the tree is left out, with its reason
    [entry] = [e for e in registry.entries() if e.name == "small"]
    assert entry.problem is not None and "1 problem" in entry.problem


def test_a_pattern_nested_as_deep_as_allowed_works(tmp_path: Path) -> None:
    pattern = "(" * 249 + "a" + ")" * 249
    tree = write(tmp_path / "small.yaml", SMALL.replace("PATTERN", pattern))
    answers = write(tmp_path / "answers.yaml", "code: a\nheat: 3\n")
    res = run_calm(["new", "--tree", str(tree), "--answers", str(answers), "--no-input"])
    check_clean(res, SECTION)
    tried(SECTION, "tree: a pattern nested 249 deep", "calm new --no-input", first_line(res))
    assert res.code == 0, res.show()


def test_catastrophic_backtracking_cannot_hang_new(tmp_path: Path) -> None:
    tree = write(tmp_path / "small.yaml", SMALL.replace("PATTERN", "^(a+)+$"))
    answers = write(tmp_path / "answers.yaml", f"code: {'a' * 33}b\nheat: 3\n")
    start = time.perf_counter()
    res = run_calm(["new", "--tree", str(tree), "--answers", str(answers), "--no-input"])
    seconds = time.perf_counter() - start
    check_clean(res, SECTION)
    tried(
        SECTION,
        "tree: ^(a+)+$ and a 34-character answer",
        "calm new --no-input",
        f"{first_line(res)} ({seconds:.1f} s)",
        ok=res.code == 2 and seconds < 10,
    )
    assert res.code == 2, res.show()
    assert "code: that does not look right" in res.err
    assert seconds < 10


def test_lookaround_and_backreferences_are_named(tmp_path: Path) -> None:
    for pattern, says in [
        ("(?=a)b", "lookahead (?=...) is not supported"),
        ("(?<!a)b", "negative lookbehind (?<!...) is not supported"),
        (r"(a)\1", "backreferences such as \\1 are not supported"),
    ]:
        path = write(tmp_path / "small.yaml", SMALL.replace("PATTERN", pattern))
        res = run_calm(["tree", "check", str(path)])
        check_clean(res, SECTION)
        tried(SECTION, f"tree: the pattern {pattern}", "calm tree check", first_line(res))
        assert res.code == 2, res.show()
        assert f"code: bad regular expression: {says}" in res.err, res.show()


# -- 12: size -------------------------------------------------------------------------------------


def test_a_10000_node_tree_is_refused_at_once(tmp_path: Path, calm_home: Path) -> None:
    path = write(calm_home / "trees" / "big.yaml", big_tree(10_000, rules=False))
    res = run_calm(["tree", "check", str(path)], timeout=60)
    check_clean(res, SECTION)
    tried(
        SECTION,
        "tree: 10,000 nodes",
        "calm tree check",
        f"{first_line(res)} ({res.seconds:.1f} s)",
        ok=res.code == 2 and res.seconds < 10,
    )
    assert res.code == 2, res.show()
    assert "a tree has at most 2,000 nodes; this one has 10,000" in res.err
    listed = run_calm(["tree", "list"], timeout=60)
    check_clean(listed, SECTION)
    tried(
        SECTION,
        "tree: 10,000 nodes installed",
        "calm tree list",
        f"exit {listed.code} ({listed.seconds:.1f} s)",
        ok=listed.seconds < 10,
    )
    record(SECTION, big_tree_check_seconds=res.seconds, big_tree_list_seconds=listed.seconds)
    assert listed.code == 0 and "(invalid:" in listed.out
    assert res.seconds < 10 and listed.seconds < 10


def test_a_2000_node_tree_checks_in_about_a_second(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", big_tree(2_000))
    start = time.perf_counter()
    tree = registry.load_path(path)
    seconds = time.perf_counter() - start
    record(SECTION, tree_2000_nodes_check_seconds=round(seconds, 2))
    assert len(tree.nodes) == 2_000
    assert seconds < 3, f"{seconds:.1f} s"


# -- 13, 14: links and ids ------------------------------------------------------------------------


def test_a_symlink_loop_is_one_message(tmp_path: Path, calm_home: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    trees = calm_home / "trees"
    trees.mkdir(parents=True)
    (trees / "loop.yaml").symlink_to(trees / "loop.yaml")
    runs = {
        "calm tree check FILE": run_calm(["tree", "check", str(a)]),
        "calm tree check": run_calm(["tree", "check"]),
        "calm tree show FILE": run_calm(["tree", "show", str(a)]),
        "calm tree list": run_calm(["tree", "list"]),
    }
    for via, res in runs.items():
        check_clean(res, SECTION)
        tried(SECTION, "tree: a symbolic link loop", via, first_line(res), ok=not res.traceback)
    assert runs["calm tree check FILE"].code == 2
    assert f"{a}: cannot read: " in runs["calm tree check FILE"].err
    assert runs["calm tree check"].code == 2
    assert "loop.yaml: cannot read: " in runs["calm tree check"].err
    assert runs["calm tree show FILE"].code == 2
    assert runs["calm tree list"].code == 0


def test_ids_with_a_trailing_newline_are_refused(tmp_path: Path) -> None:
    for where, text in [
        ("node", SMALL.replace("PATTERN", "x").replace("- id: code", '- id: "code\\n"')),
        ("tree", SMALL.replace("PATTERN", "x").replace("id: small", 'id: "small\\n"')),
    ]:
        path = write(tmp_path / "small.yaml", text)
        res = run_calm(["tree", "check", str(path)])
        check_clean(res, SECTION)
        tried(
            SECTION,
            f"tree: a {where} id ending in a newline",
            "calm tree check",
            first_line(res),
            ok=res.code == 2,
        )
        assert res.code == 2, res.show()
        assert f"a {where} id uses a-z" in res.err


# -- 26: digits -----------------------------------------------------------------------------------


def test_only_ascii_digits_answer_a_scale(tmp_path: Path) -> None:
    tree = write(tmp_path / "small.yaml", SMALL.replace("PATTERN", "[A-Z]{2}[0-9]{3}"))
    for name, digit in [("Arabic-Indic", "\u0663"), ("fullwidth", "\uff13"), ("Devanagari", "३")]:
        answers = write(tmp_path / "answers.yaml", f"code: AB123\nheat: '{digit}'\n")
        res = run_calm(["new", "--tree", str(tree), "--answers", str(answers), "--no-input"])
        check_clean(res, SECTION)
        tried(
            SECTION,
            f"answers: a scale answered with the {name} digit 3",
            "calm new --no-input",
            first_line(res),
            ok=res.code == 2,
        )
        assert res.code == 2, res.show()
        assert f"heat: expected a number from 1 to 5, not '{digit}'" in res.err, res.show()


# -- 27: file names -------------------------------------------------------------------------------


def test_a_tree_named_otherwise_than_its_id_is_refused(calm_home: Path) -> None:
    path = write(calm_home / "trees" / "my-small.yaml", SMALL.replace("PATTERN", "x"))
    res = run_calm(["tree", "check"])
    check_clean(res, SECTION)
    tried(
        SECTION,
        "tree: trees/my-small.yaml with id small",
        "calm tree check",
        first_line(res),
        ok=res.code == 2,
    )
    assert res.code == 2, res.show()
    assert (
        f"{path}:2:5: tree: the file is named my-small.yaml, but the tree's id is 'small'"
        in res.err
    ), res.show()
    listed = run_calm(["tree", "list"])
    assert "my-small" in listed.out and "(invalid:" in listed.out
    new = run_calm(["new", "--tree", "my-small", "--no-input"], env=calm_env())
    assert new.code == 2 and "rename the file to small.yaml" in new.err, new.show()
