"""Loading and checking interview trees: every problem, with the right file:line:column, at once.

The table below edits a small valid tree (BASE) and lists the exact problems the checker must
report as (line, column, where, message). Line numbers refer to the edited text; in BASE the nodes
start on lines 9 (hello, a note), 13 (name, text), 17 (mood, choice), 24 (level, scale 1..5),
30 (wants, multi) and 35 (when, date), and `plan:` is line 39.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from calmcli.errors import BadInput
from calmcli.tree import registry
from calmcli.tree.loader import TreeInvalid, load_tree_text
from calmcli.tree.model import END, NOT_SITUATIONS, REQUIRED_SECTIONS, Tree
from calmcli.tree.parts import Condition
from calmcli.tree.templates import TemplateError, placeholders, render
from treetexts import BASE, BRANCHY

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "trees.md"
BUILTIN_FILES = sorted((ROOT / "src" / "calmcli" / "trees").glob("*.yaml"))


Row = tuple[int, int, str, str]


def sub(old: str, new: str, text: str = BASE) -> str:
    """`text` with the one occurrence of `old` replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def after(anchor: str, lines: str, text: str = BASE) -> str:
    """`text` with `lines` inserted right after the one line `anchor`."""
    return sub(anchor, anchor + lines, text)


def problems_of(text: str, *, builtin: bool = False) -> list[Row]:
    with pytest.raises(TreeInvalid) as info:
        load_tree_text(text, "t.yaml", builtin=builtin)
    return [(p.line, p.column, p.where, p.message) for p in info.value.problems]


def load(text: str, **kw: Any) -> Tree:
    return load_tree_text(text, "t.yaml", **kw)


def rules(*lines: str) -> str:
    """A `next:` rule list, indented for a node."""
    return "    next:\n" + "".join(f"      {line}\n" for line in lines)


ALLOWED_TOP = "format, id, title, description, version, sections, start, nodes, plan"
KINDS = "note, text, longtext, choice, multi, yesno, scale, date, ratings"

