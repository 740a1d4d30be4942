"""The package's layers and import rules (docs/architecture.md), checked on the source itself.

Every `import` in every module counts, including those inside functions (calm imports lazily
for speed, and a lazy import upward is still a dependency upward).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "calmcli"

LAYERS: list[tuple[str, ...]] = [
    ("calmcli.quick", "calmcli.__main__"),  # entry points
    ("calmcli.cli",),  # the terminal: commands, prompts, views
    ("calmcli.casebook",),  # operations on the case book: find, save, list, interviews
    ("calmcli.calendar",),  # the calendar server, its outbox, the feed, desktop nudges
    ("calmcli.store",),  # case files, drafts, the index, the lock
    ("calmcli.domain",),  # case, interview, answers, plan, follow-ups, patterns, reminders
    ("calmcli.tree",),  # the tree format
    ("calmcli.clock", "calmcli.files"),  # time; safe reads and writes, where files live
    ("calmcli.errors", "calmcli.textsafe", "calmcli"),  # the error type; user text made safe
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    best = None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (i, len(prefix))
    assert best is not None, f"{module} is in no layer; add it to LAYERS and the docs"
    return best[0]


def group_of(module: str) -> str:
    """The sibling package or module a module belongs to within its layer."""
    for prefixes in LAYERS:
        for prefix in sorted(prefixes, key=len, reverse=True):
            if module == prefix or module.startswith(prefix + "."):
                return prefix
    return module


def imports(module: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line, imported module, names) for every import of a calmcli module."""
    path = MODULES[module]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("calmcli"):
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{module}:{node.lineno}: use absolute imports"
            if not node.module.startswith("calmcli"):
                continue
            names = [a.name for a in node.names]
            submodules = [f"{node.module}.{n}" for n in names if f"{node.module}.{n}" in MODULES]
            if submodules:
                for sub in submodules:
                    yield node.lineno, sub, []
            else:
                yield node.lineno, node.module, names


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module: str) -> None:
    mine = layer_of(module)
    upward = [
        f"line {line}: {target}" for line, target, _ in imports(module) if layer_of(target) < mine
    ]
    assert upward == [], f"{module} (layer {mine}) imports from above: {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_siblings_in_a_layer_stay_apart(module: str) -> None:
    """Packages that share a layer (clock and files; errors and textsafe) never import each
    other, so each can be read and tested alone."""
    mine = layer_of(module)
    crossing = [
        f"line {line}: {target}"
        for line, target, _ in imports(module)
        if layer_of(target) == mine
        and group_of(target) != group_of(module)
        and group_of(target) != "calmcli"
    ]
    assert crossing == [], f"{module} imports a sibling package: {crossing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_names_cross_modules(module: str) -> None:
    private = [
        f"line {line}: {target}.{name}"
        for line, target, names in imports(module)
        for name in names
        if name.startswith("_") and not name.startswith("__") and target != module
    ]
    assert private == [], f"{module} imports private names: {private}"
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("calmcli")
        for alias in node.names
        if f"{node.module}.{alias.name}" in MODULES
    }
    reached = [
        f"line {node.lineno}: {node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert reached == [], f"{module} reaches into another module's private names: {reached}"


def test_commands_import_no_other_command() -> None:
    commands = [m for m in MODULES if m.startswith("calmcli.cli.commands.")]
    assert commands
    found = [
        f"{m} line {line}: {target}"
        for m in commands
        for line, target, _ in imports(m)
        if target.startswith("calmcli.cli.commands.") and target != m
    ]
    assert found == []


def test_no_import_cycles() -> None:
    graph = {m: {t for _, t, _ in imports(m) if t in MODULES and t != m} for m in MODULES}
    for m in list(graph):  # a module depends on its package's __init__ too, which is empty
        graph[m].discard(m.rsplit(".", 1)[0])
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if seen.get(t) == 1:
                cycle = stack[stack.index(t) :] + [t]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if t not in seen:
                visit(t)
        stack.pop()
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m)


def test_package_inits_import_nothing() -> None:
    """Importing `calmcli.store.index` must not import the rest of `calmcli.store`: the
    `--check` fast path depends on it. A package's `__init__` holds a docstring at most."""
    for path in PACKAGE.rglob("__init__.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        code = [
            n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
        ]
        if path.parent == PACKAGE:
            code = [n for n in code if not isinstance(n, ast.Assign)]  # __version__
        assert code == [], path


def test_the_docs_name_every_layer() -> None:
    text = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for prefixes in LAYERS[1:]:
        for prefix in prefixes:
            if prefix != "calmcli":
                assert f"`{prefix.removeprefix('calmcli.')}" in text, prefix
