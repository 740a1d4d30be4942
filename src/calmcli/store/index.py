"""The case index: a SQLite cache of every case's summary, so listings never parse every file.

Only a cache: the case files are the truth, and deleting the index costs one rebuild. It lives
in the per-machine cache directory (never in a synced `CALM_HOME`), keyed on the real path of the
home. How it stays true:

- Every case file's stamp (mtime, size, inode) is stored with its row. When the cases folder's
  mtime has not moved, no case was added, removed or replaced (calm writes by rename), and a
  stat of each open or unreadable case catches in-place hand edits; the due list reads only the
  open rows. A folder mtime too close to the last look to be trusted (a file system with
  coarse timestamps) is not trusted: the next look scans again.
- When the folder changed, one scan compares every file's stamp and re-parses only the files
  that changed: the folder's names, sorted, merged with the index's files in the same order
  (a full refresh, `update_all`, compares every stamp even when the folder did not change).
  After a save, `record` writes the new row at once (the after-save step).
- `calm list` streams (`fresh_rows`): new names are indexed first (`update_names`), then each
  row's file is stat'ed as the row is read, and a changed file read again there, so the first
  screen of 100,000 cases costs what the first screen of 100 does. Each row keeps its JSON for
  `calm list --json`; `store.queries` has the rest (GROUP BY counts for `calm patterns`).
- A file that cannot be read is kept as a problem, reported as a warning on every listing, and
  so is a case whose revision went backwards (an older copy restored over a newer one).
- A missing, corrupt, foreign or old-version index is rebuilt from the case files; a cache that
  cannot be written at all is replaced by one in memory, so listings still work (the database
  itself: `store.indexdb`).

This module imports nothing heavy: the `--check` fast path runs on it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from calmcli.domain.summary import FIELDS, CaseSummary, customer_key
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths
from calmcli.store.indexdb import (
    ROW_COLUMNS,
    Damaged,
    checked,
    dir_mtime,
    index_dir,
    meta,
    open_db,
    sound,
    wipe,
    writing,
)

BATCH = 2000
DAMAGED = "holds rows calm cannot have written"
RACY_NS = 2_000_000_000
"""A folder mtime within this of the moment calm looked may hide a change made in the same
tick of a coarse clock (1 s on some file systems, 2 s on FAT): such a look is not trusted."""
CLOSED_LINE = b"\nstatus: closed\n"
_CONFLICTED = re.compile(rb"\n(?:<<<<<<< |>>>>>>> |=======\n)")
"""A merge's conflict markers: such a file is always parsed, and so reported."""
GLANCE = 4096

Progress = Callable[[int, int], None]
Stamp = tuple[int, int, int]


class Listing(NamedTuple):
    """Rows, the warnings for files that could not be read, and how many files were parsed."""

    rows: list[CaseSummary]
    warnings: list[str]
    rebuilt: int = 0
    changed: tuple[str, ...] = ()
    """Open cases whose files changed since the index last saw them (a hand edit, a sync, a
    crash between two writes): their derived files may be stale. A file the index had never
    seen (a rebuilt index, a fresh clone) is not listed: its derived files are rebuilt when
    the case is next read or changed, not all at once."""


def _rows(
    db: sqlite3.Connection, where: str = "", args: tuple[object, ...] = ()
) -> list[CaseSummary]:
    query = f"SELECT {ROW_COLUMNS} FROM cases {where} ORDER BY file"
    return [checked(r) for r in db.execute(query, args)]


def _warnings(db: sqlite3.Connection) -> list[str]:
    bad = [p for (p,) in db.execute("SELECT problem FROM files WHERE state = 'bad' ORDER BY name")]
    return bad + _rolled(db)


def _rolled(db: sqlite3.Connection, among: Iterable[str] | None = None) -> list[str]:
    """Cases whose revision went backwards (all of them, or those of the files `among`)."""
    folder = paths.cases_dir()
    keep = None if among is None else set(among)
    return [
        f"{folder / file}: case {case_id} is at revision {now}, but this machine has seen "
        f"revision {seen}: an older copy may have been restored over it. calm leaves it as it "
        "is; check it, and change it with calm if it is right"
        for file, case_id, now, seen in db.execute("SELECT * FROM rolled ORDER BY file")
        if keep is None or file in keep
    ]