CASES: list[Any] = [
    # -- unknown keys, with did-you-mean ------------------------------------------------------
    pytest.param(
        after("    prompt: Name?\n", "    nxt: mood\n"),
        [(17, 5, "name", "unknown key 'nxt' in a node; did you mean 'next'?")],
        id="node-key-nxt",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    promt: Name?\n"),
        [
            (13, 5, "name", "missing 'prompt'"),
            (16, 5, "name", "unknown key 'promt' in a node; did you mean 'prompt'?"),
        ],
        id="node-key-promt",
    ),
    pytest.param(
        after("version: 1\n", "author: me\n"),
        [(5, 1, "tree", f"unknown key 'author' in the tree (allowed: {ALLOWED_TOP})")],
        id="top-key-unknown",
    ),
    pytest.param(
        after("version: 1\n", "descripton: x\n"),
        [(5, 1, "tree", "unknown key 'descripton' in the tree; did you mean 'description'?")],
        id="top-key-typo",
    ),
    pytest.param(
        after("  followup: when\n", "  folowup: when\n"),
        [(42, 3, "plan", "unknown key 'folowup' in 'plan'; did you mean 'followup'?")],
        id="plan-key-typo",
    ),
    pytest.param(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: level, atleast: 4}", "  goto: end", "- goto: end"),
        ),
        [
            (
                40,
                13,
                "when",
                "a condition needs exactly one of equals, in, includes, at_least, "
                "at_most, answered",
            ),
            (40, 29, "when", "unknown key 'atleast' in a condition; did you mean 'at_least'?"),
        ],
        id="condition-key-typo",
    ),
    # -- kinds, required keys, types, format --------------------------------------------------
    pytest.param(
        sub("    kind: multi\n", "    kind: mutli\n"),
        [(32, 11, "wants", "unknown kind 'mutli'; did you mean 'multi'?")],
        id="kind-typo",
    ),
    pytest.param(
        sub("    kind: multi\n", "    kind: zzz\n"),
        [(32, 11, "wants", f"unknown kind 'zzz' (kinds: {KINDS})")],
        id="kind-unknown",
    ),
    pytest.param(
        sub("    section: intro\n", ""),
        [(9, 5, "hello", "missing 'section'")],
        id="missing-section",
    ),
    pytest.param(
        sub("    kind: multi\n", ""),
        [(30, 5, "wants", "missing 'kind'")],
        id="missing-kind",
    ),
    pytest.param(
        sub("    min: 1\n", ""),
        [(24, 5, "level", "missing 'min'")],
        id="scale-missing-min",
    ),
    pytest.param(
        sub("title: Base tree\n", ""),
        [(1, 1, "tree", "missing 'title'")],
        id="missing-title",
    ),
    pytest.param(
        sub("version: 1\n", ""),
        [(1, 1, "tree", "missing 'version'")],
        id="missing-version",
    ),
    pytest.param(
        BASE.split("nodes:")[0],
        [(1, 1, "tree", "missing 'nodes'")],
        id="missing-nodes",
    ),
    pytest.param(
        BASE.split("nodes:")[0] + "nodes: []\n",
        [(8, 8, "tree", "a tree needs at least one node")],
        id="empty-nodes",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: [a, b]\n"),
        [(16, 13, "name", "'prompt' must be text, not a list")],
        id="prompt-not-text",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    required: yes please\n"),
        [(17, 15, "name", "'required' must be true or false, not the text 'yes please'")],
        id="required-not-bool",
    ),
    pytest.param(
        sub("    min: 1\n", "    min: one\n"),
        [(28, 10, "level", "'min' must be a whole number, not the text 'one'")],
        id="min-not-int",
    ),
    pytest.param(
        sub("version: 1\n", "version: 1.5\n"),
        [(4, 10, "tree", "'version' must be a whole number or text, not the number 1.5")],
        id="version-float",
    ),
    pytest.param(
        sub("format: 1\n", "format: 2\n"),
        [(1, 9, "tree", "'format' must be 1 (this calm reads format 1), not 2")],
        id="format-2",
    ),
    # -- ids, duplicates, sections ------------------------------------------------------------
    pytest.param(
        sub("  - id: wants\n", "  - id: 2wants\n"),
        [(30, 9, "2wants", "a node id uses a-z, 0-9 and _, starting with a letter")],
        id="node-id-bad",
    ),
    pytest.param(
        sub("id: base\n", "id: Base Tree\n"),
        [(2, 5, "tree", "a tree id uses a-z, 0-9, - and _")],
        id="tree-id-bad",
    ),
    pytest.param(
        sub("  - id: when\n", "  - id: end\n", sub("followup: when", "followup: end")),
        [(35, 9, "end", "'end' is reserved for finishing the interview")],
        id="node-id-end",
    ),
    pytest.param(
        sub("  - id: level\n", "  - id: mood\n"),
        [(24, 9, "mood", "duplicate node id 'mood'")],
        id="node-id-duplicate",
    ),
    pytest.param(
        sub("{value: angry, label: angry}", "{value: calm, label: angry}"),
        [(23, 9, "mood", "duplicate choice value 'calm'")],
        id="choice-value-duplicate",
    ),
    pytest.param(
        sub("choices: [repair, refund]", "choices: [repair, repair]"),
        [(34, 23, "wants", "duplicate choice value 'repair'")],
        id="choice-value-duplicate-plain",
    ),
    pytest.param(
        after("  - {id: main, title: Main}\n", "  - {id: main, title: Again}\n"),
        [(8, 5, "tree", "duplicate section id 'main'")],
        id="section-id-duplicate",
    ),
    pytest.param(
        sub("    section: intro\n", "    section: intor\n"),
        [(10, 14, "hello", "unknown section 'intor'")],
        id="section-unknown",
    ),
    pytest.param(
        after("    prompt: Breathe.\n", "    required: false\n"),
        [(13, 5, "hello", "'required' does not apply to a note node")],
        id="note-required",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    choices: [a]\n"),
        [(17, 5, "name", "'choices' does not apply to a text node")],
        id="choices-on-text",
    ),
    # -- branching ----------------------------------------------------------------------------
    pytest.param(
        after(
            "    max: 5\n",
            rules("- if: {answer: level, at_least: 4}", "  goto: hgih", "- goto: wants"),
        ),
        [(32, 15, "level", "goes to 'hgih', but no node has that id")],
        id="rule-goto-dangling",
    ),
    pytest.param(
        sub("{value: angry, label: angry}", "{value: angry, label: angry, next: nowhere}"),
        [(23, 44, "mood", "goes to 'nowhere', but no node has that id")],
        id="choice-next-dangling",
    ),
    pytest.param(
        sub("choices: [repair, refund]", "choices: [repair, {value: refund, next: when}]"),
        [(34, 39, "wants", "only single-choice answers can branch")],
        id="multi-choice-next",
    ),
    pytest.param(
        after("version: 1\n", "start: begin\n"),
        [(5, 8, "tree", "'start' names no node: 'begin'")],
        id="start-dangling",
    ),
    pytest.param(
        after(
            "    prompt: What do they want?\n",
            rules("- if: {answer: level, at_least: 4}", "  goto: when"),
        ),
        [(35, 9, "wants", "the last rule must have no 'if': it is the fallback")],
        id="rules-without-fallback",
    ),
    pytest.param(
        after(
            "    prompt: What do they want?\n",
            rules("- goto: when", "- if: {answer: level, at_least: 4}", "  goto: when"),
        ),
        [
            (35, 9, "wants", "only the last rule may lack 'if' (it is the fallback)"),
            (36, 9, "wants", "the last rule must have no 'if': it is the fallback"),
        ],
        id="fallback-not-last",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    next: [mood]\n"),
        [(17, 12, "name", "a rule must be a mapping with 'goto' (and 'if')")],
        id="rule-not-mapping",
    ),
    pytest.param(
        after("    prompt: How strongly?\n", "    next: when\n"),
        [(31, 5, "wants", "unreachable: no path from the start leads here")],
        id="unreachable",
    ),
    pytest.param(
        after("    prompt: When?\n", "    next: wants\n"),
        [
            (line, 5, node, "no way out: every path from here loops without ending")
            for line, node in [
                (9, "hello"),
                (13, "name"),
                (17, "mood"),
                (24, "level"),
                (30, "wants"),
                (35, "when"),
            ]
        ],
        id="loop-without-exit",
    ),
    # -- templates ----------------------------------------------------------------------------
    pytest.param(
        sub("    prompt: When?\n", "    prompt: When will you call {nobody}?\n"),
        [(38, 13, "when", "template names {nobody}, but no node has that id")],
        id="template-unknown-id",
    ),
    pytest.param(
        sub("    prompt: When?\n", "    prompt: When after {hello}?\n"),
        [(38, 13, "when", "template names {hello}, a note with no answer")],
        id="template-names-note",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: Name? {level}\n"),
        [(16, 13, "name", "template names {level}, which is never asked before here")],
        id="template-names-later-node",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: Name? {name}\n"),
        [(16, 13, "name", "template names {name}, which is never asked before here")],
        id="template-names-itself",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    help: 'about {when}'\n"),
        [(17, 11, "name", "template names {when}, which is never asked before here")],
        id="template-in-help-later-node",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    default: '{when}'\n"),
        [(17, 14, "name", "template names {when}, which is never asked before here")],
        id="template-in-default-later-node",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: Name {\n"),
        [(16, 13, "name", "template: unmatched '{': write {{ for a literal brace")],
        id="template-unmatched-open",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: 'Name }'\n"),
        [(16, 13, "name", "template: unmatched '}': write }} for a literal brace")],
        id="template-unmatched-close",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: 'Name {x.__class__}'\n"),
        [
            (
                16,
                13,
                "name",
                "template: bad placeholder {x.__class__}: use {answer_id}, {answer_id:filter} "
                "or {answer_id|fallback}",
            )
        ],
        id="template-attribute-refused",
    ),
    pytest.param(
        after("  followup: when\n", "  facts: ['{nobody}', '{hello}', 'x {']\n"),
        [
            (42, 11, "plan", "template names {nobody}, but no node has that id"),
            (42, 23, "plan", "template names {hello}, a note with no answer"),
            (42, 34, "plan", "template: unmatched '{': write {{ for a literal brace"),
        ],
        id="plan-facts-templates",
    ),
    # -- conditions ---------------------------------------------------------------------------
    pytest.param(
        after(
            "    prompt: What do they want?\n",
            rules("- if: {answer: levle, at_least: 4}", "  goto: when", "- goto: when"),
        ),
        [(35, 13, "wants", "condition reads 'levle', but no node has that id")],
        id="condition-unknown-answer",
    ),
    pytest.param(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: hello, answered: true}", "  goto: end", "- goto: end"),
        ),
        [(40, 13, "when", "condition reads 'hello', a note with no answer")],
        id="condition-reads-note",
    ),
    pytest.param(
        after(
            "    prompt: Name?\n",
            rules("- if: {answer: level, at_least: 4}", "  goto: when", "- goto: mood"),
        ),
        [(18, 13, "name", "condition reads 'level', which is never asked before here")],
        id="condition-reads-later-node",
    ),
    pytest.param(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: mood, includes: calm}", "  goto: end", "- goto: end"),
        ),
        [(40, 13, "when", "'includes' needs a multi question; 'mood' is choice")],
        id="includes-on-choice",
    ),
    pytest.param(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: mood, at_least: 2}", "  goto: end", "- goto: end"),
        ),
        [(40, 13, "when", "'at_least' needs a scale or ratings question; 'mood' is choice")],
        id="at-least-on-choice",
    ),
    pytest.param(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: level, at_least: 4, at_most: 5}", "  goto: end", "- goto: end"),
        ),
        [
            (
                40,
                13,
                "when",
                "a condition needs exactly one of equals, in, includes, at_least, "
                "at_most, answered",
            )
        ],
        id="condition-two-operators",
    ),
    pytest.param(
        after(
            "  followup: when\n",
            "  questions:\n    - if: {answer: nobody, answered: false}\n      say: hi\n",
        ),
        [(43, 11, "plan", "condition reads 'nobody', but no node has that id")],
        id="plan-question-condition-unknown",
    ),
    # -- scales, validation, defaults ---------------------------------------------------------
    pytest.param(
        sub("    min: 1\n", "    min: 5\n"),
        [(28, 10, "level", "'min' must be below 'max'")],
        id="scale-min-equals-max",
    ),
    pytest.param(
        sub("    min: 1\n", "    min: 7\n"),
        [(28, 10, "level", "'min' must be below 'max'")],
        id="scale-min-above-max",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    validate: {pattern: '[a-'}\n"),
        [(17, 25, "name", "bad regular expression: missing ]: [a-")],
        id="validate-bad-regex",
    ),
    pytest.param(
        after("    prompt: Name?\n", '    validate: {pattern: "a\\ud800"}\n'),
        [(17, 25, "name", "bad regular expression: it holds a character that is not text")],
        id="validate-regex-lone-surrogate",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    validate: {min_choices: 1}\n"),
        [(17, 16, "name", "'min_choices' does not apply to a text question")],
        id="validate-key-wrong-kind",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    validate: {min_length: 5, max_length: 2}\n"),
        [(17, 28, "name", "'min_length' is above 'max_length'")],
        id="validate-min-above-max",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    validate: {min_length: -1}\n"),
        [(17, 28, "name", "'min_length' must not be negative")],
        id="validate-negative",
    ),
    pytest.param(
        after("    prompt: How is {name}?\n", "    default: happy\n"),
        [(21, 14, "mood", "default 'happy' is not one of the choices' values")],
        id="default-not-a-choice",
    ),
    pytest.param(
        after("    choices: [repair, refund]\n", "    default: [repair, nope]\n"),
        [(35, 14, "wants", "default must be a list of the choices' values")],
        id="multi-default-not-choices",
    ),
    pytest.param(
        after("    max: 5\n", "    default: 9\n"),
        [(30, 14, "level", "default 9 is outside 1..5")],
        id="scale-default-out-of-range",
    ),
    pytest.param(
        after("    prompt: When?\n", "    default: 5\n"),
        [(39, 14, "when", "default the number 5 does not fit a date question")],
        id="date-default-not-text",
    ),
    # -- plan ---------------------------------------------------------------------------------
    pytest.param(
        after(
            "  followup: when\n",
            "  options:\n    - {option: opt, feasibility: level, cost: level, speed: level}\n",
        ),
        [(43, 16, "plan", "option names 'opt', but no node has that id")],
        id="plan-option-missing-node",
    ),
    pytest.param(
        after(
            "  followup: when\n",
            "  options:\n    - {option: name, feasibility: mood, cost: level, speed: level}\n",
        ),
        [(43, 35, "plan", "feasibility must name a scale question")],
        id="plan-option-wrong-kind",
    ),
    pytest.param(
        sub("  followup: when\n", "  followup: name\n"),
        [(41, 13, "plan", "followup must name a date question")],
        id="plan-followup-not-date",
    ),
    pytest.param(
        sub("  followup: when\n", "  followup: whenn\n"),
        [(41, 13, "plan", "followup names 'whenn', but no node has that id")],
        id="plan-followup-missing-node",
    ),
    pytest.param(
        sub('  customer: "{name}"\n', "  customer: 5\n"),
        [(40, 13, "plan", "'customer' must be text, not the number 5")],
        id="plan-text-not-text",
    ),
    # -- duplicate keys: PyYAML would silently keep the last one ----------------------------
    pytest.param(
        after("    kind: text\n", "    kind: longtext\n"),
        [(16, 5, "name", "duplicate key 'kind' (first on line 15)")],
        id="duplicate-key-in-node",
    ),
    pytest.param(
        after("title: Base tree\n", "title: Other\n"),
        [(4, 1, "tree", "duplicate key 'title' (first on line 3)")],
        id="duplicate-key-top-level",
    ),
    pytest.param(
        after("    max: 5\n", "    labels: {1: calm, 1: furious}\n"),
        [(30, 23, "level", "duplicate key 1 (first on line 30)")],
        id="duplicate-label-key",
    ),
    pytest.param(
        sub("choices: [repair, refund]", "choices: [{value: a, value: b}]"),
        [(34, 26, "wants", "duplicate key 'value' (first on line 34)")],
        id="duplicate-key-in-choice",
    ),
    pytest.param(
        after("  followup: when\n", "  followup: name\n"),
        [(42, 3, "plan", "duplicate key 'followup' (first on line 41)")],
        id="duplicate-key-in-plan",
    ),
    pytest.param(
        sub(
            "    kind: multi\n",
            "    kind: mutli\n",
            after("    kind: text\n", "    kind: longtext\n"),
        ),
        [
            (16, 5, "name", "duplicate key 'kind' (first on line 15)"),
            (33, 11, "wants", "unknown kind 'mutli'; did you mean 'multi'?"),
        ],
        id="duplicate-key-with-other-problems",
    ),
    # -- empty and near-miss values ------------------------------------------------------------
    pytest.param(
        sub("id: base\n", "id: ''\n"),
        [(2, 5, "tree", "a tree id uses a-z, 0-9, - and _")],
        id="tree-id-empty",
    ),
    pytest.param(
        sub("title: Base tree\n", "title: '  '\n"),
        [(3, 8, "tree", "'title' must not be empty")],
        id="title-blank",
    ),
    pytest.param(
        sub("    prompt: Name?\n", "    prompt: ''\n"),
        [(16, 13, "name", "'prompt' must not be empty")],
        id="prompt-empty",
    ),
    pytest.param(
        sub("format: 1\n", "format: true\n"),
        [(1, 9, "tree", "'format' must be 1 (this calm reads format 1), not True")],
        id="format-true",
    ),
    pytest.param(
        after("    max: 5\n", "    validate: {min: 0, max: 9}\n"),
        [
            (30, 21, "level", "'min' 0 is outside the scale 1..5"),
            (30, 29, "level", "'max' 9 is outside the scale 1..5"),
        ],
        id="scale-validate-outside-scale",
    ),
    pytest.param(
        after("    prompt: Name?\n", "    help:\n"),
        [(17, 10, "name", "'help' has no value: give it one, or leave it out")],
        id="key-without-value",
    ),
    pytest.param(
        after("    prompt: When?\n", rules("- if: {all: []}", "  goto: end", "- goto: end")),
        [(40, 19, "when", "'all' must not be empty")],
        id="condition-all-empty",
    ),
    pytest.param(
        sub("    max: 5\n", "    max: 500\n"),
        [(29, 10, "level", "a scale has at most 101 points, not 500")],
        id="scale-too-many-points",
    ),
    # -- defects: the expected rows say what should happen -----------------------------------
    pytest.param(
        after("    max: 5\n", "    labels: {1: calm, 6: furious}\n"),
        [(30, 23, "level", "label key 6 is not a point from 1 to 5")],
        id="label-out-of-range",
    ),
    pytest.param(
        sub("    kind: choice\n", "    kind: choise\n"),
        [(19, 11, "mood", "unknown kind 'choise'; did you mean 'choice'?")],
        id="kind-typo-no-cascade",
    ),
    pytest.param(
        sub("  - id: level\n", "  - idd: level\n"),
        [
            (24, 5, "nodes[3]", "missing 'id'"),
            (24, 5, "nodes[3]", "unknown key 'idd' in a node; did you mean 'id'?"),
        ],
        id="node-without-id-where",
    ),
    pytest.param(
        sub("format: 1\n", ""),
        [(1, 1, "tree", "missing 'format': start the file with 'format: 1'")],
        id="format-missing",
    ),
]


