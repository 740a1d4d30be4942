"""The JSON Schema and `calm tree check` give the same verdict on the same tree.

Both come from one definition (`calmcli.tree.spec`), so a tree an editor accepts is one calm
accepts, and the other way round. Each mutation below edits the complete example of
docs/trees.md. `SAME` lists mutations both must judge alike (accepted or refused); `CHECKER_ONLY`
lists the rules a JSON Schema cannot state (one field compared with another, a regular
expression that must compile, and everything that needs the whole tree): the checker refuses
those and the schema, honestly, does not. docs/trees.md lists the same rules.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmcli.errors import BadInput
from calmcli.files import yamlsafe
from calmcli.tree import schema
from calmcli.tree.loader import load_tree_text
from calmcli.tree.parts import Condition, Spec, lenient
from calmcli.tree.reader import Reader
from calmcli.tree.spec import TreeFile

jsonschema = pytest.importorskip("jsonschema")

DOC = Path(__file__).resolve().parent.parent / "docs" / "trees.md"
VALIDATOR = jsonschema.Draft202012Validator(schema.generate())

Tree = dict[str, Any]


def example() -> Tree:
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    [text] = [b for b in blocks if b.startswith("# yaml-language-server") and "\nnodes:" in b]
    data: Tree = yaml.safe_load(text)
    return data


BASE = example()


def node(tree: Tree, node_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in tree["nodes"] if n["id"] == node_id)
    return found


def schema_accepts(tree: Tree) -> bool:
    """What an editor says: in JSON land, where mapping keys are strings."""
    return VALIDATOR.is_valid(json.loads(json.dumps(tree)))


def checker_accepts(tree: Tree) -> bool:
    try:
        load_tree_text(yaml.safe_dump(tree, allow_unicode=True), "corpus.yaml")
    except BadInput:
        return False
    return True


def at(node_id: str, **changes: Any) -> Callable[[Tree], None]:
    """Set keys of one node (None deletes the key)."""

    def edit(tree: Tree) -> None:
        target = node(tree, node_id)
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    return edit


def null(node_id: str, key: str) -> Callable[[Tree], None]:
    """Give a node's key no value (YAML `help:` with nothing after it)."""

    def edit(tree: Tree) -> None:
        node(tree, node_id)[key] = None

    return edit


def top(**changes: Any) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        for key, value in changes.items():
            if value is None:
                tree.pop(key, None)
            else:
                tree[key] = value

    return edit


def in_plan(**changes: Any) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        tree["plan"].update(changes)

    return edit


def rules(*items: dict[str, Any], on: str = "intensity") -> Callable[[Tree], None]:
    return at(on, next=list(items))


def cond(condition: Any) -> Callable[[Tree], None]:
    """A rule list on `followup_at` (the last node) whose first rule tests `condition`."""
    return rules({"if": condition, "goto": "end"}, {"goto": "end"}, on="followup_at")


def many_nodes(n: int) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        extra = [
            {"id": f"n{i}", "section": "prepare", "kind": "note", "prompt": "x"} for i in range(n)
        ]
        tree["nodes"] = extra + tree["nodes"]

    return edit


ACCEPTED = True
REFUSED = False