def _gone() -> Listing:
    """No cases folder (never made, or deleted with the whole home): whatever an earlier index
    of this home holds is forgotten, so no later query shows cases that are not there."""
    if (index_dir() / "index.sqlite3").exists():
        db = open_db()
        try:
            wipe(db)
        finally:
            db.close()
        with contextlib.suppress(OSError):
            (index_dir() / "due.tsv").unlink()
    return Listing([], [])


def open_rows(progress: Progress | None = None) -> Listing:
    """The open cases. When the cases folder has not changed, only open and unreadable files
    are stat'ed; otherwise the index is brought up to date, glancing at closed files only."""
    folder = paths.cases_dir()
    mtime = dir_mtime(folder)
    if mtime is None:
        return _gone()
    db = open_db()
    try:
        try:
            if not (trusted(db, mtime) and _watched_unchanged(db, folder)):
                listing = _refresh(db, folder, progress, only_open=True)
            else:
                listing = Listing([], _warnings(db))
            return listing._replace(rows=_rows(db, "WHERE status = 'open'"))
        except Damaged:
            wipe(db, DAMAGED)
            listing = _refresh(db, folder, progress, only_open=True)
            return listing._replace(rows=_rows(db, "WHERE status = 'open'"))
    finally:
        db.close()


def trusted(db: sqlite3.Connection, mtime: int) -> bool:
    """The folder is as the index last saw it, and that look was not racy: on a file system
    whose clock ticks in whole seconds (FAT, some network shares), a look within two seconds
    of the folder's last change may have missed a change made in the same tick."""
    seen_at = meta(db, "scanned_at")
    if meta(db, "dir_mtime") != mtime or not isinstance(seen_at, int):
        return False
    coarse = mtime % 1_000_000_000 == 0
    return not coarse or seen_at - mtime > RACY_NS


def _watched_unchanged(db: sqlite3.Connection, folder: Path) -> bool:
    """Open and unreadable files still have the stamps the index holds (in-place edits of a
    closed case are seen by the next full refresh: `calm list`, or any change in the folder)."""
    query = (
        "SELECT f.name, f.mtime, f.size, f.inode FROM cases c JOIN files f ON f.name = c.file "
        "WHERE c.status = 'open' UNION ALL "
        "SELECT name, mtime, size, inode FROM files WHERE state = 'bad'"
    )
    for name, mtime, size, inode in db.execute(query):
        try:
            st = (folder / name).stat()
        except OSError:
            return False
        if (st.st_mtime_ns, st.st_size, st.st_ino) != (mtime, size, inode):
            return False
    return True


def _write_due(db: sqlite3.Connection) -> None:
    """Keep the due file (see `store.duefile`) in step with the index: best effort."""
    import json

    from calmcli.store import duefile
    from calmcli.textsafe import one_line

    try:
        folder = paths.cases_dir()
        mtime = meta(db, "dir_mtime")
        bad = db.execute("SELECT 1 FROM files WHERE state = 'bad' LIMIT 1").fetchone()
        rolled = db.execute("SELECT 1 FROM rolled LIMIT 1").fetchone()
        watched = list(
            db.execute(
                "SELECT f.name, f.mtime, f.size, f.inode FROM cases c JOIN files f "
                "ON f.name = c.file WHERE c.status = 'open'"
            )
        )
        due: list[tuple[float, str, str, int]] = []
        query = "SELECT id, customer, due_ts, items FROM cases WHERE status = 'open'"
        for case_id, customer, due_ts, items in db.execute(query):
            name = one_line(str(customer))[:40] or str(case_id)
            if due_ts is not None:
                due.append((float(due_ts), name, "check-in", 0))
            for n, kind, _what, when in json.loads(items) if items else ():
                from datetime import datetime

                due.append((datetime.fromisoformat(when).timestamp(), name, kind, n))
        due.sort(key=lambda d: (d[0], d[1], d[3]))
        duefile.write(
            index_dir(),
            str(folder),
            mtime if isinstance(mtime, int) else None,
            watched,
            due,
            warnings=bool(bad or rolled),
        )
    except (sqlite3.Error, ValueError, TypeError, OSError):
        pass


