"""Case files: one YAML file per case in `$CALM_HOME/cases/`, read and written whole.

Every write is atomic (temp file, fsync, rename) and refused before it starts if the result
would be too big for calm to read back. A new case's id is its date, the customer's name and
four random characters (`2026-11-25-dana-whitfield-k3f9`), so two machines sharing a case book
do not make the same id for two customers of the same name on the same day; it claims the name
with a hard link, which fails if the name is taken, so two processes on one machine never share
one either. Ids made before (`2026-11-25-dana-whitfield`, `...-2`) keep working. Nothing here
prints; a corrupt file raises `BadInput` naming it.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.clock.now import from_iso, to_iso
from calmcli.domain.case import STATUSES, Case, wants_text
from calmcli.domain.ledger import Item
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.files.atomic import TEMP_PREFIX, atomic_write

CASE_FORMAT = 1
SLUG_MAX = 40
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
"""The random end of an id: letters and digits that are hard to misread (no 0/o, 1/l/i)."""
ID_RANDOM = 4
MAX_CASE_BYTES = 1024 * 1024  # what `files.yamlsafe` reads (not imported here: it loads YAML)
"""What calm writes it can read back: a case over this is refused before it is written."""
_LEGACY_PLANNED = ("Offer: ", "Agreed: ")


def slugify(name: str) -> str:
    """A file-name-safe slug: ASCII letters and digits joined by '-', never empty or a path."""
    ascii_text = unicodedata.normalize("NFKD", name[:500]).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "customer"


def to_data(case: Case) -> dict[str, Any]:
    data: dict[str, Any] = {
        "calm_case": CASE_FORMAT,
        "id": case.id,
        "revision": case.revision,
        "tree": {"id": case.tree_id, "version": case.tree_version},
        "customer": case.customer,
        "phone": case.phone,
        "job": case.job,
        "created": to_iso(case.created),
        "status": case.status,
        **({"owner": case.owner} if case.owner else {}),
        "followup_due": to_iso(case.followup_due) if case.followup_due else None,
        **({"conflicts": case.conflicts} if case.conflicts else {}),
        "offer": case.offer,
        "wants": wants_text(case.answers.get("wants")) or case.wants,
        "outcome": case.outcome,
        "items": [item.to_data() for item in case.items],
        "checkins": case.checkins,
        "review": case.review,
        "history": case.history,
        **case.extra,
        "plan": case.plan,
        # Last, so listings can read everything above without the long answers.
        "answers": case.answers,
    }
    return data


_CASE_KEYS = {
    "calm_case", "id", "revision", "tree", "customer", "phone", "job", "created", "status",
    "followup_due", "planned", "offer", "wants", "answers", "outcome", "checkins", "review",
    "history", "plan", "items", "owner", "conflicts",
}  # fmt: skip


def from_data(data: Any, source: str) -> Case:
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
    for key in ("answers", "outcome", "review", "plan"):
        if not isinstance(data.get(key) or {}, dict):
            raise bad(f"{key!r} must be a mapping")
    checkins = data.get("checkins") or []
    if not isinstance(checkins, list) or not all(isinstance(c, dict) for c in checkins):
        raise bad("'checkins' must be a list of check-ins")
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise bad("'items' must be a list of promised items")
    items = [Item.from_data(raw, source) for raw in raw_items]
    if len({i.n for i in items}) != len(items):
        raise bad("two items share a number")
    owner = data.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise bad("'owner' must be a name")
    conflicts = data.get("conflicts") or []
    if not isinstance(conflicts, list) or not all(
        isinstance(c, dict)
        and isinstance(c.get("field"), str)
        and isinstance(c.get("choices"), list)
        for c in conflicts
    ):
        raise bad("'conflicts' must be a list of choices to make (field, choices)")
    history = data.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        raise bad("'history' must be a list of events")
    revision = data.get("revision", 0)
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise bad("'revision' must be a whole number")
    try:
        created = from_iso(str(data.get("created")))
        due_raw = data.get("followup_due")
        due = from_iso(str(due_raw)) if due_raw not in (None, "") else None
    except BadInput as exc:
        raise bad(exc.message) from None
    return Case(
        id=data["id"],
        revision=revision,
        tree_id=tree["id"],
        tree_version=tree.get("version", ""),
        customer=data["customer"],
        created=created,
        phone=str(data.get("phone") or ""),
        job=str(data.get("job") or ""),
        status=status,
        owner=(owner or "").strip(),
        conflicts=[dict(c) for c in conflicts],
        followup_due=due,
        offer=_offer(data),
        wants=str(data.get("wants") or ""),
        plan=data.get("plan") or None,
        answers=dict(data.get("answers") or {}),
        outcome=data.get("outcome") or None,
        items=items,
        checkins=list(checkins),
        review=data.get("review") or None,
        history=list(history),
        extra={k: v for k, v in data.items() if k not in _CASE_KEYS},
    )


def _offer(data: dict[str, Any]) -> str:
    """The plan's top option; files written before `offer` existed kept it as "Offer: ..."."""
    if "offer" in data:
        return str(data.get("offer") or "")
    planned = str(data.get("planned") or "")
    return (
        planned.removeprefix(_LEGACY_PLANNED[0]) if planned.startswith(_LEGACY_PLANNED[0]) else ""
    )