# (name, mutation, verdict both give)
SAME: list[tuple[str, Callable[[Tree], None], bool]] = [
    # -- the drift cases of issue "One shape for calm" ------------------------------------
    ("max_days_ahead 0", at("followup_at", validate={"max_days_ahead": 0}), REFUSED),
    ("plan line without if", in_plan(facts=[{"say": "{what_happened}"}]), ACCEPTED),
    ("integer choice 3", at("feeling", choices=["worried", 3]), ACCEPTED),
    ("choice value 1.5", at("feeling", choices=[{"value": 1.5, "label": "x"}]), REFUSED),
    ("min_length on a scale", at("intensity", validate={"min_length": 1}), REFUSED),
    # -- keys, kinds and types ------------------------------------------------------------
    ("the example as it is", lambda t: None, ACCEPTED),
    ("unknown top-level key", top(author="me"), REFUSED),
    ("node key typo nxt", at("job", nxt="feeling"), REFUSED),
    ("kind typo", at("feeling", kind="choise"), REFUSED),
    ("missing prompt", at("job", prompt=None), REFUSED),
    ("blank title", top(title="   "), REFUSED),
    ("node id with a trailing newline", at("job", id="job\n"), REFUSED),
    ("node id in capitals", at("job", id="Job"), REFUSED),
    ("tree id with a space", top(id="roof leak"), REFUSED),
    ("node id of 65 characters", at("job", id="a" * 65), REFUSED),
    ("format 2", top(format=2), REFUSED),
    ("format missing", top(format=None), REFUSED),
    ("version 1.5", top(version=1.5), REFUSED),
    ("version as text", top(version="1.2"), ACCEPTED),
    ("required as text", at("job", required="yes"), REFUSED),
    ("scale min as text", at("intensity", min="one"), REFUSED),
    ("scale without max", at("intensity", max=None), REFUSED),
    ("choice node without choices", at("wants", choices=None), REFUSED),
    ("empty choices", at("wants", choices=[]), REFUSED),
    ("unquoted yes as a choice", at("feeling", choices=["worried", True]), REFUSED),
    (
        "a multi choice with next",
        at("feeling", kind="multi", choices=[{"value": "a", "next": "job"}]),
        REFUSED,
    ),
    ("yesno default as text", at("job", kind="yesno", default="yes"), REFUSED),
    ("help left empty (null)", null("job", "help"), REFUSED),
    ("start given as null", top(start=None), ACCEPTED),
    ("next as a number", at("job", next=5), REFUSED),
    ("empty next", at("job", next=""), REFUSED),
    (
        "rule without goto",
        rules({"if": {"answer": "intensity", "at_least": 4}}, {"goto": "job"}),
        REFUSED,
    ),
    ("pattern of 501 characters", at("job", validate={"pattern": "a" * 501}), REFUSED),
    ("negative min_length", at("job", validate={"min_length": -1}), REFUSED),
    ("labels keyed by words", at("intensity", labels={"one": "mildly"}), REFUSED),
    ("labels keyed by points", at("intensity", labels={1: "mildly", 5: "furious"}), ACCEPTED),
    ("plan option without ratings", lambda t: t["plan"]["options"][0].pop("ratings"), REFUSED),
    ("unknown plan key", in_plan(folowup="followup_at"), REFUSED),
    ("2,001 nodes", many_nodes(2000), REFUSED),
    # -- conditions -------------------------------------------------------------------------
    (
        "condition with two operators",
        cond({"answer": "intensity", "at_least": 4, "at_most": 5}),
        REFUSED,
    ),
    ("condition with no operator", cond({"answer": "intensity"}), REFUSED),
    ("operator without answer", cond({"at_least": 4}), REFUSED),
    (
        "answer beside all",
        cond({"answer": "intensity", "all": [{"answer": "intensity", "at_least": 4}]}),
        REFUSED,
    ),
    ("empty all", cond({"all": []}), REFUSED),
    ("at_least true", cond({"answer": "intensity", "at_least": True}), REFUSED),
    ("in takes a list", cond({"answer": "feeling", "in": "angry"}), REFUSED),
    (
        "nested conditions",
        cond(
            {
                "all": [
                    {"answer": "intensity", "at_least": 4},
                    {"not": {"answer": "feeling", "in": ["worried"]}},
                ]
            }
        ),
        ACCEPTED,
    ),
    (
        "plan line with a condition",
        in_plan(questions=[{"if": {"answer": "job", "answered": False}, "say": "Which job?"}]),
        ACCEPTED,
    ),
    # -- roles and ratings questions --------------------------------------------------------
    ("role typo", at("job", role="jobb"), REFUSED),
    ("role on a note", at("breathe", role="customer"), REFUSED),
    (
        "a choice flags a situation",
        at("feeling", choices=[{"value": "x", "role": "danger"}]),
        ACCEPTED,
    ),
    (
        "a choice cannot hold a data role",
        at("feeling", choices=[{"value": "x", "role": "job"}]),
        REFUSED,
    ),
    ("replaces earlier ids", at("job", replaces=["old_job"]), ACCEPTED),
    ("replaces a bad id", at("job", replaces=["Old Job"]), REFUSED),
    ("ratings without scales", at("option_ratings", scales=None), REFUSED),
    ("ratings with no scales", at("option_ratings", scales=[]), REFUSED),
    ("a rating point of 10", at("option_ratings", max=10), REFUSED),
    (
        "good in the middle",
        at("option_ratings", scales=[{"id": "a", "label": "a", "good": "mid"}]),
        REFUSED,
    ),
    ("ratings with a default", at("option_ratings", default={"ease": 1}), REFUSED),
    (
        "ratings of rows",
        at("option_ratings", rows=[{"id": "option_1", "label": "{option_1}"}]),
        ACCEPTED,
    ),
    ("negative min_rated", at("option_ratings", validate={"min_rated": -1}), REFUSED),
    ("rate_all as text", at("option_ratings", rate_all="no"), REFUSED),
    (
        "a plan option with ratings and a cost scale",
        lambda t: t["plan"]["options"][0].update(cost="intensity"),
        REFUSED,
    ),
    ("avoid with an unknown mistake", in_plan(avoid={"shouting": "x"}), REFUSED),
]