def test_table_has_enough_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_bad_tree_reports_exactly(text: str, expected: list[Row]) -> None:
    assert problems_of(text) == expected


def test_a_refusal_the_reader_cannot_explain_is_still_a_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """msgspec decides what converts; should calm's explanations ever miss a reason, the file is
    refused with msgspec's own words at the place it names."""
    from calmcli.tree import reader

    monkeypatch.setattr(reader.Reader, "read", lambda self: None)
    found = problems_of(sub("    min: 1\n", "    min: one\n"))
    assert found == [(28, 10, "level", "Expected `int`, got `str`")]


def test_base_tree_is_valid() -> None:
    tree = load(BASE)
    assert list(tree.nodes) == ["hello", "name", "mood", "level", "wants", "when"]
    assert tree.start == "hello"


def test_details_are_file_line_column_node_message() -> None:
    with pytest.raises(TreeInvalid) as info:
        load_tree_text(after("    prompt: Name?\n", "    nxt: mood\n"), "my/tree.yaml")
    exc = info.value
    assert exc.exit_code == 2
    assert isinstance(exc, BadInput)
    assert exc.message == "my/tree.yaml: 1 problem in this tree"
    assert exc.details == [
        "my/tree.yaml:17:5: name: unknown key 'nxt' in a node; did you mean 'next'?"
    ]