def update_all(progress: Progress | None = None) -> Listing:
    """Bring the index up to date with every case file, closed ones included, re-parsing only
    the files whose stamp changed; the rows are then read with `rows()`, not held here."""
    folder = paths.cases_dir()
    mtime = dir_mtime(folder)
    if mtime is None:
        return _gone()
    db = open_db()
    try:
        try:  # every file's stamp is checked: a closed case edited in place is seen here
            listing = _refresh(db, folder, progress, only_open=False)
            sound(db)
            return listing
        except Damaged:
            wipe(db, DAMAGED)
            return _refresh(db, folder, progress, only_open=False)
    finally:
        db.close()


def update_names(progress: Progress | None = None) -> Listing:
    """Before a checked listing (`fresh_rows`): index the files the index does not hold yet
    and those it holds no row for (only glanced at, or unreadable), forget the ones gone. The
    files of rows it holds are not stat'ed here: `fresh_rows` checks each as it shows it, so
    the first screen of 100,000 cases costs what the first screen of 100 does."""
    folder = paths.cases_dir()
    mtime = dir_mtime(folder)
    if mtime is None:
        return _gone()
    db = open_db()
    try:
        try:
            listing = _refresh(db, folder, progress, only_open=False, names_only=True)
            sound(db)
            return listing
        except Damaged:
            wipe(db, DAMAGED)
            return _refresh(db, folder, progress, only_open=False)
    finally:
        db.close()


Keep = Callable[[str, float | None, str, str], bool]
"""A listing's filter: (status, created_ts, customer_key, owner) -> shown."""

FIRST = 8
"""Where the values a `fresh_rows` caller selected start in each row it gives."""


class Found(NamedTuple):
    """What a checked listing met on its way: files that could not be read, and open cases
    whose files changed behind calm's back (their derived files may be stale)."""

    warnings: list[str]
    changed: list[str]


def fresh_rows(
    select: str, keep: Keep | None, found: Found
) -> Generator[tuple[object, ...] | CaseSummary, None, None]:
    """Every case newest first (by `created_ts`), each file's stamp checked as its row is
    read: the row, whose values from `FIRST` on are `select`'s (columns of the cases table),
    when the file is as the index last saw it; else the file's summary, read again now (its
    row is rewritten when the stream ends, however it ends). Only the rows `keep` passes
    (None: all) are given. Call `update_names` first.

    A row whose file changed keeps its place in this one listing (a hand edit of when a case
    was created is in order from the next). Close the iterator when done with it early."""
    folder = paths.cases_dir()
    base = f"{folder}{os.sep}"
    db = open_db()
    redo: list[tuple[str, Stamp, CaseSummary | str | None]] = []
    gone: list[str] = []
    query = (  # (ties in file order, backwards: the way the index on created_ts reads them)
        "SELECT file, mtime, size, inode, status, created_ts, customer_key, owner, "
        f"{select} FROM cases ORDER BY created_ts DESC, file DESC"
    )
    try:
        cursor = db.execute(query)
    except sqlite3.Error:
        db.close()
        raise
    stat_of = os.stat
    try:
        for row in cursor:  # 100,000 rows: every step of this loop shows in `calm list --json`
            try:
                st = stat_of(base + row[0])
            except FileNotFoundError:
                gone.append(row[0])
                continue
            except OSError as exc:  # kept in the index: not gone, only unreadable now
                found.warnings.append(f"{base}{row[0]}: cannot read: {exc.strerror or exc}")
                continue
            if st.st_mtime_ns == row[1] and st.st_size == row[2] and st.st_ino == row[3]:
                if keep is None or keep(row[4], row[5], row[6], row[7]):
                    yield row
            elif not stat.S_ISREG(st.st_mode):
                gone.append(row[0])
            else:
                summary = _reread(base, row[0], (st.st_mtime_ns, st.st_size, st.st_ino), redo)
                if isinstance(summary, str):
                    found.warnings.append(summary)
                    continue
                if summary.status == "open":
                    found.changed.append(summary.file)
                if keep is None or keep(summary.status, _ts(summary.created),
                                        customer_key(summary.customer), summary.owner):  # fmt: skip
                    yield summary
    finally:
        cursor.close()
        if redo or gone:
            try:
                with writing(db):
                    _store_batch(db, redo, fresh=False)
                    _forget(db, gone)
                found.warnings.extend(_rolled(db, (name for name, _, _ in redo)))
                _write_due(db)
            except sqlite3.Error:
                pass  # a cache: the next look finds the same files again
        db.close()


