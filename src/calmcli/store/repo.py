"""The case book as a git repository: what is tracked, the files that say so, the merge
driver's set-up, and the commit each change makes.

Tracked (shared with the team): the cases, your trees and the team's settings. Ignored (kept
or rebuilt on each machine): derived files, drafts, locks, temp files, and the copies and
partial files of sync tools. `.gitattributes` (tracked) sends case files to calm's merge driver,
which `calm sync init` installs in each clone's own `.git/config`.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from calmcli.domain.case import Case
from calmcli.errors import CalmError
from calmcli.files import paths
from calmcli.files.atomic import atomic_write
from calmcli.store import git

REMOTE = "origin"
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