def test_all_problems_are_reported_sorted_by_line() -> None:
    text = BASE
    text = after("version: 1\n", "author: me\n", text)
    text = sub("    section: intro\n", "    section: intor\n", text)
    text = after("    prompt: Name?\n", "    nxt: mood\n", text)
    text = sub("    kind: multi\n", "    kind: mutli\n", text)
    text = sub("  followup: when\n", "  followup: name\n", text)
    with pytest.raises(TreeInvalid) as info:
        load_tree_text(text, "t.yaml")
    assert [(p.line, p.column, p.where, p.message) for p in info.value.problems] == [
        (5, 1, "tree", f"unknown key 'author' in the tree (allowed: {ALLOWED_TOP})"),
        (11, 14, "hello", "unknown section 'intor'"),
        (18, 5, "name", "unknown key 'nxt' in a node; did you mean 'next'?"),
        (34, 11, "wants", "unknown kind 'mutli'; did you mean 'multi'?"),
        (43, 13, "plan", "followup must name a date question"),
    ]
    assert info.value.message == "t.yaml: 5 problems in this tree"
    assert [d.split(":")[1] for d in info.value.details] == ["5", "11", "18", "34", "43"]


def test_loop_with_an_exit_is_valid() -> None:
    text = after(
        "    prompt: When?\n",
        rules("- if: {answer: level, at_least: 4}", "  goto: wants", "- goto: end"),
    )
    tree = load(text)
    assert tree.next_id("when", {"level": 5}) == "wants"
    assert tree.next_id("when", {"level": 2}) == END


