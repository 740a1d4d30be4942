"""The JSON Schema of tree format 1, generated from `spec.TreeFile`.

The committed `schema.json` (what `calm tree schema` prints, without loading msgspec's schema
code) is this module's output; a test fails when they differ. Regenerate it with

    python -m calmcli.tree.schema --write
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

HEAD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://calm.invalid/schemas/tree-v1.json",
    "title": "calm interview tree, format 1",
    "description": (
        "The YAML file that drives `calm new`: questions (nodes) grouped into sections, "
        "branching, and the call-plan wording. `calm tree check FILE` also checks what a schema "
        "cannot: branch targets, reachability, template names, and the rules that compare one "
        "field with another (docs/trees.md lists them)."
    ),
}
KIND = (
    "note (no answer), text (one line), longtext (several lines), choice (one of `choices`), "
    "multi (any number of `choices`), yesno, scale (whole number from `min` to `max`), date, "
    "ratings (several scales in one prompt)."
)


def _spec_types() -> list[type]:
    from calmcli.tree.parts import Spec

    found: list[type] = []
    todo = [Spec]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def generate() -> dict[str, Any]:
    import msgspec.json

    from calmcli.tree.spec import NODE_TYPES, TreeFile

    defs: dict[str, Any] = msgspec.json.schema(TreeFile)["$defs"]
    for cls in _spec_types():
        extra = getattr(cls, "schema_extra", {})
        if cls.__name__ in defs and extra:
            defs[cls.__name__].update(extra)
    for kind in NODE_TYPES:
        defs[kind.__name__]["properties"]["kind"]["description"] = KIND
    top = defs.pop(TreeFile.__name__)
    del top["title"], top["description"]
    return {**HEAD, **top, "$defs": defs}


def text() -> str:
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def committed() -> str:
    return (resources.files("calmcli.tree") / "schema.json").read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        path = Path(__file__).with_name("schema.json")
        path.write_text(text(), encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if argv:
        print("usage: python -m calmcli.tree.schema [--write]", file=sys.stderr)
        return 2
    sys.stdout.write(text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
