"""Merging case files: the work of git's merge driver (`cli.mergedriver`) and `calm doctor`.

Each version is read and checked as a case before anything is merged, and the result is
checked again and written in calm's own layout, so a merge never writes a file calm cannot
read. The rules themselves are in `domain.merging`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from calmcli.domain import merging
from calmcli.domain.case import Case
from calmcli.errors import BadInput
from calmcli.files import yamlsafe
from calmcli.files.atomic import atomic_write
from calmcli.store import cases


def parse(text: str, source: str) -> dict[str, Any]:
    """A case file's data, checked as a case (a `BadInput` naming the file if it is not)."""
    data = yamlsafe.parse_text(text, source).data
    cases.from_data(data, source)
    assert isinstance(data, dict)
    return data


def merge_texts(base: str | None, ours: str, theirs: str, source: str) -> merging.Merged:
    """Merge two versions of a case file's text, given their ancestor's (None or "" when
    there is none: two files added apart, a conflict copy). The merged data is checked."""
    ancestor = None
    if base is not None and base.strip():
        try:
            ancestor = parse(base, f"{source} (the common ancestor)")
        except BadInput:
            ancestor = None  # a broken ancestor: merge as if there were none
    mine = parse(ours, f"{source} (this version)")
    other = parse(theirs, f"{source} (the other version)")
    try:
        merged = merging.merge(ancestor, mine, other)
    except merging.NotTheSameCase as exc:
        raise BadInput(f"{source}: {exc}") from None
    merged.data = cases.to_data(cases.from_data(merged.data, f"{source} (merged)"))
    return merged


def text_of(data: dict[str, Any], source: str) -> str:
    """Merged data as calm writes it, refused if calm could not read it back."""
    text = cases.dump_yaml(data)
    if len(text.encode("utf-8")) > cases.MAX_CASE_BYTES:
        raise BadInput(f"{source}: the merged case would be over calm's size limit")
    return text


def merge_files(base: Path, ours: Path, theirs: Path, source: str) -> merging.Merged:
    """Git's merge driver: merge the three versions and write the result over `ours`."""
    merged = merge_texts(_read(base), _required(ours), _required(theirs), source)
    atomic_write(ours, text_of(merged.data, source))
    return merged


def _read(path: Path) -> str | None:
    try:
        return yamlsafe.decode(path.read_bytes(), str(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def _required(path: Path) -> str:
    text = _read(path)
    if text is None:
        raise BadInput(f"{path}: no such file")
    return text


def with_copy(case: Case, copy: dict[str, Any], source: str) -> merging.Merged:
    """A case merged with another version of it that has no known ancestor (a sync tool's
    conflict copy, one side of a file left holding conflict markers)."""
    try:
        merged = merging.merge(None, cases.to_data(case), copy)
    except merging.NotTheSameCase as exc:
        raise BadInput(f"{source}: {exc}") from None
    merged.data = cases.to_data(cases.from_data(merged.data, f"{source} (merged)"))
    return merged


def sides_of_markers(text: str, source: str) -> merging.Merged:
    """A case file left holding a merge's conflict markers, merged from its two sides (with
    their ancestor, when the markers carry one)."""
    sides = merging.split_markers(text)
    if sides is None:
        raise BadInput(f"{source}: its conflict markers are not complete; edit it by hand")
    ours, theirs, base = sides
    return merge_texts(base, ours, theirs, source)