# (name, mutation, what kind of rule): the checker refuses, the schema cannot tell.
CHECKER_ONLY: list[tuple[str, Callable[[Tree], None], str]] = [
    ("scale min equals max", at("intensity", min=5), "cross-field: min below max"),
    ("scale of 102 points", at("intensity", min=0, max=101), "cross-field: at most 101 points"),
    (
        "label key outside the scale",
        at("intensity", labels={6: "x"}),
        "cross-field: labels within min..max",
    ),
    (
        "validate min below the scale",
        at("intensity", validate={"min": 0}),
        "cross-field: within the scale",
    ),
    (
        "scale default outside the scale",
        at("intensity", default=9),
        "cross-field: default within the scale",
    ),
    (
        "min_length above max_length",
        at("job", validate={"min_length": 5, "max_length": 2}),
        "cross-field: min <= max",
    ),
    (
        "min_choices above max_choices",
        at("feeling", kind="multi", validate={"min_choices": 3, "max_choices": 1}),
        "cross-field: min <= max",
    ),
    ("default not a choice", at("feeling", default="happy"), "cross-field: default is a choice"),
    (
        "duplicate choice values",
        at("feeling", choices=["angry", "angry"]),
        "cross-field: unique values",
    ),
    (
        "fallback rule first",
        rules({"goto": "job"}, {"if": {"answer": "intensity", "at_least": 4}, "goto": "job"}),
        "cross-field: fallback last",
    ),
    ("date default not a date", at("followup_at", default="someday maybe"), "date expression"),
    (
        "lookahead in a pattern",
        at("job", validate={"pattern": "(?=a)b"}),
        "regular expression (RE2)",
    ),
    ("unterminated pattern", at("job", validate={"pattern": "[a-"}), "regular expression (RE2)"),
    ("goto names no node", at("job", next="nowhere"), "graph: reference"),
    ("start names no node", top(start="nowhere"), "graph: reference"),
    ("unknown section", at("job", section="nowhere"), "graph: reference"),
    ("duplicate node id", at("job", id="customer_name"), "graph: unique ids"),
    ("a node called end", at("job", id="end"), "graph: reserved id"),
    ("unreachable node", at("customer_phone", next="feeling"), "graph: reachability"),
    ("loop with no way out", at("followup_at", next="job"), "graph: loop"),
    (
        "template names no node",
        at("job", prompt="Which job for {nobody}?"),
        "graph: template names",
    ),
    (
        "template names a later node",
        at("job", prompt="Which job, {intensity}?"),
        "graph: template names",
    ),
    ("bad template braces", at("job", prompt="Which job {"), "template syntax"),
    (
        "condition reads a later node",
        rules(
            {"if": {"answer": "option_1", "answered": True}, "goto": "job"},
            {"goto": "what_happened"},
        ),
        "graph: condition",
    ),
    (
        "includes on a choice",
        cond({"answer": "feeling", "includes": "angry"}),
        "graph: condition fits the kind",
    ),
    ("followup is not a date", in_plan(followup="job"), "graph: plan reference"),
    (
        "plan option rated by text",
        lambda t: t["plan"]["options"][0].update(ratings="job"),
        "graph: plan reference",
    ),
    ("role on the wrong kind", at("job", role="intensity"), "graph: a role fits its kind"),
    ("role held twice", at("cause", role="job"), "graph: one question per role"),
    ("replaces a node of the tree", at("job", replaces=["cause"]), "graph: replaces"),
    (
        "duplicate scale id",
        at("option_ratings", scales=[{"id": "a", "label": "a"}, {"id": "a", "label": "b"}]),
        "cross-field: unique scale ids",
    ),
    (
        "rating label outside the scale",
        at("option_ratings", labels={7: "x"}),
        "cross-field: labels within min..max",
    ),
    (
        "min_rated above max_rated",
        at("option_ratings", validate={"min_rated": 3, "max_rated": 1}),
        "cross-field: min <= max",
    ),
    (
        "plan option row without rows",
        lambda t: t["plan"]["options"][0].update(row="option_2"),
        "graph: plan reference",
    ),
    ("unknown template filter", at("job", prompt="Which job, {customer_name:shout}?"), "template"),
    (
        "scale min written 1.0",
        at("intensity", min=1.0),
        "JSON: the schema counts 1.0 as a whole number",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "verdict"), SAME, ids=[c[0] for c in SAME])
