"""Drafts: interviews in progress, one YAML file each in `$CALM_HOME/drafts/`, saved after every
answer so nothing typed is lost. Per machine: a draft is never shared with a team."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.clock.now import from_iso, to_iso
from calmcli.errors import BadInput
from calmcli.files import paths
from calmcli.files.atomic import atomic_write, sweep
from calmcli.store.cases import SAFE_ID, dump_yaml


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
        "started": to_iso(draft.started),
        "updated": to_iso(draft.updated),
        "answers": draft.answers,
        "seen_notes": draft.seen_notes,
    }
    atomic_write(path, dump_yaml(data))
    return path


def load_draft(path: Path) -> Draft:
    if not SAFE_ID.fullmatch(path.stem):
        raise BadInput(
            f"{path}: not a name calm gives a draft (a copy made by a sync tool?); "
            "calm leaves it alone"
        )
    from calmcli.files import yamlsafe

    doc = yamlsafe.read_file(path, what="a draft")
    data = doc.data
    if not isinstance(data, dict) or data.get("calm_draft") != 1:
        raise BadInput(f"{path}: not a calm draft")
    try:
        return Draft(
            id=path.stem,
            tree_ref=str(data["tree"]),
            tree_id=str(data.get("tree_id") or data["tree"]),
            started=from_iso(str(data["started"])),
            updated=from_iso(str(data["updated"])),
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
    sweep(folder)
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
