"""`calm sync`: a team shares one case book through git.

`init` makes `CALM_HOME` a git repository (joining a remote's, or merging the cases already
here into it); `sync` commits what is left, fetches, rebases this machine's commits onto the
remote's (case files through calm's merge driver), rebuilds the derived files of every case
that changed, and pushes; `status` says where things stand without the network.

What calm never does: discard work. No `reset --hard`, no force push, no stash. A rebase calm
started that cannot finish is aborted, which puts the branch back exactly as it was; every
refusal names what is wrong and what to do, and leaves everything as it was.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from calmcli.clock.now import local_now
from calmcli.domain.case import Case
from calmcli.domain.changes import Choice, choice_of
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.files.copies import copy_of
from calmcli.store import cases, git, repo
from calmcli.store import remote as remotes
from calmcli.store.locks import case_book_lock

Step = Callable[[str], None]
PUSH_ATTEMPTS = 3


@dataclass(frozen=True)
class CaseChoices:
    """A case with choices to make (`calm resolve`)."""

    id: str
    customer: str
    choices: tuple[Choice, ...]


@dataclass
class SyncReport:
    remote: str
    branch: str
    committed: list[str] = field(default_factory=list)
    """What calm committed before syncing (changes made outside calm), in words."""
    received: int = 0
    """Commits from the remote."""
    sent: int = 0
    """Commits pushed."""
    merged: list[str] = field(default_factory=list)
    """Cases changed on both sides, merged by calm's driver."""
    changed: list[str] = field(default_factory=list)
    """Cases whose derived files were rebuilt (changed by the sync)."""
    renamed: list[tuple[str, str]] = field(default_factory=list)
    choices: list[CaseChoices] = field(default_factory=list)
    """Every case with a choice to make, after the sync."""
    notes: list[str] = field(default_factory=list)


@dataclass
class Status:
    home: str
    shared: bool
    git: bool = True
    remote: str = ""
    branch: str = ""
    ahead: int = 0
    behind: int = 0
    upstream: bool = False
    last_sync: str = ""
    uncommitted: list[str] = field(default_factory=list)
    in_progress: str = ""
    driver: bool = True
    copies: list[str] = field(default_factory=list)
    choices: list[CaseChoices] = field(default_factory=list)


# -- set up --------------------------------------------------------------------------------------


@dataclass
class InitReport:
    home: str
    remote: str
    branch: str
    already: bool = False
    joined: bool = False
    """A remote with cases was joined."""
    shared: int = 0
    """Cases of this machine's now in the repository."""
    received: int = 0
    """Cases from the remote."""
    renamed: list[tuple[str, str]] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    pushed: bool = False
    notes: list[str] = field(default_factory=list)


