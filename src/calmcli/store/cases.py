"""Cases and drafts on disk: one YAML file per case in $CALM_HOME/cases/, one per draft in drafts/.

Every write is atomic (temp file, fsync, rename). A new case claims its id with a hard link, which
fails if the name is taken, so two processes creating a case for the same customer at the same
moment still get two files. Nothing here prints; corrupt files raise `BadInput` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from calmcli.clock import dates
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths, yamlsafe
from calmcli.files.atomic import atomic_write

CASE_FORMAT = 1
SLUG_MAX = 40
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")
STATUSES = ("open", "closed")


def slugify(name: str) -> str:
    """A file-name-safe slug: ASCII letters and digits joined by '-', never empty or a path."""
    ascii_text = unicodedata.normalize("NFKD", name[:500]).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "customer"


def wants_text(value: Any) -> str:
    """The `wants` answer as one line of values (a multi answer's values joined by commas)."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value) if value not in (None, "") else ""


@dataclass
class Case:
    """One upset customer and one problem, from the first call to its close."""

    id: str
    tree_id: str
    tree_version: int | str
    customer: str
    created: datetime
    phone: str = ""
    job: str = ""
    status: str = "open"
    followup_due: datetime | None = None
    planned: str = ""
    wants: str = ""
    """What the customer wants (the `wants` answer's value), kept at the top for patterns."""
    answers: dict[str, Any] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None
    checkins: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "calm_case": CASE_FORMAT,
            "id": self.id,
            "tree": {"id": self.tree_id, "version": self.tree_version},
            "customer": self.customer,
            "phone": self.phone,
            "job": self.job,
            "created": dates.to_iso(self.created),
            "status": self.status,
            "followup_due": dates.to_iso(self.followup_due) if self.followup_due else None,
            "planned": self.planned,
            "wants": wants_text(self.answers.get("wants")) or self.wants,
            "outcome": self.outcome,
            "checkins": self.checkins,
            "review": self.review,
            "history": self.history,
            **self.extra,
            # Last, so listings can read everything above without the long answers.
            "answers": self.answers,
        }
        return data

    def add_event(self, event: str, at: datetime, **details: Any) -> None:
        self.history.append({"at": dates.to_iso(at), "event": event, **details})


_CASE_KEYS = {
    "calm_case", "id", "tree", "customer", "phone", "job", "created", "status",
    "followup_due", "planned", "wants", "answers", "outcome", "checkins", "review", "history",
}  # fmt: skip


