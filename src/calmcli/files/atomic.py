"""Write a file so that readers see either the old content or the new content, never a mix.

The data goes to a hidden temp file next to the target (same directory, so the same filesystem),
is flushed to disk, and is then renamed over the target. A crash or a full disk at any point
leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from calmcli.errors import CalmError

__all__ = ["TEMP_PREFIX", "atomic_write", "sweep"]

TEMP_PREFIX = ".calm-"
"""Every temp file calm writes starts with this, so calm only ever sweeps its own: a sync
tool's partial file (`.syncthing.x.yaml.tmp`, `.~x.yaml`) is never touched."""
STALE_SECONDS = 3600
_LEGACY_TEMP = re.compile(r"\.[^.].*\.(?:yaml|md|ics)\.[a-z0-9_]{8}\.tmp")
"""What calm's temp files were called before TEMP_PREFIX (an interrupted write of an older
version may have left some)."""


def is_calm_temp(name: str) -> bool:
    return (name.startswith(TEMP_PREFIX) and name.endswith(".tmp")) or bool(
        _LEGACY_TEMP.fullmatch(name)
    )


def sweep(folder: Path) -> int:
    """Remove calm's own temp files left by interrupted writes (only old ones: a fresh one may
    belong to a write in progress); the number removed."""
    import time

    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    cutoff = time.time() - STALE_SECONDS
    for entry in entries:
        if not is_calm_temp(entry.name):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                Path(entry.path).unlink()
                removed += 1
        except OSError:
            pass
    return removed


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` atomically; a `str` is written as UTF-8.

    Missing parent folders are created. A new file gets the usual mode for the user's umask
    (0o644 with the common 022); an existing file keeps its mode. Raises `CalmError` if the
    file cannot be written, in which case any previous file at `path` is left as it was.
    """
    path = Path(path)
    try:
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    except UnicodeError as exc:
        raise CalmError(f"could not write {path}: {exc}") from exc

    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp"
        )
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            tmp.chmod(mode)
            os.fsync(handle.fileno())
        tmp.replace(path)
        tmp = None
    except OSError as exc:
        raise CalmError(f"could not write {path}: {_reason(exc)}") from exc
    finally:
        # Runs for every failure, including Ctrl-C, which is re-raised unchanged.
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    _fsync_dir(path.parent)


def _mode_for(path: Path) -> int:
    """The permission bits the written file should have."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the platform allows."""
    try:
        with Path("/proc/self/status").open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory, so best effort."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        dir_fd = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
