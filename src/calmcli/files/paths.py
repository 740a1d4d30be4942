"""Where calm keeps things: everything the user owns under `CALM_HOME`, caches elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

from calmcli.errors import CalmError

APP_NAME = "calm"


def calm_home() -> Path:
    """The user's data folder: `$CALM_HOME`, or the platform's user data directory."""
    env = os.environ.get("CALM_HOME")
    if env:
        return _expand(env, "CALM_HOME")
    from platformdirs import user_data_path

    try:
        found = user_data_path(APP_NAME, appauthor=False)
    except (RuntimeError, KeyError, OSError):
        found = Path("~")
    if not found.is_absolute():  # no HOME and no user entry: "~" could not be expanded
        raise CalmError(
            "calm cannot tell where your home folder is (HOME is not set and this user has "
            "no entry); set CALM_HOME to the folder for calm's data"
        )
    return found


def cache_dir() -> Path:
    """Derived data that is always safe to delete (`$CALM_CACHE`, or the platform cache dir;
    a folder in the system's temp space when there is no home folder to find it from)."""
    env = os.environ.get("CALM_CACHE")
    if env:
        return _expand(env, "CALM_CACHE")
    from platformdirs import user_cache_path

    try:
        found = user_cache_path(APP_NAME, appauthor=False)
    except (RuntimeError, KeyError, OSError):
        found = Path("~")
    if found.is_absolute():
        return found
    import tempfile

    return (
        Path(tempfile.gettempdir())
        / f"{APP_NAME}-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )


def state_dir() -> Path:
    """What this machine keeps for itself and never syncs: the calendar outbox, what calm put
    on the calendar server, which desktop nudges were shown (`$CALM_STATE`, or the platform's
    user state directory, `~/.local/state/calm` on Linux)."""
    env = os.environ.get("CALM_STATE")
    if env:
        return _expand(env, "CALM_STATE")
    from platformdirs import user_state_path

    try:
        found = user_state_path(APP_NAME, appauthor=False)
    except (RuntimeError, KeyError, OSError):
        found = Path("~")
    if not found.is_absolute():
        raise CalmError(
            "calm cannot tell where to keep this machine's state (no home folder); set "
            "CALM_STATE to a folder"
        )
    return found


def _expand(value: str, name: str) -> Path:
    try:
        return Path(value).expanduser()
    except RuntimeError:
        raise CalmError(
            f"{name} is {value!r}, but there is no home folder for '~' to mean; give the full path"
        ) from None


def cases_dir() -> Path:
    return calm_home() / "cases"


def followups_dir() -> Path:
    return calm_home() / "followups"


def drafts_dir() -> Path:
    return calm_home() / "drafts"


def trees_dir() -> Path:
    return calm_home() / "trees"