def test_literal_braces_in_templates_are_fine() -> None:
    tree = load(sub("    prompt: Name?\n", "    prompt: 'Name {{literal}}'\n"))
    assert tree.node("name").prompt == "Name {{literal}}"


def test_builtin_tree_needs_the_required_sections() -> None:
    assert problems_of(BASE, builtin=True) == [
        (6, 3, "tree", "built-in trees need sections: " + ", ".join(REQUIRED_SECTIONS)),
    ]
    assert load(BASE).builtin is False  # the same file is fine as a user's tree


def test_builtin_tree_missing_one_section_names_it() -> None:
    sections = "".join(f"  - {{id: {s}, title: {s.title()}}}\n" for s in REQUIRED_SECTIONS[:-1])
    text = sub("  - {id: intro, title: Intro}\n  - {id: main, title: Main}\n", sections)
    text = text.replace("section: intro", "section: prepare").replace(
        "section: main", "section: customer"
    )
    assert problems_of(text, builtin=True) == [
        (6, 3, "tree", "built-in trees need sections: followup"),
    ]


# -- defects found: each test says what should happen ----------------------------------------


def test_dangling_next_is_not_called_a_loop() -> None:
    found = problems_of(after("    prompt: Name?\n", "    next: moood\n"))
    assert (17, 11, "name", "goes to 'moood', but no node has that id") in found
    assert not [p for p in found if "loops" in p[3]]


