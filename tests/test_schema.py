"""The JSON Schema for interview trees (format 1): editors use it for completion and typo checks."""

from __future__ import annotations

import copy
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "trees.md"
TREES = sorted((ROOT / "src" / "calmcli" / "trees").glob("*.yaml"))


def load_schema() -> dict[str, Any]:
    text = (files("calmcli.tree") / "schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def as_json(data: Any) -> Any:
    """What an editor sees: JSON land, where mapping keys are strings (YAML `1:` becomes "1")."""
    return json.loads(json.dumps(data, default=str))


def validator() -> Any:
    return jsonschema.Draft202012Validator(load_schema())


def doc_example() -> dict[str, Any]:
    """The complete example in docs/trees.md: the yaml block that starts with the schema comment."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    examples = [b for b in blocks if b.startswith("# yaml-language-server") and "\nnodes:" in b]
    assert len(examples) == 1, "expected exactly one complete example in docs/trees.md"
    data: dict[str, Any] = yaml.safe_load(examples[0])
    return data


def errors(data: Any) -> list[str]:
    return [e.message for e in validator().iter_errors(as_json(data))]


def test_schema_is_json_and_valid_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://calm.invalid/schemas/tree-v1.json"
    assert schema["title"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description() -> None:
    missing: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and "description" not in sub:
                    missing.append(f"{where}/properties/{name}")
            for key, sub in node.items():
                # An `if` subschema (not a property named "if") only matches; it documents nothing.
                if key == "if" and not where.endswith("/properties"):
                    continue
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(load_schema(), "#")
    assert missing == []


def test_doc_example_is_valid() -> None:
    assert errors(doc_example()) == []


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name) for p in TREES]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no src/calmcli/trees/*.yaml yet"))],
)
def test_builtin_tree_is_valid(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert errors(data) == []


def _node(tree: dict[str, Any], node_id: str) -> dict[str, Any]:
    node: dict[str, Any] = next(n for n in tree["nodes"] if n["id"] == node_id)
    return node


def typo_next(tree: dict[str, Any]) -> None:
    _node(tree, "job")["nxt"] = "feeling"


def kind_choise(tree: dict[str, Any]) -> None:
    _node(tree, "feeling")["kind"] = "choise"


def choice_without_value(tree: dict[str, Any]) -> None:
    _node(tree, "feeling")["choices"].append({"label": "sad"})


def rule_without_goto(tree: dict[str, Any]) -> None:
    _node(tree, "intensity")["next"] = [
        {"if": {"answer": "intensity", "at_least": 4}},
        {"goto": "what_happened"},
    ]


def format_2(tree: dict[str, Any]) -> None:
    tree["format"] = 2


def top_level_typo(tree: dict[str, Any]) -> None:
    tree["titel"] = tree.pop("title")


def choice_kind_without_choices(tree: dict[str, Any]) -> None:
    del _node(tree, "wants")["choices"]


def scale_without_max(tree: dict[str, Any]) -> None:
    del _node(tree, "intensity")["max"]


def unknown_condition(tree: dict[str, Any]) -> None:
    _node(tree, "intensity")["next"] = [
        {"if": {"answer": "intensity", "above": 4}, "goto": "refund_amount"},
        {"goto": "what_happened"},
    ]


def validate_typo(tree: dict[str, Any]) -> None:
    _node(tree, "customer_name")["validate"] = {"min_lenght": 1}


def plan_option_missing_ratings(tree: dict[str, Any]) -> None:
    del tree["plan"]["options"][0]["ratings"]


def labels_word_key(tree: dict[str, Any]) -> None:
    _node(tree, "intensity")["labels"] = {"one": "mildly"}


@pytest.mark.parametrize(
    "breakage",
    [
        typo_next,
        kind_choise,
        choice_without_value,
        rule_without_goto,
        format_2,
        top_level_typo,
        choice_kind_without_choices,
        scale_without_max,
        unknown_condition,
        validate_typo,
        plan_option_missing_ratings,
        labels_word_key,
    ],
)
def test_broken_tree_is_rejected(breakage: Any) -> None:
    tree = copy.deepcopy(doc_example())
    breakage(tree)
    assert errors(tree) != []


def test_conditions_nest_and_plan_lines_may_be_conditional() -> None:
    tree = doc_example()
    _node(tree, "intensity")["next"] = [
        {
            "if": {
                "all": [
                    {"answer": "intensity", "at_least": 4},
                    {"not": {"any": [{"answer": "feeling", "in": ["worried"]}]}},
                ]
            },
            "goto": "end",
        },
        {"goto": "what_happened"},
    ]
    tree["plan"]["questions"] = [
        {"if": {"answer": "customer_phone", "answered": False}, "say": "Best number?"},
        "What have you tried so far?",
    ]
    assert errors(tree) == []


def test_committed_schema_is_the_generated_one() -> None:
    """`calm tree schema` prints the committed file; it must be what the spec generates
    (regenerate with `python -m calmcli.tree.schema --write`)."""
    from calmcli.tree import schema

    assert schema.committed() == schema.text()
    assert load_schema() == schema.generate()