def test_schema_and_checker_agree(name: str, mutate: Callable[[Tree], None], verdict: bool) -> None:
    tree = copy.deepcopy(BASE)
    mutate(tree)
    assert (schema_accepts(tree), checker_accepts(tree)) == (verdict, verdict)


@pytest.mark.parametrize(("name", "mutate", "rule"), CHECKER_ONLY, ids=[c[0] for c in CHECKER_ONLY])
def test_rules_only_the_checker_knows(name: str, mutate: Callable[[Tree], None], rule: str) -> None:
    tree = copy.deepcopy(BASE)
    mutate(tree)
    assert schema_accepts(tree), f"the schema now states '{rule}': move {name!r} to SAME"
    assert not checker_accepts(tree)


def test_the_corpus_is_big_enough() -> None:
    assert len(SAME) >= 5 + 20
    assert len(CHECKER_ONLY) >= 10


def test_checker_only_rules_are_listed_in_the_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## What the schema cannot check", 1)[1].split("\n## ", 1)[0]
    for words in ("min", "fallback", "RE2", "reachable", "template", "1.0"):
        assert words in section, words


# -- properties: any mutation at all ------------------------------------------------------------

JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
    | st.sampled_from(["note", "text", "choice", "multi", "scale", "date", "end", "job", "a\n"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "kind", "next", "goto", "if", "answer", "in", "not", "all", "min", "value"]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def replace_somewhere(data: st.DataObject, junk: Any) -> Tree:
    tree: Any = copy.deepcopy(BASE)
    holder = tree
    for _ in range(data.draw(st.integers(0, 4))):
        children = list(holder.items()) if isinstance(holder, dict) else list(enumerate(holder))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        _, holder = data.draw(st.sampled_from(children))
    if isinstance(holder, dict):
        holder[data.draw(st.sampled_from(sorted(holder, key=str)))] = junk
    else:
        holder[data.draw(st.integers(0, len(holder) - 1))] = junk
    return json.loads(json.dumps(tree))


def conditions(value: Any) -> list[Condition]:
    if isinstance(value, Condition):
        return [value, *(c for kid in value.children for c in conditions(kid))]
    if isinstance(value, Spec):
        return [
            c for f in msgspec.structs.fields(value) for c in conditions(getattr(value, f.name))
        ]
    if isinstance(value, list):
        return [c for item in value for c in conditions(item)]
    return []


def spec_accepts(tree: Tree) -> bool:
    """The types alone, as the schema sees them: the rules only calm checks are left out,
    except that a condition has one operator, which the schema states too (oneOf)."""
    try:
        with lenient():
            file = msgspec.json.decode(json.dumps(tree), type=TreeFile)
    except msgspec.ValidationError:
        return False
    return not any(c.problems() for c in conditions(file))


@FUZZ
@given(st.data(), JSONISH)
def test_schema_and_spec_agree_on_any_mutation(data: st.DataObject, junk: Any) -> None:
    tree = replace_somewhere(data, junk)
    assert schema_accepts(tree) == spec_accepts(tree), json.dumps(tree)[:2000]


@FUZZ
@given(st.data(), JSONISH)
def test_the_checker_explains_every_refusal(data: st.DataObject, junk: Any) -> None:
    """When msgspec refuses a file, calm's own reading finds at least one problem to report."""
    tree = replace_somewhere(data, junk)
    doc = yamlsafe.parse_text(yaml.safe_dump(tree), "fuzz.yaml")
    try:
        msgspec.convert(doc.data, TreeFile)
    except msgspec.ValidationError:
        reader = Reader(doc)
        reader.read()
        assert reader.found.problems, json.dumps(tree)[:2000]