def _reread(
    base: str, name: str, stamp: Stamp, redo: list[tuple[str, Stamp, CaseSummary | str | None]]
) -> CaseSummary | str:
    """A file that changed since the index saw it: its summary now, or why it cannot be read;
    kept in `redo` for the index."""
    result = _parse(base, name)
    if isinstance(result, CaseSummary):
        result = result._replace(file=name)
    redo.append((name, stamp, result))
    return result


def rows(
    where: str = "", args: tuple[object, ...] = (), order: str = "file"
) -> Iterator[CaseSummary]:
    """Rows from the index as it stands, one at a time (memory stays flat at any size).
    `where` and `order` are SQL over the columns of `CaseSummary` (and `due_ts`,
    `created_ts`, `customer_key`); call `update_all` first for rows that are up to date."""
    db = open_db()
    try:
        query = f"SELECT {ROW_COLUMNS} FROM cases {where} ORDER BY {order}"
        for values in db.execute(query, args):
            yield checked(values)
    finally:
        db.close()


def refresh(progress: Progress | None = None) -> Listing:
    """Every case, up to date: `update_all` with the rows in a list (for small case books
    and tests; listings stream with `rows()` instead)."""
    listing = update_all(progress)
    return listing._replace(rows=list(rows()))


def _names(folder: Path) -> list[str]:
    """The case files' names, in the order SQLite sorts them (code points: UTF-8's byte order).
    Calm's own temp files left by an interrupted write are swept on the way (the same pass).
    A name that is not valid text cannot be a case calm wrote, and is passed over."""
    import time

    from calmcli.files.atomic import STALE_SECONDS, is_calm_temp

    try:
        found = os.listdir(folder)  # noqa: PTH208 (100,000 names: no Paths)
    except OSError as exc:
        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    names = [
        n for n in found if n.endswith(".yaml") and n[0] != "." and (n.isascii() or _is_text(n))
    ]
    for name in found:
        if name[0] == "." and is_calm_temp(name):
            with contextlib.suppress(OSError):
                path = os.path.join(folder, name)  # noqa: PTH118
                if os.lstat(path).st_mtime < time.time() - STALE_SECONDS:
                    os.unlink(path)  # noqa: PTH108
    names.sort()
    return names


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from the file system (surrogate escapes)
        return False
    return True


def _compare(
    db: sqlite3.Connection,
    folder: Path,
    names: list[str] | None,
    broken: dict[str, str],
    gone: list[str],
    *,
    only_open: bool,
) -> Iterator[tuple[str, int, int, int, int]]:
    """The files to read again, in name order, as (name, mtime, size, inode, known): new ones,
    ones whose stamp changed and, unless `only_open`, closed ones only glanced at so far. The
    folder's sorted `names` (see `_names`) are merged with the index's files in the same
    order, one of each at a time; names the index holds that are no longer case files go to
    `gone`, files that cannot even be stat'ed to `broken`. `names` None: the folder holds the
    names the index holds (its mtime has not moved), so the folder is not listed again."""
    base = f"{folder}{os.sep}"  # os.path.join costs 2 µs a file
    indexed = db.execute("SELECT name, mtime, size, inode, state FROM files ORDER BY name")
    pairs = ((r[0], r) for r in indexed) if names is None else _merged(names, indexed, gone)
    for name, old in pairs:
        try:
            st = os.stat(base + name)  # noqa: PTH116 (follows links: a loop lands below)
        except OSError as exc:
            broken[name] = f"{base}{name}: cannot read: {exc.strerror or exc}"
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            if old is not None:
                gone.append(name)
            continue
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if old is None:
            yield (name, *stamp, 0)
        elif old[1:4] != stamp or (old[4] == "closed" and not only_open):
            yield (name, *stamp, 1)


def _merged(
    names: list[str], indexed: Iterator[tuple[object, ...]], gone: list[str]
) -> Iterator[tuple[str, tuple[object, ...] | None]]:
    """Each of the folder's sorted `names` with the index's row for it (None: not indexed),
    both read in name order, one of each at a time; the index's names the folder no longer
    holds go to `gone`."""
    row = next(indexed, None)
    for name in names:
        while row is not None and str(row[0]) < name:
            gone.append(str(row[0]))
            row = next(indexed, None)
        if row is not None and row[0] == name:
            yield name, row
            row = next(indexed, None)
        else:
            yield name, None
    while row is not None:
        gone.append(str(row[0]))
        row = next(indexed, None)


