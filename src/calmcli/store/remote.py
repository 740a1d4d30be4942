"""Talking to the team's remote: which branch, which address, fetching, pushing, and how far
this clone is ahead. Every failure is one message that says what to do, and that nothing is
lost: fetching changes no branch of this clone, and a push is never forced."""

from __future__ import annotations

from pathlib import Path

from calmcli.errors import BadInput, CalmError
from calmcli.store import git

REMOTE = "origin"
NETWORK_TIMEOUT = 300.0


def branch(home: Path) -> str:
    result = git.run(home, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if result.returncode != 0:
        raise BadInput(
            f"{home} is not on a branch (a detached HEAD): calm syncs a branch; check one out "
            f"with `git -C {home} switch main`, then calm sync"
        )
    return result.stdout.strip()


def current_remote(home: Path) -> str:
    result = git.run(home, "remote", "get-url", REMOTE, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def url(remote: str) -> str:
    """A remote as given; a local folder as its full path (git resolves it from the home)."""
    remote = remote.strip()
    if not remote:
        raise BadInput("give the remote's address, e.g. git@github.com:carter-tiling/cases.git")
    candidate = Path(remote).expanduser()
    if ":" not in remote.split("/")[0] and candidate.exists():
        return str(candidate.resolve())
    return remote


def default_branch(home: Path, remote: str) -> str | None:
    """The remote's default branch, or None for an empty remote; a clear message if it
    cannot be reached."""
    result = git.run(
        home,
        "ls-remote",
        "--symref",
        remote,
        "HEAD",
        check=False,
        network=True,
        timeout=NETWORK_TIMEOUT,
    )
    if result.returncode != 0:
        raise CalmError(
            f"cannot reach the remote {remote}: {git.reason(result.stderr) or 'no answer'}",
            details=[
                "check the address and that you may read it (an SSH key, or a token); "
                "nothing has been changed here"
            ],
        )
    for line in result.stdout.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/") : -len("\tHEAD")]
    heads = git.run(home, "ls-remote", "--heads", remote, check=False, network=True).stdout
    names = [
        line.split("refs/heads/", 1)[1] for line in heads.splitlines() if "refs/heads/" in line
    ]
    if names:
        return "main" if "main" in names else names[0]
    return None


def fetch(home: Path, remote: str) -> None:
    result = git.run(
        home,
        "fetch",
        "--quiet",
        "--prune",
        REMOTE,
        check=False,
        network=True,
        timeout=NETWORK_TIMEOUT,
    )
    if result.returncode != 0:
        raise CalmError(
            f"cannot reach the remote {remote}: {git.reason(result.stderr) or 'no answer'}",
            details=[
                "your changes are committed here and nothing is lost; `calm sync` sends them "
                "when the remote can be reached (check the network, the address, your key)"
            ],
        )


def ahead(home: Path, upstream: str) -> int:
    if git.head(home) is None:
        return 0
    if not git.has_ref(home, upstream):
        return int(git.out(home, "rev-list", "--count", "HEAD"))
    return int(git.out(home, "rev-list", "--count", f"{upstream}..HEAD"))


def push(home: Path, branch: str, *, first: bool = False) -> bool:
    """Push the branch; False when the remote moved on meanwhile (fetch and merge again)."""
    args = ["push", "--quiet", "--porcelain"]
    if first:
        args.append("--set-upstream")
    result = git.run(
        home,
        *args,
        REMOTE,
        f"HEAD:refs/heads/{branch}",
        check=False,
        network=True,
        timeout=NETWORK_TIMEOUT,
    )
    if result.returncode == 0:
        return True
    text = result.stdout + result.stderr
    if "[rejected]" in text and ("fetch first" in text or "non-fast-forward" in text):
        return False
    why = _push_reason(text)
    raise CalmError(
        f"the remote refused your changes: {why}",
        details=[
            "they are committed here and nothing is lost; `calm sync` sends them once the "
            "remote takes them (check that you may push to it, and its branch protection)"
        ],
    )


def _push_reason(text: str) -> str:
    for line in text.splitlines():
        if "[remote rejected]" in line or "[rejected]" in line:
            start = line.find("(")
            return line[start + 1 : line.rfind(")")] if start >= 0 else line.strip()
    return git.reason(text) or "no reason given"
