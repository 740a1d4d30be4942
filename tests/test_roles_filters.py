"""Roles (what a question means to calm, whatever its id) and template filters (so one sentence
reads well for any answer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain import situation
from calmcli.tree import roles
from calmcli.tree.loader import TreeInvalid, load_tree_text
from calmcli.tree.registry import earlier, resolve
from calmcli.tree.templates import FILTERS, Filled, TemplateError, article, clause, render

LONDON = ZoneInfo("Europe/London")

TREE = """
format: 1
id: roles
title: Roles
version: 1
sections: [{id: s, title: S}]
nodes:
  - {id: who, section: s, kind: text, prompt: Who?, role: customer}
  - {id: heat, section: s, kind: scale, prompt: How hot?, min: 0, max: 10, role: intensity}
  - id: mood
    section: s
    kind: multi
    prompt: Mood?
    role: feelings
    choices: [worried, angry]
  - id: flags
    section: s
    kind: multi
    prompt: Any of these?
    required: false
    choices:
      - {value: leak, label: a leak now, role: danger}
      - {value: rang, label: nobody rang back, role: ignored}
      - {value: calm, label: nothing special}
  - {id: lawyer, section: s, kind: yesno, prompt: Mentioned a solicitor?, role: threat}
plan:
  customer: "{who}"