def dump_yaml(data: Any) -> str:
    import yaml  # here, not at the top: `calm new` shows its first screen before it is needed

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def case_path(case_id: str) -> Path:
    return paths.cases_dir() / f"{case_id}.yaml"


def load_case(path: Path, *, summary: bool = False) -> Case:
    """Read a case file. With `summary`, only what comes before its plan and answers (every
    field listings need): a fraction of the parsing."""
    from calmcli.files import yamlsafe

    if summary:
        try:
            return _checked(path, yamlsafe.read_file(path, summary_before=("plan", "answers")).data)
        except BadInput:
            pass  # a hand-edited file, or one from before `plan:`: read the whole of it
    try:
        return _checked(path, yamlsafe.read_file(path, what="a case file").data)
    except BadInput as exc:
        if _holds_markers(path):
            raise BadInput(
                f"{path}: holds the conflict markers of a merge (two versions in one file); "
                "`calm doctor` merges the two"
            ) from None
        raise exc from None


def _holds_markers(path: Path) -> bool:
    """A merge left its conflict markers in the file (`<<<<<<<` ... `>>>>>>>`). Opened as
    `yamlsafe.read_file` does (non-blocking, a regular file only): a FIFO named like a case
    must not hang calm here either."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            text = fh.read(MAX_CASE_BYTES)
    except OSError:
        return False
    return (text.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in text) and b"\n>>>>>>> " in text


def _checked(path: Path, data: Any) -> Case:
    case = from_data(data, str(path))
    if case.id != path.stem:
        raise BadInput(
            f"{path}: not a valid case file: 'id' is {case.id!r} but the file is {path.name}"
        )
    return case


def _text(case: Case) -> str:
    text = dump_yaml(to_data(case))
    size = len(text.encode("utf-8"))
    if size > MAX_CASE_BYTES:
        raise BadInput(
            f"case {case.id or case.customer!r} would be {size:,} bytes, over calm's limit of "
            f"{MAX_CASE_BYTES:,}; nothing was written. Shorten the longest answers or notes."
        )
    return text


def save_case(case: Case) -> Path:
    """Rewrite an existing case atomically, one revision up."""
    case.revision += 1
    try:
        text = _text(case)
    except BadInput:
        case.revision -= 1
        raise
    path = case_path(case.id)
    atomic_write(path, text)
    return path


def _pick(alphabet: str) -> str:
    """One character at random (`secrets` would import OpenSSL: milliseconds on every start)."""
    import secrets

    return secrets.choice(alphabet)


def new_id(created: datetime, customer: str) -> str:
    """A fresh id: the day, the customer's name and four random characters."""
    tail = "".join(_pick(ID_ALPHABET) for _ in range(ID_RANDOM))
    return f"{created:%Y-%m-%d}-{slugify(customer)}-{tail}"


def create_case(case: Case) -> Path:
    """Write a new case under a fresh id (see `new_id`); sets `case.id`."""
    folder = paths.cases_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalmError(f"could not create {folder}: {exc.strerror or exc}") from None
    case.revision = 1
    _text(case)  # refuse an oversized case before claiming a name
    tmp = folder / f"{TEMP_PREFIX}new-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    for _attempt in range(1, 1_000):
        case.id = new_id(case.created, case.customer)
        target = case_path(case.id)
        if target.exists():
            continue
        atomic_write(tmp, _text(case))
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
    raise CalmError(f"could not find a free id for a case of {case.customer!r} in {folder}")
