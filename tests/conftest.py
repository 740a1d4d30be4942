"""Shared fixtures: every test gets its own empty CALM_HOME and cache, and plain, wide output."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def calm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "calm-home"
    monkeypatch.setenv("CALM_HOME", str(home))
    monkeypatch.setenv("CALM_CACHE", str(tmp_path / "calm-cache"))
    monkeypatch.setenv("CALM_CONFIG", str(tmp_path / "calm-config" / "config.toml"))
    monkeypatch.setenv("CALM_STATE", str(tmp_path / "calm-state"))
    monkeypatch.delenv("CALM_CALENDAR_PASSWORD", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TZ", "Europe/London")
    return home
