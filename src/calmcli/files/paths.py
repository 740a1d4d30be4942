"""Where calm keeps things: everything the user owns under `CALM_HOME`, caches elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "calm"


def calm_home() -> Path:
    """The user's data folder: `$CALM_HOME`, or the platform's user data directory."""
    env = os.environ.get("CALM_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Derived data that is always safe to delete (`$CALM_CACHE`, or the platform cache dir)."""
    env = os.environ.get("CALM_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def cases_dir() -> Path:
    return calm_home() / "cases"


def followups_dir() -> Path:
    return calm_home() / "followups"


def drafts_dir() -> Path:
    return calm_home() / "drafts"


def trees_dir() -> Path:
    return calm_home() / "trees"
