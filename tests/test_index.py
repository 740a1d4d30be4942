"""The derived index: kept in CALM_CACHE, never trusted over the case files, cheap when warm.

Every test compares what the index says with what the case files say, after the kind of change a
user or another calm process makes: a hand edit in place, a new case, a deleted or renamed file,
a corrupt or unwritable cache.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calmcli.casebook import listing, save
from calmcli.cli.app import app
from calmcli.clock import dates
from calmcli.domain import lifecycle
from calmcli.domain.case import Case
from calmcli.errors import BadInput
from calmcli.files import paths
from calmcli.store import cases as store
from calmcli.store import index, indexdb, queries
from casefactory import case_file, index_dir, make_case, reload

NOW = "2026-11-18T10:00:00+00:00"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_NOW", NOW)


@pytest.fixture
def cases() -> dict[str, Case]:
    return {
        "dana": make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-17T09:00"),
        "sam": make_case("Sam Ortiz", created="2026-11-16T09:00", due="2026-11-18T08:00"),
        "pat": make_case("Pat Jones", created="2026-11-17T09:00", due="2026-11-20T09:00"),
        "olga": make_case("Olga Reyes", created="2026-10-20T09:00", due=None, status="closed"),
    }


def truth() -> dict[str, tuple[str, str]]:
    """What the case files themselves say: id -> (status, due), read without the index."""
    result = {}
    for path in sorted(paths.cases_dir().glob("*.yaml")):
        try:
            case = store.load_case(path)
        except BadInput:
            continue
        due = dates.to_iso(case.followup_due) if case.followup_due else ""
        result[case.id] = (case.status, due)
    return result


def open_view() -> dict[str, str]:
    return {r.id: r.due for r in index.open_rows().rows}


def all_view() -> dict[str, tuple[str, str]]:
    return {r.id: (r.status, r.due) for r in index.refresh().rows}


def open_truth() -> dict[str, str]:
    return {k: due for k, (status, due) in truth().items() if status == "open"}


def listed_view() -> dict[str, tuple[str, str]]:
    """What `calm list` shows: new files indexed first, then each row checked against its
    file as it streams."""
    listing.checked_cases()
    found = listing.Found([], [])
    return {r.id: (r.status, r.due) for r in listing.select(found)}


def assert_index_matches_files() -> None:
    assert listed_view() == truth()
    assert open_view() == open_truth()
    assert all_view() == truth()


def edit_in_place(path: Path, old: str, new: str) -> None:
    """A hand edit that rewrites the file's bytes in place (same inode, folder untouched),
    made a moment after calm last looked at it."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    with path.open("r+", encoding="utf-8") as fh:
        fh.seek(0)
        fh.truncate()
        fh.write(text.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 2_000_000_000))


def test_index_lives_in_calm_cache_not_calm_home(
    cases: dict[str, Case], calm_home: Path, tmp_path: Path
) -> None:
    index.open_rows()
    index.refresh()
    cache = tmp_path / "calm-cache"
    cached = [p for p in cache.rglob("index.sqlite3") if p.is_file()]
    assert cached, "the index was not written to CALM_CACHE"
    for p in cached:
        assert p.read_bytes().startswith(b"SQLite format 3\x00")
    in_home = sorted(
        p.relative_to(calm_home).as_posix() for p in calm_home.rglob("*") if p.is_file()
    )
    assert in_home == sorted(
        [f"cases/{c.id}.yaml" for c in cases.values()]
        + [f"cases/{c.id}.md" for c in cases.values()]
        + [f"followups/{c.id}.ics" for c in cases.values()]  # a closed one: its cancellation
    )


def test_deleting_the_cache_gives_the_same_listing(cases: dict[str, Case], tmp_path: Path) -> None:
    first_open, first_all = index.open_rows(), index.refresh()
    assert {r.customer for r in first_open.rows} == {"Dana Fox", "Sam Ortiz", "Pat Jones"}
    shutil.rmtree(tmp_path / "calm-cache")
    again_open = index.open_rows()
    assert sorted(again_open.rows, key=lambda r: r.id) == sorted(
        first_open.rows, key=lambda r: r.id
    )
    assert again_open.rebuilt == len(cases)
    shutil.rmtree(tmp_path / "calm-cache")
    assert sorted(index.refresh().rows, key=lambda r: r.id) == sorted(
        first_all.rows, key=lambda r: r.id
    )


