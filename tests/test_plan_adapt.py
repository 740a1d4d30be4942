"""The call plan fits the call: which steps it takes and in what order, decided from the roles
alone, with the wording from the tree (or calm's defaults when a tree leaves it out).

A small tree of the user's own, not a built-in, so the rules are shown to hold for any tree that
declares the roles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain import adapt
from calmcli.domain.plan import CallPlan, build_plan
from calmcli.domain.situation import Situation
from calmcli.tree.loader import load_tree_text
from calmcli.tree.registry import resolve

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))

TREE = """
format: 1
id: mine
title: Mine
version: 3
sections: [{id: s, title: S}]
nodes:
  - {id: who, section: s, kind: text, prompt: Who?, role: customer}
  - {id: heat, section: s, kind: scale, prompt: How strongly?, min: 1, max: 5, role: intensity}
  - {id: mood, section: s, kind: choice, prompt: Mood?, role: feelings, choices: [angry, confused]}
  - {id: why, section: s, kind: text, prompt: Why?, role: cause}
  - id: flags
    section: s
    kind: multi
    prompt: Any of these?
    required: false
    choices:
      - {value: unsafe, role: danger}
      - {value: ignored, role: ignored}
      - {value: back, role: repeat}
      - {value: lawyer, role: threat}
  - {id: safe, section: s, kind: text, prompt: Make safe how?, required: false}
  - {id: due, section: s, kind: date, prompt: Their date?, required: false, role: deadline}
  - {id: boss, section: s, kind: text, prompt: Who steps in?, required: false, role: escalate}
  - {id: one, section: s, kind: text, prompt: One way?}
  - {id: two, section: s, kind: text, prompt: Another?, required: false}
  - id: rate
    section: s
    kind: ratings
    prompt: Compare?
    rows:
      - {id: one, label: "{one}"}
      - {id: two, label: "{two}", if: {answer: two, answered: true}}
    scales:
      - {id: ease, label: easy, good: high, labels: {1: hard, 5: easy}}
      - {id: cost, label: cost, good: low, labels: {1: cheap, 5: dear}}
  - {id: when, section: s, kind: date, prompt: Check in?, role: followup}
plan:
  safety: ["{safe|Make it safe} first."]
  ignored: ["Sorry nobody rang you back."]
  repeat: ["Sorry it came back."]
  heated: ["Let them finish."]
  reflect: "You feel {mood} because {why:clause}."
  apology: "I'm truly sorry for all of this."
  brief_apology: "Sorry about that."
  wants: "They want it fixed."
  deadline: "Their date: {due:day}."
  questions: ["Q1?", "Q2?", "Q3?"]
  options:
    - {option: one, ratings: rate}
    - {option: two, ratings: rate}
  choose: "Which suits you?"
  ask: "Would that do?"
  threat: ["No arguing."]
  escalate: "Bring in {boss}."
  at_followup: ["Sorted?"]
