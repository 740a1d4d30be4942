"""Ratings questions: several scales in one prompt, and rows rated on the same scales.

How an answer may be written (a mapping, a list in order, "4 2 4", "frustrated 4, let down 3"),
what is refused, what a condition on a row or a scale does, how the answer reads in templates
and on the review screen, and what the checker says about a broken ratings question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.cli.ratings_prompt import Grid
from calmcli.domain import answers as ans
from calmcli.domain.interview import Interview, NonInteractive
from calmcli.tree.kinds import Invalid
from calmcli.tree.loader import TreeInvalid, load_tree_text
from calmcli.tree.ratings import HIDDEN, RatingsNode
from scripted import ScriptedPrompter

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))

TREE = """
format: 1
id: rated
title: Rated
version: 1
sections: [{id: s, title: S}]
nodes:
  - id: feelings
    section: s
    kind: ratings
    prompt: How do they feel?
    rate_all: false
    validate: {min_rated: 1, message: "Rate at least one."}
    labels: {1: a little, 5: very}
    scales:
      - {id: angry, label: angry}
      - {id: let_down, label: let down}
      - {id: worried, label: worried}
  - id: due
    section: s
    kind: text
    prompt: A date that matters?
    required: false
  - id: one
    section: s
    kind: text
    prompt: One way?
  - id: two
    section: s
    kind: text
    prompt: Another?
    required: false
  - id: compare
    section: s
    kind: ratings
    prompt: How do they compare?
    rows:
      - {id: one, label: "{one}"}
      - {id: two, label: "{two}", if: {answer: two, answered: true}}
    scales:
      - {id: ease, label: easy?, good: high, labels: {1: hard, 5: easy}}
      - {id: cost, label: cost to you, good: low, labels: {1: next to nothing, 5: a lot}}
      - id: in_time
        label: "by {due}?"
        if: {answer: due, answered: true}
        min: 0
        max: 1
        good: high
        labels: {0: "too late for {due}", 1: "in time for {due}"}
plan:
  customer: x
  options:
    - {option: one, ratings: compare}
    - {option: two, ratings: compare}