def test_each_home_has_its_own_index_in_a_shared_cache(
    cases: dict[str, Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(index.open_rows().rows) == 3
    monkeypatch.setenv("CALM_HOME", str(tmp_path / "other-home"))
    make_case("Zed Other", created="2026-11-12T09:00", due="2026-11-18T09:00")
    assert [r.customer for r in index.open_rows().rows] == ["Zed Other"]
    assert [r.customer for r in index.refresh().rows] == ["Zed Other"]


# -- a stale index is noticed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # same size: only the date changes
        ("followup_due: '2026-11-17T09:00:00+00:00'", "followup_due: '2026-11-25T09:00:00+00:00'"),
        # different size
        ("followup_due: '2026-11-17T09:00:00+00:00'", "followup_due: '2026-11-25T14:30:00Z'"),
    ],
    ids=["same-size", "different-size"],
)
def test_a_hand_edit_in_place_to_an_open_case_is_noticed(
    cases: dict[str, Case], old: str, new: str
) -> None:
    dana = cases["dana"]
    assert open_view()[dana.id] == "2026-11-17T09:00:00+00:00"
    assert open_view()[dana.id] == "2026-11-17T09:00:00+00:00"  # warm
    size = case_file(dana).stat().st_size
    edit_in_place(case_file(dana), old, new)
    assert (case_file(dana).stat().st_size == size) == (len(old) == len(new))
    expected = dates.to_iso(reload(dana).followup_due)  # type: ignore[arg-type]
    assert expected.startswith("2026-11-25")
    assert open_view()[dana.id] == expected
    assert all_view()[dana.id] == ("open", expected)
    assert_index_matches_files()


def test_closing_an_open_case_by_hand_is_noticed(cases: dict[str, Case]) -> None:
    assert cases["sam"].id in open_view()
    edit_in_place(case_file(cases["sam"]), "status: open", "status: closed")
    assert cases["sam"].id not in open_view()
    assert_index_matches_files()


def test_breaking_an_open_case_by_hand_is_noticed_with_a_warning(
    cases: dict[str, Case],
) -> None:
    assert cases["sam"].id in open_view()
    edit_in_place(case_file(cases["sam"]), "status: open", "status: [oops")
    listing = index.open_rows()
    assert cases["sam"].id not in {r.id for r in listing.rows}
    assert len(listing.warnings) == 1
    assert str(case_file(cases["sam"])) in listing.warnings[0]
    # The warning keeps coming on warm runs until the file is fixed.
    again = index.open_rows()
    assert again.rebuilt == 0
    assert again.warnings == listing.warnings


def test_fixing_a_broken_case_file_in_place_is_noticed(cases: dict[str, Case]) -> None:
    path = case_file(cases["sam"])
    good = path.read_text(encoding="utf-8")
    edit_in_place(path, "status: open", "status: [oops")
    assert cases["sam"].id not in open_view()
    assert cases["sam"].id not in open_view()  # warm, with the warning in open.json
    path.write_text(good, encoding="utf-8")  # fixed in place
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 4_000_000_000))
    listing = index.open_rows()
    assert listing.warnings == []
    assert cases["sam"].id in {r.id for r in listing.rows}


def test_reopening_a_closed_case_by_hand_is_noticed_by_the_next_full_check(
    cases: dict[str, Case],
) -> None:
    """By design the daily fast path stats only open and broken cases (stat'ing every closed
    case would cost 100k-case homes their speed); `calm list --open` checks every file it
    reaches, and after it the due list has the hand-reopened case too (README: "Where data
    lives")."""
    olga = cases["olga"]
    assert olga.id not in open_view()
    edit_in_place(case_file(olga), "status: closed", "status: open")
    edit_in_place(
        case_file(olga), "followup_due: null", "followup_due: '2026-11-18T09:00:00+00:00'"
    )
    assert olga.id in CliRunner().invoke(app, ["list", "--open"]).stdout
    assert olga.id in open_view()