_TODO = (
    "CREATE TEMP TABLE IF NOT EXISTS todo (name TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, "
    "inode INTEGER, known INTEGER) WITHOUT ROWID"
)


def _refresh(
    db: sqlite3.Connection,
    folder: Path,
    progress: Progress | None,
    *,
    only_open: bool,
    names_only: bool = False,
) -> Listing:
    """Bring the index in step with the folder. `names_only` (a checked listing, which stats
    each row's file as it streams it: `fresh_rows`) reads only files the index does not hold
    and files it holds no row for (glanced at, or unreadable); otherwise every file's stamp is
    compared, with no listing of the folder when its mtime says no name came or went."""
    import time

    before = dir_mtime(folder)
    scanned_at = time.time_ns()
    broken: dict[str, str] = {}
    fresh = db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None
    gone: list[str] = []
    same_names = not fresh and before is not None and trusted(db, before)
    names = None if same_names else _names(folder)
    first_look = fresh and only_open  # a cold due list: stamps from the open files
    if first_look:
        unstamped = ((name, UNSTAMPED, 0, 0, 0) for name in names or ())
        todo, total = _batched(unstamped), len(names or ())
    elif fresh:  # nothing indexed: every file is to read, in batches straight from the folder
        rows = _compare(db, folder, names or [], broken, gone, only_open=only_open)
        todo, total = _batched(rows), len(names or ())
    else:
        if names_only:
            rows = _unindexed(db, folder, names, broken, gone)
        else:
            rows = _compare(db, folder, names, broken, gone, only_open=only_open)
        with writing(db, "BEGIN"):  # no write lock while the folder is read: only temp.todo
            db.execute(_TODO)
            db.execute("DELETE FROM temp.todo")
            db.executemany("INSERT INTO temp.todo VALUES (?, ?, ?, ?, ?)", rows)
        todo, total = _todo(db), db.execute("SELECT count(*) FROM temp.todo").fetchone()[0]
    del names
    changed: list[str] = []
    done = 0
    base = f"{folder}{os.sep}"
    for batch in todo:
        parsed = _parse_batch(base, batch, only_open, broken)
        if not first_look:  # (a first look knew nothing: nothing changed behind calm's back)
            known = {name for name, *_, was_known in batch if was_known}
            changed += [
                name
                for name, _, result in parsed  # (not every file: a FIFO is passed over)
                if name in known and isinstance(result, CaseSummary) and result.status == "open"
            ]
        with writing(db):
            _store_batch(db, parsed, fresh=fresh)
        done += len(batch)
        if progress is not None:
            progress(done, max(done, total))
    with writing(db):
        _forget(db, gone)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('dir_mtime', ?)", (before,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('scanned_at', ?)", (scanned_at,))
        if not fresh:
            db.execute("DELETE FROM temp.todo")
    warnings = [*broken.values(), *_warnings(db)]
    if done or gone or broken or not (index_dir() / "due.tsv").exists():
        _write_due(db)
    return Listing([], warnings, done, tuple(changed))


def _forget(db: sqlite3.Connection, gone: Iterable[str]) -> None:
    for name in gone:
        db.execute("DELETE FROM files WHERE name = ?", (name,))
        db.execute("DELETE FROM cases WHERE file = ?", (name,))
        db.execute("DELETE FROM rolled WHERE file = ?", (name,))


def _unindexed(
    db: sqlite3.Connection,
    folder: Path,
    names: list[str] | None,
    broken: dict[str, str],
    gone: list[str],
) -> Iterator[tuple[str, int, int, int, int]]:
    """The files to read before a checked listing: names the index does not hold (merged in
    name order, like `_compare`, but with no stat of the files it holds a row for: the
    listing checks those as it shows them), and files it holds no row for whose stamp
    changed or that were only glanced at. `names` None: the folder's names are the index's."""
    base = f"{folder}{os.sep}"
    if names is not None:
        indexed = db.execute("SELECT name FROM files ORDER BY name")
        yield from ((n, UNSTAMPED, 0, 0, 0) for n, old in _merged(names, indexed, gone) if not old)
    left = set(gone)
    query = "SELECT name, mtime, size, inode, state FROM files WHERE state != 'row'"
    for name, mtime, size, inode, state in db.execute(query).fetchall():
        if name in left:
            continue
        try:
            st = os.stat(base + name)  # noqa: PTH116
        except OSError as exc:
            broken[name] = f"{base}{name}: cannot read: {exc.strerror or exc}"
            continue
        if not stat.S_ISREG(st.st_mode):
            gone.append(name)
        elif state == "closed" or (st.st_mtime_ns, st.st_size, st.st_ino) != (mtime, size, inode):
            yield (name, st.st_mtime_ns, st.st_size, st.st_ino, 1)