def init(remote: str | None, step: Step | None = None) -> InitReport:
    """Make the case book a git repository; with `remote`, join it (a remote with cases) or
    fill it (an empty one). Run again, it checks the set-up and mends what is missing."""
    say = step or (lambda _text: None)
    git.executable()
    home = paths.calm_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalmError(f"could not create {home}: {exc.strerror or exc}") from None
    if git.is_repository(home):
        return _init_again(home, remote)
    remote_branch: str | None = None
    if remote:
        remote = remotes.url(remote)
        say(f"Looking at {remote}…")
        remote_branch = remotes.default_branch(home, remote)
    if not repo.has_identity(home):
        raise BadInput(repo.IDENTITY_HELP)
    with case_book_lock():
        own = _own_files(home)
        branch = remote_branch or "main"
        git.run(home, "init", "--quiet", "--initial-branch", branch)
        report = InitReport(str(home), remote or "", branch)
        set_aside: list[str] = []
        try:
            repo.set_up(home)
            if remote:
                git.run(home, "remote", "add", remotes.REMOTE, remote)
            if remote and remote_branch is not None:
                say("Fetching the team's case book…")
                remotes.fetch(home, remote)
                upstream = f"refs/remotes/{remotes.REMOTE}/{branch}"
                _take_setup_files(home, upstream)
                set_aside = _set_aside_differing(home, upstream, own)
                own = [f for f in own if f not in set_aside]
                report.renamed = _rename_before_joining(home, upstream, own)
                renamed = {f"cases/{old}.yaml": f"cases/{new}.yaml" for old, new in report.renamed}
                own = [renamed.get(f, f) for f in own]
            repo.add(home, [*own, ".gitignore", ".gitattributes"])
            report.shared = sum(1 for f in own if repo.is_case_file(f))
            repo.committing(home, "commit", "--quiet", "--no-verify", "--allow-empty", "-m",
                            _first_message(report.shared))  # fmt: skip
            if remote and remote_branch is not None:
                upstream = f"refs/remotes/{remotes.REMOTE}/{branch}"
                repo.rebase(home, upstream)
                git.run(home, "branch", "--quiet", f"--set-upstream-to={remotes.REMOTE}/{branch}")
                report.joined = True
                added = repo.set_up(home)  # calm's lines in the team's files, if they lack any
                if added:
                    repo.add(home, added)
                    repo.committing(home, "commit", "--quiet", "--no-verify", "-m",
                                    "Set up calm's team sync", "--", *added)  # fmt: skip
                report.received = sum(
                    1
                    for f in git.lines(home, "ls-tree", "-r", "-z", "--name-only", upstream)
                    if repo.is_case_file(f)
                )
        except BaseException:
            _undo_init(home, set_aside)
            raise
        report.set_aside = set_aside
        rebuilt = _rebuild_open(home)
        if rebuilt:
            report.notes.append(f"rebuilt the crib sheets and reminders of {rebuilt} open cases")
    if remote:
        say("Sending…")
        remotes.push(home, branch, first=True)
        report.pushed = True
    repo.stamp(home)
    return report


def _undo_init(home: Path, set_aside: list[str]) -> None:
    """An init that failed half way: the files set aside go back and the new repository goes,
    so a second try starts afresh. (The repository holds nothing but copies of files that are
    still here; a case already given a new id keeps it, its history saying why.)"""
    import shutil

    for name in set_aside:
        with contextlib.suppress(OSError):
            (home / "before-sync" / name).replace(home / name)
    with contextlib.suppress(OSError):
        (home / "before-sync").rmdir()
    shutil.rmtree(home / ".git", ignore_errors=True)


def _init_again(home: Path, remote: str | None) -> InitReport:
    """`calm sync init` in a case book that is already a repository: add the remote if it
    has none, mend the ignore and attributes files and the merge driver."""
    branch = remotes.branch(home)
    current = remotes.current_remote(home)
    report = InitReport(str(home), current, branch, already=True)
    if remote:
        remote = remotes.url(remote)
        if not current:
            git.run(home, "remote", "add", remotes.REMOTE, remote)
            report.remote = remote
            report.notes.append(f"added the remote {remote}; `calm sync` sends and receives")
        elif current != remote:
            raise BadInput(
                f"{home} already syncs with {current}; to use {remote} instead: "
                f"git -C {home} remote set-url {remotes.REMOTE} {remote}"
            )
    with case_book_lock():
        changed = repo.set_up(home)
        if changed and not git.in_progress(home):
            repo.add(home, changed)
            repo.committing(home, "commit", "--quiet", "--no-verify", "-m",
                            "Set up calm's team sync", "--", *changed)  # fmt: skip
            report.notes.append(f"updated {', '.join(changed)}")
    return report


def _first_message(count: int) -> str:
    host = socket.gethostname() or "this machine"
    return (
        f"The case book on {host}: {count} case{'s' if count != 1 else ''}\n\n"
        "Shared with calm's team sync (`calm sync init`)."
    )