"""


@pytest.fixture(scope="module")
def tree() -> Any:
    return load_tree_text(TREE, "mine.yaml")


def plan_for(tree: Any, **answers: Any) -> CallPlan:
    base: dict[str, Any] = {
        "who": "Ann",
        "heat": 3,
        "mood": "angry",
        "why": "The tap drips.",
        "one": "Fit a new washer",
        "rate": {"one": {"ease": 4, "cost": 2}},
        "when": "2026-12-04T10:00:00+00:00",
    }
    return build_plan(tree, {**base, **answers}, NOW)


def kinds(plan: CallPlan) -> list[str]:
    return [s.kind for s in plan.steps]


def said(plan: CallPlan, kind: str) -> str:
    step = plan.step(kind)
    return " ".join(step.lines) if step else ""


def test_an_ordinary_call(tree: Any) -> None:
    plan = plan_for(tree)
    assert kinds(plan) == ["reflect", "apology", "wants", "ask", "offer", "avoid", "followup"]
    assert said(plan, "reflect") == "You feel angry because the tap drips."
    assert said(plan, "apology") == "I'm truly sorry for all of this."
    assert said(plan, "ask") == "Q1? Q2?"  # the first two; calm show has them all
    assert plan.questions == ("Q1?", "Q2?", "Q3?")
    assert said(plan, "offer") == "Would that do?"  # one option: put it, don't ask to choose
    assert plan.feelings == "angry (3/5)"


def test_an_emergency_opens_with_making_it_safe(tree: Any) -> None:
    plan = plan_for(tree, flags=["unsafe"], safe="Turn the water off at the stopcock")
    assert kinds(plan)[0] == "safety"
    assert said(plan, "safety") == "Turn the water off at the stopcock first."
    assert plan.situations == ("danger",)


@pytest.mark.parametrize("flag", ["ignored", "back"])
def test_nobody_rang_back_or_it_came_back_is_owned_first_instead_of_the_apology(
    tree: Any, flag: str
) -> None:
    plan = plan_for(tree, flags=[flag])
    assert kinds(plan)[0] == "own"
    assert plan.step("own").said  # type: ignore[union-attr]
    assert "apology" not in kinds(plan)
    both = plan_for(tree, flags=["unsafe", flag], heat=5)
    assert kinds(both)[:3] == ["safety", "own", "heated"]


def test_high_feelings_get_a_reminder_for_the_call_and_mild_ones_a_light_plan(tree: Any) -> None:
    hot = plan_for(tree, heat=4, boss="the owner")
    assert kinds(hot)[0] == "heated" and said(hot, "heated") == "Let them finish."
    assert "escalate" in kinds(hot)
    rated = {"one": {"ease": 4, "cost": 2}, "two": {"ease": 2, "cost": 4}}
    mild = plan_for(tree, heat=2, boss="the owner", two="Replace the tap", rate=rated)
    assert said(mild, "apology") == "Sorry about that."
    assert "heated" not in kinds(mild) and "escalate" not in kinds(mild)
    assert said(mild, "ask") == "Q1?"
    assert len(mild.step("avoid").lines) == 3  # type: ignore[union-attr]
    assert len(hot.step("avoid").lines) == 4  # type: ignore[union-attr]


def test_escalation_only_when_someone_is_to_be_brought_in(tree: Any) -> None:
    assert "escalate" not in kinds(plan_for(tree, heat=4))
    plan = plan_for(tree, heat=4, boss="Sam")
    assert said(plan, "escalate") == "Bring in Sam."


def test_a_threat_gets_a_calm_boundary_even_on_a_mild_call(tree: Any) -> None:
    plan = plan_for(tree, heat=2, flags=["lawyer"], boss="Sam")
    assert said(plan, "threat") == "No arguing."
    assert said(plan, "escalate") == "Bring in Sam."
    assert plan.situations == ("escalate", "threat")


def test_a_date_that_matters_is_named(tree: Any) -> None:
    plan = plan_for(tree, due="2026-12-12T09:00:00+00:00")
    assert plan.step("wants").lines == ("They want it fixed.", "Their date: Sat 12 Dec.")  # type: ignore[union-attr]


def test_options_are_a_choice_best_first_and_marked(tree: Any) -> None:
    plan = plan_for(
        tree,
        two="Replace the tap",
        rate={"one": {"ease": 2, "cost": 4}, "two": {"ease": 5, "cost": 1}},
    )
    assert said(plan, "offer") == "Which suits you?"
    assert [(o.text, o.top, o.words) for o in plan.options] == [
        ("Replace the tap", True, ("easy", "cheap")),
        ("Fit a new washer", False, ("easy 2/5", "cost 4/5")),
    ]
    tie = plan_for(tree, two="Replace the tap", rate={"one": {"ease": 3, "cost": 3}, "two": "3 3"})
    assert [o.text for o in tie.options] == ["Fit a new washer", "Replace the tap"]


@pytest.mark.parametrize(
    ("flags", "level", "feelings", "first"),
    [
        (set(), 5, ("angry",), ["interrupting", "defensive"]),
        (set(), 1, ("disappointed",), ["dismissing"]),
        ({"ignored"}, 3, ("angry",), ["forgetting", "overpromising"]),
        ({"deadline"}, 3, ("worried",), ["overpromising"]),
        ({"threat"}, 3, ("angry",), ["defensive", "blaming"]),
        (set(), 3, ("confused",), ["assuming"]),
    ],
)
def test_the_mistakes_that_matter_most_for_the_call_come_first(
    flags: set[str], level: int, feelings: tuple[str, ...], first: list[str]
) -> None:
    found = Situation(frozenset(flags), level, feelings, ())
    picked = adapt.mistakes(found)
    assert picked[: len(first)] == first
    assert len(picked) == (3 if level <= 2 else 4)


def test_a_tree_without_the_new_wording_gets_calms_own(tree: Any) -> None:
    bare = load_tree_text(
        TREE.split("plan:")[0] + "plan:\n  options: [{option: one, ratings: rate}]\n", "m.yaml"
    )
    answers = {"who": "Ann", "heat": 5, "mood": "angry", "why": "x", "one": "A"}
    plan = build_plan(
        bare, {**answers, "rate": {"one": "3 3"}, "flags": ["ignored", "unsafe"]}, NOW
    )
    assert kinds(plan)[:3] == ["safety", "own", "heated"]
    assert said(plan, "own") == "I'm sorry nobody got back to you. That shouldn't have happened."
    assert said(plan, "followup").startswith("Is it all sorted now?")
    assert said(plan, "avoid").startswith("interrupting")


# -- what a case keeps ---------------------------------------------------------------------------


def test_the_plan_round_trips_through_the_case(tree: Any) -> None:
    plan = plan_for(tree, flags=["unsafe"], safe="Stop", heat=4, two="B",
                    rate={"one": "4 2", "two": "2 4"})  # fmt: skip
    data = plan.to_data()
    assert data["layout"] == 2
    again = CallPlan.from_data(data)
    assert again == plan
    broken = {**data, "steps": [{"kind": "say", "lines": "oops"}, "junk"], "options": [{"x": 1}]}
    read = CallPlan.from_data(broken)
    assert read.steps[0].kind == "say" and read.steps[0].lines == () and read.options == ()


def test_an_old_plan_is_read_in_its_old_shape() -> None:
    old = {"customer": "Ann", "reflect": "So...", "options": [{"text": "A", "feasibility": 5,
           "cost": 2, "speed": 4, "score": 2.1, "top": True}], "followup": "junk"}  # fmt: skip
    plan = CallPlan.from_data(old)
    assert plan.v1 is not None and plan.v1.reflect == "So..."
    assert plan.top_option == "A" and plan.followup is None
    assert plan.to_data()["reflect"] == "So..."


def test_an_old_case_without_a_stored_plan_is_rebuilt_with_its_trees_old_version() -> None:
    old_answers = {
        "customer_name": "Olu", "job": "Bath", "feeling": "angry", "intensity": 4,
        "what_happened": "Leak.", "raised_before": False, "wants": "repair",
        "fixed_looks_like": "Dry.", "option_1": "Reseal", "option_1_feasible": 4,
        "option_1_cost": 2, "option_1_speed": 4, "more_options": False, "escalate": False,
    }  # fmt: skip
    plan = build_plan(resolve("default"), old_answers, NOW)
    assert plan.v1 is not None
    assert plan.v1.feelings == "angry, 4 out of 5"
    assert plan.top_option == "Reseal"


def test_options_rated_alike_never_print_the_same_words_twice(tree: Any) -> None:
    from calmcli.domain.ranking import said

    def rated(one: tuple[int, int], two: tuple[int, int]) -> dict[str, Any]:
        return {k: {"ease": v[0], "cost": v[1]} for k, v in (("one", one), ("two", two))}

    same = plan_for(tree, two="Replace the tap", rate=rated((5, 1), (5, 1)))
    assert said(same.options) == ["easy, cheap", "rated the same"]
    part = plan_for(tree, two="Replace the tap", rate=rated((5, 1), (2, 1)))
    assert said(part.options) == ["easy, cheap", "easy 2/5; otherwise the same"]
    apart = plan_for(tree, two="Replace the tap", rate=rated((5, 1), (2, 5)))
    assert said(apart.options) == ["easy, cheap", "easy 2/5, dear"]


def test_the_old_single_texts_still_read_from_either_shape(tree: Any) -> None:
    plan = plan_for(tree, heat=4, boss="Sam")
    assert plan.reflect == "You feel angry because the tap drips."
    assert (plan.apology, plan.ask, plan.escalate) == (
        "I'm truly sorry for all of this.",
        "Would that do?",
        "Bring in Sam.",
    )
    old = CallPlan.from_data({"reflect": "So...", "ask": "Shall I?", "apology": "Sorry."})
    assert (old.reflect, old.ask, old.apology, old.escalate) == ("So...", "Shall I?", "Sorry.", "")