def test_calm_list_shows_a_closed_case_reopened_by_hand_at_once(cases: dict[str, Case]) -> None:
    """`calm list` checks each row's file as it shows it: a closed case reopened in place (no
    name came or went, so the folder looks unchanged) is open in the very next listing, and
    under --open and --closed as it is now."""
    olga = cases["olga"]
    assert listed_view()[olga.id] == ("closed", "")
    edit_in_place(case_file(olga), "status: closed", "status: open")
    runner = CliRunner()
    assert olga.id in runner.invoke(app, ["list", "--open"]).stdout
    closed = json.loads(runner.invoke(app, ["list", "--json", "--closed"]).stdout)
    assert olga.id not in {row["id"] for row in closed}
    opened = json.loads(runner.invoke(app, ["list", "--json", "--open"]).stdout)
    assert {row["id"]: row["status"] for row in opened}[olga.id] == "open"
    assert_index_matches_files()


def test_a_listing_reads_a_changed_file_when_it_reaches_it(cases: dict[str, Case]) -> None:
    """The first screen does not wait for the whole history: a listing left after its first
    row has read again only the files it showed, and the next listing reads the rest."""
    listed_view()
    for case in cases.values():
        edit_in_place(case_file(case), "bathroom tiling", "shower regrout")
    listing.checked_cases()
    found = listing.Found([], [])
    rows = listing.select(found)
    first = next(rows)
    rows.close()
    assert first.id == cases["pat"].id and first.job == "shower regrout"  # the newest
    assert found.changed == [case_file(cases["pat"]).name]
    listing.checked_cases()
    found = listing.Found([], [])
    assert {r.job for r in listing.select(found)} == {"shower regrout"}
    assert sorted(found.changed) == sorted(
        case_file(c).name for c in cases.values() if c.status == "open" and c is not cases["pat"]
    )
    assert_index_matches_files()


@pytest.mark.parametrize("cold", [True, False], ids=["cold index", "warm index"])
def test_odd_things_named_like_cases_are_passed_over_or_named(
    cases: dict[str, Case], cold: bool
) -> None:
    """A FIFO, a folder and a symlink loop named like case files: the due list neither hangs
    on the FIFO nor counts the folder, and names the loop; a cold index (the first look opens
    each file once) and a warm one agree."""
    folder = paths.cases_dir()
    os.mkfifo(folder / "2026-11-01-a-pipe.yaml")
    (folder / "2026-11-01-a-folder.yaml").mkdir()
    (folder / "2026-11-01-a-loop.yaml").symlink_to(folder / "2026-11-01-a-loop.yaml")
    if cold:
        shutil.rmtree(index_dir())
    listing = index.open_rows()
    assert {r.id: r.due for r in listing.rows} == open_truth()
    [loop] = listing.warnings
    assert "2026-11-01-a-loop.yaml" in loop
    assert all_view() == truth()
    shown = CliRunner().invoke(app, ["show", "2026-11-01-a-pipe"])  # by its exact id
    assert shown.exit_code == 2 and "no case matches" in shown.stderr, shown.output  # no hang


def test_a_new_case_is_noticed(cases: dict[str, Case]) -> None:
    assert len(open_view()) == 3
    kim = make_case("Kim Lo", created="2026-11-18T09:00", due="2026-11-18T15:00")
    assert open_view()[kim.id] == "2026-11-18T15:00:00+00:00"
    assert_index_matches_files()


def test_a_deleted_case_is_noticed(cases: dict[str, Case]) -> None:
    assert cases["dana"].id in open_view()
    case_file(cases["dana"]).unlink()
    assert cases["dana"].id not in open_view()
    assert cases["dana"].id not in all_view()
    assert_index_matches_files()