def _own_files(home: Path) -> list[str]:
    """The files of this case book that a team shares: readable cases, trees, team settings.
    A case calm cannot read stops `init` (it would be shared broken)."""
    out: list[str] = []
    broken: list[str] = []
    folder = home / "cases"
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            name = f"cases/{path.name}"
            if not repo.is_case_file(name):
                continue
            try:
                cases.load_case(path)
            except BadInput as exc:
                broken.append(exc.message)
                continue
            out.append(name)
    if broken:
        raise BadInput(
            "calm will not share a case file it cannot read; fix or move these, then try again "
            "(`calm doctor` mends conflict markers and copies)",
            details=broken,
        )
    trees = home / "trees"
    if trees.is_dir():
        out += sorted(
            p.relative_to(home).as_posix()
            for p in trees.rglob("*")
            if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp")
        )
    if (home / "config.toml").is_file():
        out.append("config.toml")
    return out


def _take_setup_files(home: Path, upstream: str) -> None:
    """Start from the team's `.gitignore` and `.gitattributes` when its repository has them
    (a host may have made one), so joining adds calm's lines to them after, instead of two
    versions of one file clashing."""
    theirs = set(git.lines(home, "ls-tree", "-z", "--name-only", upstream))
    for name in (".gitignore", ".gitattributes"):
        if name in theirs:
            text = git.run(home, "show", f"{upstream}:{name}").stdout
            (home / name).write_text(text, encoding="utf-8")


def _set_aside_differing(home: Path, upstream: str, own: list[str]) -> list[str]:
    """Team settings and trees of this machine that the team's repository holds differently:
    moved to `before-sync/` (the team's apply; nothing is lost)."""
    theirs = set(git.lines(home, "ls-tree", "-r", "-z", "--name-only", upstream))
    moved = []
    for name in own:
        if repo.is_case_file(name) or name not in theirs:
            continue
        mine = (home / name).read_bytes()
        team = git.run(home, "show", f"{upstream}:{name}").stdout.encode("utf-8")
        if mine == team:
            continue
        target = home / "before-sync" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (home / name).replace(target)
        moved.append(name)
    return moved


# -- sync ----------------------------------------------------------------------------------------


def sync(step: Step | None = None, on_wait: Callable[[], None] | None = None) -> SyncReport:
    """Send this machine's changes and receive the team's."""
    say = step or (lambda _text: None)
    home = _require_shared()
    notes = _clear_interrupted(home)
    for note in notes:
        say(note)
    branch = remotes.branch(home)
    remote = remotes.current_remote(home)
    if not remote:
        raise BadInput(
            f"{home} has no remote to sync with; add one: calm sync init REMOTE "
            "(a private repository: the cases hold your customers' names and numbers)"
        )
    report = SyncReport(remote, branch, notes=notes)
    with case_book_lock(on_wait):
        repo.set_up(home)
        report.committed = _commit_pending(home)
    upstream = f"refs/remotes/{remotes.REMOTE}/{branch}"
    for _attempt in range(PUSH_ATTEMPTS):
        say(f"Receiving from {remote}…")
        remotes.fetch(home, remote)
        with case_book_lock(on_wait):
            old = git.head(home)
            if old is None and git.has_ref(home, upstream):  # nothing here yet: take theirs
                git.run(home, "checkout", "--quiet", "-b", branch, "--track",
                        f"{remotes.REMOTE}/{branch}")  # fmt: skip
            elif git.has_ref(home, upstream):
                report.received += int(git.out(home, "rev-list", "--count", f"HEAD..{upstream}"))
                renamed = _rename_colliding(home, upstream)
                report.renamed += renamed
                # A rebase would replay the commit that made the clashing case before the one
                # that renamed it; a merge sees only where each side ended.
                merged = repo.merge(home, upstream) if renamed else repo.rebase(home, upstream)
                report.merged += [m for m in merged if m not in report.merged]
            new = git.head(home)
            if new is not None and new != old:
                for case_id in _rebuild_changed(home, old, new):
                    if case_id not in report.changed:
                        report.changed.append(case_id)
        ahead = remotes.ahead(home, upstream)
        if ahead == 0:
            break
        say(f"Sending {ahead} change{'s' if ahead != 1 else ''}…")
        if remotes.push(home, branch, first=not git.has_ref(home, upstream)):
            report.sent += ahead
            break
    else:
        raise CalmError(
            "the remote kept changing while calm was sending (someone else is syncing); "
            "your changes are committed here and nothing is lost: run `calm sync` again"
        )
    report.choices = open_choices(home)
    repo.stamp(home)
    from calmcli.calendar import hook

    hook.push(step)  # the calendar events of cases the sync changed, once the lock is free
    return report


