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
  that changed. After a save, `record` writes the new row at once (the after-save step).
- A file that cannot be read is kept as a problem, reported as a warning on every listing, and
  so is a case whose revision went backwards (an older copy restored over a newer one).
- A missing, corrupt, foreign or old-version index is rebuilt from the case files; a cache that
  cannot be written at all is replaced by one in memory, so listings still work.

This module imports nothing heavy: the `--check` fast path runs on it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from calmcli.domain.summary import FIELDS, CaseSummary, customer_key
from calmcli.errors import BadInput, CalmError
from calmcli.files import paths

SCHEMA_VERSION = 5
BATCH = 500
RACY_NS = 2_000_000_000
"""A folder mtime within this of the moment calm looked may hide a change made in the same
tick of a coarse clock (1 s on some file systems, 2 s on FAT): such a look is not trusted."""
CLOSED_LINE = b"\nstatus: closed\n"
CONFLICT_MARKS = (b"\n<<<<<<< ", b"\n>>>>>>> ", b"\n=======\n")
ROW_COLUMNS = ", ".join(FIELDS)

Progress = Callable[[int, int], None]
Stamp = tuple[int, int, int]


class Listing(NamedTuple):
    """Rows, the warnings for files that could not be read, and how many files were parsed."""

    rows: list[CaseSummary]
    warnings: list[str]
    rebuilt: int = 0
    changed: tuple[str, ...] = ()
    """Case files (names) parsed again because they changed: their derived files may be stale."""


def index_dir() -> Path:
    """This home's index folder in the cache: a readable tail of the home's real path plus a
    checksum of all of it (zlib, not hashlib: OpenSSL costs the `--check` path milliseconds)."""
    home = os.path.realpath(paths.calm_home())
    tail = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in home[-24:]).strip("-")
    key = f"{tail}-{zlib.crc32(home.encode('utf-8', 'surrogatepass')):08x}"
    return paths.cache_dir() / "index" / key