def case_from_data(data: Any, source: str) -> Case:
    """Validate a parsed case file; a hand-edit that broke it gets one message naming the field."""

    def bad(what: str) -> BadInput:
        return BadInput(f"{source}: not a valid case file: {what}")

    if not isinstance(data, dict):
        raise bad("expected a mapping of fields")
    if data.get("calm_case") != CASE_FORMAT:
        raise bad(f"'calm_case' must be {CASE_FORMAT}")
    for key in ("id", "customer"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise bad(f"{key!r} must be text")
    if not SAFE_ID.fullmatch(data["id"]):
        raise bad(f"'id' must use a-z, 0-9 and '-' only, not {data['id'][:60]!r}")
    tree = data.get("tree")
    if not isinstance(tree, dict) or not isinstance(tree.get("id"), str):
        raise bad("'tree' must be a mapping with 'id' and 'version'")
    status = data.get("status")
    if status not in STATUSES:
        raise bad(f"'status' must be one of {', '.join(STATUSES)}, not {status!r}")
    for key in ("answers", "outcome", "review"):
        if not isinstance(data.get(key) or {}, dict):
            raise bad(f"{key!r} must be a mapping")
    checkins = data.get("checkins") or []
    if not isinstance(checkins, list) or not all(isinstance(c, dict) for c in checkins):
        raise bad("'checkins' must be a list of check-ins")
    history = data.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        raise bad("'history' must be a list of events")
    try:
        created = dates.from_iso(str(data.get("created")))
        due_raw = data.get("followup_due")
        due = dates.from_iso(str(due_raw)) if due_raw not in (None, "") else None
    except BadInput as exc:
        raise bad(exc.message) from None
    return Case(
        id=data["id"],
        tree_id=tree["id"],
        tree_version=tree.get("version", ""),
        customer=data["customer"],
        created=created,
        phone=str(data.get("phone") or ""),
        job=str(data.get("job") or ""),
        status=status,
        followup_due=due,
        planned=str(data.get("planned") or ""),
        wants=str(data.get("wants") or ""),
        answers=dict(data.get("answers") or {}),
        outcome=data.get("outcome") or None,
        checkins=list(checkins),
        review=data.get("review") or None,
        history=list(history),
        extra={k: v for k, v in data.items() if k not in _CASE_KEYS},
    )


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def case_path(case_id: str) -> Path:
    return paths.cases_dir() / f"{case_id}.yaml"


def plan_path(case_id: str) -> Path:
    return paths.cases_dir() / f"{case_id}.md"


def reminder_path(case_id: str) -> Path:
    return paths.followups_dir() / f"{case_id}.ics"


def load_case(path: Path, *, summary: bool = False) -> Case:
    """Read a case file. With `summary`, only what comes before its answers (every field but
    the answers themselves): enough for listings, and a fraction of the parsing."""
    if summary:
        try:
            return _checked(path, yamlsafe.read_file(path, summary_before="\nanswers:").data)
        except BadInput:
            pass  # a hand-edited file with its answers elsewhere: read the whole of it
    return _checked(path, yamlsafe.read_file(path, what="a case file").data)


def _checked(path: Path, data: Any) -> Case:
    case = case_from_data(data, str(path))
    if case.id != path.stem:
        raise BadInput(
            f"{path}: not a valid case file: 'id' is {case.id!r} but the file is {path.name}"
        )
    return case


def save_case(case: Case) -> Path:
    """Rewrite an existing case atomically."""
    path = case_path(case.id)
    atomic_write(path, dump_yaml(case.to_data()))
    return path


def create_case(case: Case) -> Path:
    """Write a new case under a fresh id (`date-slug`, then `-2`, `-3`, ...); sets `case.id`."""
    folder = paths.cases_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalmError(f"could not create {folder}: {exc.strerror or exc}") from None
    base = f"{case.created:%Y-%m-%d}-{slugify(case.customer)}"
    tmp = folder / f".new-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    for n in range(1, 10_000):
        case.id = base if n == 1 else f"{base}-{n}"
        target = case_path(case.id)
        if target.exists():
            continue
        atomic_write(tmp, dump_yaml(case.to_data()))
        try:
            os.link(tmp, target)
        except FileExistsError:
            continue
        except OSError as exc:
            raise CalmError(f"could not write {target}: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return target
    raise CalmError(f"too many cases named {base} in {folder}")


# -- drafts ------------------------------------------------------------------------------------


@dataclass
class Draft:
    """An interview in progress, saved after every answer so nothing typed is lost."""

    id: str
    tree_ref: str
    tree_id: str
    started: datetime
    updated: datetime
    answers: dict[str, Any] = field(default_factory=dict)
    seen_notes: list[str] = field(default_factory=list)

    @property
    def customer(self) -> str:
        value = self.answers.get("customer_name")
        return str(value) if value else ""


def new_draft_id(now: datetime) -> str:
    return f"{now:%Y-%m-%d-%H%M%S}-{secrets.token_hex(2)}"


def draft_path(draft_id: str) -> Path:
    if not SAFE_ID.fullmatch(draft_id):
        raise BadInput(f"{draft_id[:60]!r} is not a draft name")
    return paths.drafts_dir() / f"{draft_id}.yaml"


def save_draft(draft: Draft) -> Path:
    path = draft_path(draft.id)
    data = {
        "calm_draft": 1,
        "id": draft.id,
        "tree": draft.tree_ref,
        "tree_id": draft.tree_id,
        "started": dates.to_iso(draft.started),
        "updated": dates.to_iso(draft.updated),
        "answers": draft.answers,
        "seen_notes": draft.seen_notes,
    }
    atomic_write(path, dump_yaml(data))
    return path


def load_draft(path: Path) -> Draft:
    doc = yamlsafe.read_file(path, what="a draft")
    data = doc.data
    if not isinstance(data, dict) or data.get("calm_draft") != 1:
        raise BadInput(f"{path}: not a calm draft")
    try:
        return Draft(
            id=path.stem,
            tree_ref=str(data["tree"]),
            tree_id=str(data.get("tree_id") or data["tree"]),
            started=dates.from_iso(str(data["started"])),
            updated=dates.from_iso(str(data["updated"])),
            answers=dict(data.get("answers") or {}),
            seen_notes=[str(n) for n in data.get("seen_notes") or []],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"{path}: not a valid draft ({exc})") from None
    except BadInput as exc:
        raise BadInput(f"{path}: not a valid draft: {exc.message}") from None


def list_drafts() -> tuple[list[Draft], list[str]]:
    """Drafts, newest first, and a warning for each draft file that cannot be read."""
    folder = paths.drafts_dir()
    drafts: list[Draft] = []
    warnings: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            try:
                drafts.append(load_draft(path))
            except BadInput as exc:
                warnings.append(exc.message)
    drafts.sort(key=lambda d: d.updated, reverse=True)
    return drafts, warnings


def delete_draft(draft_id: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        draft_path(draft_id).unlink()
