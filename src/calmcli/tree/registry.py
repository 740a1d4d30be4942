"""Finding trees by name: the built-ins shipped with calm, and the user's own trees in
$CALM_HOME/trees/."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from calmcli.errors import BadInput
from calmcli.files import paths
from calmcli.tree.check import check_document
from calmcli.tree.model import Tree

BUILTIN_ORDER = ("default", "quality", "delay", "billing", "review")


@dataclass(frozen=True)
class TreeEntry:
    """A tree as listed: where it comes from, and its title or the reason it cannot be used."""

    name: str
    source: str
    path: Path
    title: str = ""
    problem: str | None = None


def builtin_dir() -> Path:
    return Path(str(resources.files("calmcli") / "trees")).resolve()


def _builtin_files() -> dict[str, Path]:
    folder = builtin_dir()
    found = {f.stem: f for f in folder.glob("*.yaml")}
    order = {name: i for i, name in enumerate(BUILTIN_ORDER)}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))


def _user_files() -> dict[str, Path]:
    folder = paths.trees_dir()
    if not folder.is_dir():
        return {}
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    return {f.stem: f for f in files}


def load_path(path: Path, *, builtin: bool = False) -> Tree:
    from calmcli.files import yamlsafe

    return check_document(
        yamlsafe.read_file(path, what="a tree", collect_duplicates=True), builtin=builtin
    )


def entries() -> list[TreeEntry]:
    """Built-in trees first (default leading), then the user's; a broken user tree says why."""
    out = []
    for name, path in _builtin_files().items():
        tree = load_path(path, builtin=True)
        out.append(TreeEntry(name, "built-in", path, tree.title))
    for name, path in _user_files().items():
        try:
            tree = load_path(path)
        except BadInput as exc:
            out.append(TreeEntry(name, "yours", path, problem=exc.message))
        else:
            out.append(TreeEntry(name, "yours", path, tree.title))
    return out


def resolve(ref: str) -> Tree:
    """A tree by built-in name, user tree name, or path to a file."""
    candidate = Path(ref).expanduser()
    if "/" in ref or ref.endswith((".yaml", ".yml")) or candidate.exists():
        return load_path(candidate)
    user = _user_files()
    if ref in user:
        return load_path(user[ref])
    builtin = _builtin_files()
    if ref in builtin:
        return load_path(builtin[ref], builtin=True)
    names = sorted({*builtin, *user})
    close = difflib.get_close_matches(ref, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; trees: {', '.join(names)}"
    raise BadInput(f"no tree named {ref!r}{hint} (see `calm tree list`)")


def by_name(name: str) -> Tree:
    """A tree by name only, yours first, then the built-ins: a name read from a case file
    never becomes a path."""
    user = _user_files()
    if name in user:
        return load_path(user[name])
    builtin = _builtin_files()
    if name in builtin:
        return load_path(builtin[name], builtin=True)
    raise BadInput(f"no tree named {name[:60]!r} (see `calm tree list`)")


def names() -> list[str]:
    """Every tree name, built-in and yours, from file names alone (for shell completion)."""
    return sorted({*_builtin_files(), *_user_files()})
