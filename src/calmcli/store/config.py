"""The two settings files: yours (in the platform's config folder, or `$CALM_CONFIG`) and your
team's (`$CALM_HOME/config.toml`). Read with `tomllib`; changed with `tomlkit`, which keeps
your comments and layout. A bad value is reported with the file, the key and its line.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from calmcli.domain.settings import KEYS, PERSONAL, TEAM, BadValue, Settings
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.files.atomic import atomic_write

MAX_BYTES = 256 * 1024


def personal_path() -> Path:
    env = os.environ.get("CALM_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    try:
        found = user_config_path(paths.APP_NAME, appauthor=False)
    except (RuntimeError, KeyError, OSError):
        found = Path("~")
    if not found.is_absolute():
        raise CalmError(
            "calm cannot tell where your settings go (no home folder); set CALM_CONFIG to a file"
        )
    return found / "config.toml"


def team_path() -> Path:
    return paths.calm_home() / "config.toml"


def path_for(scope: str) -> Path:
    return personal_path() if scope == PERSONAL else team_path()


def load() -> Settings:
    """The settings in force: the team's, then yours over them."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for scope in (TEAM, PERSONAL):
        path = path_for(scope)
        for name, value in _read(path, team=scope == TEAM).items():
            values[name] = value
            sources[name] = f"{scope} ({path})"
    return Settings(values, sources)


def _read(path: Path, *, team: bool = False) -> dict[str, Any]:
    """Every setting in one file, checked; a missing file is no settings. The team's file may
    not hold a personal-only key (a calendar server, a command to run)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a settings file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise BadInput(f"{path}: too big for a settings file")
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML: {exc}") from None
    out: dict[str, Any] = {}
    for name, value in _flatten(data):
        line = _line_of(text, name)
        where = f"{path}:{line}" if line else str(path)
        if name not in KEYS:
            close = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else " (see `calm config`)"
            raise BadInput(f"{where}: unknown setting {name!r}{hint}")
        if team and KEYS[name].personal_only:
            raise BadInput(
                f"{where}: {name} can only be in your own settings ({personal_path()}), "
                "never in the team's shared file; take it out of there"
            )
        try:
            out[name] = KEYS[name].check(value)
        except BadValue as exc:
            raise BadInput(f"{where}: {name} {exc}") from None
    return out


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flatten(value, f"{name}.")
        else:
            out.append((name, value))
    return out


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\s\"-]+?)\s*\]\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_.\s\"-]+?)\s*=")


def _line_of(text: str, name: str) -> int | None:
    """The line that sets the dotted `name`, under whichever table header it sits."""
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = _TABLE.match(line)
        if header:
            table = _dotted(header.group(1))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = _dotted(assign.group(1))
            if (f"{table}.{key}" if table else key) == name:
                return number
    return None


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip('"') for part in text.split("."))


def set_value(name: str, raw: str, scope: str | None = None) -> tuple[Path, Any]:
    """Change one setting in its file (yours, or the team's for team keys, unless `scope` says);
    comments and layout kept. Returns the file and the value as stored."""
    import tomlkit

    if name not in KEYS:
        close = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else " (see `calm config`)"
        raise BadInput(f"unknown setting {name!r}{hint}")
    try:
        value = KEYS[name].check(_typed(raw, KEYS[name].default))
    except BadValue as exc:
        raise BadInput(f"{name} {exc}") from None
    if scope == TEAM and KEYS[name].personal_only:
        raise BadInput(f"{name} is yours alone: it cannot be a team setting")
    path = path_for(scope or KEYS[name].home)
    _read(path, team=path == team_path())  # refuse to edit a broken file: say where instead
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise CalmError(f"cannot read {path}: {exc.strerror or exc}") from None
    doc = tomlkit.parse(text)
    *tables, leaf = name.split(".")
    node: Any = doc
    for part in tables:
        if part not in node:
            node[part] = tomlkit.table()
        node = node[part]
    node[leaf] = value
    atomic_write(path, tomlkit.dumps(doc))
    return path, value


def _typed(raw: str, like: Any) -> Any:
    """A value as typed on the command line, read as the kind of value the key takes: a
    whole number, a list, or text (a phone number stays text)."""
    text = raw.strip()
    if isinstance(like, int) and text.isdigit():
        return int(text)
    if isinstance(like, list) and text.startswith("[") and text.endswith("]"):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            pass
    return raw


def unset_values(names: list[str]) -> Path:
    """Take settings out of your own file (comments and the rest kept); the file."""
    import tomlkit

    path = personal_path()
    _read(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise CalmError(f"cannot read {path}: {exc.strerror or exc}") from None
    doc = tomlkit.parse(text)
    for name in names:
        *tables, leaf = name.split(".")
        node: Any = doc
        for part in tables:
            node = node.get(part) if hasattr(node, "get") else None
            if node is None:
                break
        if node is not None and leaf in node:
            del node[leaf]
        if tables and node is not None and len(node) == 0 and len(tables) == 1:
            del doc[tables[0]]
    if path.exists():
        atomic_write(path, tomlkit.dumps(doc))
    return path