def test_empty_node_id_is_a_problem() -> None:
    found = problems_of(sub("  - id: level\n", "  - id: ''\n"))
    assert [p[0] for p in found] == [24]


def test_empty_section_is_a_problem() -> None:
    found = problems_of(sub("    section: intro\n", "    section: ''\n"))
    assert [(p[0], p[2]) for p in found] == [(10, "hello")]


def test_empty_next_is_a_problem() -> None:
    found = problems_of(after("    prompt: Name?\n", "    next: ''\n"))
    assert (17, "name") in [(p[0], p[2]) for p in found]
    assert not [p for p in found if "loops" in p[3]]


def test_empty_goto_is_a_problem() -> None:
    found = problems_of(after("    prompt: Name?\n", rules("- goto: ''")))
    assert [(p[0], p[2]) for p in found] == [(18, "name")]


def test_scale_validate_narrower_than_the_scale_is_valid() -> None:
    tree = load(after("    max: 5\n", "    validate: {min: 2, max: 4}\n"))
    assert (tree.node("level").validate.min, tree.node("level").validate.max) == (2, 4)


def test_date_default_must_be_a_date_expression() -> None:
    found = problems_of(after("    prompt: When?\n", "    default: someday maybe\n"))
    assert [p[:3] for p in found] == [(39, 14, "when")]
    assert found[0][3].startswith("default is not a date expression: ")
    assert "someday maybe" in found[0][3]


def test_date_default_may_be_a_template() -> None:
    tree = load(after("    prompt: When?\n", "    default: '{name}'\n"))
    assert tree.node("when").default == "{name}"


def test_date_default_as_in_the_builtins_is_fine() -> None:
    tree = load(after("    prompt: When?\n", "    default: 2 working days 9am\n"))
    assert tree.node("when").default == "2 working days 9am"


