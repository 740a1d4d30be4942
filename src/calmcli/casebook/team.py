"""Working as a team: whose case it is (`calm assign`), choosing between two versions left by
a merge (`calm resolve`), and merging the copies that sync tools leave (`calm doctor`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmcli.casebook.save import Problems, update
from calmcli.clock.now import local_now
from calmcli.domain import lifecycle, merging
from calmcli.domain.case import Case
from calmcli.domain.changes import Choice, choice_of
from calmcli.domain.summary import customer_key
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths, yamlsafe
from calmcli.files.copies import copy_of, is_partial
from calmcli.store import cases
from calmcli.store import merge as merge_files

Wait = Callable[[], None] | None


def my_name() -> str:
    """Your name, for `--mine`; a clear message when it is not set."""
    from calmcli.store import config

    name = str(config.load().get("name") or "")
    if not name:
        raise BadInput('calm does not know your name yet: calm config set name "Sam Carter"')
    return name


def same_owner(a: str, b: str) -> bool:
    """Two spellings of one name (case, spaces and accents aside)."""
    return customer_key(a) == customer_key(b)


def assign(case_id: str, owner: str, *, on_wait: Wait = None,
           on_problem: Problems | None = None) -> Case:  # fmt: skip
    """Give a case to someone ("" for nobody)."""
    now = local_now()
    return update(case_id, lambda c: lifecycle.assign(c, now, owner), on_wait=on_wait,
                  on_problem=on_problem)  # fmt: skip


def choices(case: Case) -> list[Choice]:
    now = local_now()
    return [choice_of(case, entry, now) for entry in case.conflicts]


def resolve(
    case_id: str,
    picks: list[tuple[str, Any]],
    *,
    on_wait: Wait = None,
    on_problem: Problems | None = None,
) -> Case:
    """Settle choices: each (field, value chosen). Refused if the choices changed since they
    were shown (another merge came in): the user is asked again, never guessed for."""
    now = local_now()

    def change(case: Case) -> None:
        data = cases.to_data(case)
        for name, value in picks:
            entry = next((c for c in case.conflicts if c.get("field") == name), None)
            if entry is None or value not in (entry.get("choices") or []):
                raise BadInput(
                    f"the choices of case {case.id} changed meanwhile; run `calm resolve "
                    f"{case.id}` again"
                )
            words = choice_of(case, entry, now)
            chosen = words.options[list(words.values).index(value)]
            closing = name == merging.NEXT and value == merging.CLOSED and case.is_open
            merging.choose(data, name, value)
            fresh = cases.from_data(data, str(cases.case_path(case.id)))
            for f in dataclasses.fields(Case):
                setattr(case, f.name, getattr(fresh, f.name))
            case.add_event("resolved", now, field=name, what=words.what, chose=chosen)
            if closing:
                case.add_event("closed", now)
            data = cases.to_data(case)

    return update(case_id, change, on_wait=on_wait, on_problem=on_problem)


# -- calm doctor ---------------------------------------------------------------------------------


@dataclass
class Checkup:
    """What `calm doctor` found and did."""

    merged: list[tuple[str, str]] = field(default_factory=list)
    """(a conflict copy, the case it was merged into); the copy is gone."""
    mended: list[str] = field(default_factory=list)
    """Cases that held conflict markers, merged from their two sides."""
    left: list[tuple[str, str]] = field(default_factory=list)
    """(a file, why it was left as it is)."""
    partial: list[str] = field(default_factory=list)
    """Files a sync tool is still writing: never touched."""
    removed: list[str] = field(default_factory=list)
    """Copies of crib sheets (derived from their case, so nothing is lost)."""
    choices: list[tuple[Case, list[Choice]]] = field(default_factory=list)
    """Cases with a choice to make, after the merges."""
    dry_run: bool = False


def doctor(*, dry_run: bool = False, on_wait: Wait = None,
           on_problem: Problems | None = None) -> Checkup:  # fmt: skip
    """Merge every sync tool's conflict copy into its case, and every case file left holding
    a merge's conflict markers from its two sides, the way `calm sync` merges; list the
    partial files a sync tool is still writing (never touched) and the choices to make."""
    folder = paths.cases_dir()
    found = Checkup(dry_run=dry_run)
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except FileNotFoundError:
        return found
    except OSError as exc:
        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    for name in names:
        path = folder / name
        if is_partial(name):
            found.partial.append(name)
            continue
        original = copy_of(name)
        if original is not None and original.endswith(".md"):
            # A copy of a crib sheet holds nothing its case does not: calm rebuilds it.
            if not dry_run:
                path.unlink(missing_ok=True)
            found.removed.append(name)
        elif original is not None and original.endswith(".yaml"):
            _merge_copy(path, folder / original, found, dry_run, on_wait, on_problem)
        elif name.endswith(".yaml") and not name.startswith(".") and _has_markers(path):
            _mend_markers(path, found, dry_run, on_wait, on_problem)
    for name in names:
        if name.endswith(".yaml") and copy_of(name) is None and not name.startswith("."):
            try:
                case = cases.load_case(folder / name, summary=True)
            except BadInput:
                continue
            if case.conflicts:
                found.choices.append((case, choices(case)))
    return found


def _has_markers(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(1024 * 1024)
    except OSError:
        return False
    return head.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in head


def _merge_copy(copy: Path, target: Path, found: Checkup, dry_run: bool, on_wait: Wait,
                on_problem: Problems | None) -> None:  # fmt: skip
    try:
        text = yamlsafe.decode(copy.read_bytes(), str(copy))
        data = merge_files.parse(text, str(copy))
    except (BadInput, OSError) as exc:
        why = exc.message if isinstance(exc, BadInput) else str(exc)
        found.left.append((copy.name, f"cannot be read, so cannot be merged: {why}"))
        return
    if data.get("id") != target.stem:
        found.left.append((copy.name, f"holds case {data.get('id')!r}, not {target.stem}: "
                           "merge it by hand"))  # fmt: skip
        return
    if not target.exists():
        found.left.append((copy.name, f"its case {target.name} is missing: rename the copy "
                           f"to {target.name} to keep it"))  # fmt: skip
        return
    if dry_run:
        found.merged.append((copy.name, target.stem))
        return

    def change(case: Case) -> None:
        merged = merge_files.with_copy(case, data, str(copy))
        _take(case, merged.data, str(target))
        case.add_event("merged", local_now(), source=copy.name)

    try:
        update(target.stem, change, on_wait=on_wait, on_problem=on_problem)
    except BadInput as exc:
        found.left.append((copy.name, exc.message))
        return
    copy.unlink(missing_ok=True)
    found.merged.append((copy.name, target.stem))


def _mend_markers(path: Path, found: Checkup, dry_run: bool, on_wait: Wait,
                  on_problem: Problems | None) -> None:  # fmt: skip
    def read(at: Path) -> Case:
        text = yamlsafe.decode(at.read_bytes(), str(at))
        merged = merge_files.sides_of_markers(text, str(at))
        case = cases.from_data(merged.data, str(at))
        if case.id != at.stem:
            raise BadInput(f"{at}: both sides hold case {case.id!r}, not {at.stem}")
        return case

    try:
        read(path)
    except (BadInput, OSError) as exc:
        why = exc.message if isinstance(exc, BadInput) else str(exc)
        found.left.append((path.name, f"holds conflict markers calm cannot merge: {why}"))
        return
    if dry_run:
        found.mended.append(path.stem)
        return

    def change(case: Case) -> None:
        case.add_event("merged", local_now(), source="conflict markers")

    update(path.stem, change, read=read, on_wait=on_wait, on_problem=on_problem)
    found.mended.append(path.stem)


def _take(case: Case, data: dict[str, Any], source: str) -> None:
    fresh = cases.from_data(data, source)
    for f in dataclasses.fields(Case):
        setattr(case, f.name, getattr(fresh, f.name))
