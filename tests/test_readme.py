"""The README's examples, run as written: every `calm` command line in its shell blocks, with
the installed `calm`, in the order a reader would type them (each block in a fresh copy of a
home holding the README's own example case, made from its answers file and then logged with its
first `calm log` example, so the promises `calm item` names are there), beside the answers files
the README shows.

Commands that ask questions, open an editor or change the shell are listed here as such; a new
example must be put in one list or the other, so none goes untried by accident.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def shell_blocks() -> list[list[str]]:
    """Each ```sh block's lines that run calm (continuation lines joined)."""
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", TEXT, flags=re.DOTALL):
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
    env = {
        **os.environ,
        "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
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


def test_the_readme_examples_run_as_written(
    setting: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, folder, home = setting
    tried = 0
    for i, block in enumerate(shell_blocks()):
        block_home = tmp_path / f"home-{i}"
        shutil.copytree(home, block_home)
        block_env = {**env, "CALM_HOME": str(block_home)}
        for line in block:
            command = strip_comment(line)
            if command in ASKS or command in TIMED:
                continue
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