# -- valid trees --------------------------------------------------------------------------------


def test_there_are_builtin_trees() -> None:
    names = {p.stem for p in BUILTIN_FILES}
    assert {"default", "quality", "delay"} <= names


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.stem)
def test_builtin_tree_loads(path: Path) -> None:
    tree = registry.load_path(path, builtin=True)
    assert tree.builtin is True
    assert tree.id == path.stem  # `calm tree show NAME` and the case files agree on the name
    assert tree.title
    assert tree.start in tree.nodes


SITUATION_FILES = [p for p in BUILTIN_FILES if p.stem not in NOT_SITUATIONS]


@pytest.mark.parametrize("path", SITUATION_FILES, ids=lambda p: p.stem)
def test_builtin_situation_tree_has_the_eight_sections_and_a_followup(path: Path) -> None:
    tree = registry.load_path(path, builtin=True)
    assert set(REQUIRED_SECTIONS) <= {s.id for s in tree.sections}
    assert tree.plan.followup is not None
    assert tree.node(tree.plan.followup).kind == "date"


def doc_example() -> str:
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    examples = [b for b in blocks if b.startswith("# yaml-language-server") and "\nnodes:" in b]
    assert len(examples) == 1
    return examples[0]


def test_docs_complete_example_loads() -> None:
    tree = load_tree_text(doc_example(), "docs/trees.md")
    assert tree.id == "leak"
    assert tree.start == "breathe"
    assert [s.id for s in tree.sections] == list(REQUIRED_SECTIONS)
    # it also meets the bar for a built-in
    assert load_tree_text(doc_example(), "docs/trees.md", builtin=True).builtin
    assert tree.next_id("wants", {"wants": "refund"}) == "refund_amount"
    assert tree.next_id("wants", {"wants": "repair"}) == "option_1"
    assert tree.next_id("followup_at", {}) == END


# -- branching semantics ----------------------------------------------------------------------


@pytest.fixture
def branchy() -> Tree:
    return load(BRANCHY)


def test_version_may_be_text(branchy: Tree) -> None:
    assert branchy.version == "1.2"


def test_choice_next_wins_over_node_rules(branchy: Tree) -> None:
    # `a` also matches the first rule, but the choice's own `next` wins
    assert branchy.next_id("pick", {"pick": "a"}) == "after_a"
    assert branchy.next_id("pick", {"pick": "b"}) == "after_b"
    assert branchy.next_id("pick", {"pick": "c"}) == "level"


def test_rules_are_tried_in_order(branchy: Tree) -> None:
    assert branchy.next_id("level", {"level": 5}) == "high"  # matches both; first wins
    assert branchy.next_id("level", {"level": 4}) == "high"
    assert branchy.next_id("level", {"level": 3}) == "mid"
    assert branchy.next_id("level", {"level": 1}) == END  # the fallback
    assert branchy.next_id("level", {}) == END  # unanswered: no comparison holds


def test_without_next_the_next_node_in_file_order_follows(branchy: Tree) -> None:
    assert branchy.next_id("after_b", {}) == "level"
    assert branchy.next_id("mid", {}) == "last"
    assert branchy.next_id("last", {}) == END  # the last node ends the interview


def test_next_node_id_and_end(branchy: Tree) -> None:
    assert branchy.next_id("after_a", {}) == "level"
    assert branchy.next_id("high", {"high": True}) == END


def test_successors_cover_every_branch(branchy: Tree) -> None:
    assert branchy.successors("pick") == {"after_a", "after_b", "level"}
    assert branchy.successors("level") == {"high", "mid", END}
    assert branchy.successors("mid") == {"last"}


def test_a_choice_without_a_label_still_branches() -> None:
    tree = load(sub("{value: angry, label: angry}", "{value: angry, next: when}"))
    assert tree.next_id("mood", {"mood": "angry"}) == "when"
    assert [c.shown for c in tree.node("mood").choices] == ["calm", "angry"]


def test_a_multi_answer_never_picks_a_choice_next() -> None:
    tree = load(
        after(
            "    prompt: When?\n",
            rules("- if: {answer: wants, includes: refund}", "  goto: end", "- goto: end"),
        )
    )
    assert tree.next_id("wants", {"wants": ["refund"]}) == "when"


# -- conditions -------------------------------------------------------------------------------


