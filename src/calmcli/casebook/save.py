"""The one save path: every change to a case is written here, then its derived files.

The case file is the only source of truth. After it is written, one after-save step rewrites
what is derived from it: the crib sheet (`cases/<id>.md`), the calendar reminder
(`followups/<id>.ics`), the index row, the calendar's part (`calendar.hook`: the outbox and
the feed under the lock, the push to the server once the lock is free) and, when the case book
is shared through git, a commit of the case with a message in words. A derived file found stale
or missing later (a crash between two writes, a hand edit, a sync) is rebuilt by `repair`,
never trusted; a commit that could not be made is made by the next `calm sync`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from calmcli.calendar import hook
from calmcli.clock.now import local_now
from calmcli.domain.case import Case
from calmcli.domain.crib import REVISION_MARK, crib_sheet
from calmcli.domain.plan import CallPlan, build_plan
from calmcli.domain.reminders import REVISION_PROPERTY, has_reminder, reminder_for
from calmcli.domain.settings import Settings
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.files.atomic import atomic_write
from calmcli.store import cases, index, queries, repo
from calmcli.store.locks import case_book_lock
from calmcli.tree.model import Tree


def crib_path(case_id: str) -> Path:
    return paths.cases_dir() / f"{case_id}.md"


def reminder_path(case_id: str) -> Path:
    return paths.followups_dir() / f"{case_id}.ics"


def plan_of(case: Case) -> CallPlan | None:
    """The call plan the case was made with; for a case from before plans were kept, rebuilt
    from its tree (by name only: a case file's text never becomes a path), if it still exists."""
    if case.plan:
        return CallPlan.from_data(case.plan)
    from calmcli.tree import registry

    try:
        tree = registry.by_name(case.tree_id)
        return build_plan(tree, case.answers, case.created)
    except (CalmError, KeyError):
        return None


Problems = Callable[[str], None]


def after_save(
    case: Case,
    path: Path,
    on_problem: Problems | None = None,
    *,
    strict: bool = False,
    folder_before: int | None = None,
    events: list[dict[str, Any]] | None = None,
    commit: bool = True,
) -> None:
    """Rewrite everything derived from the case just written at `path`. The case is saved
    whatever happens here: a derived file that cannot be written (a full disk, a hand-edited
    date no calendar can hold) is reported through `on_problem`, not raised, and is rebuilt
    when next found stale. With `strict` (a new case, which is all or nothing) it is raised.
    Last, in a case book shared through git, the case is committed (`events`, the history
    entries the change added, say what changed); never with `commit` false (a case that came
    from git itself), and never raised: `calm sync` commits what is left."""
    _write_derived(case, on_problem, strict)
    index.record([(case.summary(path.name), path)], folder_before=folder_before)
    hook.saved(case, on_problem)  # queued for the calendar server; sent once the lock is free
    if commit and repo.is_shared():
        try:
            repo.commit_case(case, path, events or [])
        except CalmError as exc:
            if on_problem is not None:
                on_problem(f"case {case.id} is saved, but not committed to git: {exc.message}")


def _write_derived(case: Case, on_problem: Problems | None, strict: bool = False) -> None:
    for write in (
        lambda: atomic_write(crib_path(case.id), crib_sheet(case, plan_of(case), local_now())),
        lambda: _write_reminder(case),
    ):
        try:
            write()
        except CalmError as exc:
            if strict:
                raise
            if on_problem is not None:
                on_problem(f"case {case.id} is saved, but {exc.message}")


def arrived(found: list[tuple[Case, Path]], on_problem: Problems | None = None) -> None:
    """The after-save step for cases that came from elsewhere (a sync brought them, changed
    or merged): their derived files rewritten, their index rows written in one go, their
    calendar events queued, nothing committed (they came from git). Call `hook.push` once the
    lock is released."""
    for case, _path in found:
        _write_derived(case, on_problem)
    index.record([(case.summary(path.name), path) for case, path in found])
    for case, _path in found:
        hook.saved(case, on_problem)


def _write_reminder(case: Case) -> None:
    """The case's calendar file. A closed case keeps one: its events cancelled, so that
    re-importing it takes them out of the calendar."""
    target = reminder_path(case.id)
    if has_reminder(case):
        alarm = settings().get("alarm_minutes")
        atomic_write(target, reminder_for(case, alarm_minutes=alarm))
    else:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()


def settings() -> Settings:
    from calmcli.store import config

    return config.load()


def repair(case: Case, path: Path) -> bool:
    """Rebuild the derived files that are stale: missing, older than the case file, or built
    from another revision of it (a copy restored with its old times). True if any was. Best
    effort: a failure here must not stop the command that asked."""
    try:
        written = path.stat().st_mtime_ns
    except OSError:
        return False
    crib, reminder = crib_path(case.id), reminder_path(case.id)
    wants_reminder = has_reminder(case)
    stale = [
        target
        for target, pattern in ((crib, _CRIB_REVISION), (reminder, _ICS_REVISION))
        if _stale(target, written, pattern, case.revision)
    ]
    if not wants_reminder:
        stale = [p for p in stale if p != reminder]
        if reminder.exists():
            stale.append(reminder)
    if not stale:
        return False
    with contextlib.suppress(CalmError):
        if crib in stale:
            atomic_write(crib, crib_sheet(case, plan_of(case), local_now()))
        if reminder in stale:
            _write_reminder(case)
    return True


_CRIB_REVISION = re.compile(rf"<!-- {REVISION_MARK} (\d+) -->".encode())
_ICS_REVISION = re.compile(rf"\n{REVISION_PROPERTY}:(\d+)\r?\n".encode())


def _stale(target: Path, than: int, pattern: re.Pattern[bytes], revision: int) -> bool:
    """Missing, older than the case, built from another revision, or not calm's own regular
    file (a symlink, a FIFO: replaced, never read through)."""
    try:
        st = target.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_mtime_ns < than:
            return True
        fd = os.open(
            target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
        with os.fdopen(fd, "rb") as fh:
            found = pattern.search(fh.read(256 * 1024))
    except OSError:
        return True
    return found is None or int(found.group(1)) != revision


def repair_changed(names: tuple[str, ...]) -> None:
    """After a listing found case files changed behind calm's back: repair their derived files."""
    for name in names:
        path = paths.cases_dir() / name
        try:
            case = cases.load_case(path)
        except BadInput:
            continue
        repair(case, path)


def my_name() -> str:
    """Your name from your settings ("" when unset, or when the settings cannot be read: a
    broken settings file must not stop a case being saved)."""
    try:
        return str(settings().get("name") or "")
    except CalmError:
        return ""


def update(
    case_id: str,
    change: Callable[[Case], None],
    *,
    on_wait: Callable[[], None] | None = None,
    on_problem: Problems | None = None,
    read: Callable[[Path], Case] | None = None,
) -> Case:
    """Apply `change` under the lock to a fresh read of the case, write it, then its derived
    files. A change that raises leaves the case file as it was. The history entries it adds
    say who made them (your name, when set); a choice left by a merge whose field the change
    sets is settled by it. `read` reads a file `cases.load_case` cannot (one holding conflict
    markers, for `calm doctor`)."""
    from calmcli.domain.merging import settled

    name = my_name()
    with case_book_lock(on_wait):
        before = index.folder_stamp()
        path = cases.case_path(case_id)
        case = (read or cases.load_case)(path)
        had = len(case.history)
        data_before = cases.to_data(case) if case.conflicts else None
        change(case)
        events = case.history[had:]
        if name:
            events[:] = [{**e, "by": name} if "by" not in e else e for e in events]
            case.history[had:] = events
        if data_before is not None:
            case.conflicts = settled(data_before, cases.to_data(case))
        # Past the highest revision this machine has seen: a case restored from an older copy
        # and then changed on purpose is newer than everything before it.
        case.revision = max(case.revision, queries.seen_revision(case_id))
        cases.save_case(case)
        # In the lock: derived files follow saves in order, and the index stays in step.
        after_save(case, path, on_problem, folder_before=before, events=events)
    hook.push(on_problem)  # the network, never under the lock
    return case


@dataclass(frozen=True)
class Created:
    case: Case
    plan: CallPlan
    case_path: Path
    crib_path: Path
    reminder_path: Path


def _said(tree: Tree, answers: dict[str, Any], role: str) -> str:
    """The answer to the tree's question with this role (whatever its id), or ""."""
    node = tree.role(role)
    return str(answers.get(node.id) or "") if node is not None else ""


def create(
    tree: Tree,
    answers: dict[str, Any],
    now: datetime,
    *,
    draft: str = "",
    on_problem: Problems | None = None,
) -> Created:
    """A new case from an interview's answers: the case, its crib sheet and its reminder, all
    three or (on any failure) none, so the draft stays the one place the answers are. It is
    yours (its owner is your name, when set)."""
    plan = build_plan(tree, answers, now)
    case = Case(
        id="",
        tree_id=tree.id,
        tree_version=tree.version,
        customer=_said(tree, answers, "customer") or plan.customer,
        created=now,
        phone=_said(tree, answers, "phone"),
        job=plan.job,
        followup_due=plan.followup,
        offer=plan.top_option,
        plan=plan.to_data(),
        answers=answers,
        owner=my_name(),
    )
    details = {"tree": f"{tree.id} v{tree.version}"} | ({"draft": draft} if draft else {})
    details |= {"by": case.owner} if case.owner else {}
    case.add_event("created", now, **details)
    with case_book_lock():
        before = index.folder_stamp()
        path = cases.create_case(case)
        try:
            after_save(case, path, on_problem, strict=True, folder_before=before,
                       events=case.history[-1:])  # fmt: skip
        except BaseException:
            for target in (reminder_path(case.id), crib_path(case.id), path):
                with contextlib.suppress(OSError):
                    target.unlink()
            raise
    hook.push(on_problem)
    return Created(case, plan, path, crib_path(case.id), reminder_path(case.id))