def _require_shared() -> Path:
    git.executable()
    home = paths.calm_home()
    if not git.is_repository(home):
        raise BadInput(
            f"{home} is not shared yet: run `calm sync init REMOTE` once (REMOTE is a private "
            "git repository, e.g. git@github.com:carter-tiling/cases.git)"
        )
    return home


def _clear_interrupted(home: Path) -> list[str]:
    """A git operation half done stops the sync, with what to do; except a rebase calm
    itself started and was stopped in (a killed terminal): that one is undone, which puts
    the branch back as it was before it, and the sync starts again."""
    busy = git.in_progress(home)
    if busy is None:
        return []
    marker = repo.state_dir(home) / "rebasing"
    if busy == "rebase" and marker.exists():
        git.run(home, "rebase", "--abort")
        marker.unlink(missing_ok=True)
        return ["an earlier `calm sync` was interrupted while merging; it was undone (nothing "
                "is lost) and started again"]  # fmt: skip
    raise BadInput(
        f"a git {busy} is under way in {home}; calm leaves it as it is",
        details=[
            f"finish it: git -C {home} {busy} --continue (after fixing what it reports)",
            f"or stop it, putting things back as they were: git -C {home} {busy} --abort",
            "then run `calm sync` again",
        ],
    )


# -- committing what is left ---------------------------------------------------------------------


_WORDS = {"M": "changed", "A": "added", "D": "deleted", "R": "renamed", "C": "copied",
          "?": "not tracked", "U": "unmerged", "T": "changed type"}  # fmt: skip


def _commit_pending(home: Path) -> list[str]:
    """Commit changes calm did not commit itself (hand edits, a commit that failed, new
    trees, team settings); refuse a case file calm cannot read, a deleted case and changes
    to files calm does not share."""
    to_commit, broken, deleted, foreign = repo.pending(home)
    if broken:
        raise BadInput(
            "calm will not share a case file it cannot read; nothing was sent or received",
            details=[*broken, "fix it by hand, or run `calm doctor` (it merges conflict "
                     "markers and conflict copies), then `calm sync` again"],
        )  # fmt: skip
    if deleted:
        raise BadInput(
            "a case file was deleted outside calm, and calm never deletes a shared case; "
            "nothing was sent or received",
            details=[
                *deleted,
                f"bring it back: git -C {home} restore --staged --worktree -- FILE",
                f"or, if it must go for everyone, commit that yourself: git -C {home} rm FILE "
                "&& git commit",
            ],
        )
    if foreign:
        raise BadInput(
            f"{home} has changes calm does not make (the repository is not clean); "
            "nothing was sent or received",
            details=[*foreign, f"commit them with git, or undo them (git -C {home} status "
                     "shows them), then `calm sync` again"],
        )  # fmt: skip
    if not to_commit:
        return []
    if git.in_progress(home):
        return []
    repo.add(home, to_commit)
    staged = git.lines(home, "diff", "--cached", "--name-only", "-z")
    if not staged:
        return []
    words = repo.pending_words(staged)
    repo.committing(home, "commit", "--quiet", "--no-verify", "-m",
                    "Changes made outside calm: " + "; ".join(words))  # fmt: skip
    return words


# -- merging -------------------------------------------------------------------------------------


