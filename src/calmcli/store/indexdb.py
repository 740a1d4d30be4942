"""The index's database: where it lives, its tables, opening it (rebuilt when it is missing,
corrupt, foreign or of another version; in memory when the cache cannot be written), and the
checks that its rows are ones calm wrote. Keeping it true is `store.index`; asking it,
`store.queries`.

This module imports nothing heavy: the `--check` fast path runs on it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path

from calmcli.domain.summary import FIELDS, CaseSummary
from calmcli.errors import CalmError
from calmcli.files import paths

SCHEMA_VERSION = 9

ROW_COLUMNS = ", ".join(FIELDS)


def index_dir() -> Path:
    """This home's index folder in the cache: a readable tail of the home's real path plus a
    checksum of all of it (zlib, not hashlib: OpenSSL costs the `--check` path milliseconds)."""
    home = os.path.realpath(paths.calm_home())
    tail = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in home[-24:]).strip("-")
    key = f"{tail}-{zlib.crc32(home.encode('utf-8', 'surrogatepass')):08x}"
    return paths.cache_dir() / "index" / key


# files.state: 'row' (the case is in `cases`), 'bad' (`problem` says why it cannot be read) or
# 'closed' (calm wrote it as closed and the due list only glanced at it: not parsed yet).
# cases: a row per case file, with the stamp of the file it was read from (mtime, size,
# inode: a listing checks each against its file as it streams) and `listed`, the row as
# `calm list --json` prints it.
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
    mtime INTEGER, size INTEGER, inode INTEGER, listed TEXT NOT NULL,
    PRIMARY KEY (file)
);
CREATE TABLE seen (id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
CREATE TABLE rolled (file TEXT PRIMARY KEY, id TEXT NOT NULL, now INTEGER, seen INTEGER);
CREATE INDEX files_bad ON files (name) WHERE state = 'bad';
CREATE INDEX cases_status_due ON cases (status, due_ts);
CREATE INDEX cases_created ON cases (created_ts, file);
CREATE INDEX cases_customer ON cases (customer_key, created_ts);
CREATE INDEX cases_id ON cases (id);
"""


class _Kept(sqlite3.Connection):
    """The in-memory index used when the cache cannot be written: one for the whole process,
    so the rows a refresh wrote are there for the listing that follows."""

    def close(self) -> None:
        pass


_memory: list[sqlite3.Connection] = []


def _in_memory() -> sqlite3.Connection:
    if not _memory:
        _memory.append(_connect(":memory:", factory=_Kept))
    return _memory[0]


_rebuilt: list[str] = []


def rebuilding(why: str) -> None:
    """Note that the index is thrown away and made again from the case files (said once, by
    the command line, when the command ends: `take_rebuilt`)."""
    line = f"the case index {why}: rebuilding it from the case files"
    if line not in _rebuilt:
        _rebuilt.append(line)


def take_rebuilt() -> list[str]:
    """What `rebuilding` noted since the last call."""
    said = list(_rebuilt)
    _rebuilt.clear()
    return said


def open_db() -> sqlite3.Connection:
    """The index database, created or rebuilt as needed (noted: `rebuilding`); in memory if
    the cache is unusable."""
    folder = index_dir()
    target = folder / "index.sqlite3"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _in_memory()
    for _attempt in range(2):
        try:
            db = _connect(str(target))
        except sqlite3.Error:
            rebuilding(f"{target} is not a database calm can read")
        else:
            try:
                if _healthy(db):
                    return db
                version = _version(db)
                rebuilding(
                    f"{target} is from another version of calm ({version})"
                    if isinstance(version, int) and version > 0
                    else f"{target} is not calm's"
                )
            except sqlite3.Error:
                rebuilding(f"{target} is damaged")
            db.close()
        with contextlib.suppress(OSError):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    return _in_memory()


def _healthy(db: sqlite3.Connection) -> bool:
    """This calm's index: its version, and the tables and columns it expects."""
    if _version(db) != SCHEMA_VERSION:
        return False
    want = {
        "cases": {*FIELDS, "mtime", "size", "inode", "listed"},
        "files": {"name", "mtime", "size", "inode", "state", "problem"},
        "seen": {"id", "revision"},
        "rolled": {"file", "id", "now", "seen"},
    }
    for table, columns in want.items():
        if not columns <= {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
            return False
    return True


def _connect(
    target: str, factory: type[sqlite3.Connection] = sqlite3.Connection
) -> sqlite3.Connection:
    db = sqlite3.connect(target, timeout=10, isolation_level=None, factory=factory)
    db.execute("PRAGMA busy_timeout = 10000")
    if target != ":memory:":
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA journal_mode = WAL")
        # A cache: a write lost to a power cut shows as a damaged index, which is rebuilt.
        db.execute("PRAGMA synchronous = OFF")
    if _version(db) is None:
        with writing(db):
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
def writing(db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    """One transaction; IMMEDIATE takes the write lock at once (a plain BEGIN, for writes to
    temp tables only, takes none: other processes' writes are not held up)."""
    db.execute(begin)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def dir_mtime(folder: Path) -> int | None:
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


def meta(db: sqlite3.Connection, key: str) -> object:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


class Damaged(Exception):
    """A row in the index that calm cannot have written: the index is rebuilt."""


def checked(values: tuple[object, ...]) -> CaseSummary:
    from datetime import datetime

    row = CaseSummary.from_values(values)
    if not isinstance(values[FIELDS.index("customer")], str):
        raise Damaged
    for text in (row.due, row.created, row.closed):
        if text:
            try:
                datetime.fromisoformat(text)
            except ValueError:
                raise Damaged from None
    return row


def wipe(db: sqlite3.Connection, why: str = "") -> None:
    """Forget everything the index holds, so the next look reads every file again (`why`:
    noted for the user, see `rebuilding`)."""
    if why:
        rebuilding(why)
    with writing(db):
        for table in ("cases", "files", "rolled"):  # `seen` is memory, not cache: kept
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM meta WHERE key != 'version'")


def sound(db: sqlite3.Connection) -> None:
    """The rows hold what calm writes (what `checked` checks: the customer as text, and times
    SQLite reads as Python does, a JSON object in `listed`), so `json_rows` may pass them on
    unchecked; else `Damaged`. One query, not one check a row. (A TEXT column turns any
    number into text.)"""
    times = " OR ".join(f"({f} != '' AND julianday({f}) IS NULL)" for f in _TIMES)
    listed = "typeof(listed) != 'text' OR substr(listed, 1, 1) != '{'"
    query = f"SELECT 1 FROM cases WHERE typeof(customer) != 'text' OR {listed} OR {times}"
    if db.execute(query).fetchone():
        raise Damaged


_TIMES = ("due", "created", "closed")