"""


@pytest.fixture(scope="module")
def tree() -> Any:
    return load_tree_text(TREE, "rated.yaml")


def node(tree: Any, node_id: str, answers: dict[str, Any] | None = None) -> RatingsNode:
    found = ans.shown(tree, tree.node(node_id), answers or {}, NOW)
    assert isinstance(found, RatingsNode)
    return found


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ({"angry": 4, "let_down": 2}, {"angry": 4, "let_down": 2}),
        ({"Let Down": "3"}, {"let_down": 3}),  # by label, any case, a digit as text
        ([4, 2], {"angry": 4, "let_down": 2}),  # in the order of the scales
        ("4 2", {"angry": 4, "let_down": 2}),
        ("4,2,1", {"angry": 4, "let_down": 2, "worried": 1}),
        ("angry 4, let down 3", {"angry": 4, "let_down": 3}),
        ("worried: 2; angry=5", {"worried": 2, "angry": 5}),
        (5, {"angry": 5}),
    ],
)
def test_ratings_can_be_written_several_ways(tree: Any, raw: Any, stored: dict[str, int]) -> None:
    assert node(tree, "feelings").accept(raw, NOW) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"angry": 9}, "angry: expected a number from 1 to 5, not 9"),
        ({"furious": 3}, "'furious' is not a scale of this question (angry, let_down, worried)"),
        ("very", "can't read 'very' as a rating (like 'cost 2' or '4 2 4')"),
        ("1 2 3 4", "more ratings than scales (3)"),
        (True, "expected ratings"),
        (["angry", "worried"], "give 'angry' a rating too, like 'angry 4'"),
        ({}, "Rate at least one."),
    ],
)
def test_bad_ratings_are_refused_in_words(tree: Any, raw: Any, message: str) -> None:
    with pytest.raises(Invalid) as info:
        node(tree, "feelings").accept(raw, NOW)
    assert str(info.value) == message


def test_every_shown_box_must_be_rated_unless_rate_all_is_false(tree: Any) -> None:
    answers = {"one": "Regrout", "two": None}
    compare = node(tree, "compare", answers)
    with pytest.raises(Invalid) as info:
        compare.accept({"one": {"ease": 4}}, NOW)
    assert str(info.value) == "Regrout: rate cost to you"
    assert compare.accept({"one": "4 2"}, NOW) == {"one": {"ease": 4, "cost": 2}}
    assert node(tree, "feelings").accept({"worried": 1}, NOW) == {"worried": 1}


def test_a_row_or_scale_whose_condition_fails_is_hidden_and_its_ratings_dropped(tree: Any) -> None:
    alone = node(tree, "compare", {"one": "Regrout", "two": None})
    assert [r.if_ is HIDDEN for r in alone.rows or []] == [False, True]
    assert [s.if_ is HIDDEN for s in alone.scales] == [False, False, True]
    kept = alone.accept({"one": {"ease": 4, "cost": 2, "in_time": 1}, "two": [5, 1]}, NOW)
    assert kept == {"one": {"ease": 4, "cost": 2}}  # the hidden row and scale are dropped
    both = node(tree, "compare", {"one": "Regrout", "two": "Reseal", "due": "the party"})
    assert [r.label for r in both.rows or []] == ["Regrout", "Reseal"]  # labels filled in
    assert both.scales[2].label == "by the party?"
    assert both.scales[2].labels == {0: "too late for the party", 1: "in time for the party"}
    with pytest.raises(Invalid):
        both.accept({"one": "4 2", "two": "5 1 1"}, NOW)  # "one" lacks in_time
    assert both.accept({"one": "4 2 0", "two": "5 1 1"}, NOW)["two"] == {
        "ease": 5, "cost": 1, "in_time": 1,
    }  # fmt: skip


def test_an_unbound_question_accepts_conditional_parts_without_requiring_them(tree: Any) -> None:
    compare = tree.node("compare")  # as an answers file is first read: no answers to settle
    assert compare.coerce({"one": "4 2", "two": "3 3"}, NOW) == {
        "one": {"ease": 4, "cost": 2},
        "two": {"ease": 3, "cost": 3},
    }
    with pytest.raises(Invalid, match="'three' is not a row"):
        compare.coerce({"three": "4 2"}, NOW)


def test_how_ratings_read_in_templates_and_on_the_review(tree: Any) -> None:
    feelings = node(tree, "feelings")
    value = {"angry": 2, "let_down": 4}
    assert feelings.display(value) == "let down 4, angry 2"  # strongest first
    assert feelings.filled(value).items == ("let down", "angry")
    answers = {"one": "Regrout", "two": "Reseal", "compare": {"one": {"ease": 5, "cost": 1}}}
    compare = node(tree, "compare", answers)
    assert compare.display(answers["compare"]) == "Regrout: easy, next to nothing"
    filled = ans.lookup(tree, {**answers, "feelings": value}, NOW)("feelings")
    assert filled is not None and filled.text == "let down 4, angry 2"


def test_a_condition_on_ratings_tests_the_highest_rating() -> None:
    text = TREE.replace(
        "  - id: due\n",
        "  - id: calm_note\n    section: s\n    kind: note\n    prompt: Breathe.\n"
        "    next:\n      - if: {answer: feelings, at_least: 4}\n        goto: due\n"
        "      - goto: due\n  - id: due\n",
    ).replace("    labels: {1: a little, 5: very}\n", "    labels: {1: a little, 5: very}\n", 1)
    tree = load_tree_text(text, "rated.yaml")
    cond = tree.node("calm_note").rules[0].cond
    assert cond is not None
    assert cond.holds({"feelings": {"angry": 2, "worried": 4}})
    assert not cond.holds({"feelings": {"angry": 2}})
    assert not cond.holds({"feelings": {}})


def test_the_engine_asks_a_ratings_question_bound_to_earlier_answers(tree: Any) -> None:
    prompter = ScriptedPrompter(
        [
            ("feelings", "angry 3"),
            ("due", "the party"),
            ("one", "Regrout"),
            ("two", ""),
            ("compare", {"one": [4, 2, 1]}),
            ("review", None),
        ]
    )
    result = Interview(tree, now=lambda: NOW).run(prompter)
    assert result["compare"] == {"one": {"ease": 4, "cost": 2, "in_time": 1}}
    [row] = [r for r in prompter.reviews[0] if r.node_id == "compare"]
    assert row.answer == "Regrout: easy? 4/5, cost to you 2/5, in time for the party"


def test_no_input_refuses_missing_ratings_naming_the_question(tree: Any) -> None:
    prefill = {"feelings": "angry 3", "one": "Regrout", "compare": {"one": {"ease": 4}}}
    with pytest.raises(Exception) as info:
        Interview(tree, now=lambda: NOW, prefill=prefill).run(NonInteractive())
    assert "compare: Regrout: rate cost to you" in str(getattr(info.value, "details", ""))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("      - {id: worried, label: worried}\n", "      - {id: angry, label: again}\n"),
         "duplicate scale id 'angry'"),
        (("    labels: {1: a little, 5: very}\n", "    labels: {1: a little, 7: very}\n"),
         "label key 7 is not a point from 1 to 5"),
        (("        min: 0\n        max: 1\n", "        min: 1\n        max: 1\n"),
         "scale 'in_time': its min must be below its max"),
        (("      - {id: one, label: \"{one}\"}\n", "      - {id: one, label: \"{nobody}\"}\n"),
         "template names {nobody}, but no node has that id"),
        (("    - {option: two, ratings: compare}\n",
          "    - {option: two, ratings: feelings, row: two}\n"),
         "'feelings' has no rows, so 'row' cannot name one"),
        (("    - {option: one, ratings: compare}\n",
          "    - {option: one, ratings: compare, row: three}\n"),
         "'compare' has no row 'three' (name it with 'row')"),
        (("    - {option: one, ratings: compare}\n",
          "    - {option: one, ratings: compare, cost: one}\n"),
         "give 'ratings', or 'feasibility', 'cost' and 'speed', not both"),
        (("    rate_all: false\n", "    rate_all: false\n    default: {angry: 1}\n"),
         "default a mapping does not fit a ratings question"),
    ],
)  # fmt: skip
def test_the_checker_names_what_is_wrong_with_a_ratings_question(
    change: tuple[str, str], message: str
) -> None:
    text = TREE.replace(*change)
    with pytest.raises(TreeInvalid) as info:
        load_tree_text(text, "rated.yaml")
    messages = [p.message for p in info.value.problems]
    assert any(message in m for m in messages), messages


# -- the prompt's grid, without a terminal -------------------------------------------------------


def test_the_grid_moves_rates_clears_and_says_what_the_ends_mean(tree: Any) -> None:
    compare = node(tree, "compare", {"one": "Regrout", "two": "Reseal"})
    grid = Grid(compare, {"one": {"cost": 2}})
    assert grid.values == {("one", "cost"): 2}
    assert grid.ends() == "  easy?: 1 = hard … 5 = easy (higher is better)"
    grid.rate(4)  # ease of "one", then the cursor moves on to its cost
    assert grid.ends() == "  cost to you: 1 = next to nothing … 5 = a lot (lower is better)"
    grid.rate(7)
    assert grid.error == "cost to you: 1 to 5" and grid.values[("one", "cost")] == 2
    grid.move(rows=1)
    grid.rate(3)
    grid.move(cols=-1)
    grid.rate(5)
    grid.move(rows=-1, cols=1)
    grid.clear()
    assert grid.answer() == {"one": {"ease": 4}, "two": {"ease": 5, "cost": 3}}
    drawn = "".join(text for _, text in grid.lines(100))
    assert "Regrout" in drawn and "Reseal" in drawn and "[4]" in drawn and "[ ]" in drawn


def test_the_grid_without_rows_is_one_scale_a_line(tree: Any) -> None:
    grid = Grid(node(tree, "feelings"), None)
    grid.move(rows=1)
    grid.rate(4)  # let down 4, then down to worried
    grid.rate(0)  # 0 on a scale from 1 clears (nothing to clear here)
    assert grid.answer() == {"let_down": 4}
    drawn = "".join(text for _, text in grid.lines(80))
    assert "let down" in drawn and "[4]" in drawn and "very" not in drawn.split("[4]")[0]