def _rename_colliding(home: Path, upstream: str) -> list[tuple[str, str]]:
    """Cases added here whose id the remote gave to a different case (ids made before they
    were unique across machines, or joining with a case book of one's own): this machine's
    case takes a new id, so both are kept."""
    base_result = git.run(home, "merge-base", "HEAD", upstream, check=False)
    base = base_result.stdout.strip() or None
    head = git.head(home)
    if head is None:
        return []
    mine = {n for n in git.changed_files(home, base, head, ["cases/"]) if repo.is_case_file(n)}
    theirs = {
        n for n in git.changed_files(home, base, upstream, ["cases/"]) if repo.is_case_file(n)
    }
    renamed: list[tuple[str, str]] = []
    for name in sorted(mine & theirs):
        if not (home / name).is_file():
            continue
        try:
            local = cases.load_case(home / name)
        except BadInput:
            continue  # the merge driver says what is wrong with it
        if _different(home, upstream, name, local):  # else one case changed on both: merged
            renamed.append((local.id, _rename(home, local)))
    return renamed


def _rename_before_joining(home: Path, upstream: str, own: list[str]) -> list[tuple[str, str]]:
    """Before this machine's cases are first committed: a case whose id the team's
    repository gives to a different case takes a new id."""
    theirs = set(git.lines(home, "ls-tree", "-r", "-z", "--name-only", upstream, "--", "cases/"))
    renamed = []
    for name in own:
        if name not in theirs or not repo.is_case_file(name):
            continue
        local = cases.load_case(home / name)
        if not _different(home, upstream, name, local):
            continue
        old = local.id
        renamed.append((old, _rename(home, local, tracked=False)))
    return renamed


def _different(home: Path, upstream: str, name: str, local: Case) -> bool:
    """The remote's file of this name holds a different case (made at another time)."""
    from calmcli.store.merge import parse

    try:
        other = git.run(home, "show", f"{upstream}:{name}").stdout
        remote = parse(other, f"{name} (on the remote)")
    except BadInput:
        return False  # the merge driver says what is wrong with it
    return str(remote.get("created")) != cases.to_data(local)["created"]


def _rename(home: Path, case: Case, *, tracked: bool = True) -> str:
    """Give a case a new id, keeping its history (in the case, and in git if it is there)."""
    from calmcli.casebook.save import after_save, crib_path, reminder_path

    old = case.id
    old_path = cases.case_path(old)
    while True:
        case.id = cases.new_id(case.created, case.customer)
        if not cases.case_path(case.id).exists():
            break
    new_path = cases.case_path(case.id)
    case.add_event("renamed", local_now(), before=old, why="another machine has a case with its id")
    if tracked:
        git.run(home, "mv", "--", repo.relative(old_path), repo.relative(new_path))
        cases.save_case(case)
    else:
        cases.save_case(case)
        old_path.unlink()
    for stale in (crib_path(old), reminder_path(old)):
        stale.unlink(missing_ok=True)
    after_save(case, new_path, commit=False)
    if not tracked:
        return case.id
    repo.add(home, [repo.relative(new_path)])
    repo.committing(home, "commit", "--quiet", "--no-verify", "-m",
                    f"Renamed case {old} to {case.id}\n\nAnother machine made a different case "
                    f"with the id {old}; both are kept.\n\nCase: {case.id}\n")  # fmt: skip
    return case.id


def _rebuild_changed(home: Path, old: str | None, new: str) -> list[str]:
    """Rebuild the derived files (crib sheet, reminder, index row) of every case the sync
    changed, so the calendar follows the merged case; a case gone drops its own."""
    from calmcli.casebook.save import arrived, crib_path, reminder_path

    changed: list[tuple[Case, Path]] = []
    for name in git.changed_files(home, old, new, ["cases/"]):
        if not repo.is_case_file(name):
            continue
        path = home / name
        case_id = Path(name).stem
        if not path.exists():
            for stale in (crib_path(case_id), reminder_path(case_id)):
                stale.unlink(missing_ok=True)
            continue
        try:
            case = cases.load_case(path)
        except BadInput:
            continue  # listings report it, naming the file
        changed.append((case, path))
    arrived(changed)
    return [case.id for case, _ in changed]