def test_a_deleted_home_leaves_no_cases_behind_in_the_index(
    cases: dict[str, Case], calm_home: Path
) -> None:
    """`rm -rf $CALM_HOME` (starting again, or a home moved away): the cache must not go on
    showing its cases, in the listings or in the hints about a customer's earlier cases."""
    runner = CliRunner()
    assert "Dana" in runner.invoke(app, ["list"]).stdout
    assert queries.earlier(customer=cases["dana"].customer)
    shutil.rmtree(calm_home)
    for args in (["list"], ["followup"], ["followup", "--check"], ["patterns"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Dana" not in result.stdout, (args, result.stdout)
    assert queries.earlier(customer=cases["dana"].customer) == []
    assert queries.matching("2026") == []
    assert list(index.rows()) == []


def test_a_case_renamed_out_of_the_way_is_noticed(cases: dict[str, Case]) -> None:
    assert cases["dana"].id in open_view()
    path = case_file(cases["dana"])
    path.rename(path.with_name(path.name + ".bak"))
    listing = index.open_rows()
    assert cases["dana"].id not in {r.id for r in listing.rows}
    assert listing.warnings == []
    assert_index_matches_files()


def test_a_case_renamed_to_another_yaml_name_is_noticed(cases: dict[str, Case]) -> None:
    assert cases["dana"].id in open_view()
    path = case_file(cases["dana"])
    moved = path.with_name("dana-copy.yaml")
    path.rename(moved)
    listing = index.open_rows()
    # The id inside no longer names the file: listed nowhere as the old file, and warned about.
    assert all(r.file != path.name for r in listing.rows)
    assert any(str(moved) in w for w in listing.warnings) or any(
        r.file == moved.name for r in listing.rows
    )
    assert all(r.file != path.name for r in index.refresh().rows)


# -- re-parsing only what changed --------------------------------------------------------------


def test_a_warm_run_reparses_nothing_and_one_change_reparses_one(
    cases: dict[str, Case],
) -> None:
    shutil.rmtree(index_dir())  # cold: the after-save step had already indexed every case
    first = index.open_rows()
    assert first.rebuilt == len(cases)
    second = index.open_rows()
    assert second.rebuilt == 0
    assert second.rows == first.rows
    # The due list only glanced at the closed cases; the first full listing reads them.
    closed = [c for c in cases.values() if c.status == "closed"]
    assert closed and index.refresh().rebuilt == len(closed)
    assert index.refresh().rebuilt == 0

    # A change made by calm writes its index row as it saves: nothing to parse again.
    save.update(cases["dana"].id, lambda c: lifecycle.snooze(c, c.created, c.created))
    after = index.refresh()
    assert after.rebuilt == 0
    assert {r.id: r.due for r in after.rows}[cases["dana"].id] == cases["dana"].created.isoformat()
    # A change that arrives another way (a sync, another machine) is parsed again, once.
    case = reload(cases["dana"])
    case.add_event("note", case.created, text="hi")
    store.save_case(case)
    changed = index.refresh()
    assert changed.rebuilt == 1
    assert changed.changed == (case_file(case).name,)
    assert index.refresh().rebuilt == 0
    assert index.open_rows().rebuilt == 0


def test_one_change_seen_first_by_the_open_listing_reparses_one(
    cases: dict[str, Case],
) -> None:
    index.open_rows()
    case = reload(cases["pat"])  # changed on another machine: the case file arrives by sync
    lifecycle.snooze(case, case.created, dates.from_iso("2026-11-19T09:00"))
    store.save_case(case)
    listing = index.open_rows()
    assert listing.rebuilt == 1
    assert {r.id: r.due for r in listing.rows}[cases["pat"].id] == "2026-11-19T09:00:00+00:00"
    assert index.open_rows().rebuilt == 0


def test_many_unchanged_cases_are_not_reparsed() -> None:
    for n in range(60):
        make_case(
            f"Customer {n}", created="2026-11-01T09:00", due="2026-11-30T09:00", reminder=False
        )
    assert index.open_rows().rebuilt == 60
    assert index.open_rows().rebuilt == 0
    assert index.refresh().rebuilt == 0


# -- a broken or unusable cache ----------------------------------------------------------------


def _foreign_db(path: Path, version: int | None) -> bytes:
    """A SQLite file that is not calm's index (or is another version of it)."""
    import sqlite3

    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
    db.execute("CREATE TABLE notes (text)")
    if version is not None:
        db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "content",
    [
        b"{not a database",
        b"",
        b"\xff\xfe\x00binary\x00",
        b"SQLite format 3\x00" + b"\x00" * 200,  # a torn header
        "old-version",
        "future-version",
        "foreign",
    ],
    ids=["garbage", "empty", "binary", "torn", "old-version", "future-version", "foreign"],
)
def test_a_corrupt_or_foreign_index_is_rebuilt(cases: dict[str, Case], content: Any) -> None:
    index.open_rows()
    db = index_dir() / "index.sqlite3"
    for suffix in ("-wal", "-shm"):
        (index_dir() / f"index.sqlite3{suffix}").unlink(missing_ok=True)
    if isinstance(content, bytes):
        db.write_bytes(content)
    else:
        version = {"old-version": 3, "future-version": 999, "foreign": None}[content]
        _foreign_db(db, version)
    indexdb.take_rebuilt()
    listing = index.open_rows()
    assert listing.warnings == []
    assert {r.id: r.due for r in listing.rows} == open_truth()
    # ...said in one line naming the file (an empty file is only a new database)...
    said = indexdb.take_rebuilt()
    assert len(said) == (0 if content == b"" else 1), said
    assert all(str(db) in line and "rebuilding" in line for line in said)
    assert all_view() == truth()
    # ...and rewritten, so the next run is warm again.
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    assert index.open_rows().rebuilt == 0
    assert index.refresh().rebuilt == 0


def test_calm_says_in_one_line_that_it_rebuilds_a_damaged_index(
    cases: dict[str, Case],
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["list"]).stderr == ""
    (index_dir() / "index.sqlite3").write_bytes(b"{not a database")
    for suffix in ("-wal", "-shm"):
        (index_dir() / f"index.sqlite3{suffix}").unlink(missing_ok=True)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0 and cases["dana"].id in result.stdout
    [line] = result.stderr.splitlines()
    assert line.startswith("calm: the case index ") and line.endswith(
        "is not a database calm can read: rebuilding it from the case files"
    )
    assert runner.invoke(app, ["list"]).stderr == ""  # once


def test_an_index_of_the_right_version_but_wrong_shape_is_rebuilt(
    cases: dict[str, Case],
) -> None:
    index.open_rows()
    db = index_dir() / "index.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        (index_dir() / f"index.sqlite3{suffix}").unlink(missing_ok=True)
    _foreign_db(db, indexdb.SCHEMA_VERSION)  # calm's version number, but no cases table
    assert all_view() == truth()
    assert {r.id: r.due for r in index.open_rows().rows} == open_truth()


@pytest.mark.parametrize(
    "damage",
    ["due = 'next tuesday'", "created = 'garbage'", "closed = '2026-13-45'"],
)
def test_rows_calm_cannot_have_written_are_rebuilt_before_list_json(
    cases: dict[str, Case], damage: str
) -> None:
    """`calm list --json` passes the index's text on as it is; a damaged row is noticed first
    and the index rebuilt from the case files."""
    index.refresh()
    import sqlite3

    with sqlite3.connect(index_dir() / "index.sqlite3") as db:
        db.execute(f"UPDATE cases SET {damage}")
    db.close()
    result = CliRunner().invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["id"]: (r["status"], r["due"] or "") for r in rows} == truth()
    for row in rows:
        case = store.load_case(paths.cases_dir() / f"{row['id']}.yaml")
        assert (row["customer"], row["created"]) == (case.customer, dates.to_iso(case.created))