Todo = list[tuple[str, int, int, int, int]]
"""Files to read: (name, mtime, size, inode, known to the index), in name order."""


def _batched(rows: Iterator[tuple[str, int, int, int, int]]) -> Iterator[Todo]:
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch


def _todo(db: sqlite3.Connection) -> Iterator[Todo]:
    """temp.todo in batches, by name (keyset: each batch's query starts after the last)."""
    last = ""
    query = (
        "SELECT name, mtime, size, inode, known FROM temp.todo WHERE name > ? ORDER BY name LIMIT ?"
    )
    while batch := db.execute(query, (last, BATCH)).fetchall():
        last = batch[-1][0]
        yield batch


UNSTAMPED = -1
"""A todo row's mtime when the folder was not stat'ed first (a cold due list): the stamp is
then taken from the open file (`fstat`: no second walk of the path, 0.2 s at 100,000 files)."""


def _parse_batch(
    folder: str, batch: Todo, only_open: bool, broken: dict[str, str]
) -> list[tuple[str, Stamp, CaseSummary | str | None]]:
    """Each file of a batch: its summary, the message saying why it cannot be read, or None
    for a file calm wrote as closed, glanced at only (`only_open`: the due list does not need
    it). A file with a merge's conflict markers is always parsed, and so reported: one side
    may say closed. Each file is opened once at most (a cold index glances at 100,000). An
    unstamped file that is not a regular file is passed over, as `_compare` does; one that
    cannot even be stat'ed goes to `broken`."""
    with contextlib.closing(_Opener(folder)) as opener:
        return _glance_or_parse(folder, batch, only_open, broken, opener)


def _glance_or_parse(
    folder: str, batch: Todo, only_open: bool, broken: dict[str, str], opener: _Opener
) -> list[tuple[str, Stamp, CaseSummary | str | None]]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    parsed: list[tuple[str, Stamp, CaseSummary | str | None]] = []
    add = parsed.append
    open_, fstat, read, close = opener.open, os.fstat, os.read, os.close  # (100,000 calls each)
    for name, mtime, size, inode, _known in batch:
        path = folder + name
        if not only_open and mtime != UNSTAMPED:  # stamped, and to be read in full anyway
            add((name, (mtime, size, inode), _parse(folder, name)))
            continue
        try:
            fd = open_(name, flags)
        except OSError:  # unreadable: `_parse` says why (or it is gone: `_compare` said so)
            if mtime == UNSTAMPED:
                try:
                    st = os.stat(path)  # noqa: PTH116
                except OSError as exc:
                    broken[name] = f"{path}: cannot read: {exc.strerror or exc}"
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                mtime, size, inode = st.st_mtime_ns, st.st_size, st.st_ino
            add((name, (mtime, size, inode), _parse(folder, name)))
            continue
        try:
            if mtime == UNSTAMPED:
                st = fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    continue
                mtime, size, inode = st.st_mtime_ns, st.st_size, st.st_ino
            head = read(fd, GLANCE) if only_open else b""
        except OSError:
            head = b""  # `_parse` says why
        finally:
            close(fd)
        if (
            CLOSED_LINE in head
            and " (" not in name  # a sync tool's conflict copy: always parsed, and so reported
            and ".sync-conflict-" not in name
            and not _CONFLICTED.search(head)
        ):
            add((name, (mtime, size, inode), None))
        else:
            add((name, (mtime, size, inode), _parse(folder, name)))
    return parsed