def _rebuild_open(home: Path) -> int:
    """After joining: the derived files of every open case that lacks them or has stale ones
    (closed ones are rebuilt when read)."""
    from calmcli.casebook.save import repair
    from calmcli.store import index

    index.update_all()
    count = 0
    for row in list(index.rows("WHERE status = 'open'")):
        path = cases.case_path(row.id)
        try:
            case = cases.load_case(path)
        except BadInput:
            continue
        count += repair(case, path)
    return count


# -- where things stand --------------------------------------------------------------------------


def open_choices(home: Path | None = None) -> list[CaseChoices]:
    """Every case with a choice to make. In a repository, git finds them (`git grep`), so this
    stays quick with thousands of cases; elsewhere the case files are searched."""
    where = home or paths.calm_home()
    if git.is_repository(where) and git.available():
        result = git.run(where, "grep", "-l", "-z", "-e", "^conflicts:", "--", "cases/*.yaml",
                         check=False)  # fmt: skip
        names = [n for n in result.stdout.split("\0") if n]
    else:
        names = [
            f"cases/{p.name}"
            for p in sorted((where / "cases").glob("*.yaml"))
            if _mentions_conflicts(p)
        ]
    out = []
    now = local_now()
    for name in names:
        if not repo.is_case_file(name):
            continue
        try:
            case = cases.load_case(where / name)
        except BadInput:
            continue
        if case.conflicts:
            choices = tuple(choice_of(case, entry, now) for entry in case.conflicts)
            out.append(CaseChoices(case.id, case.customer, choices))
    return out


def _mentions_conflicts(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return b"\nconflicts:" in fh.read(64 * 1024)
    except OSError:
        return False


def status() -> Status:
    """Where the case book stands: shared or not, the remote, changes to send and to receive
    (as of the last fetch), changes not committed, a git operation half done, choices to
    make and conflict copies to merge. No network."""
    home = paths.calm_home()
    st = Status(str(home), git.is_repository(home), git=git.available())
    st.copies = _copies(home)
    if not st.shared or not st.git:
        st.choices = open_choices(home) if home.is_dir() else []
        return st
    st.in_progress = git.in_progress(home) or ""
    st.remote = remotes.current_remote(home)
    result = git.run(home, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    st.branch = result.stdout.strip()
    upstream = f"refs/remotes/{remotes.REMOTE}/{st.branch}"
    st.upstream = bool(st.branch) and git.has_ref(home, upstream)
    if git.head(home) is not None:
        if st.upstream:
            counts = git.out(home, "rev-list", "--left-right", "--count", f"HEAD...{upstream}")
            ahead, behind = counts.split()
            st.ahead, st.behind = int(ahead), int(behind)
        else:
            st.ahead = int(git.out(home, "rev-list", "--count", "HEAD"))
    to_commit, broken, deleted, foreign = repo.pending(home)
    st.uncommitted = [*to_commit, *broken, *(f"{d} (deleted)" for d in deleted), *foreign]
    st.driver = repo.driver_installed(home)
    stamp = repo.read_lines(repo.state_dir(home) / "last-sync")
    st.last_sync = stamp[0] if stamp else ""
    st.choices = open_choices(home)
    return st


def _copies(home: Path) -> list[str]:
    folder = home / "cases"
    try:
        return sorted(p.name for p in folder.iterdir() if copy_of(p.name) is not None)
    except OSError:
        return []


def last_sync_text(st: Status, now: datetime) -> str:
    from calmcli.clock.dates import format_when
    from calmcli.clock.now import from_iso

    if not st.last_sync:
        return "never"
    try:
        return format_when(from_iso(st.last_sync), now)
    except BadInput:
        return st.last_sync
