"""The command line's shape: help that reads at 80 columns, plain `calm`, the exit codes of
`followup --check`, one error boundary for every way in, and shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmcli.cli.app import app
from casefactory import make_case

COMMANDS = [
    [],
    ["new"],
    ["log"],
    ["list"],
    ["show"],
    ["export"],
    ["review"],
    ["patterns"],
    ["breathe"],
    ["followup"],
    ["followup", "done"],
    ["followup", "snooze"],
    ["tree"],
    ["tree", "list"],
    ["tree", "show"],
    ["tree", "check"],
    ["tree", "schema"],
]


def calm(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point, as a shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "calmcli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "calm")
def test_help_fits_80_columns_with_readable_placeholders(words: list[str]) -> None:
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    usage = text.splitlines()[0]
    assert "..." not in text.replace(usage, ""), text  # no help cut short
    for junk in ("<str>", "<int", "<list", "{", "[[", "<path>"):
        assert junk not in text, f"{junk!r} in:\n{text}"
    assert max(len(line) for line in text.splitlines()) <= 80


def test_plain_calm_prints_the_help_and_exits_0() -> None:
    result = calm()
    assert result.returncode == 0, result.stderr
    assert "Usage: calm" in result.stdout and "new" in result.stdout


def test_check_exits_3_when_calm_cannot_read_its_home(tmp_path: Path) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("a file where CALM_HOME should be\n")
    result = calm("followup", "--check", CALM_HOME=str(home))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith("calm: ") and "Traceback" not in result.stderr
    # The same through Typer (any other spelling of the command).
    result = CliRunner().invoke(app, ["followup", "--check"], env={"CALM_HOME": str(home)})
    assert result.exit_code == 3


def test_check_exits_2_on_bad_usage_and_1_only_when_something_is_due() -> None:
    assert calm("followup", "--check").returncode == 0  # no cases at all
    make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-17T09:00")
    assert calm("followup", "--check", CALM_NOW="2026-11-18T10:00").returncode == 1
    assert calm("followup", "--check", CALM_NOW="2026-11-16T10:00").returncode == 0
    bad = calm("followup", "--check", "--within", "forever")
    assert bad.returncode == 2 and "span" in bad.stderr


def test_one_unreadable_case_is_a_warning_not_an_error(calm_home: Path) -> None:
    make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-17T09:00")
    (calm_home / "cases" / "2026-11-11-broken.yaml").write_text("{{{ not yaml\n")
    result = calm("followup", "--check", CALM_NOW="2026-11-18T10:00")
    assert result.returncode == 1
    assert "Dana Fox" in result.stdout
    assert "2026-11-11-broken.yaml" in result.stderr


@pytest.mark.parametrize("how", ["fast path", "typer"])
def test_every_way_in_says_the_same_on_ctrl_c(how: str, calm_home: Path) -> None:
    """Ctrl-C (here a SIGINT before any output) ends each entry the same way: exit 130 and
    one line, no traceback."""
    args = ["followup"] if how == "fast path" else ["list"]
    code = (
        "import os, signal, sys; sys.argv = ['calm', *sys.argv[1:]];"
        "from calmcli.store import index;"
        "index.open_rows = index.update_names = lambda *a, **k: "
        "os.kill(os.getpid(), signal.SIGINT);"
        "from calmcli.cli.entry import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 130
    assert done.stderr == "calm: interrupted\n"


def test_sigterm_is_mapped_like_ctrl_c(calm_home: Path) -> None:
    code = (
        "import os, signal, sys; sys.argv = ['calm', 'list'];"
        "from calmcli.store import index;"
        "index.update_names = lambda *a, **k: os.kill(os.getpid(), signal.SIGTERM);"
        "from calmcli.cli.entry import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr == "calm: interrupted\n"


def complete(words: str, cword: int) -> list[str]:
    result = calm(_CALM_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_completion_of_commands_options_trees_and_cases() -> None:
    assert complete("calm fol", 1) == ["followup"]
    assert "--tree" in complete("calm new --", 2)
    assert complete("calm new --tree qu", 3) == ["quality"]
    dana = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-17T09:00")
    sam = make_case("Sam Ortiz", created="2026-11-16T09:00", due="2026-11-18T08:00")
    assert complete("calm show 2026-11-1", 2) == sorted(
        complete("calm show 2026-11-1", 2), key=lambda i: i != sam.id
    )
    assert set(complete("calm show 2026-11-1", 2)) == {dana.id, sam.id}
    assert complete("calm followup done 2026-11-10", 3) == [dana.id]


def test_completion_script_is_offered() -> None:
    result = calm("--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert result.returncode == 0
    assert "_calm_completion" in result.stdout


@pytest.mark.parametrize("args", [["list"], ["list", "--json"]])
def test_a_reader_that_stops_early_ends_calm_quietly(args: list[str]) -> None:
    """`calm list | head -3`: once the reader is gone calm stops, says nothing, and exits as
    a command stopped by SIGPIPE does (141), never with an internal error."""
    for n in range(1000):  # more output than a pipe holds
        make_case(f"Customer {n:03d} with a longer name", created="2026-11-01T09:00",
                  due=None, status="closed", reminder=False)  # fmt: skip
    done = subprocess.run(
        # (the reader waits, so calm has filled the pipe and is still writing when it goes)
        f"{sys.executable} -m calmcli {' '.join(args)} | {{ sleep 0.5; head -c 100; }} "
        "> /dev/null; "
        'echo "${PIPESTATUS[0]}" >&2',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
        check=False,
    )
    assert done.stderr == "141\n"
