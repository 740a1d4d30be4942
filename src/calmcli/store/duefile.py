"""The due file: what is owed and when, precomputed for `calm followup --check`, which a shell
prompt runs on every Enter.

The index writes it whenever it changes (after a save, after a refresh); `answer` reads it
with the standard library's cheapest parts alone (no datetime, no SQLite, no JSON). Like the
index, it is only trusted while the cases folder and every open case file still have the stamps
it was made from; otherwise `answer` returns None and `--check` takes the full path, which
writes a new one. A warning to show (an unreadable case), a pinned clock (`CALM_NOW`) or a
platform whose cache folder this module cannot work out also send it the full way.

Format (tab-separated lines): `calm-due 1` and the real path of the cases folder; `F` and the
folder's mtime; `W name mtime size inode` for each watched file; `D epoch name kind n` for each
thing owed, soonest first.
"""

from __future__ import annotations

import os
import sys
import time

VERSION = "calm-due 1"
NAME = "due.tsv"


def cache_root() -> str | None:
    """Where the cache lives, worked out as `files.paths.cache_dir` does on Linux and macOS,
    without importing platformdirs; None elsewhere (the full path then answers)."""
    env = os.environ.get("CALM_CACHE")
    if env:
        return os.path.expanduser(env)
    home = os.environ.get("HOME")
    if not home:
        return None
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "calm")
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = xdg if os.path.isabs(xdg) else os.path.join(home, ".cache")
        return os.path.join(base, "calm")
    return None


def _index_dir(home: str, root: str) -> str:
    import zlib

    tail = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in home[-24:]).strip("-")
    key = f"{tail}-{zlib.crc32(home.encode('utf-8', 'surrogatepass')):08x}"
    return os.path.join(root, "index", key)


def answer() -> tuple[str, int] | None:
    """The nudge line and exit code, or None when only the full path can tell."""
    if os.environ.get("CALM_NOW"):
        return None
    env_home = os.environ.get("CALM_HOME")
    root = cache_root()
    if not env_home or root is None:
        return None
    home = os.path.realpath(os.path.expanduser(env_home))
    path = os.path.join(_index_dir(home, root), NAME)
    try:
        with open(path, encoding="utf-8") as fh:  # noqa: PTH123 (no pathlib on this path)
            lines = fh.read().split("\n")
        if lines[0] != f"{VERSION}\t{os.path.join(home, 'cases')}":
            return None
        return _due_now(lines[1:], os.path.join(home, "cases"))
    except (OSError, ValueError, IndexError):
        return None


def _due_now(lines: list[str], folder: str) -> tuple[str, int] | None:
    from calmcli.domain.nudgeline import nudge_line

    now = time.time()
    today = _local_day(now)
    due: list[tuple[str, str, int, int]] = []
    for line in lines:
        if not line:
            continue
        tag, *fields = line.split("\t")
        if tag == "F":
            st = os.stat(folder)
            if str(st.st_mtime_ns) != fields[0] or st.st_mtime_ns % 1_000_000_000 == 0:
                return None  # changed, or a coarse clock that cannot say
        elif tag == "W":
            st = os.stat(os.path.join(folder, fields[0]))
            if [str(st.st_mtime_ns), str(st.st_size), str(st.st_ino)] != fields[1:]:
                return None
        elif tag == "D":
            at, name, kind, n = float(fields[0]), fields[1], fields[2], int(fields[3])
            day = _local_day(at)
            if day <= today:
                due.append((name, kind, n, today - day))
        else:
            return None
    return nudge_line(due), 1 if due else 0


def _local_day(epoch: float) -> int:
    """Days since the epoch, counted in local time (TZ respected, via the C library)."""
    local = time.localtime(epoch)
    return int((epoch + local.tm_gmtoff) // 86400)


def write(index_dir: os.PathLike[str] | str, folder: str, mtime: int | None,
          watched: list[tuple[str, int, int, int]], due: list[tuple[float, str, str, int]],
          *, warnings: bool) -> None:  # fmt: skip
    """Rewrite the due file (best effort: it only saves time). With warnings to show, or no
    folder stamp, it is removed instead, so `--check` takes the full path and says them."""
    target = os.path.join(os.fspath(index_dir), NAME)
    if warnings or mtime is None:
        try:
            os.unlink(target)
        except OSError:
            pass
        return
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    out = [f"{VERSION}\t{os.path.realpath(folder)}", f"F\t{mtime}"]
    out += [f"W\t{name}\t{m}\t{size}\t{ino}" for name, m, size, ino in watched]
    out += [f"D\t{at}\t{name.translate(clean)}\t{kind}\t{n}" for at, name, kind, n in due]
    temp = f"{target}.{os.getpid()}.tmp"
    try:
        with open(temp, "w", encoding="utf-8") as fh:  # noqa: PTH123
            fh.write("\n".join(out) + "\n")
        os.replace(temp, target)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
