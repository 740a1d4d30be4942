"""The README's examples, run as written: every `calm` command line in its shell blocks, with
the installed `calm`, in the order a reader would type them (each block in a fresh copy of a
home holding the README's own example case, made from its answers file and then logged with its
first `calm log` example, so the promises `calm item` names are there), beside the answers files
the README shows. The team walkthrough's blocks run in one home, in order, as its steps say. The
calendar and git addresses the README names are swapped for a real Radicale and a real bare git
repository, and `pass` (the password manager it names) is a two-line script.

Commands that ask questions, open an editor or change the shell are listed here as such; a new
example must be put in one list or the other, so none goes untried by accident.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calsync.radicale_server import PASSWORD, USER, Radicale

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")

ASKS = {
    # these ask questions on a terminal (without one they refuse, as the README says)
    "calm new",
    "calm new --tree billing",
    "calm new --tree ~/my-tree.yaml",
    "calm new --tree default --answers answers.yaml",
    "calm new --resume",
    "calm new --discard",
    "calm new --tree roof-leak",
    "calm followup done dana",
    "calm review dana",
    "CALM_PLAIN=1 calm new",
    # changes the user's shell set-up
    "calm --install-completion",
}
TIMED = {"calm breathe", "calm breathe --seconds 30"}
"""Run in a pseudo-terminal and stopped with q (they last a minute or so)."""
EXIT_CODES = {"calm followup --check": {0, 1}}
"""Commands whose documented exit code says something (1: check-ins are due)."""
NOW = "2026-11-30T09:00"  # a Monday: "fri 10am", "mon 10am" and "+4d" are all ahead


def strip_comment(line: str) -> str:
    return re.sub(r"\s+#.*$", "", line).strip()


WALKTHROUGH = TEXT.index("\n## Team use\n")
"""Where the README's team walkthrough starts: its blocks are steps on one machine, in order."""


def shell_blocks(*, walkthrough: bool | None = None) -> list[list[str]]:
    """Each ```sh block's lines that run calm (continuation lines joined); with `walkthrough`,
    only the blocks in (True) or before (False) the team walkthrough."""
    blocks = []
    for found in re.finditer(r"```sh\n(.*?)```", TEXT, flags=re.DOTALL):
        if walkthrough is not None and (found.start() > WALKTHROUGH) != walkthrough:
            continue
        body = found.group(1)
        lines = body.replace("\\\n", " ").splitlines()
        calm_lines = [
            line.strip()
            for line in lines
            if re.match(r"(CALM_PLAIN=1 )?calm ", strip_comment(line))
        ]
        if calm_lines:
            blocks.append(calm_lines)
    return blocks


def files_shown() -> dict[str, str]:
    """The README's example files: each ```yaml block whose first line is `# NAME.yaml`."""
    found = {}
    for body in re.findall(r"```yaml\n(.*?)```", TEXT, flags=re.DOTALL):
        first, _, rest = body.partition("\n")
        if m := re.fullmatch(r"# (\S+\.yaml)", first.strip()):
            found[m[1]] = rest
    return found


def calm_exe() -> Path | None:
    beside = Path(sys.executable).parent / "calm"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("calm")
    return Path(found) if found else None


@pytest.fixture
def setting(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    """(environment, a folder with the README's files, a home with the README's case)."""
    exe = calm_exe()
    if exe is None:
        pytest.skip("the calm command is not installed next to this Python or on PATH")
    folder = tmp_path / "work"
    folder.mkdir()
    for name, text in files_shown().items():
        (folder / name).write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    tools = tmp_path / "bin"  # the password manager the calendar example names
    tools.mkdir()
    (tools / "pass").write_text(f"#!/bin/sh\necho '{PASSWORD}'\n", encoding="utf-8")
    (tools / "pass").chmod(0o755)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(exe.parent), str(tools), os.environ.get("PATH", "")]),
        "CALM_HOME": str(home),
        "CALM_CACHE": str(tmp_path / "cache"),
        "CALM_NOW": NOW,
        "TZ": "Europe/London",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    env.pop("CALM_PLAIN", None)
    made = run("calm new --tree default --answers answers.yaml --no-input", env, folder)
    assert made.returncode == 0, made.stderr
    logged = run(first_log(), env, folder)  # the call, as the README records it
    assert logged.returncode == 0, logged.stderr
    return env, folder, home


