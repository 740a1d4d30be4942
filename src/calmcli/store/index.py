"""A derived index of the case files, kept in the cache directory so listing never parses them all.

The index is only a cache: the case files are the truth, and deleting the index costs one
rebuild. It lives outside $CALM_HOME (so a synced CALM_HOME never syncs it) in two JSON files:

- `open.json`: the open cases' rows, the bad files' messages, and the cases folder's mtime. The
  daily `calm followup` reads only this: if the folder's mtime is unchanged no case was added,
  removed or rewritten by calm (every write is a rename), and a stat of each open case catches
  in-place hand edits.
- `all.json`: every case's row with its file's mtime and size; read only when the folder
  changed, to re-parse just the files that changed, or by `calm list`.

This module imports nothing heavy: the `--check` fast path runs on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from calmcli.files import paths

INDEX_VERSION = 3
FIELDS = (
    "id", "customer", "phone", "job", "status", "due", "created", "planned", "tree", "file",
    "wants", "root_cause", "lesson", "closed", "satisfaction",
)  # fmt: skip


class Row(NamedTuple):
    """What listing needs of a case, without opening its file. (A named tuple, not a
    dataclass: importing dataclasses would cost the `--check` fast path a tenth of its time.)"""

    id: str
    customer: str
    phone: str
    job: str
    status: str
    due: str
    created: str
    planned: str
    tree: str
    file: str = ""
    wants: str = ""
    root_cause: str = ""
    lesson: str = ""
    closed: str = ""
    satisfaction: str = ""

    @classmethod
    def from_list(cls, values: list[str]) -> Row:
        return cls(*values)

    def to_list(self) -> list[str]:
        return list(self)


class Listing:
    """Rows from the index, the warnings for files that could not be read, and how many files
    had to be parsed again."""

    def __init__(self, rows: list[Row], warnings: list[str], rebuilt: int = 0) -> None:
        self.rows = rows
        self.warnings = warnings
        self.rebuilt = rebuilt


def _index_dir() -> Path:
    home = os.path.realpath(paths.calm_home().expanduser())
    # A readable tail of the path plus a checksum of all of it (zlib, not hashlib: hashlib
    # costs the `--check` fast path a few milliseconds to import OpenSSL).
    tail = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in home[-24:]).strip("-")
    key = f"{tail}-{zlib.crc32(home.encode('utf-8', 'surrogatepass')):08x}"
    return paths.cache_dir() / "index" / key


def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return None
    shapes = {"files": dict, "rows": list, "stamps": dict, "bad": dict}
    for key, kind in shapes.items():
        if key in data and not isinstance(data[key], kind):
            return None
    if "files" not in data and not all(k in data for k in ("rows", "stamps", "bad")):
        return None
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    """Best effort: an index that cannot be written only costs speed next time."""
    from calmcli.errors import CalmError
    from calmcli.files.atomic import atomic_write

    with contextlib.suppress(CalmError):
        atomic_write(path, json.dumps(data, separators=(",", ":"), ensure_ascii=False))


STALE_TEMP_SECONDS = 3600


def _sweep(entry: os.DirEntry[str]) -> None:
    """Remove a temp file an interrupted write left behind (only old ones: a fresh one may
    belong to a write in progress)."""
    import time

    with contextlib.suppress(OSError):
        if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
            Path(entry.path).unlink()


PARALLEL_FROM = 2000
CHUNK = 250


CLOSED_LINE = b"\nstatus: closed\n"
UNREAD_CLOSED = 0
"""In all.json, a closed case whose row has not been read yet (see `refresh(only_open=True)`)."""

Parsed = list[str] | str | int


def _parse_chunk(paths_: list[str], only_open: bool = False) -> list[tuple[str, Parsed]]:
    """Each file's row as a list, or the message saying why it cannot be read; with
    `only_open`, UNREAD_CLOSED for a file that calm wrote as closed (its `status: closed` line),
    which the due list does not need."""
    from calmcli.errors import BadInput

    out: list[tuple[str, Parsed]] = []
    for path in paths_:
        if only_open:
            try:
                with open(path, "rb") as fh:  # noqa: PTH123 (plain and quick: thousands of files)
                    if CLOSED_LINE in fh.read(64 * 1024):
                        out.append((path, UNREAD_CLOSED))
                        continue
            except OSError:
                pass  # parsing below says what is wrong
        try:
            out.append((path, row_from_file(Path(path)).to_list()))
        except BadInput as exc:
            out.append((path, exc.message))
    return out


def _parse_all(paths_: list[str], only_open: bool) -> Iterator[list[tuple[str, Parsed]]]:
    """Parse files in chunks; thousands of them (a cold rebuild) on every core at once."""
    import functools

    parse = functools.partial(_parse_chunk, only_open=only_open)
    chunks = [paths_[i : i + CHUNK] for i in range(0, len(paths_), CHUNK)]
    workers = min(os.cpu_count() or 1, 8)
    if len(paths_) < PARALLEL_FROM or workers < 2:
        yield from map(parse, chunks)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(workers) as pool:
        yield from pool.imap_unordered(parse, chunks)


def row_from_file(path: Path) -> Row:
    """Parse one case file into a row; raises BadInput for a corrupt file."""
    from calmcli.store import cases as store

    case = store.load_case(path, summary=True)
    return row_of(case, path.name)


def row_of(case: Any, file: str) -> Row:
    from calmcli.clock import dates
    from calmcli.errors import BadInput
    from calmcli.store import cases as store

    review = case.review or {}
    closed = next((e.get("at") for e in reversed(case.history) if e.get("event") == "closed"), "")
    try:  # a hand-edited time: normalise it, or leave it out of the figures
        closed = dates.to_iso(dates.from_iso(str(closed))) if closed else ""
    except BadInput:
        closed = ""
    wants = case.wants or store.wants_text(case.answers.get("wants"))
    return Row(
        id=case.id,
        customer=case.customer,
        phone=case.phone,
        job=case.job,
        status=case.status,
        due=dates.to_iso(case.followup_due) if case.followup_due else "",
        created=dates.to_iso(case.created),
        planned=case.planned,
        tree=case.tree_id,
        file=file,
        wants=wants,
        root_cause=str(review.get("root_cause") or ""),
        lesson=str(review.get("lesson") or ""),
        closed=str(closed or "") if case.status == "closed" else "",
        satisfaction=str((case.checkins[-1].get("satisfaction") if case.checkins else "") or ""),
    )


def _dir_mtime(folder: Path) -> int | None:
    """The folder's mtime; None when there is no folder yet (no cases). Anything else that
    stops calm reading it (a file where the folder should be) is an error, not "no cases"."""
    try:
        st = folder.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        from calmcli.errors import CalmError

        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(st.st_mode):
        from calmcli.errors import CalmError

        raise CalmError(f"{folder} is not a folder; is CALM_HOME right?")
    return st.st_mtime_ns


def open_rows(progress: Callable[[int, int], None] | None = None) -> Listing:
    """The open cases, using `open.json` when the cases folder has not changed."""
    folder = paths.cases_dir()
    mtime = _dir_mtime(folder)
    if mtime is None:
        return Listing([], [])
    idx = _index_dir()
    data = _load(idx / "open.json")
    if data is None or data.get("dir_mtime") != mtime:
        full = refresh(progress, only_open=True)
        return Listing([r for r in full.rows if r.status == "open"], full.warnings, full.rebuilt)
    rows: list[Row] = []
    changed = False
    stamps: dict[str, list[int]] = data["stamps"]
    warnings = [str(v) for v in data["bad"].values()]
    try:
        rows = [Row.from_list(values) for values in data["rows"]]
    except TypeError:  # a hand-made index of the right version but the wrong shape
        rows, changed = [], True
    # Open and broken cases are stat'ed one by one, so an in-place edit of either (an editor
    # that does not save by rename) is seen at once. Closed cases edited in place are seen by
    # the next full refresh (`calm list`, or any change calm makes in the folder).
    for name in [*(r.file for r in rows), *data["bad"]]:
        if changed:
            break
        try:
            st = (folder / name).stat()
        except OSError:
            changed = True
            break
        if [st.st_mtime_ns, st.st_size] != stamps.get(name):
            changed = True
    if changed:  # an open case was edited in place or vanished: fall back to a full refresh
        full = refresh(progress, only_open=True)
        return Listing([r for r in full.rows if r.status == "open"], full.warnings, full.rebuilt)
    return Listing(rows, warnings)


def refresh(
    progress: Callable[[int, int], None] | None = None, *, only_open: bool = False
) -> Listing:
    """Every case, re-parsing only files whose mtime or size changed since the last index.

    With `only_open` (the due list after the index was lost) files calm wrote as closed are
    only glanced at, not parsed: they are marked unread, and the next full listing reads them.
    The rows returned then hold the open cases, and every case that was already read.
    """

    folder = paths.cases_dir()
    idx = _index_dir()
    before = _dir_mtime(folder)
    old = _load(idx / "all.json") or {"files": {}}
    old_files: dict[str, list[Any]] = old["files"]
    files: dict[str, list[Any]] = {}
    bad: dict[str, str] = {}
    if before is None:
        return Listing([], [])
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        from calmcli.errors import CalmError

        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    todo = []
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            _sweep(entry)
            continue
        if not entry.name.endswith(".yaml"):
            continue
        try:
            st = entry.stat()  # follows links; a loop or a vanished file lands below
            if not stat.S_ISREG(st.st_mode):
                continue
        except OSError as exc:
            bad[entry.name] = f"{entry.path}: cannot read: {exc.strerror or exc}"
            continue
        stamp = [st.st_mtime_ns, st.st_size]
        prev = old_files.get(entry.name)
        if prev is not None and prev[:2] == stamp and (only_open or prev[2] != UNREAD_CLOSED):
            files[entry.name] = prev
        else:
            todo.append((entry, stamp))
    named = {entry.path: (entry.name, stamp) for entry, stamp in todo}
    done = 0
    for chunk in _parse_all([entry.path for entry, _ in todo], only_open):
        for path, parsed in chunk:
            name, stamp = named[path]
            if isinstance(parsed, str):
                files[name] = [*stamp, None, parsed]
            else:
                files[name] = [*stamp, parsed]
        done += len(chunk)
        if progress is not None:
            progress(done, len(todo))
    rows: list[Row] = []
    warnings: list[str] = list(bad.values())
    for name in sorted(files):
        rec = files[name]
        if rec[2] is None:
            bad[name] = rec[3]
            warnings.append(rec[3])
        elif rec[2] != UNREAD_CLOSED:
            rows.append(Row.from_list(rec[2]))
    if todo or len(files) != len(old_files) or old.get("dir_mtime") != before:
        _save(idx / "all.json", {"version": INDEX_VERSION, "dir_mtime": before, "files": files})
        open_list = [r for r in rows if r.status == "open"]
        stamps = {r.file: files[r.file][:2] for r in open_list}
        stamps.update({name: files[name][:2] for name in bad if name in files})
        _save(
            idx / "open.json",
            {
                "version": INDEX_VERSION,
                "dir_mtime": before,
                "rows": [r.to_list() for r in open_list],
                "stamps": stamps,
                "bad": bad,
            },
        )
    return Listing(rows, warnings, rebuilt=len(todo))
