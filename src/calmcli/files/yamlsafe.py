"""Read YAML that may be hostile: safe tags only, no duplicate keys, bounded size, depth
and aliases.

PyYAML's safe loader still keeps the last of two duplicate keys, expands alias bombs, and recurses
on deep nesting. We compose the node graph ourselves and build plain Python values from it, so
every value keeps the line and column it came from (for `file:line:column` messages) and every
limit is enforced before it can cost time or memory.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from calmcli.errors import BadInput

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 100
MAX_NODES = 100_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
# Dates stay text: the date parser reads them, and case files keep what the user typed.
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """A YAML document as plain values, with where each value and mapping key started (1-based)."""

    source: str
    data: Any
    where: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_where: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int, int, str]] = field(default_factory=list)
    """Duplicate keys, when the caller asked to collect them instead of failing at the first."""

    def loc(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The nearest known position for `path`, walking up to its parents."""
        table = self.key_where if key else self.where
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.where:
                return self.where[p]
            p = p[:-1]
        return self.where.get((), (1, 1))


_SCALARS = yaml.SafeLoader("")
_TOP_LEVEL_LINE = re.compile(r"\n[^\s#-]|\n---|\n\.\.\.")
# libyaml (when PyYAML has it) parses ten times faster and caps nesting at 1000 levels itself.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Builder:
    def __init__(self, source: str, collect: bool = False) -> None:
        self.source = source
        self.collect = collect
        self.count = 0
        self.doc = Document(source, None)

    def fail(self, node: yaml.Node, message: str) -> BadInput:
        m = node.start_mark
        return BadInput(f"{self.source}:{m.line + 1}:{m.column + 1}: {message}")

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"too many values (over {MAX_NODES}); is an alias expanding?")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested deeper than {MAX_DEPTH} levels")
        mark = node.start_mark
        self.doc.where[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, f"the tag {node.tag} is not allowed")
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a key must be a plain word or number")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys (<<) are not supported")
                key = self.scalar(key_node)
                if isinstance(key, (list, dict)) or key is None:
                    raise self.fail(key_node, "a key must be a plain word or number")
                if key in out:
                    first = self.doc.key_where.get((*path, key), (0, 0))[0]
                    message = f"duplicate key {key!r} (first on line {first})"
                    if not self.collect:
                        raise self.fail(key_node, message)
                    km = key_node.start_mark
                    self.doc.duplicates.append((path, km.line + 1, km.column + 1, message))
                    continue
                kpath = (*path, key)
                km = key_node.start_mark
                self.doc.key_where[kpath] = (km.line + 1, km.column + 1)
                out[key] = self.build(value_node, kpath, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"the tag {node.tag} is not allowed")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"the tag {node.tag} is not allowed")
        try:
            return _SCALARS.yaml_constructors[node.tag](_SCALARS, node)
        except Exception:  # PyYAML raises KeyError/IndexError on e.g. `!!bool maybe`
            kind = node.tag.rsplit(":", 1)[-1]
            shown = node.value if len(node.value) <= 30 else node.value[:30] + "…"
            raise self.fail(node, f"bad value: {shown!r} is not a valid {kind}") from None


def _compose(text: str, loader_class: type) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_text(
    text: str, source: str, *, fast: bool = True, collect_duplicates: bool = False
) -> Document:
    """Parse one YAML document from `text`; `source` names it in messages.

    libyaml (when PyYAML has it) composes the document ten times faster. If it finds a syntax
    error, the pure-Python parser reads the text again for its clearer wording; `fast=False`
    skips libyaml altogether.
    """
    if not text.strip():  # empty, or only whitespace (tabs included)
        return Document(source, None)
    try:
        try:
            root = _compose(text, _FAST_LOADER if fast else yaml.SafeLoader)
        except yaml.YAMLError as exc:
            if "maximum nesting depth" in str(exc):
                raise RecursionError from None
            if _FAST_LOADER is yaml.SafeLoader or not fast:
                raise
            root = _compose(text, yaml.SafeLoader)  # raises with PyYAML's own wording
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        context = ""
        if exc.context and exc.problem:  # e.g. "while scanning a quoted scalar" started earlier
            cm = exc.context_mark
            at = f" at line {cm.line + 1}, column {cm.column + 1}" if cm else ""
            context = f" ({exc.context}{at})"
        raise BadInput(f"{where}: YAML syntax error: {problem}{context}") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise BadInput(f"{source}: nested too deeply to read") from None
    builder = _Builder(source, collect_duplicates)
    if root is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.build(root, (), 0)
    except RecursionError:
        raise BadInput(f"{source}: nested too deeply to read") from None
    return builder.doc


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text, or a BadInput naming the line and column of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1  # in characters
        raise BadInput(
            f"{source}:{line}:{col}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "is this a binary file?"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BadInput(f"{source}:{line}: contains NUL bytes; is this a binary file?")
    return text


def _head(text: str, last_keys: tuple[str, ...]) -> str:
    """The text before the first of `last_keys` (top-level keys a file keeps at its end), when
    nothing but those keys follows at the top level; else the whole text (a hand edit may have
    moved things around)."""
    starts = [i for key in last_keys if (i := text.find(f"\n{key}:")) >= 0]
    if not starts:
        return text
    cut = min(starts)
    allowed = tuple(f"\n{key}:" for key in last_keys)
    for m in _TOP_LEVEL_LINE.finditer(text, cut):
        if not text.startswith(allowed, m.start()):
            return text
    return text[:cut]


def read_file(
    path: Path,
    *,
    what: str = "a file",
    fast: bool = True,
    collect_duplicates: bool = False,
    summary_before: tuple[str, ...] = (),
) -> Document:
    """Read and parse a YAML file, refusing what is missing, a directory, too big or not text."""
    source = str(path)
    try:
        # One open (non-blocking, so a FIFO cannot hang calm) and one fstat: listings read
        # thousands of these, and every system call counts.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise BadInput(f"{source}: is a directory, not {what}")
            if not stat.S_ISREG(st.st_mode):
                raise BadInput(f"{source}: not a regular file, so not {what}")
            if st.st_size > MAX_BYTES:
                raise BadInput(f"{source}: too big ({st.st_size:,} bytes; {what} is at most 1 MiB)")
            raw = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise BadInput(f"{source}: is a directory, not {what}") from None
    except FileNotFoundError:
        raise BadInput(f"{source}: no such file") from None
    except PermissionError:
        raise BadInput(f"{source}: permission denied") from None
    except OSError as exc:
        raise BadInput(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise BadInput(f"{source}: too big ({what} is at most 1 MiB)")
    text = decode(raw, source)
    if summary_before:
        text = _head(text, summary_before)
    return parse_text(text, source, fast=fast, collect_duplicates=collect_duplicates)