def first_log() -> str:
    """The README's first `calm log` example: the call that made the promises it goes on to
    keep with `calm item`."""
    lines = [line for block in shell_blocks() for line in block]
    return next(line for line in lines if strip_comment(line).startswith("calm log "))


def run(line: str, env: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_calm_example_is_run_or_said_to_ask() -> None:
    lines = {strip_comment(line) for block in shell_blocks() for line in block}
    assert lines >= ASKS, ASKS - lines  # nothing listed here that the README no longer has
    assert lines >= TIMED
    assert len(lines - ASKS - TIMED) >= 25
    assert set(files_shown()) == {"answers.yaml", "review.yaml"}


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Real stand-ins for the addresses the README names: a Radicale with the calendar `Jobs`
    for the Nextcloud one, a bare git repository for the GitHub one."""
    radicale = Radicale(tmp_path / "radicale").start()
    radicale.make_calendar("Jobs")
    remote = tmp_path / "cases.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    yield {
        "https://cloud.example.com/remote.php/dav/": radicale.url,
        "--user sam ": f"--user {USER} ",
        "git@github.com:carter-tiling/cases.git": str(remote),
    }
    radicale.stop()


def test_the_readme_examples_run_as_written(
    setting: tuple[dict[str, str], Path, Path], servers: dict[str, str], tmp_path: Path
) -> None:
    env, folder, home = setting
    gitconfig = tmp_path / "gitconfig"  # a fresh machine's git, with its user's name
    gitconfig.write_text("[user]\n\tname = Sam Carter\n\temail = sam@example.com\n")
    user_home = tmp_path / "user"  # `~/Nextcloud`, the synced folder the feed example names
    (user_home / "Nextcloud").mkdir(parents=True)
    tried = 0
    blocks = [*shell_blocks(walkthrough=False), sum(shell_blocks(walkthrough=True), [])]
    for i, block in enumerate(blocks):
        block_home = tmp_path / f"home-{i}"
        shutil.copytree(home, block_home)
        block_env = {
            **env,
            "CALM_HOME": str(block_home),
            "CALM_STATE": str(tmp_path / f"state-{i}"),
            "CALM_CONFIG": str(tmp_path / f"config-{i}.toml"),
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(user_home),
        }
        for line in block:
            command = strip_comment(line)
            if command in ASKS or command in TIMED:
                continue
            for named, real in servers.items():
                line = line.replace(named, real)
            done = run(line, block_env, folder)
            shown = f"$ {line}\nexit {done.returncode}\n{done.stdout[-2000:]}{done.stderr}"
            assert done.returncode in EXIT_CODES.get(command, {0}), shown
            assert "Traceback" not in done.stdout + done.stderr, shown
            assert "calm:" not in done.stderr, shown  # no error, not even a warning
            tried += 1
    assert tried >= 25


@pytest.mark.e2e
@pytest.mark.parametrize("line", sorted(TIMED))
def test_the_breathing_examples_start_and_stop_on_q(
    setting: tuple[dict[str, str], Path, Path], line: str
) -> None:
    pexpect = pytest.importorskip("pexpect")
    env, folder, _ = setting
    child = pexpect.spawn(
        "bash", ["-c", line], cwd=str(folder), env=env, encoding="utf-8", timeout=10
    )
    child.expect("Box breathing: ")
    child.expect("Breathe in")  # drawn: the keys are being read
    child.send("q")
    child.expect("Stopped early")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
