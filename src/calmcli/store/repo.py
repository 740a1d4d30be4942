"""The case book as a git repository: what is tracked, the files that say so, the merge
driver's set-up, the commit each change makes, what is left to commit, and bringing the team's
commits in (a rebase, or a merge) with calm's merge driver, undone whole if it cannot finish.

Tracked (shared with the team): the cases, your trees and the team's settings. Ignored (kept
or rebuilt on each machine): derived files, drafts, locks, temp files, and the copies and
partial files of sync tools. `.gitattributes` (tracked) sends case files to calm's merge driver,
which `calm sync init` installs in each clone's own `.git/config`.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path
from typing import Any

from calmcli.clock.now import local_now, to_iso
from calmcli.domain.case import Case
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.files.atomic import atomic_write
from calmcli.store import cases, git

DRIVER = "calm-case"
ATTRIBUTES = f"""# calm: case files merge entry by entry (`calm sync init` sets the driver up)
/cases/*.yaml merge={DRIVER}
"""
IGNORE = """# calm: what stays on each machine (derived files are rebuilt there from the cases)
/cases/*.md
/followups/
/drafts/
/.locks/
/before-sync/
.calm-*
*.tmp
# sync tools' conflict copies and partial files (`calm doctor` merges a copy into its case)
*.sync-conflict-*
* (*conflicted copy*)*
* ([0-9]).yaml
* ([0-9][0-9]).yaml
* (copy*).yaml
.syncthing.*
~syncthing~*
.stfolder/
.stversions/
.~*
*.~[0-9]*
"""
SHARED_FILES = ("config.toml", ".gitignore", ".gitattributes")
SHARED_FOLDERS = ("cases/", "trees/")
IDENTITY_HELP = (
    "git needs a name for the changes calm commits: set yours once with "
    '`calm config set name "Sam Carter"` (or git\'s own: `git config --global user.name '
    '"Sam Carter"` and `git config --global user.email sam@example.com`)'
)


def home() -> Path:
    return paths.calm_home()


def is_shared() -> bool:
    """The case book is a git repository (`calm sync init` made it one)."""
    return git.is_repository(home())


def identity(where: Path) -> dict[str, str]:
    """Who commits: your name (and email) from calm's settings, else git's own identity. With
    a name but no email in calm, git's email if it has one, else none."""
    from calmcli.store import config

    try:
        cfg = config.load()
        name, email = str(cfg.get("name") or ""), str(cfg.get("email") or "")
    except CalmError:
        name, email = "", ""
    if not name:
        return {}
    env = {"GIT_AUTHOR_NAME": name, "GIT_COMMITTER_NAME": name}
    if not email:
        found = git.run(where, "config", "--get", "user.email", check=False)
        if found.returncode == 0 and found.stdout.strip():
            return env
    return env | {"GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}


def committing(where: Path, *args: str) -> None:
    """A git command that makes commits (commit, rebase): under calm's identity, unsigned
    (a signing prompt would hang calm), and with a plain message when there is no identity."""
    try:
        git.run(where, "-c", "commit.gpgSign=false", *args, env=identity(where))
    except git.GitFailed as exc:
        text = exc.stderr + exc.stdout
        if "tell me who you are" in text or "empty ident" in text or "identity unknown" in text:
            raise CalmError(IDENTITY_HELP) from None
        raise


def has_identity(where: Path) -> bool:
    """Commits can be made: calm knows your name, or git knows who you are."""
    if identity(where):
        return True
    return git.run(where, "var", "GIT_COMMITTER_IDENT", check=False).returncode == 0


def relative(path: Path) -> str:
    """A path inside the home as git names it (forward slashes)."""
    return path.resolve().relative_to(home().resolve()).as_posix()


def commit_case(case: Case, path: Path, events: list[dict[str, Any]]) -> None:
    """Commit one case just saved, with a message in words. Refused while a git operation is
    half done in the home (the next `calm sync`, once it is finished, commits the case)."""
    from calmcli.domain.changes import commit_message

    where = home()
    busy = git.in_progress(where)
    if busy is not None:
        raise CalmError(f"a git {busy} is under way in {where}; `calm sync` commits it after")
    try:
        name = relative(path)
    except (OSError, ValueError):
        raise CalmError(f"{path} is not inside {where}") from None
    git.run(where, "add", "--", name)
    committing(where, "commit", "--quiet", "--no-verify", "-m", commit_message(case, events),
               "--", name)  # fmt: skip


def driver_command() -> str:
    """How git runs calm's merge driver: this Python, so the clone works without `calm` on the
    PATH (`calm sync` puts it right again if calm moves)."""
    return f"{shlex.quote(sys.executable)} -m calmcli.cli.mergedriver %O %A %B %P"


def set_up(where: Path) -> list[str]:
    """Write `.gitignore` and `.gitattributes` (adding calm's lines to any already there) and
    install the merge driver in this clone's `.git/config`; the files changed."""
    changed = []
    for name, text in ((".gitignore", IGNORE), (".gitattributes", ATTRIBUTES)):
        target = where / name
        try:
            current = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        except (OSError, UnicodeError) as exc:
            raise CalmError(f"cannot read {target}: {exc}") from None
        have = set(current.splitlines())
        missing = [line for line in text.splitlines() if line not in have]
        if any(line and not line.startswith("#") for line in missing):
            joined = current + ("\n" if current and not current.endswith("\n") else "")
            atomic_write(target, joined + "\n".join(missing) + "\n")
            changed.append(name)
    install_driver(where)
    return changed


def install_driver(where: Path) -> None:
    """The merge driver in this clone's own config (never shared: it names this machine's
    Python), set again only when it differs."""
    want = driver_command()
    have = git.run(where, "config", "--local", "--get", f"merge.{DRIVER}.driver", check=False)
    if have.stdout.strip() != want:
        git.run(
            where, "config", "--local", f"merge.{DRIVER}.name", "calm: merge two versions of a case"
        )
        git.run(where, "config", "--local", f"merge.{DRIVER}.driver", want)


def driver_installed(where: Path) -> bool:
    have = git.run(where, "config", "--local", "--get", f"merge.{DRIVER}.driver", check=False)
    return have.stdout.strip() == driver_command()


def is_case_file(name: str) -> bool:
    """A case file as git names it: `cases/<id>.yaml`, not a copy or a hidden file."""
    from calmcli.files.copies import copy_of

    if not (name.startswith("cases/") and name.endswith(".yaml")):
        return False
    base = name[len("cases/") :]
    return "/" not in base and not base.startswith(".") and copy_of(base) is None


def is_shared_path(name: str) -> bool:
    return name in SHARED_FILES or name.startswith(SHARED_FOLDERS)


def state_dir(where: Path) -> Path:
    """calm's notes inside this clone's `.git` (never shared): the merge driver's log."""
    return git.git_dir(where) / "calm"


# -- what is left to commit -------------------------------------------------------------------


def _status_entries(home: Path) -> list[tuple[str, str]]:
    """(XY, path) for every change git sees (porcelain v1)."""
    parts = git.lines(home, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    out = []
    i = 0
    while i < len(parts):
        entry = parts[i]
        xy, name = entry[:2], entry[3:]
        out.append((xy, name))
        i += 2 if xy[0] in "RC" else 1  # a rename's old name follows
    return out


_WORDS = {
    "M": "changed",
    "A": "added",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "?": "not tracked",
    "U": "unmerged",
    "T": "changed type",
}


def _words(xy: str) -> str:
    return ", ".join(dict.fromkeys(_WORDS.get(c, c) for c in xy if c != " "))


def pending(home: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """Changes not committed: (calm's to commit, cases that cannot be read, cases deleted,
    other tracked files changed)."""
    to_commit: list[str] = []
    broken: list[str] = []
    deleted: list[str] = []
    foreign: list[str] = []
    for xy, name in _status_entries(home):
        if name.startswith("cases/") and name.endswith(".yaml"):
            if not is_case_file(name):
                continue  # a sync tool's copy: `calm doctor` merges it
            if "D" in xy:
                deleted.append(name)
                continue
            try:
                cases.load_case(home / name)
            except BadInput as exc:
                broken.append(exc.message)
                continue
            to_commit.append(name)
        elif name in SHARED_FILES or name.startswith("trees/"):
            to_commit.append(name)
        elif xy == "??":
            continue  # a file of the user's own in the home: left alone, not shared
        else:
            foreign.append(f"{name} ({_words(xy)})")
    return to_commit, broken, deleted, foreign


def pending_words(names: list[str]) -> list[str]:
    case_files = [n for n in names if n.startswith("cases/")]
    trees = [n for n in names if n.startswith("trees/")]
    words = []
    if case_files:
        ids = ", ".join(Path(n).stem for n in case_files[:5])
        more = f" and {len(case_files) - 5} more" if len(case_files) > 5 else ""
        words.append(f"{len(case_files)} case{'s' if len(case_files) != 1 else ''} ({ids}{more})")
    if trees:
        words.append(
            f"tree{'s' if len(trees) != 1 else ''} {', '.join(Path(n).name for n in trees)}"
        )
    if "config.toml" in names:
        words.append("the team's settings")
    if any(n in (".gitignore", ".gitattributes") for n in names):
        words.append("calm's sync set-up")
    return words


def add(home: Path, names: list[str]) -> None:
    for start in range(0, len(names), 500):
        git.run(home, "add", "--all", "--", *names[start : start + 500])


def rebase(home: Path, upstream: str) -> list[str]:
    """Rebase this machine's commits onto the remote's, case files through calm's merge
    driver; the cases it merged. One that cannot finish is aborted: the branch is as before."""
    state = state_dir(home)
    state.mkdir(parents=True, exist_ok=True)
    for log in ("merged", "problems"):
        (state / log).unlink(missing_ok=True)
    marker = state / "rebasing"
    marker.write_text(to_iso(local_now()) + "\n", encoding="utf-8")
    try:
        try:
            committing(
                home,
                "-c",
                "rebase.autoStash=false",
                "-c",
                "rebase.updateRefs=false",
                "rebase",
                "--quiet",
                upstream,
            )
        except CalmError as exc:
            raise _could_not_merge(home, exc) from None
        except BaseException:
            abort(home)
            raise
    finally:
        marker.unlink(missing_ok=True)
    return _read_log(state / "merged")


def merge(home: Path, upstream: str) -> list[str]:
    """Merge the remote's branch into this one (a merge commit), case files through calm's
    merge driver; one that cannot finish is aborted: the branch is as before."""
    state = state_dir(home)
    for log in ("merged", "problems"):
        (state / log).unlink(missing_ok=True)
    try:
        committing(
            home,
            "merge",
            "--quiet",
            "--no-edit",
            "--no-verify",
            "-m",
            "Merged the team's changes",
            upstream,
        )
    except CalmError as exc:
        raise _could_not_merge(home, exc) from None
    except BaseException:
        abort(home)
        raise
    return _read_log(state / "merged")


def _could_not_merge(home: Path, exc: CalmError) -> CalmError:
    stopped = git.in_progress(home) in ("rebase", "merge")
    files = git.lines(home, "diff", "--name-only", "--diff-filter=U", "-z") if stopped else []
    problems = {
        line.split("\t", 1)[0]: line.split("\t", 1)[1]
        for line in read_lines(state_dir(home) / "problems")
        if "\t" in line
    }
    if stopped:
        abort(home)
    details = [
        f"{name}: {problems.get(name, 'changed here and there in ways git cannot merge')}"
        for name in files
    ] or [exc.message]
    return CalmError(
        "could not merge the team's changes with yours; nothing was lost: your changes are "
        "committed here, the team's are on the remote",
        details=[
            *details,
            f"merge them by hand: git -C {home} pull --rebase (then `calm sync`), or ask "
            "whoever changed these files",
        ],
    )


def abort(home: Path) -> None:
    """Stop a rebase or merge calm started: the branch and files go back as they were."""
    busy = git.in_progress(home)
    if busy in ("rebase", "merge"):
        git.run(home, busy, "--abort", check=False)


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _read_log(path: Path) -> list[str]:
    return list(dict.fromkeys(line.split("\t", 1)[0] for line in read_lines(path) if line))


def stamp(home: Path) -> None:
    with contextlib.suppress(OSError):
        folder = state_dir(home)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "last-sync").write_text(to_iso(local_now()) + "\n", encoding="utf-8")