class _Opener:
    """Opens files by name in one folder (`folder` ends with the separator): relative to the
    folder's own descriptor where the platform allows it, so the folder's path is not walked
    again for each of 100,000 files."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.fd = -1
        if os.open in os.supports_dir_fd:
            with contextlib.suppress(OSError):
                self.fd = os.open(folder, os.O_RDONLY)

    def open(self, name: str, flags: int) -> int:
        if self.fd >= 0:
            return os.open(name, flags, dir_fd=self.fd)
        return os.open(self.folder + name, flags)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _parse(folder: str, name: str) -> CaseSummary | str:
    """A file's summary, or the message saying why it cannot be read. A sync tool's conflict
    copy is never a case: it is reported, naming its case."""
    from calmcli.files.copies import copy_of

    path = folder + name  # `folder` ends with the separator: os.path.join costs 2 µs a file
    original = copy_of(name)
    if original is not None:
        return (
            f"{path}: a sync tool's conflict copy of {folder}{original}, not counted; "
            "`calm doctor` merges it into its case"
        )
    from calmcli.store.cases import load_case

    file = Path(path)
    try:
        return load_case(file, summary=True).summary(name)
    except BadInput as exc:
        return exc.message


def _store(
    db: sqlite3.Connection, name: str, stamp: Stamp, result: CaseSummary | str | None
) -> None:
    _store_batch(db, [(name, stamp, result)], fresh=False)


def _store_batch(
    db: sqlite3.Connection,
    parsed: list[tuple[str, Stamp, CaseSummary | str | None]],
    *,
    fresh: bool,
) -> None:
    """Write parsed files in one go; `fresh` (an index that was empty when the scan began)
    needs no deleting first. Rows go in with INSERT OR REPLACE all the same: another calm may
    have indexed the same files meanwhile."""
    if not fresh:
        names = [(name,) for name, _, _ in parsed]
        db.executemany("DELETE FROM cases WHERE file = ?", names)
        db.executemany("DELETE FROM rolled WHERE file = ?", names)
    files: list[tuple[str, int, int, int, str, str | None]] = []
    glanced = []  # most of a cold index's files: written with fewer values to bind
    for name, stamp, result in parsed:
        if result is None:
            glanced.append((name, *stamp))
        elif isinstance(result, CaseSummary):
            _insert(db, result._replace(file=name), stamp)
            files.append((name, *stamp, "row", None))
        else:
            files.append((name, *stamp, "bad", result))
    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", files)
    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, 'closed', NULL)", glanced)


def _ts(text: str) -> float | None:
    """An ISO time as an epoch (None when empty or unreadable), as the index stores it."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp() if text else None
    except ValueError:
        return None


def _insert(db: sqlite3.Connection, row: CaseSummary, stamp: Stamp) -> None:
    marks = ", ".join("?" for _ in FIELDS)
    db.execute(
        f"INSERT OR REPLACE INTO cases ({ROW_COLUMNS}, due_ts, created_ts, customer_key, "
        f"mtime, size, inode, listed) VALUES ({marks}, ?, ?, ?, ?, ?, ?, ?)",
        (*row, _ts(row.due), _ts(row.created), customer_key(row.customer), *stamp, row.listed()),
    )
    seen = db.execute("SELECT revision FROM seen WHERE id = ?", (row.id,)).fetchone()
    if seen is not None and isinstance(seen[0], int) and row.revision < seen[0]:
        db.execute("INSERT OR REPLACE INTO rolled VALUES (?, ?, ?, ?)",
                   (row.file, row.id, row.revision, seen[0]))  # fmt: skip
    else:
        db.execute("INSERT OR REPLACE INTO seen VALUES (?, ?)", (row.id, row.revision))


def folder_stamp() -> int | None:
    """The cases folder's mtime now: taken before a save, handed back to `record` after it."""
    try:
        return paths.cases_dir().stat().st_mtime_ns
    except OSError:
        return None


def record(rows: Iterable[tuple[CaseSummary, Path]], *, folder_before: int | None = None) -> None:
    """Write the rows of cases just saved (the after-save step): best effort, since a stale
    row is found and fixed by the next refresh anyway. When the index was in step with the
    folder just before the save (`folder_before`, taken under the lock every write of calm's
    holds), it is in step after it too: the next command need not scan the folder."""
    import time

    try:
        db = open_db()
    except sqlite3.Error:
        return
    try:
        with writing(db):
            in_step = folder_before is not None and meta(db, "dir_mtime") == folder_before
            for row, path in rows:
                try:
                    st = path.stat()
                except OSError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
                _store(db, path.name, stamp, row._replace(file=path.name))
            after = folder_stamp()
            if in_step and after is not None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('dir_mtime', ?)", (after,))
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('scanned_at', ?)", (time.time_ns(),)
                )
        _write_due(db)
    except sqlite3.Error:
        pass
    finally:
        db.close()
