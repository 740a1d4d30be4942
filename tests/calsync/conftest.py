"""A real Radicale per test, a calendar on it, and calm connected to it (password from the
environment); `calm(...)` runs the command line in-process and never hides a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from calmcli.cli.app import app

from .radicale_server import PASSWORD, USER, Radicale

CALENDAR = "Jobs"
NOW = "2026-11-30T10:00"
ANSWERS = {
    "customer_name": "Dana Whitfield",
    "customer_phone": "07700 900123",
    "job": "Bathroom retile, 14 Elm Road",
    "feelings": {"frustrated": 4},
    "cause": "the grout has cracked along the shower tray",
    "what_happened": "Grout cracked along the shower tray.",
    "wants": ["repair"],
    "wants_words": "clean grout",
    "option_1": "Regrout the edge",
    "option_ratings": {"option_1": {"ease": 5, "cost": 2, "speed": 4}},
    "followup_at": "tue 10am",
}


def calm(*args: str, now: str = NOW, **env: str) -> Any:
    result = CliRunner().invoke(app, list(args), env={"CALM_NOW": now, **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert PASSWORD not in result.output  # never, whatever happened
    return result


def ok(*args: str, now: str = NOW, **env: str) -> Any:
    result = calm(*args, now=now, **env)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Radicale]:
    radicale = Radicale(tmp_path / "radicale").start()
    yield radicale
    radicale.stop()


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CALM_CALENDAR_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.fixture
def connected(server: Radicale, password: str) -> Radicale:
    server.make_calendar(CALENDAR)
    server.make_calendar("Home")
    ok("calendar", "connect", server.url, "--user", USER, "--calendar", CALENDAR)
    return server


@pytest.fixture
def dana(tmp_path: Path) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    ok("new", "--tree", "default", "--answers", str(answers), "--no-input")
    (path,) = (tmp_path / "calm-home" / "cases").glob("*.yaml")
    return path.stem


def outbox(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "calm-state" / "calendar" / "outbox").glob("*.json"))