def test_an_unwritable_cache_still_lists_correctly(
    cases: dict[str, Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("CALM_CACHE", str(blocker / "cache"))
    for _ in range(2):
        listing = index.open_rows()
        assert listing.warnings == []
        assert {r.id: r.due for r in listing.rows} == open_truth()
        assert all_view() == truth()
    assert blocker.read_text() == "a file where the cache folder should be\n"

    runner = CliRunner()
    result = runner.invoke(app, ["followup"])
    assert result.exit_code == 0, result.output
    assert "Dana Fox" in result.stdout and "Sam Ortiz" in result.stdout
    assert "Pat Jones" not in result.stdout
    assert result.stderr == ""
    result = runner.invoke(app, ["followup", "--check"])
    assert (result.exit_code, result.stdout) == (
        1,
        "2 check-ins due: Dana Fox (overdue 1 day), Sam Ortiz\n",
    )
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    assert {r["id"] for r in json.loads(result.stdout)} == {c.id for c in cases.values()}


def test_a_listed_case_that_cannot_be_stat_ed_is_warned_about_not_forgotten(
    cases: dict[str, Case],
) -> None:
    """A case file the listing cannot even stat (here a symlink loop put in its place) is named
    in a warning, and the other cases are listed; it is not dropped as if deleted."""
    listed_view()
    path = case_file(cases["dana"])
    path.unlink()
    path.symlink_to(path.name)  # points at itself
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert str(path) in result.stderr
    for other in ("sam", "pat", "olga"):
        assert cases[other].id in result.stdout