# files.state: 'row' (the case is in `cases`), 'bad' (`problem` says why it cannot be read) or
# 'closed' (calm wrote it as closed and the due list only glanced at it: not parsed yet).
# seen: the highest revision of each case this machine has seen, to notice a restored copy.
_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE files (
    name TEXT PRIMARY KEY, mtime INTEGER NOT NULL, size INTEGER NOT NULL, inode INTEGER,
    state TEXT NOT NULL, problem TEXT
);
CREATE TABLE cases (
    {", ".join(f"{f} TEXT NOT NULL" if f != "revision" else f"{f} INTEGER" for f in FIELDS)},
    due_ts REAL, created_ts REAL, customer_key TEXT NOT NULL,
    PRIMARY KEY (file)
);
CREATE TABLE seen (id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
CREATE INDEX cases_status_due ON cases (status, due_ts);
CREATE INDEX cases_created ON cases (created_ts);
CREATE INDEX cases_customer ON cases (customer_key);
CREATE INDEX cases_id ON cases (id);
"""


def _open_db() -> sqlite3.Connection:
    """The index database, created or rebuilt as needed; in memory if the cache is unusable."""
    folder = index_dir()
    target = folder / "index.sqlite3"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _connect(":memory:")
    for _attempt in range(2):
        try:
            db = _connect(str(target))
        except sqlite3.Error:
            pass  # not a database at all: start again below
        else:
            try:
                if _healthy(db):
                    return db
            except sqlite3.Error:
                pass  # a foreign or damaged database
            db.close()
        with contextlib.suppress(OSError):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    return _connect(":memory:")


def _healthy(db: sqlite3.Connection) -> bool:
    """This calm's index: its version, and the tables and columns it expects."""
    if _version(db) != SCHEMA_VERSION:
        return False
    want = {
        "cases": set(FIELDS),
        "files": {"name", "mtime", "size", "inode", "state", "problem"},
        "seen": {"id", "revision"},
    }
    for table, columns in want.items():
        if not columns <= {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
            return False
    return True


def _connect(target: str) -> sqlite3.Connection:
    db = sqlite3.connect(target, timeout=10, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 10000")
    if target != ":memory:":
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    if _version(db) is None:
        with _writing(db):
            if _version(db) is None:  # another process may have made it meanwhile
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
    return db


def _version(db: sqlite3.Connection) -> int | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return int(row[0]) if row and str(row[0]).isdigit() else -1


@contextlib.contextmanager
def _writing(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _dir_mtime(folder: Path) -> int | None:
    """The folder's mtime; None when there is no folder yet (no cases). Anything else that
    stops calm reading it (a file where the folder should be) is an error, not "no cases"."""
    try:
        st = folder.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise CalmError(f"{folder} is not a folder; is CALM_HOME right?")
    return st.st_mtime_ns


def _meta(db: sqlite3.Connection, key: str) -> object:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


class _Damaged(Exception):
    """A row in the index that calm cannot have written: the index is rebuilt."""


def _rows(
    db: sqlite3.Connection, where: str = "", args: tuple[object, ...] = ()
) -> list[CaseSummary]:
    query = f"SELECT {ROW_COLUMNS} FROM cases {where} ORDER BY file"
    return [_checked(r) for r in db.execute(query, args)]


def _checked(values: tuple[object, ...]) -> CaseSummary:
    from datetime import datetime

    row = CaseSummary.from_values(values)
    if not isinstance(values[FIELDS.index("customer")], str):
        raise _Damaged
    for text in (row.due, row.created, row.closed):
        if text:
            try:
                datetime.fromisoformat(text)
            except ValueError:
                raise _Damaged from None
    return row


def _wipe(db: sqlite3.Connection) -> None:
    """Forget everything the index holds, so the next look reads every file again."""
    with _writing(db):
        for table in ("cases", "files", "seen"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM meta WHERE key != 'version'")


def _warnings(db: sqlite3.Connection) -> list[str]:
    bad = [p for (p,) in db.execute("SELECT problem FROM files WHERE state = 'bad' ORDER BY name")]
    query = (
        "SELECT c.id, c.file, c.revision, s.revision FROM cases c JOIN seen s ON s.id = c.id "
        "WHERE c.revision < s.revision ORDER BY c.file"
    )
    folder = paths.cases_dir()
    rolled = [
        f"{folder / file}: case {case_id} is at revision {now}, but this machine has seen "
        f"revision {seen}: an older copy may have been restored over it. calm leaves it as it "
        "is; check it, and change it with calm if it is right"
        for case_id, file, now, seen in db.execute(query)
    ]
    return bad + rolled


def open_rows(progress: Progress | None = None) -> Listing:
    """The open cases. When the cases folder has not changed, only open and unreadable files
    are stat'ed; otherwise the index is brought up to date, glancing at closed files only."""
    folder = paths.cases_dir()
    mtime = _dir_mtime(folder)
    if mtime is None:
        return Listing([], [])
    db = _open_db()
    try:
        try:
            if _trusted(db, mtime) and _watched_unchanged(db, folder):
                return Listing(_rows(db, "WHERE status = 'open'"), _warnings(db))
            listing = _refresh(db, folder, progress, only_open=True)
        except _Damaged:
            _wipe(db)
            listing = _refresh(db, folder, progress, only_open=True)
        return listing._replace(rows=[r for r in listing.rows if r.status == "open"])
    finally:
        db.close()


def _trusted(db: sqlite3.Connection, mtime: int) -> bool:
    """The folder is as the index last saw it, and that look was not racy."""
    seen_at = _meta(db, "scanned_at")
    return (
        _meta(db, "dir_mtime") == mtime and isinstance(seen_at, int) and seen_at - mtime > RACY_NS
    )


def _watched_unchanged(db: sqlite3.Connection, folder: Path) -> bool:
    """Open and unreadable files still have the stamps the index holds (in-place edits of a
    closed case are seen by the next full refresh: `calm list`, or any change in the folder)."""
    query = (
        "SELECT f.name, f.mtime, f.size, f.inode FROM files f LEFT JOIN cases c "
        "ON c.file = f.name WHERE f.state = 'bad' OR c.status = 'open'"
    )
    for name, mtime, size, inode in db.execute(query):
        try:
            st = (folder / name).stat()
        except OSError:
            return False
        if (st.st_mtime_ns, st.st_size, st.st_ino) != (mtime, size, inode):
            return False
    return True


def refresh(progress: Progress | None = None) -> Listing:
    """Every case, re-parsing only the files whose stamp changed since the last look."""
    folder = paths.cases_dir()
    if _dir_mtime(folder) is None:
        return Listing([], [])
    db = _open_db()
    try:
        try:
            return _refresh(db, folder, progress, only_open=False)
        except _Damaged:
            _wipe(db)
            return _refresh(db, folder, progress, only_open=False)
    finally:
        db.close()


def _scan(folder: Path) -> tuple[dict[str, Stamp], dict[str, str]]:
    """Case files with their stamps, and the ones that cannot even be stat'ed."""
    from calmcli.files.atomic import sweep

    sweep(folder)
    found: dict[str, Stamp] = {}
    broken: dict[str, str] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        raise CalmError(f"cannot read {folder}: {exc.strerror or exc}") from None
    for entry in entries:
        if not entry.name.endswith(".yaml") or entry.name.startswith("."):
            continue
        try:
            st = entry.stat()  # follows links; a loop or a vanished file lands below
        except OSError as exc:
            broken[entry.name] = f"{entry.path}: cannot read: {exc.strerror or exc}"
            continue
        if stat.S_ISREG(st.st_mode):
            found[entry.name] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found, broken


def _refresh(
    db: sqlite3.Connection, folder: Path, progress: Progress | None, *, only_open: bool
) -> Listing:
    import time

    before = _dir_mtime(folder)
    scanned_at = time.time_ns()
    found, broken = _scan(folder)
    known = {
        name: ((mtime, size, inode), state)
        for name, mtime, size, inode, state in db.execute(
            "SELECT name, mtime, size, inode, state FROM files"
        )
    }
    todo = [
        name
        for name, stamp in found.items()
        if name not in known
        or known[name][0] != stamp
        or (known[name][1] == "closed" and not only_open)
    ]
    gone = [name for name in known if name not in found]
    changed: list[str] = []
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        parsed = [(name, found[name], _parse(folder / name, only_open)) for name in batch]
        with _writing(db):
            for name, stamp, result in parsed:
                _store(db, name, stamp, result)
                if isinstance(result, CaseSummary):
                    changed.append(name)
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    with _writing(db):
        for name in gone:
            db.execute("DELETE FROM files WHERE name = ?", (name,))
            db.execute("DELETE FROM cases WHERE file = ?", (name,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('dir_mtime', ?)", (before,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('scanned_at', ?)", (scanned_at,))
    rows = _rows(db)
    return Listing(rows, [*broken.values(), *_warnings(db)], len(todo), tuple(changed))


def _parse(path: Path, only_open: bool) -> CaseSummary | str | None:
    """A file's summary, the message saying why it cannot be read, or None for a file calm
    wrote as closed, glanced at only (`only_open`: the due list does not need it). A file with
    a merge's conflict markers is always parsed, and so reported: one side may say closed."""
    if only_open:
        try:
            with open(path, "rb") as fh:  # noqa: PTH123 (plain and quick: thousands of files)
                head = fh.read(64 * 1024)
            if CLOSED_LINE in head and not any(mark in head for mark in CONFLICT_MARKS):
                return None
        except OSError:
            pass  # parsing below says what is wrong
    from calmcli.store.cases import load_case

    try:
        return load_case(path, summary=True).summary(path.name)
    except BadInput as exc:
        return exc.message


def _store(
    db: sqlite3.Connection, name: str, stamp: Stamp, result: CaseSummary | str | None
) -> None:
    db.execute("DELETE FROM cases WHERE file = ?", (name,))
    if isinstance(result, CaseSummary):
        state, problem = "row", None
        _insert(db, result._replace(file=name))
    else:
        state, problem = ("bad", result) if isinstance(result, str) else ("closed", None)
    db.execute(
        "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", (name, *stamp, state, problem)
    )


def _insert(db: sqlite3.Connection, row: CaseSummary) -> None:
    from datetime import datetime

    def ts(text: str) -> float | None:
        try:
            return datetime.fromisoformat(text).timestamp() if text else None
        except ValueError:
            return None

    marks = ", ".join("?" for _ in FIELDS)
    db.execute(
        f"INSERT INTO cases ({ROW_COLUMNS}, due_ts, created_ts, customer_key) "
        f"VALUES ({marks}, ?, ?, ?)",
        (*row, ts(row.due), ts(row.created), customer_key(row.customer)),
    )
    db.execute(
        "INSERT INTO seen VALUES (?, ?) ON CONFLICT (id) DO UPDATE "
        "SET revision = max(revision, excluded.revision)",
        (row.id, row.revision),
    )


def record(rows: Iterable[tuple[CaseSummary, Path]]) -> None:
    """Write the rows of cases just saved (the after-save step): best effort, since a stale
    row is found and fixed by the next refresh anyway."""
    try:
        db = _open_db()
    except sqlite3.Error:
        return
    try:
        with _writing(db):
            for row, path in rows:
                try:
                    st = path.stat()
                except OSError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
                _store(db, path.name, stamp, row._replace(file=path.name))
    except sqlite3.Error:
        pass
    finally:
        db.close()


def seen_revision(case_id: str) -> int:
    """The highest revision of the case this machine has seen (0 if none, or no index)."""
    if not (index_dir() / "index.sqlite3").exists():
        return 0
    try:
        db = _open_db()
    except sqlite3.Error:
        return 0
    try:
        row = db.execute("SELECT revision FROM seen WHERE id = ?", (case_id,)).fetchone()
        return int(row[0]) if row and isinstance(row[0], int) else 0
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def earlier(
    *, customer: str | None = None, tree: str | None = None, phone: str | None = None
) -> list[CaseSummary]:
    """Earlier cases of a customer (any spelling of case, spaces and accents), of a phone
    number (its digits alone: "07700 900123" is "07700-900123") or of a situation, newest
    first: a query on the index as it stands, without refreshing it (a hint while an interview
    starts must not wait on a scan of the whole history)."""
    if customer is not None:
        where, arg = "WHERE customer_key = ?", customer_key(customer)
    elif phone is not None:
        digits = "".join(c for c in phone if c.isdigit())
        if len(digits) < 6:
            return []
        column = "phone"
        for c in " -().+/":
            column = f"REPLACE({column}, '{c}', '')"
        where, arg = f"WHERE {column} = ?", digits
    else:
        where, arg = "WHERE tree = ?", str(tree)
    return _query(f"{where} ORDER BY created_ts DESC LIMIT 200", (arg,))


def matching(prefix: str, limit: int = 50) -> list[CaseSummary]:
    """Cases whose id starts with `prefix` (open ones first), from the index as it stands."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return _query(
        "WHERE id LIKE ? ESCAPE '\\' ORDER BY status = 'open' DESC, created_ts DESC LIMIT ?",
        (pattern, limit),
    )


def _query(where: str, args: tuple[object, ...]) -> list[CaseSummary]:
    if not (index_dir() / "index.sqlite3").exists():
        return []
    try:
        db = _open_db()
    except sqlite3.Error:
        return []
    try:
        query = f"SELECT {ROW_COLUMNS} FROM cases {where}"
        return [_checked(r) for r in db.execute(query, args)]
    except (sqlite3.Error, _Damaged):
        return []
    finally:
        db.close()
