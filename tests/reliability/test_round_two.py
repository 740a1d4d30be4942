"""Round two: the defects an outside tester found (issue "Nothing lost, nothing injected, round
two"), each as a test that failed before its fix. Numbers in the test names are the issue's.

Data lost or hidden (1-5) and the files calm keeps (15-25, 28) are here; hostile trees (10-14,
26, 27) are in `test_hostile_trees.py`, hostile text in the terminal (6-9) in
`test_round_two_text.py`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from calmcli.casebook import save
from calmcli.domain import lifecycle
from calmcli.store import cases as store
from calmcli.store import index, indexdb
from casefactory import make_case, reload, reminder_file
from treeanswers import default_answers

from .helpers import calm_env, count, record, run_calm, stray_files

SECTION = "round two"
HERE = Path(__file__).resolve().parent


def ics_start(path: Path) -> str:
    """When the reminder's event starts, as iCalendar writes it (20261204T090000)."""
    import icalendar

    (event,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    return event.start.strftime("%Y%m%dT%H%M%S")


def events(case_id: str, kind: str) -> int:
    return sum(1 for e in reload(case_id).history if e.get("event") == kind)


# -- 1: one lock whatever the cache settings ---------------------------------------------------


def test_01_processes_with_different_caches_take_the_same_lock(tmp_path: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-02T09:00")
    n = count("two_cache_processes", 12, 40)
    procs = []
    for i in range(n):
        env = calm_env(
            CALM_CACHE=str(tmp_path / f"cache-{i % 3}"),
            XDG_CACHE_HOME=str(tmp_path / f"xdg-{i % 2}"),
        )
        if i % 3 == 2:
            env.pop("CALM_CACHE")
        cmd = [sys.executable, "-m", "calmcli", "log", case.id, "--option", f"w{i}"]
        procs.append(subprocess.Popen([*cmd, "--no-input"], env=env, stdin=subprocess.DEVNULL))
    codes = [p.wait(timeout=300) for p in procs]
    record(SECTION, processes=n, two_cache_updates=n)
    assert codes == [0] * n
    logged = [e["option"] for e in reload(case).history if e.get("event") == "logged"]
    record(SECTION, losses=n - len(logged))
    assert sorted(logged) == sorted(f"w{i}" for i in range(n))
    assert not (tmp_path.parent / "calm-home" / ".locks").exists()  # no lock file was needed


# -- 2: what calm writes it can read back ------------------------------------------------------


def test_02_a_case_that_would_grow_too_big_is_refused_before_it_is_written() -> None:
    """Each `calm log` keeps its option in the history: ordinary calls grow a case. The one
    that would take it past what calm can read is refused, and the case stays readable."""
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-02T09:00")
    path = store.case_path(case.id)
    option = "regrout " * 15_000  # 120 KB: about as much as one argument may hold
    calls = 0
    while calls < 20:
        calls += 1
        before = path.read_bytes()
        result = run_calm(["log", case.id, "--option", option, "--no-input"])
        if result.code != 0:
            break
    assert result.code == 2, result.show()
    assert "over calm's limit" in result.err and "nothing was written" in result.err
    assert calls > 3 and path.read_bytes() == before
    assert len(before) <= store.MAX_CASE_BYTES
    listed = run_calm(["followup", "--all"])
    assert case.customer in listed.out and listed.err == ""
    assert run_calm(["show", case.id]).code == 0


def test_02_a_huge_answer_is_refused_before_the_case_exists(tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.yaml"
    base = default_answers(what_happened="y" * (1100 * 1024))
    answers_file.write_text(yaml.safe_dump(base), encoding="utf-8")
    result = run_calm(["new", "--tree", "default", "--answers", str(answers_file), "--no-input"])
    assert result.code == 2, result.show()
    assert "Traceback" not in result.err
    assert not list((tmp_path / "calm-home" / "cases").glob("*.yaml"))


# -- 3: crash windows --------------------------------------------------------------------------

KILL_AFTER = """
import os, signal, sys
from calmcli.casebook import save
real = save.after_save
def after_save(case, path, *args, **kwargs):
    if os.environ.get("CALM_KILL_AT") == "before-derived":
        os.kill(os.getpid(), signal.SIGKILL)
    real(case, path, *args, **kwargs)
save.after_save = after_save
from calmcli.store import drafts
real_delete = drafts.delete_draft
def delete_draft(draft_id):
    if os.environ.get("CALM_KILL_AT") == "before-draft-removed":
        os.kill(os.getpid(), signal.SIGKILL)
    real_delete(draft_id)
drafts.delete_draft = delete_draft
sys.argv = ["calm", *sys.argv[1:]]
from calmcli.cli.entry import main
main()
"""


def killed_calm(tmp_path: Path, at: str, *args: str) -> int:
    driver = tmp_path / "kill_driver.py"
    driver.write_text(KILL_AFTER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(driver), *args],
        env=calm_env(CALM_KILL_AT=at),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    return done.returncode


def test_03_a_kill_between_the_case_and_its_reminder_is_repaired(tmp_path: Path) -> None:
    """SIGKILL after the case file is written and before its crib sheet and reminder are: the
    next command that reads the case rebuilds them (repeated with --long)."""
    stale = 0
    times = count("targeted_kills", 2, 20)
    for i in range(times):
        case = make_case(f"Dana Fox {i}", created="2026-11-20T09:00", due="2026-12-02T09:00")
        old = ics_start(reminder_file(case))
        until = ("fri", "mon", "tue")[i % 3]
        args = ("followup", "snooze", case.id, "--until", until)
        assert killed_calm(tmp_path, "before-derived", *args) == -signal.SIGKILL
        moved = reload(case).followup_due
        assert ics_start(reminder_file(case)) == old  # the reminder did not move (the kill)
        shown = run_calm(["show", case.id])
        assert shown.code == 0, shown.show()
        want = moved.strftime("%Y%m%dT%H%M%S")
        stale += ics_start(reminder_file(case)) != want
        crib = (store.case_path(case.id).with_suffix(".md")).read_text()
        stale += moved.strftime("%a %-d %b") not in crib
    record(SECTION, kills_survived=times, targeted_kills=times, losses=stale)
    assert stale == 0


def test_03_a_kill_after_a_new_case_is_saved_leaves_no_twin(tmp_path: Path) -> None:
    from calmcli.clock import dates
    from calmcli.store import drafts
    from calmcli.tree import registry

    tree = registry.resolve("default")
    now = dates.from_iso("2026-12-01T09:00")
    draft = drafts.Draft("2026-12-01-090000-ab12", "default", "default", now, now)
    draft.answers = default_answers()
    drafts.save_draft(draft)
    assert tree.id == "default"
    code = killed_calm(tmp_path, "before-draft-removed", "new", "--resume", "--no-input")
    assert code == -signal.SIGKILL
    home = tmp_path / "calm-home"
    (first,) = (home / "cases").glob("*.yaml")
    (home / "cases" / f"{first.stem}.md").unlink(missing_ok=True)  # as if the kill came sooner
    result = run_calm(["new", "--resume", "--no-input"])
    assert result.code == 0, result.show()
    assert "already saved as case" in result.out
    assert list((home / "cases").glob("*.yaml")) == [first]  # no "-2" twin
    assert not list((home / "drafts").glob("*.yaml"))
    assert (home / "cases" / f"{first.stem}.md").is_file()
    assert run_calm(["new", "--resume", "--no-input"]).code == 2  # nothing left to resume


# -- 4: conflicts hidden -----------------------------------------------------------------------


def conflicted(case_id: str) -> str:
    text = store.case_path(case_id).read_text(encoding="utf-8")
    return text.replace(
        "status: open\n",
        "<<<<<<< HEAD\nstatus: open\n=======\nstatus: closed\n>>>>>>> other\n",
    )


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_04_a_case_with_conflict_markers_is_reported_not_hidden(warm: bool) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    assert run_calm(["followup", "--check"]).code == 1
    if not warm:
        shutil.rmtree(indexdb.index_dir())
    store.case_path(case.id).write_text(conflicted(case.id), encoding="utf-8")
    for args in (["followup", "--check"], ["followup"]):
        result = run_calm(args)
        assert store.case_path(case.id).name in result.err, result.show()
        assert "Traceback" not in result.err


def test_04_a_case_arriving_in_the_same_second_as_a_check_is_seen(tmp_path: Path) -> None:
    """On a file system whose clock ticks in whole seconds, a file arriving in the same second
    as a look leaves the folder's mtime as it was. A look taken that close to a change is not
    trusted, so the next one scans again."""
    make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-09T09:00")
    folder = store.case_path("x").parent
    tick = time.time_ns() // 1_000_000_000 * 1_000_000_000  # this second, as FAT would say
    os.utime(folder, ns=(tick, tick))
    assert run_calm(["followup", "--check"]).out == "Nothing due.\n"
    # Sam's case arrives by rename from a sync tool (not through calm), in the same tick.
    arriving = folder / ".syncthing.incoming.tmp"
    sam = make_case(
        "Sam Ortiz", created="2026-11-20T09:00", due="2026-11-30T09:00", reminder=False
    ).id
    text = store.case_path(sam).read_text()
    store.case_path(sam).unlink()
    shutil.rmtree(indexdb.index_dir())  # as if calm had never seen Sam: only the sync did
    os.utime(folder, ns=(tick, tick))
    assert run_calm(["followup", "--check"]).out == "Nothing due.\n"
    arriving.write_text(text, encoding="utf-8")
    arriving.replace(store.case_path(sam))
    os.utime(folder, ns=(tick, tick))  # the coarse clock's view: no change
    result = run_calm(["followup", "--check"])
    assert result.code == 1 and "Sam Ortiz" in result.out, result.show()


# -- 5: errors after the write -----------------------------------------------------------------

REVIEW = {
    "led_to": "We never wrote the date down.",
    "avoidable": "yes",
    "root_cause": "communication",
    "effective": "yes",
    "went_well": "Called back the same day.",
    "change_kind": "process",
    "change": "Confirm dates in writing.",
    "lesson": "Write it down.",
}


def test_05_a_saved_review_is_not_reported_as_failed(tmp_path: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-02T09:00")
    path = store.case_path(case.id)
    path.write_text(
        path.read_text().replace("2026-12-02T09:00:00+00:00", "9999-12-31T23:59:00+00:00"),
        encoding="utf-8",
    )  # a hand edit no calendar can hold
    answers = tmp_path / "review.yaml"
    answers.write_text(yaml.safe_dump(REVIEW), encoding="utf-8")
    result = run_calm(["review", case.id, "--answers", str(answers), "--no-input"])
    assert result.code == 0, result.show()
    assert "is saved, but" in result.err
    assert events(case.id, "reviewed") == 1


def test_05_a_draft_that_is_a_sync_copy_is_refused_before_anything_is_written(
    calm_home: Path,
) -> None:
    folder = calm_home / "drafts"
    folder.mkdir(parents=True)
    copy = folder / "2026-12-01-090000-ab12.sync-conflict-20261201-101500-ABCDEFG.yaml"
    copy.write_text(
        "calm_draft: 1\nid: x\ntree: default\ntree_id: default\n"
        "started: '2026-12-01T09:00:00+00:00'\nupdated: '2026-12-01T09:00:00+00:00'\n"
        "answers: {customer_name: Dana}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        result = run_calm(["new", "--resume", "--no-input"])
        assert result.code == 2, result.show()
        assert copy.name in result.err
    assert not (calm_home / "cases").exists() or not list((calm_home / "cases").iterdir())
    assert copy.exists()


# -- 15-25, 28: the files calm keeps -------------------------------------------------------

NO_HOME = """
import os, pwd, sys
os.environ.pop("HOME", None)
def nobody(uid):
    raise KeyError(f"getpwuid(): uid not found: {uid}")
pwd.getpwuid = nobody
sys.argv = ["calm", *sys.argv[1:]]
from calmcli.cli.entry import main
main()
"""


@pytest.mark.parametrize("args", [["list"], ["followup"], ["followup", "--check"], ["patterns"]])
def test_15_no_home_folder(args: list[str], tmp_path: Path) -> None:
    make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    driver = tmp_path / "no_home.py"
    driver.write_text(NO_HOME, encoding="utf-8")
    env = calm_env()
    env.pop("CALM_CACHE")
    with_home = subprocess.run(
        [sys.executable, str(driver), *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in with_home.stderr
    assert with_home.returncode in (0, 1), with_home.stderr
    env.pop("CALM_HOME")
    without = subprocess.run(
        [sys.executable, str(driver), *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in without.stderr
    assert "set CALM_HOME" in without.stderr
    assert without.returncode != 0


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_16_output_encodings_other_than_utf8(encoding: str) -> None:
    make_case("José Ñúñez 王", created="2026-11-20T09:00", due="2026-11-30T09:00")
    make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    env = calm_env(PYTHONIOENCODING=encoding)
    for args in (["list"], ["followup"], ["followup", "--check"], ["show", "Dana"], ["show", "x"]):
        result = run_calm(args, env)
        assert "Traceback" not in result.err, result.show()
        assert result.code in (0, 1, 2), result.show()
        if args[0] == "list":
            assert "Dana Fox" in result.out


def test_17_an_index_of_the_right_shape_but_wrong_types_is_survived() -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    run_calm(["followup"])
    db = sqlite3.connect(indexdb.index_dir() / "index.sqlite3")
    db.execute("UPDATE cases SET customer = 42, due = x'00ff', revision = 'many', job = 3.5")
    db.commit()
    db.close()
    for args in (["followup"], ["followup", "--check"], ["show", case.id], ["list"]):
        result = run_calm(args)
        assert "Traceback" not in result.err, result.show()
        assert result.code in (0, 1), result.show()


def test_18_no_lock_file_to_get_in_the_way(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    (calm_home / ".locks" / "cases.lock").mkdir(parents=True)  # where a lock file could be
    result = run_calm(["followup", "snooze", case.id, "--until", "fri"])
    assert result.code == 0, result.show()


def test_18_a_folder_where_the_fallback_lock_file_goes_is_a_clear_error(
    calm_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    from calmcli.errors import CalmError

    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    (calm_home / ".locks" / "cases.lock").mkdir(parents=True)

    def refused(fd: int, op: int) -> None:
        raise OSError(37, "No locks available")  # as on some network file systems

    monkeypatch.setattr(fcntl, "flock", refused)
    with pytest.raises(CalmError, match="cannot lock"):
        save.update(case.id, lambda c: lifecycle.snooze(c, c.created, c.created))


@pytest.mark.parametrize("now", ["0001-01-01T00:00", "garbage", "9999-12-31T23:59"])
def test_19_odd_calm_now(now: str, tmp_path: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    env = calm_env(CALM_NOW=now)
    for args in (
        ["log", case.id, "--option", "Regrout", "--no-input"],
        ["followup", "snooze", case.id, "--until", "fri"],
        ["new", "--tree", "default", "--no-input"],
        ["followup"],
    ):
        result = run_calm(args, env)
        assert "Traceback" not in result.err, result.show()
        assert result.code == 2, result.show()
        assert "CALM_NOW" in result.err
        assert "tree" not in result.err.split("CALM_NOW")[0]  # not "the tree is invalid"


@pytest.mark.parametrize("columns", ["0", "-3", "abc", "5"])
def test_20_a_useless_columns_still_prints(columns: str) -> None:
    make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    env = calm_env(COLUMNS=columns)
    assert "Dana" in run_calm(["list"], env).out
    assert "Dana" in run_calm(["followup"], env).out
    missing = run_calm(["show", "nobody-at-all"], env)
    assert missing.code == 2 and "no case matches" in missing.err


def test_21_only_calm_temp_files_are_swept(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    old = time.time() - 7200
    keep = [
        calm_home / "cases" / f".syncthing.{case.id}.yaml.tmp",
        calm_home / "cases" / f".~{case.id}.yaml",
        calm_home / "followups" / f".syncthing.{case.id}.ics.tmp",
    ]
    drop = [
        calm_home / "cases" / f".calm-{case.id}.yaml.abcd1234.tmp",
        calm_home / "followups" / f".calm-{case.id}.ics.abcd1234.tmp",
        calm_home / "drafts" / ".calm-2026-12-01-090000-ab12.yaml.abcd1234.tmp",
        calm_home / "cases" / f".{case.id}.yaml.abcd1234.tmp",  # an older calm's name
    ]
    for path in keep + drop:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("partial\n")
        os.utime(path, (old, old))
    fresh = calm_home / "followups" / f".calm-{case.id}.ics.fresh123.tmp"
    fresh.write_text("a write in progress\n")
    assert run_calm(["list"]).code == 0
    assert run_calm(["new", "--resume", "--no-input"]).code == 2  # lists the drafts
    assert [p for p in keep if not p.exists()] == []
    assert [p for p in drop if p.exists()] == []
    assert fresh.exists()


def test_22_an_older_copy_restored_over_a_newer_one_is_reported(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-12-02T09:00")
    path = store.case_path(case.id)
    older = path.read_bytes()
    stat = path.stat()
    run_calm(["followup", "snooze", case.id, "--until", "fri"])
    run_calm(["followup", "snooze", case.id, "--until", "mon"])
    newest = reload(case).revision
    path.write_bytes(older)  # restored from a backup, with its old times
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    for args in (["list"], ["followup", "--all"]):
        result = run_calm(args)
        assert f"revision {reload(case).revision}" in result.err, result.show()
        assert f"seen revision {newest}" in result.err
    assert reload(case).followup_due.day == 2  # not undone: the user decides
    assert ics_start(reminder_file(case)).endswith("20261202T090000")  # follows the case
    # Changing it with calm settles it: the next revision is past everything seen.
    assert run_calm(["followup", "snooze", case.id, "--until", "tue"]).code == 0
    assert reload(case).revision > newest
    assert "revision" not in run_calm(["list"]).err


def test_23_a_case_files_tree_id_is_never_a_path(calm_home: Path, tmp_path: Path) -> None:
    from calmcli.tree import registry

    evil = tmp_path / "evil.yaml"
    text = (registry.builtin_dir() / "default.yaml").read_text(encoding="utf-8")
    evil.write_text(
        text.replace("id: default", "id: evil", 1).replace(
            "title: Returning an upset customer's call", "title: EVIL TREE"
        ),
        encoding="utf-8",
    )
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    path = store.case_path(case.id)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["tree"]["id"] = str(evil)
    data["plan"] = None
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for args in (["show", case.id], ["export", case.id]):
        result = run_calm(args)
        assert result.code == 0, result.show()
        assert "EVIL" not in result.out


def test_24_an_unreadable_case_is_named_when_it_may_be_the_one_asked_for(
    calm_home: Path,
) -> None:
    make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    broken = calm_home / "cases" / "2026-11-21-bob-stone.yaml"
    broken.write_text("calm_case: 1\nid: [not, text\n", encoding="utf-8")
    result = run_calm(["show", "bob"])
    assert result.code == 2
    assert str(broken) in result.err and "cannot read" in result.err


def test_25_names_that_differ_only_in_normalisation_are_one_customer() -> None:
    composed, decomposed = "Jos\u00e9 Alvar", "Jose\u0301 Alvar"
    make_case(composed, created="2026-11-20T09:00", due="2026-11-30T09:00")
    make_case(decomposed, created="2026-11-24T09:00", due="2026-12-03T09:00")
    import json

    patterns = json.loads(run_calm(["patterns", "--since", "all", "--json"]).out)
    assert list(patterns["repeat_customers"].values()) == [2]
    found = run_calm(["show", "jos\u00e9 alvar"])
    assert found.code == 2 and "matches 2 cases" in found.err


def test_28_listing_thousands_of_files_starts_no_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker pool that could hang `calm new` is gone: a cold index rebuild of 2,100
    files runs in the one process (it was no faster on two cores)."""
    import multiprocessing

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started")

    for n in range(2100):
        status = "closed" if n % 2 else "open"
        make_case(
            f"Customer {n}", created="2026-11-20T09:00", due=None, status=status, reminder=False
        )
    shutil.rmtree(indexdb.index_dir(), ignore_errors=True)
    monkeypatch.setattr(multiprocessing, "Pool", no_pool)
    monkeypatch.setattr(multiprocessing.get_context(), "Pool", no_pool)
    listing = index.open_rows()
    assert listing.rebuilt == 2100 and len(listing.rows) == 1050
    assert index.refresh().rebuilt == 1050  # the closed ones: glanced at, now read
    assert stray_files(Path(os.environ["CALM_HOME"])) == []