def cond(op: str, arg: Any, answer: str = "x") -> Condition:
    return Condition(answer_=answer, **{{"in": "in_"}.get(op, op): arg})


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (cond("equals", "a"), {"x": "a"}, True),
        (cond("equals", "a"), {"x": "b"}, False),
        (cond("equals", "a"), {}, False),
        (cond("equals", True), {"x": True}, True),
        (cond("equals", False), {"x": False}, True),  # `no` is an answer, not a skip
        (cond("in", ["a", "b"]), {"x": "b"}, True),
        (cond("in", ["a", "b"]), {"x": "c"}, False),
        (cond("in", ["a", "b"]), {}, False),
        (cond("includes", "r"), {"x": ["q", "r"]}, True),
        (cond("includes", "r"), {"x": ["q"]}, False),
        (cond("includes", "r"), {"x": "r"}, False),  # only a multi (list) answer includes
        (cond("at_least", 4), {"x": 4}, True),
        (cond("at_least", 4), {"x": 3}, False),
        (cond("at_least", 4), {"x": "5"}, False),  # text is not a number
        (cond("at_least", 1), {"x": True}, False),  # nor is yes/no
        (cond("at_least", 4), {}, False),
        (cond("at_most", 2), {"x": 2}, True),
        (cond("at_most", 2), {"x": 3}, False),
        (cond("at_most", 2), {"x": 0}, True),  # 0 is an answer
        (cond("answered", True), {"x": "hi"}, True),
        (cond("answered", True), {"x": ""}, False),
        (cond("answered", True), {"x": []}, False),
        (cond("answered", True), {"x": None}, False),
        (cond("answered", True), {"x": False}, True),
        (cond("answered", False), {}, True),
        (cond("answered", False), {"x": ""}, True),
        (cond("answered", False), {"x": 3}, False),
    ],
)
def test_condition_holds(condition: Condition, answers: dict[str, Any], expected: bool) -> None:
    assert condition.holds(answers) is expected


def test_condition_combinators() -> None:
    a = cond("equals", 1, "a")
    b = cond("equals", 1, "b")
    both = Condition(all=[a, b])
    either = Condition(any=[a, b])
    neither = Condition(not_=either)
    assert both.holds({"a": 1, "b": 1}) and not both.holds({"a": 1, "b": 2})
    assert either.holds({"a": 2, "b": 1}) and not either.holds({"a": 2, "b": 2})
    assert neither.holds({}) and not neither.holds({"a": 1})


def test_combined_conditions_load_from_yaml() -> None:
    tree = load(
        after(
            "    prompt: When?\n",
            rules(
                "- if: {all: [{answer: level, at_least: 3}, {not: {answer: mood, equals: calm}}]}",
                "  goto: end",
                "- if: {any: [{answer: wants, includes: refund}, {answer: name, answered: false}]}",
                "  goto: end",
                "- goto: end",
            ),
        )
    )
    first, second, _ = tree.node("when").rules
    assert first.cond is not None and second.cond is not None
    assert first.cond.holds({"level": 4, "mood": "angry"})
    assert not first.cond.holds({"level": 4, "mood": "calm"})
    assert second.cond.holds({"name": "Ann", "wants": ["refund"]})
    assert second.cond.holds({})
    assert not second.cond.holds({"name": "Ann", "wants": ["repair"]})


# -- templates --------------------------------------------------------------------------------

ANSWERS = {"name": "Ann", "empty": "", "sneaky": "{name} {0} {x.__class__}"}


def fill(template: str) -> str:
    return render(template, ANSWERS.get)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hello {name}!", "Hello Ann!"),
        ("{ name }", "Ann"),
        ("{missing|nobody}", "nobody"),
        ("{empty|nothing yet}", "nothing yet"),  # an empty answer counts as not answered
        ("{name|nobody}", "Ann"),
        ("[{missing}]", "[]"),  # no fallback: nothing
        ("[{missing|}]", "[]"),
        ("{missing|a, b: c}", "a, b: c"),
        ("{{name}}", "{name}"),
        ("a }} b {{", "a } b {"),
        ("{{{name}}}", "{Ann}"),
        ("{sneaky}", "{name} {0} {x.__class__}"),  # answers are never expanded again
        ("no braces", "no braces"),
        ("", ""),
    ],
)
def test_render(template: str, expected: str) -> None:
    assert fill(template) == expected


@pytest.mark.parametrize(
    "template",
    [
        "{x.__class__}",
        "{name.__class__.__mro__}",
        "{0}",
        "{}",
        "{x!r}",
        "{x:>10}",
        "{x[0]}",
        "{Name}",
        "{x y}",
        "{x|{y}}",
        "{",
        "}",
        "a {name",
    ],
)
def test_anything_but_substitution_is_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        placeholders(template)
    with pytest.raises(TemplateError):
        fill(template)


def test_placeholders_lists_names_and_fallbacks() -> None:
    found = placeholders("{a} and {b|none} {{c}}")
    assert [(p.name, p.fallback) for p in found] == [("a", None), ("b", "none")]