"""


def load(text: str = TREE) -> Any:
    return load_tree_text(text, "roles.yaml")


def test_every_role_is_documented_and_typed() -> None:
    assert set(roles.FITS) == set(roles.MEANS)
    assert set(roles.FITS) == set(roles.Role.__args__)  # type: ignore[attr-defined]
    assert set(roles.SITUATIONS) == set(roles.Situation.__args__)  # type: ignore[attr-defined]
    assert set(roles.IMPLICIT.values()) <= set(roles.FITS)


def test_the_situation_is_read_through_roles_whatever_the_ids() -> None:
    tree = load()
    found = situation.read(
        tree,
        {"who": "Ann", "heat": 8, "mood": ["angry", "worried"], "flags": ["leak"], "lawyer": False},
    )
    assert found.flags == {"danger"}
    assert found.level == 4  # 8 on 0..10 is 4 on 1..5
    assert found.feelings == ("angry", "worried")  # in the order picked
    assert situation.read(tree, {"flags": ["rang", "calm"], "lawyer": True}).flags == {
        "ignored",
        "threat",
    }
    assert situation.read(tree, {"flags": ["calm"], "lawyer": False}).flags == frozenset()


@pytest.mark.parametrize(
    ("value", "flags"),
    [(True, True), (False, False), ("no", False), ("None", False), (["no"], False), ("yes", True)],
)
def test_an_answer_that_says_no_flags_nothing(value: Any, flags: bool) -> None:
    assert situation.means_yes(value) is flags


def test_old_reserved_ids_hold_their_roles_in_trees_without_roles() -> None:
    [v1] = earlier("default")
    assert v1.version == 1
    held = {r: getattr(v1.role(r), "id", None) for r in roles.IMPLICIT.values()}
    assert held == {
        "customer": "customer_name",
        "phone": "customer_phone",
        "feelings": "feeling",
        "intensity": "intensity",
        "outcome": "wants",
        "job": "job",
        "notes": "what_happened",
        "escalate": "escalate_to",
    }
    current = resolve("default")
    assert current.role("feelings").id == "feelings"  # type: ignore[union-attr]
    assert current.role("danger").id == "hazard"  # type: ignore[union-attr]


AGAIN = "role: threat}\n  - {id: again, section: s, kind: text, prompt: Who?, role: customer}"
WRONG_ROLES = [
    (("role: threat}", AGAIN), "role 'customer' is already held by 'who'"),
    (("role: intensity", "role: phone"), "role 'phone' needs a text question; 'heat' is scale"),
    (("role: intensity", "role: intensty"), "'intensty' is not a role; did you mean 'intensity'?"),
    (("role: danger}", "role: dangerous}"), "'dangerous' is not a role; did you mean 'danger'?"),
    (("role: ignored}", "role: customer}"), "'role' 'customer' is not a role"),
    (("role: threat}", "role: threat, replaces: [who]}"), "replaces 'who', but this tree still"),
]


@pytest.mark.parametrize(("change", "message"), WRONG_ROLES)
def test_the_checker_names_a_wrong_role(change: tuple[str, str], message: str) -> None:
    with pytest.raises(TreeInvalid) as info:
        load(TREE.replace(*change))
    messages = [p.message for p in info.value.problems]
    assert any(message in m for m in messages), messages


# -- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "with_article"),
    [
        ("repair", "a repair"),
        ("explanation", "an explanation"),
        ("hour's work", "an hour's work"),
        ("user guide", "a user guide"),
        ("university visit", "a university visit"),
        ("umbrella", "an umbrella"),
        ("the work redone", "the work redone"),
        ("an apology", "an apology"),
        ("3 new tiles", "3 new tiles"),
        ("", ""),
    ],
)
def test_the_a_filter_adds_the_right_article(phrase: str, with_article: str) -> None:
    assert article(phrase) == with_article


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("The grout cracked.", "the grout cracked"),
        ("UPVC door sticks!", "UPVC door sticks"),
        ("I can't see the invoice.", "I can't see the invoice"),
        ("leak under the sink", "leak under the sink"),
    ],
)
def test_the_clause_filter_lets_a_sentence_sit_inside_another(text: str, inside: str) -> None:
    assert clause(text) == inside


WHEN = datetime(2026, 12, 12, 14, 30, tzinfo=LONDON)
VALUES = {
    "wants": Filled("repair, refund, apology", ("repair", "refund", "apology")),
    "one": Filled("repair", ("repair",)),
    "cause": Filled("The tray leaks.\nSince Monday."),
    "day": Filled("Sat 12 Dec 14:30", (), WHEN),
    "empty": Filled(""),
}


@pytest.mark.parametrize(
    ("template", "filled"),
    [
        ("{wants:a:and}", "a repair, a refund and an apology"),
        ("{wants:or}", "repair, refund or apology"),
        ("{one:and}", "repair"),
        ("{wants:main:capital}", "Repair"),
        ("{wants:others}", "refund and apology"),
        ("{one:others|nothing else}", "nothing else"),
        ("{cause:line:clause}", "the tray leaks"),
        ("{cause:lower:line}", "the tray leaks."),
        ("{day:day} at {day:time}", "Sat 12 Dec at 14:30"),
        ("{empty:capital|no answer}", "no answer"),
        ("{missing:a|none given}", "none given"),
        ("{ wants : main }", "repair"),
    ],
)
def test_filters(template: str, filled: str) -> None:
    assert render(template, VALUES.get) == filled


def test_an_unknown_filter_is_refused_by_name() -> None:
    with pytest.raises(TemplateError, match="unknown filter 'plural' in {wants:plural}"):
        render("{wants:plural}", VALUES.get)
    with pytest.raises(TreeInvalid) as info:
        load(TREE.replace('customer: "{who}"', 'customer: "{who:shout}"'))
    [problem] = info.value.problems
    assert problem.where == "plan" and "unknown filter 'shout'" in problem.message


def test_every_filter_is_in_the_docs() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "trees.md").read_text(encoding="utf-8")
    for name in FILTERS:
        assert f"`{name}`" in doc, name
    for role in roles.FITS:
        assert f"`{role}`" in doc, role


def test_a_saved_case_takes_its_name_and_number_from_the_roles(calm_home: Any) -> None:
    from calmcli.casebook.save import create
    from calmcli.store import cases

    tree = load(
        TREE.replace(
            "  - {id: lawyer,",
            "  - {id: tel, section: s, kind: text, prompt: Number?, role: phone}\n  - {id: lawyer,",
        )
    )
    answers = {"who": "Ann Lee", "tel": "0113 496 0555", "heat": 3, "mood": ["worried"]}
    created = create(tree, answers, datetime(2026, 11, 30, 10, tzinfo=LONDON))
    case = cases.load_case(created.case_path)
    assert (case.customer, case.phone) == ("Ann Lee", "0113 496 0555")
