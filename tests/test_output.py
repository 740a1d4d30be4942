"""The consoles: plain mode draws no boxes, and long output goes through a pager only on a
terminal."""

from __future__ import annotations

import io
import shlex
import sys
from pathlib import Path

import pytest
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table

from calmcli.cli import output
from calmcli.cli.output import PlainConsole, paged, pager_command

BOX = set("╭╮╰╯│─┌┐└┘├┤┬┴┼━┃═║")


def plain_text(*renderables: object) -> str:
    console = PlainConsole(width=60, file=io.StringIO(), color_system=None)
    console.print(*renderables)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_plain_mode_keeps_the_words_and_drops_the_boxes() -> None:
    table = Table(title="Check-ins")
    table.add_column("when")
    table.add_row("Thu 3 Dec 09:00")
    text = plain_text(
        Panel("Call Ann back", title="Call plan: Ann"),
        Rule("History"),
        Panel(Group("outer", Panel("inner", title="nested")), title="outside"),
        table,
    )
    assert not set(text) & BOX
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == [
        "Call plan: Ann",
        "Call Ann back",
        "History",
        "outside",
        "outer",
        "nested",
        "inner",
        "Check-ins",
        "when",
        "Thu 3 Dec 09:00",
    ]


def test_calm_plain_and_the_option_choose_the_plain_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from calmcli.cli.app import app

    output.out.cache_clear()
    monkeypatch.setenv("CALM_PLAIN", "1")
    assert isinstance(output.out(), PlainConsole)
    monkeypatch.setenv("CALM_PLAIN", "0")
    output.out.cache_clear()
    assert not isinstance(output.out(), PlainConsole)
    monkeypatch.delenv("CALM_PLAIN")
    result = CliRunner().invoke(app, ["--plain", "tree", "show", "default"])
    assert result.exit_code == 0, result.output
    assert not set(result.stdout) & BOX
    output.out.cache_clear()


# -- the pager -------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("CALM_PLAIN", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("PAGER", raising=False)


def test_no_pager_when_the_output_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    monkeypatch.setenv("PAGER", "less")
    assert pager_command() is None


@pytest.mark.usefixtures("terminal")
def test_the_pager_is_less_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    assert pager_command() == "less -FRX"
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert pager_command() is None  # no less: print directly


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize(
    ("pager", "chosen"),
    [
        ("most -s", "most -s"),
        ("", None),  # set but empty: no pager
        ("cat", None),
        ("no-such-pager-here", "less -FRX"),  # cannot run: the default
        ("'unbalanced", "less -FRX"),
    ],
)
def test_pager_follows_the_pager_variable(
    monkeypatch: pytest.MonkeyPatch, pager: str, chosen: str | None
) -> None:
    monkeypatch.setenv("PAGER", pager)
    monkeypatch.setattr(
        "shutil.which", lambda name: None if name == "no-such-pager-here" else f"/bin/{name}"
    )
    assert pager_command() == chosen


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize(("name", "value"), [("CALM_PLAIN", "1"), ("TERM", "dumb")])
def test_no_pager_in_plain_mode_or_on_a_dumb_terminal(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert pager_command() is None


def fake_console(monkeypatch: pytest.MonkeyPatch, height: int) -> io.StringIO:
    screen = io.StringIO()
    console = Console(file=screen, width=60, height=height, color_system=None)
    monkeypatch.setattr(output, "out", lambda: console)
    return screen


def recording_pager(tmp_path: Path) -> tuple[str, Path]:
    seen = tmp_path / "paged.txt"
    script = f"import sys; open({str(seen)!r}, 'w').write(sys.stdin.read())"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}", seen


def test_long_output_goes_through_the_pager(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = fake_console(monkeypatch, height=10)
    command, seen = recording_pager(tmp_path)
    monkeypatch.setattr(output, "pager_command", lambda: command)
    with paged() as console:
        for i in range(30):
            console.print(f"line {i}")
    assert screen.getvalue() == ""
    assert seen.read_text().splitlines() == [f"line {i}" for i in range(30)]


def test_output_that_fits_the_screen_is_printed_directly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = fake_console(monkeypatch, height=10)
    command, seen = recording_pager(tmp_path)
    monkeypatch.setattr(output, "pager_command", lambda: command)
    with paged() as console:
        console.print("one line")
    assert screen.getvalue() == "one line\n"
    assert not seen.exists()


def test_a_pager_that_cannot_start_leaves_the_output_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = fake_console(monkeypatch, height=5)
    monkeypatch.setattr(output, "pager_command", lambda: "exit 127")
    with paged() as console:
        for i in range(20):
            console.print(f"line {i}")
    assert screen.getvalue().splitlines() == [f"line {i}" for i in range(20)]
