"""Running git: the one place calm starts it, and turns what it says into calm's messages.

calm shares a case book through the git command line (a documented requirement: `git` on the
PATH). Every call runs in `CALM_HOME` with git's messages in English (so calm can read them)
and, without a terminal, with git's prompts turned off (a script never hangs on a password).
Nothing here decides what to run; `casebook.sync` does, and never asks git to discard work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from calmcli.errors import CalmError

INSTALL = (
    "calm's team sync needs git, and there is no `git` on this machine's PATH: install it "
    "(https://git-scm.com/downloads, or e.g. `sudo apt install git`, `brew install git`), "
    "then try again"
)
IN_PROGRESS = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
)


class GitFailed(CalmError):
    """git said no: `reason` is the line of its output that says why."""

    def __init__(self, command: str, result: subprocess.CompletedProcess[str]) -> None:
        self.stdout = result.stdout or ""
        self.stderr = result.stderr or ""
        self.returncode = result.returncode
        self.reason = reason(self.stderr or self.stdout) or f"exit status {result.returncode}"
        super().__init__(f"git {command} failed: {self.reason}")


def reason(output: str) -> str:
    """The line of git's output that says what went wrong (its `fatal:`/`error:` line, else
    the last line), without the prefix."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for prefix in ("fatal:", "error:", "remote: error:", "! "):
        for line in lines:
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
    return lines[-1] if lines else ""


def executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise CalmError(INSTALL)
    return found


def available() -> bool:
    return shutil.which("git") is not None


def run(
    home: Path,
    *args: str,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    network: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`git -C home ARGS`, its output captured as text. A failure raises `GitFailed` unless
    `check` is false. `network` calls (fetch, push) may ask for a password on a terminal."""
    full = dict(os.environ)
    full.update({"LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0"})
    if not (network and sys.stdin.isatty()):
        full["GIT_TERMINAL_PROMPT"] = "0"
        full.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    if env:
        full.update(env)
    try:
        result = subprocess.run(
            [executable(), "-C", str(home), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=full,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise CalmError(INSTALL) from None
    except subprocess.TimeoutExpired:
        raise CalmError(
            f"git {args[0] if args else ''} took more than {timeout:.0f} s and was stopped"
        ) from None
    except OSError as exc:
        raise CalmError(f"could not run git: {exc.strerror or exc}") from None
    if check and result.returncode != 0:
        raise GitFailed(args[0] if args else "", result)
    return result


def out(home: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """What a git command prints, stripped (it must succeed)."""
    return run(home, *args, env=env).stdout.strip()


def lines(home: Path, *args: str) -> list[str]:
    """A git command's NUL-separated output (`-z`), as a list."""
    return [part for part in run(home, *args).stdout.split("\0") if part]


def git_dir(home: Path) -> Path:
    return home / ".git"


def is_repository(home: Path) -> bool:
    return (home / ".git").is_dir()


def in_progress(home: Path) -> str | None:
    """The git operation left half done in this repository ("rebase", "merge", ...), if any."""
    folder = git_dir(home)
    for name, what in IN_PROGRESS:
        if (folder / name).exists():
            return what
    return None


def has_ref(home: Path, ref: str) -> bool:
    return (
        run(home, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).returncode
        == 0
    )


def head(home: Path) -> str | None:
    """The commit checked out, or None on a branch with no commit yet."""
    result = run(home, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    return result.stdout.strip() or None


def changed_files(home: Path, old: str | None, new: str, under: Sequence[str]) -> list[str]:
    """Files changed between two commits (every file of `new`, when there is no `old`)."""
    if old is None:
        return lines(home, "ls-tree", "-r", "-z", "--name-only", new, "--", *under)
    return lines(home, "diff", "--name-only", "--no-renames", "-z", old, new, "--", *under)
