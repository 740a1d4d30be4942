"""Finding trees by name: the built-ins shipped with calm, and the user's own trees in
$CALM_HOME/trees/. A tree in either folder is found by its file name, so its id must match it."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.tree.model import Tree

BUILTIN_ORDER = ("default", "quality", "delay", "billing", "review")


@dataclass(frozen=True)
class TreeEntry:
    """A tree as listed: where it comes from, and the tree or the reason it cannot be used."""

    name: str
    source: str
    path: Path
    tree: Tree | None = None
    error: CalmError | None = None

    @property
    def title(self) -> str:
        return self.tree.title if self.tree is not None else ""

    @property
    def problem(self) -> str | None:
        return self.error.message if self.error is not None else None


@cache
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


def is_builtin(path: Path) -> bool:
    """Whether `path` is one of calm's own tree files (symbolic links followed, loops too)."""
    return Path(os.path.realpath(path)).parent == builtin_dir()


def _named(path: Path) -> bool:
    """Whether the tree at `path` is found by its file name: it sits in trees/ or the built-ins."""
    folder = os.path.realpath(path.parent)
    return folder in (str(builtin_dir()), os.path.realpath(paths.trees_dir()))


def load_path(path: Path, *, builtin: bool = False) -> Tree:
    """The tree in the file at `path`, fully checked. A tree that passed the checks is kept in
    the cache in a compact binary form, so the next `calm new` need not read YAML or check it
    again until the file changes (or calm does)."""
    named = _named(path)
    cached = _cache_file(path, builtin, named)
    if cached is not None:
        tree = _from_cache(cached, path, builtin)
        if tree is not None:
            return tree
    from calmcli.files import yamlsafe
    from calmcli.tree.loader import load_document

    doc = yamlsafe.read_file(path, what="a tree", collect_duplicates=True)
    tree = load_document(doc, builtin=builtin, file_name=path.name if named else None)
    if cached is not None:
        _to_cache(cached, tree)
    return tree


def _cache_file(path: Path, builtin: bool, named: bool) -> Path | None:
    """Where the checked tree from `path` is kept: named after everything its verdict depends
    on (the file's real path and stamp, calm's version, how it was found)."""
    import zlib

    from calmcli import __version__

    try:
        st = path.stat()
    except OSError:
        return None  # the reader says what is wrong
    key = f"{os.path.realpath(path)}|{st.st_mtime_ns}|{st.st_size}|{st.st_ino}|{__version__}"
    key += f"|{builtin}|{named}|{_SPEC_VERSION}"
    name = f"{path.stem[:40]}-{zlib.crc32(key.encode('utf-8', 'surrogatepass')):08x}.msgpack"
    try:
        return paths.cache_dir() / "trees" / name
    except CalmError:
        return None


_SPEC_VERSION = 1
"""Raise when the tree types change shape without calm's version changing (development)."""


def _from_cache(cached: Path, path: Path, builtin: bool) -> Tree | None:
    import msgspec

    from calmcli.tree.spec import TreeFile

    try:
        file = msgspec.msgpack.decode(cached.read_bytes(), type=TreeFile)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None  # missing or damaged: read the YAML again
    return Tree(file, source=str(path), builtin=builtin)


def _to_cache(cached: Path, tree: Tree) -> None:
    """Best effort: a cache that cannot be written only costs the next start a few ms."""
    import contextlib

    import msgspec

    from calmcli.files.atomic import atomic_write

    with contextlib.suppress(CalmError, OSError, TypeError, msgspec.EncodeError):
        atomic_write(cached, msgspec.msgpack.encode(tree.file))


def entry(path: Path, *, builtin: bool = False, source: str = "file") -> TreeEntry:
    """The tree at `path` loaded, or the reason it cannot be."""
    try:
        return TreeEntry(path.stem, source, path, tree=load_path(path, builtin=builtin))
    except CalmError as exc:
        return TreeEntry(path.stem, source, path, error=exc)


def entries(*, leave_out: tuple[str, ...] = ()) -> list[TreeEntry]:
    """Built-in trees first (default leading), then the user's, each loaded once; one that
    cannot be used says why. Trees named in `leave_out` are not even read."""
    builtins = [(n, p) for n, p in _builtin_files().items() if n not in leave_out]
    users = [(n, p) for n, p in _user_files().items() if n not in leave_out]
    out = [entry(path, builtin=True, source="built-in") for _, path in builtins]
    out += [entry(path, source="yours") for _, path in users]
    return out


def usable(listed: list[TreeEntry]) -> dict[str, TreeEntry]:
    """Usable entries by name; a tree of yours takes the place of a built-in with its name."""
    return {e.name: e for e in listed if e.tree is not None}


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


def earlier(name: str) -> list[Tree]:
    """Earlier versions of a built-in tree, newest first, as shipped in trees/earlier/
    (`default-1.yaml` is version 1 of `default`): old cases and old answers files are read
    with the tree they were made for."""
    folder = builtin_dir() / "earlier"
    found = []
    for path in folder.glob(f"{name}-*.yaml"):
        tree = load_path(path, builtin=True)
        if tree.id == name:
            found.append(tree)
    return sorted(
        found,
        key=lambda t: (t.version if isinstance(t.version, int) else 0, str(t.version)),
        reverse=True,
    )


def names() -> list[str]:
    """Every tree name, built-in and yours, from file names alone (for shell completion)."""
    return sorted({*_builtin_files(), *_user_files()})
