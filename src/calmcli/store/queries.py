"""Questions put to the case index: rows as JSON, the counts behind `calm patterns`, repeat
customers, the cases a reference may name, earlier cases of a customer or a phone number.
Each is one SQL query over the index as `store.index` keeps it (call `update_all` first where
a docstring says so); none parses a case file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from calmcli.domain.summary import CaseSummary, customer_key
from calmcli.files import paths
from calmcli.store import index, indexdb

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Generator

    from calmcli.domain.patterns import Tally


def json_rows(keep: index.Keep | None, found: index.Found) -> Generator[str, None, None]:
    """The rows `index.fresh_rows` gives, each as a JSON object of `LISTED` ("" as null;
    `planned` as in `CaseSummary`): as the index stored it with the row, or made now for a
    file read again on the way. Call `index.update_names` first (it also checks the rows are
    sound)."""
    rows = index.fresh_rows("listed", keep, found)
    try:
        for item in rows:
            yield item.listed() if isinstance(item, CaseSummary) else str(item[index.FIRST])
    finally:
        rows.close()


def tally(where: str = "", args: tuple[object, ...] = ()) -> Tally:
    """The counts `calm patterns` is made from, over the cases `where` picks (SQL, as for
    `rows`), each grouped by SQLite: a few small results, never a row per case in Python
    (but the days each closed case took, one number each). Call `update_all` first."""
    from calmcli.domain.patterns import Tally

    def also(condition: str) -> str:
        return f"{where} AND {condition}" if where else f"WHERE {condition}"

    db = indexdb.open_db()
    try:  # one GROUP BY over all six columns: one scan (a few groups, in any real book)
        groups = list(db.execute(
            "SELECT tree, root_cause, wants, substr(created, 1, 7), satisfaction, owner, "
            f"count(*) FROM cases {where} GROUP BY 1, 2, 3, 4, 5, 6", args))  # fmt: skip
        # julianday reads the offsets: a difference of instants, as Python's aware datetimes
        days = "(julianday(closed) - julianday(created))"
        lessons = "SELECT created_ts, tree, root_cause, lesson FROM cases"
        closed, learned = "closed != ''", "lesson != ''"
        return Tally(
            cases=sum(int(g[-1]) for g in groups),
            by_tree=_summed(groups, 0),
            by_cause=_summed(groups, 1),
            by_wants=_summed(groups, 2),
            by_month=_summed(groups, 3),
            by_satisfaction=_summed(groups, 4),
            by_owner=_summed(groups, 5),
            days=[float(d) for (d,) in
                  db.execute(f"SELECT {days} FROM cases {also(closed)}", args)],
            lessons=list(db.execute(f"{lessons} {also(learned)}", args)),
        )  # fmt: skip
    finally:
        db.close()


def _summed(groups: list[tuple[object, ...]], column: int) -> list[tuple[str, int]]:
    """The cases per value of one column, from groups whose last column is their count."""
    total: dict[str, int] = {}
    for group in groups:
        value = str(group[column])
        total[value] = total.get(value, 0) + int(group[-1])  # type: ignore[call-overload]
    return list(total.items())


def repeat_customers(
    since_ts: float | None = None, owners: list[str] | None = None
) -> dict[str, int]:
    """Customers with more than one case (created since `since_ts`; owned by one of `owners`
    when given), most cases first, each under the latest spelling of their name: counted by
    the index, not in memory."""
    db = indexdb.open_db()
    try:
        conditions: list[str] = []
        args: list[object] = []
        if since_ts is not None:
            conditions.append("created_ts >= ?")
            args.append(since_ts)
        if owners is not None:
            conditions.append(f"owner IN ({', '.join('?' for _ in owners) or 'NULL'})")
            args += owners
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        query = (
            "SELECT c.customer, g.n FROM (SELECT customer_key, count(*) AS n, "
            f"max(created_ts) AS last FROM cases {where} GROUP BY customer_key "
            "HAVING count(*) > 1) g JOIN cases c ON c.customer_key = g.customer_key "
            "AND c.created_ts = g.last GROUP BY g.customer_key ORDER BY g.n DESC, c.customer"
        )
        return {" ".join(str(name).split()): int(n) for name, n in db.execute(query, args)}
    finally:
        db.close()


def candidates(ref: str, limit: int = 21) -> list[CaseSummary] | None:
    """Cases `ref` may name, from the index when it is in step with the folder: the exact id,
    else ids that start with it, else the exact customer, else customers containing it (the
    first of those that finds any). None when the index is not in step (scan first)."""
    folder = paths.cases_dir()
    mtime = indexdb.dir_mtime(folder)
    if mtime is None:
        return []
    db = indexdb.open_db()
    try:
        if not index.trusted(db, mtime):
            return None
        key = customer_key(ref)
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for where, arg in (
            ("id = ?", ref),
            ("id LIKE ? ESCAPE '\\'", pattern),
            ("customer_key = ?", key),
            ("instr(customer_key, ?) > 0", key),
        ):
            query = (
                f"SELECT {indexdb.ROW_COLUMNS} FROM cases WHERE {where} "
                "ORDER BY created_ts DESC LIMIT ?"
            )
            found = [indexdb.checked(r) for r in db.execute(query, (arg, limit))]
            if found:
                return found
        return []
    except indexdb.Damaged:
        return None
    finally:
        db.close()


def owners(name: str) -> list[str]:
    """Every spelling of one person's name among the owners stored (case, spaces, accents)."""
    key = customer_key(name)
    found = _query_values("SELECT DISTINCT owner FROM cases")
    return [o for o in found if isinstance(o, str) and customer_key(o) == key]


def _query_values(query: str) -> list[object]:
    return _if_indexed(lambda db: [row[0] for row in db.execute(query)], [])


def seen_revision(case_id: str) -> int:
    """The highest revision of the case this machine has seen (0 if none, or no index)."""

    def read(db: sqlite3.Connection) -> int:
        row = db.execute("SELECT revision FROM seen WHERE id = ?", (case_id,)).fetchone()
        return int(row[0]) if row and isinstance(row[0], int) else 0

    return _if_indexed(read, 0, cases_too=False)  # `seen` outlives the cases it saw


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
    query = f"SELECT {indexdb.ROW_COLUMNS} FROM cases {where}"
    return _if_indexed(lambda db: [indexdb.checked(r) for r in db.execute(query, args)], [])


def _if_indexed(
    read: Callable[[sqlite3.Connection], T], nothing: T, *, cases_too: bool = True
) -> T:
    """`read` on the index as it stands, or `nothing` when there is no index (or, with
    `cases_too`, no cases folder) or it cannot be read: these answers are hints, never
    worth an error or a rebuild."""
    if not (indexdb.index_dir() / "index.sqlite3").exists():
        return nothing
    if cases_too and not paths.cases_dir().is_dir():
        return nothing
    try:
        db = indexdb.open_db()
    except sqlite3.Error:
        return nothing
    try:
        return read(db)
    except (sqlite3.Error, indexdb.Damaged):
        return nothing
    finally:
        db.close()
