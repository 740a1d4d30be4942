"""Hostile input, through the installed `calm`: each is refused with a clear message and the right
exit code (2 for bad input, 1 for a disk failure), never a Traceback, and nothing already written
is lost. Every input tried goes into the summary's table (`helpers.tried`).

- trees (`calm tree check`) and answers files (`calm new --answers F --no-input`): the hostile
  file list (empty, list/scalar top level, syntax errors, alias bomb, !!python tags, 5,000-deep
  nesting, invalid UTF-8, binary, over 1 MiB, a directory, a missing path), plus wrong types;
- case files edited into nonsense: every listing command still works, warns naming the file and
  exits as it did before;
- dates (`31/02`, `yesterday`, `+99999d`, empty, ...) via `snooze --until`, `log --next` and
  answers files;
- customer text (Rich markup, ANSI escapes, CR/LF, NUL, right-to-left, 10,000 characters, `../`):
  files stay in CALM_HOME, no ESC reaches stdout, the .ics gets no injected lines;
- the environment: CALM_HOME unwritable (a file where the folder should be, a path under /proc,
  a read-only mount), missing (created on demand), a full disk (a small tmpfs, or ENOSPC
  injected by `enospc.py`).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import yaml

from calmcli.domain.case import Case
from calmcli.store import cases as store
from casefactory import make_case
from treeanswers import default_answers

from .helpers import (
    ANSI,
    LONG,
    Result,
    calm_env,
    check_clean,
    record,
    run_calm,
    run_many,
    snapshot,
    tried,
)

SECTION = "hostile"
ENOSPC = Path(__file__).with_name("enospc.py")

GOOD_ANSWERS = default_answers()


def alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


HOSTILE_FILES: dict[str, bytes | None] = {
    "empty": b"",
    "list top level": b"- format: 1\n- id: x\n",
    "scalar top level": b"hello\n",
    "syntax error": b"format: 1\nid: base\n  title: x\n",
    "unclosed quote": b'format: 1\ntitle: "never closed\n',
    "alias bomb": alias_bomb(),
    "!!python/object/apply": b'!!python/object/apply:os.system ["touch PWNED"]\n',
    "!!python/name tag": b"format: 1\nid: !!python/name:os.system\n",
    "5,000-deep flow nesting": b"[" * 5000 + b"]" * 5000,
    "5,000-deep block nesting": b"- " * 5000 + b"x\n",
    "invalid UTF-8": b"format: 1\nid: ab\xffcd\n",
    "binary": random.Random(20240601).randbytes(4096) + b"\x00\x01\x02",
    "over 1 MiB": b"# " + b"x" * (1024 * 1024) + b"\n",
    "directory": None,  # made a folder
    "missing path": None,  # never made
}

WRONG_TYPES = (
    b"customer_name: [Dana, Whitfield]\n"
    b"feelings: banana\n"
    b"option_ratings: {option_1: {ease: 99}}\n"
    b"situation: {angry: yes}\n"
    b"cause: [x]\n"
    b"followup_at: [1, 2]\n"
    b"option_2: 3.5\n"
    b"wants: 42\n"
    b"no_such_question: x\n"
    b"breathe: a note takes no answer\n"
    b"intensity: 4\n"  # a question of version 1 of the tree
)


def make_hostile(folder: Path, name: str) -> Path:
    path = folder / (name.replace(" ", "-").replace("/", "-").replace("!", "") + ".yaml")
    data = HOSTILE_FILES.get(name, WRONG_TYPES if name == "wrong types" else None)
    if name == "directory":
        path.mkdir()
    elif data is not None:
        path.write_bytes(data)
    return path


def outcome(res: Result) -> str:
    """`exit N: <first line of the message>` (for a traceback: the exception, its last line)."""
    lines = (res.err.strip() or res.out.strip() or "(nothing)").splitlines()
    line = lines[-1] if res.traceback else lines[0]
    return f"exit {res.code}: {'Traceback: ' if res.traceback else ''}{line.strip()}"


def write_answers(path: Path, answers: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


# -- trees and answers files -------------------------------------------------------------------


def test_hostile_trees_via_tree_check(tmp_path: Path) -> None:
    folder = tmp_path / "trees"
    folder.mkdir()
    files = {name: make_hostile(folder, name) for name in HOSTILE_FILES}
    if LONG:  # one command per file
        results = run_many([(["tree", "check", str(p)], {}) for p in files.values()])
        by_name = dict(zip(files, results, strict=True))
    else:  # one command for all: each file's problems are printed on their own lines
        res = run_calm(["tree", "check", *map(str, files.values())])
        by_name = dict.fromkeys(files, res)
    for name, path in files.items():
        res = by_name[name]
        mine = [line for line in res.err.splitlines() if line.startswith(str(path))]
        ok = res.code == 2 and bool(mine) and not res.traceback
        tried(
            SECTION,
            f"tree: {name}",
            "calm tree check",
            mine[0][len(str(folder)) + 1 :][:140] if mine else outcome(res),
            ok=ok,
        )
    for res in {id(r): r for r in by_name.values()}.values():
        check_clean(res, SECTION)
        assert res.code == 2, res.show()
    for name, path in files.items():
        assert str(path) in by_name[name].err, f"{name}: not named\n{by_name[name].show()}"
    assert not any(folder.glob("PWNED")) and not Path("PWNED").exists()


def test_hostile_answers_files_via_new_no_input(calm_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    names = [*HOSTILE_FILES, "wrong types"]
    files = [make_hostile(folder, name) for name in names]
    results = run_many(
        [(["new", "--tree", "default", "--answers", str(p), "--no-input"], {}) for p in files]
    )
    for name, path, res in zip(names, files, results, strict=True):
        check_clean(res, SECTION)
        named = str(path) in res.err or (name == "empty" and "missing" in res.err)
        tried(
            SECTION,
            f"answers: {name}",
            "calm new --answers --no-input",
            outcome(res),
            ok=res.code == 2 and named,
        )
        assert res.code == 2, res.show()
        assert res.err.startswith("calm: "), res.show()
        assert named, res.show()
    wrong = results[-1].err
    for key in (
        "customer_name",
        "feelings",
        "option_ratings",
        "situation",
        "cause",
        "followup_at",
        "wants",
        "no_such_question",
        "breathe",
        "intensity",
    ):
        assert f": {key}: " in wrong, f"{key} not reported:\n{wrong}"
    assert not (calm_home / "cases").exists()


# -- case files edited into nonsense -----------------------------------------------------------


def valid_case_text(case_id: str, **changes: object) -> bytes:
    data = {
        "calm_case": 1,
        "id": case_id,
        "tree": {"id": "default", "version": 1},
        "customer": "Edited Person",
        "created": "2026-11-01T09:00:00+00:00",
        "status": "open",
        "followup_due": "2026-12-20T09:00:00+00:00",
        "answers": {},
        "history": [],
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not ...}
    return yaml.safe_dump(data).encode()


def nonsense_cases() -> dict[str, bytes]:
    """File stem -> content of a case file a hand edit (or a bad sync) broke."""
    return {
        "empty": b"",
        "words": b"I rang her back and it went fine\n",
        "a-list": b"- calm_case: 1\n- id: a-list\n",
        "binary": random.Random(7).randbytes(2048),
        "latin-1": "customer: Ren\xe9e\n".encode("latin-1"),
        "nul-bytes": b"calm_case: 1\nid: nul\x00bytes\n",
        "syntax": b"calm_case: 1\nid: syntax\n  customer: x\n",
        "alias-bomb": alias_bomb(),
        "python-tag": b'!!python/object/apply:os.system ["touch PWNED"]\n',
        "deep": b"[" * 5000 + b"]" * 5000,
        "too-big": b"# " + b"x" * (1024 * 1024 + 10) + b"\n",
        "format-2": valid_case_text("format-2", calm_case=2),
        "no-id": valid_case_text("no-id", id=...),
        "id-mismatch": valid_case_text("someone-else"),
        "bad-id": valid_case_text("bad-id", id="../../etc/passwd"),
        "status-pending": valid_case_text("status-pending", status="pending"),
        "history-text": valid_case_text("history-text", history="rang twice"),
        "checkins-words": valid_case_text("checkins-words", checkins=["ok", "fine"]),
        "answers-list": valid_case_text("answers-list", answers=[1, 2]),
        "created-words": valid_case_text("created-words", created="last tuesday"),
        "due-yesterday": valid_case_text("due-yesterday", followup_due="yesterday"),
        "due-year-0": valid_case_text("due-year-0", followup_due="0000-01-01T00:00"),
        "customer-number": valid_case_text("customer-number", customer=42),
        "tree-text": valid_case_text("tree-text", tree="default"),
    }


LISTINGS = (
    ["list"],
    ["list", "--json"],
    ["followup"],
    ["followup", "--all"],
    ["followup", "--json"],
    ["followup", "--check"],
    ["patterns", "--since", "all"],
)


def expected_rows(args: list[str], good: list[Case]) -> list[Case]:
    """The good cases a listing shows: all of them, or only the one that is due (or none)."""
    if args[0] == "patterns":
        return []
    if args[0] == "list" or "--all" in args:
        return good
    return good[:1]


@pytest.fixture
def two_good_cases(calm_home: Path) -> list[Case]:
    return [
        make_case("Good Due", created="2026-11-20T09:00", due="2026-11-30T09:00"),
        make_case("Good Later", created="2026-11-21T09:00", due="2026-12-10T09:00"),
    ]


def test_nonsense_case_files_are_skipped_with_a_warning(
    calm_home: Path, two_good_cases: list[Case]
) -> None:
    before = run_many([(args, {}) for args in LISTINGS])
    for res in before:
        check_clean(res, SECTION)
        assert res.err == "", res.show()
    cases = calm_home / "cases"
    bad = nonsense_cases()
    for stem, data in bad.items():
        (cases / f"{stem}.yaml").write_bytes(data)
    # Not files: skipped without a word, and never opened (a FIFO would hang a reader).
    (cases / "folder.yaml").mkdir()
    os.mkfifo(cases / "fifo.yaml")
    (cases / "dangling.yaml").symlink_to(cases / "nowhere.yaml")
    kept = snapshot(cases)

    after = run_many([(args, {"timeout": 30}) for args in LISTINGS])
    for args, old, res in zip(LISTINGS, before, after, strict=True):
        check_clean(res, SECTION)
        assert res.code == old.code, f"exit code changed\n{old.show()}\n{res.show()}"
        unnamed = [s for s in bad if f"{s}.yaml" not in res.err]
        assert unnamed == [], f"not warned about: {unnamed}\n{res.show()}"
        for good in expected_rows(args, two_good_cases):
            assert good.id in res.out or good.customer in res.out, res.show()
        assert "folder.yaml" not in res.err and "fifo.yaml" not in res.err, res.show()
    assert json.loads(after[1].out) and len(json.loads(after[1].out)) == 2
    for stem in bad:
        warned = [line for line in after[0].err.splitlines() if f"{stem}.yaml" in line]
        tried(
            SECTION,
            f"case file: {stem}",
            "calm list / followup / patterns",
            f"exit unchanged; {warned[0] if warned else 'no warning'}",
            ok=bool(warned),
        )
    assert snapshot(cases) == kept, "a listing changed a case file"
    assert not Path("PWNED").exists()


def test_a_symlink_loop_in_cases_hides_no_case(calm_home: Path, two_good_cases: list[Case]) -> None:
    before = run_many([(["followup", "--check"], {}), (["list"], {})])
    loop = calm_home / "cases" / "loop.yaml"
    loop.symlink_to(loop)
    after = run_many([(["followup", "--check"], {}), (["list"], {})])
    for res in after:
        check_clean(res, SECTION)
    tried(
        SECTION,
        "case file: symlink loop",
        "calm followup --check / list",
        outcome(after[0]),
        ok=after[0].code == before[0].code and two_good_cases[1].id in after[1].out,
    )
    assert after[0].code == before[0].code == 1, after[0].show()
    assert all(c.id in after[1].out for c in two_good_cases), after[1].show()


def test_a_case_edited_in_place_after_it_was_indexed(
    calm_home: Path, two_good_cases: list[Case]
) -> None:
    first = run_many([(["followup", "--check"], {}), (["list"], {})])
    later = store.case_path(two_good_cases[1].id)
    later.write_text("calm_case: 1\nid: [this, is, wrong]\n", encoding="utf-8")
    second = run_many([(["followup", "--check"], {}), (["list"], {})])
    for old, res in zip(first, second, strict=True):
        check_clean(res, SECTION)
        assert res.code == old.code, res.show()
        assert later.name in res.err, res.show()
    assert two_good_cases[0].id in second[1].out and two_good_cases[1].id not in second[1].out
    tried(
        SECTION,
        "case file edited in place after indexing",
        "calm followup --check / list",
        outcome(second[0]),
    )


# -- dates -------------------------------------------------------------------------------------

BAD_DATES = ["31/02", "yesterday", "+99999d", "", "2026-02-31", "25:00", "fri\x1b[2J", "9" * 200]


def test_bad_dates_are_refused_and_change_nothing(
    calm_home: Path, tmp_path: Path, two_good_cases: list[Case]
) -> None:
    case_id = two_good_cases[0].id
    kept = snapshot(calm_home)
    dates = BAD_DATES if LONG else BAD_DATES[:4] + ["fri\x1b[2J"]
    jobs = [(["followup", "snooze", case_id, "--until", d], {}) for d in dates]
    # (`log --next ""` means "not given": the default check-in, so it is not tried here.)
    logged = [d for d in dates[:4] if d]
    jobs += [(["log", case_id, "--next", d, "--no-input"], {}) for d in logged]
    files = [
        write_answers(tmp_path / f"date-{i}.yaml", {**GOOD_ANSWERS, "followup_at": d})
        for i, d in enumerate(dates[:4])
    ]
    jobs += [(["new", "--tree", "default", "--answers", str(f), "--no-input"], {}) for f in files]
    results = run_many(jobs)
    vias = ["snooze --until"] * len(dates) + ["log --next"] * len(logged)
    vias += ["answers followup_at"] * 4
    shown = [*dates, *logged, *dates[:4]]
    for via, date, res in zip(vias, shown, results, strict=True):
        check_clean(res, SECTION)
        good = res.code == 2 and res.err.startswith("calm: ") and "\x1b" not in res.err
        tried(SECTION, f"date {date!r}", via, outcome(res), ok=good)
        assert good, res.show()
    assert snapshot(calm_home) == kept, "a refused date changed a file"


# -- customer text -----------------------------------------------------------------------------

HOSTILE_TEXT = {
    "rich markup": "[bold red]Dana[/] [link=https://example.com]click[/link] [/]",
    "ANSI escapes": "Dana\x1b[2J\x1b]0;pwned\x07\x1b[31mRed\x1b[0m",
    "CR/LF and iCalendar lines": "Dana\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\nX-EVIL:1",
    "NUL": "Da\x00na",
    "right-to-left": "\u202eanaD\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "10,000 characters": "A" * 10_000,
    "../ path": "../../../../tmp/escaped",
    "absolute path": "/etc/passwd",
}


def hostile_answers(text: str) -> dict[str, object]:
    return {
        **GOOD_ANSWERS,
        "customer_name": text[:120],
        "job": text[:200],
        "cause": text[:120],
        "what_happened": text,
        "wants_words": text[:160],
        "option_1": text[:120],
    }


def outside_files(root: Path) -> set[str]:
    """Files under `root` but outside CALM_HOMEs and caches (`home-*`), answers files aside."""
    return {
        str(p)
        for p in root.rglob("*")
        if p.is_file()
        and not p.relative_to(root).parts[0].startswith("home-")
        and not p.name.endswith(".yaml")
    }


ICS_PROPERTIES = {
    "BEGIN",
    "END",
    "PRODID",
    "VERSION",
    "CALSCALE",
    "METHOD",
    "UID",
    "X-CALM-REVISION",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "CATEGORIES",
    "STATUS",
    "SEQUENCE",
    "ACTION",
    "TRIGGER",
    "TZID",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "TZNAME",
    "RRULE",
    "RDATE",
    "COMMENT",
}


def check_reminder(path: Path) -> None:
    raw = path.read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    assert len(calendar.walk("VEVENT")) == 1
    unfolded = raw.decode().replace("\r\n ", "").replace("\r\n\t", "")
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line}
    assert names <= ICS_PROPERTIES, names - ICS_PROPERTIES
    assert "\x1b" not in unfolded and "\x00" not in unfolded


def test_hostile_customer_text(tmp_path: Path) -> None:
    kinds = [k for k in HOSTILE_TEXT if k != "ANSI escapes"]  # that one: its own test below
    homes = {k: tmp_path / f"home-{i}" for i, k in enumerate(kinds)}
    envs = {k: calm_env(CALM_HOME=str(h), CALM_CACHE=str(h) + "-cache") for k, h in homes.items()}
    files = {
        k: write_answers(tmp_path / f"hostile-{i}.yaml", hostile_answers(HOSTILE_TEXT[k]))
        for i, k in enumerate(kinds)
    }
    before = outside_files(tmp_path)
    created = run_many(
        [
            (
                ["new", "--tree", "default", "--answers", str(files[k]), "--no-input"],
                {"env": envs[k]},
            )
            for k in kinds
        ]
    )
    ids = {}
    for kind, res in zip(kinds, created, strict=True):
        check_clean(res, SECTION)
        assert res.code == 0, res.show()
        (case_file,) = (homes[kind] / "cases").glob("*.yaml")
        ids[kind] = store.load_case(case_file).id
    shown = run_many(
        [(["show", ids[k]], {"env": envs[k]}) for k in kinds]
        + [(["followup", "--all"], {"env": envs[k]}) for k in kinds]
    )
    for i, kind in enumerate(kinds):
        runs = (created[i], shown[i], shown[len(kinds) + i])
        for r in runs[1:]:
            check_clean(r, SECTION)
            assert r.code == 0, r.show()
        escapes = [r.args[0] for r in runs if ANSI.search(r.out)]
        tried(
            SECTION,
            f"customer text: {kind}",
            "calm new --answers --no-input; show; followup",
            f"exit 0, case {ids[kind][:40]}, ESC in stdout of: {escapes or 'none'}",
            ok=not escapes,
        )
        assert escapes == [], kind
        assert store.SAFE_ID.fullmatch(ids[kind])
        check_reminder(homes[kind] / "followups" / f"{ids[kind]}.ics")
        plan = (homes[kind] / "cases" / f"{ids[kind]}.md").read_text(encoding="utf-8")
        assert "\x1b" not in plan
    assert outside_files(tmp_path) == before, "a file was written outside"
    assert not Path("/tmp/escaped").exists() and not (tmp_path.parent / "escaped").exists()
    long_case = store.load_case(
        homes["10,000 characters"] / "cases" / f"{ids['10,000 characters']}.yaml"
    )
    assert long_case.answers["what_happened"] == HOSTILE_TEXT["10,000 characters"]  # kept whole


def test_ansi_escapes_in_customer_text_never_reach_stdout(calm_home: Path, tmp_path: Path) -> None:
    text = HOSTILE_TEXT["ANSI escapes"]
    answers = write_answers(tmp_path / "hostile.yaml", hostile_answers(text))
    res = run_calm(["new", "--tree", "default", "--answers", str(answers), "--no-input"])
    check_clean(res, SECTION)
    assert res.code == 0, res.show()
    (case_file,) = (calm_home / "cases").glob("*.yaml")
    case_id = case_file.stem
    check_reminder(calm_home / "followups" / f"{case_id}.ics")
    shown = run_calm(["show", case_id])
    escapes = [r.args[0] for r in (res, shown) if ANSI.search(r.out)]
    tried(
        SECTION,
        "customer text: ANSI escapes",
        "calm new --answers --no-input; show",
        f"exit {res.code}, ESC in stdout of: {escapes or 'none'}",
        ok=not escapes,
    )
    assert escapes == []


# -- the environment ---------------------------------------------------------------------------


def answers_path(tmp_path: Path) -> Path:
    return write_answers(tmp_path / "good.yaml", GOOD_ANSWERS)


def writes(case_id: str, answers: Path) -> list[list[str]]:
    """Every kind of write: a new case, and the three changes to an existing one."""
    return [
        ["new", "--tree", "default", "--answers", str(answers), "--no-input"],
        ["log", case_id, "--option", "Regrout", "--next", "+3d", "--no-input"],
        ["followup", "done", case_id, "--not-reached", "--next", "+2d", "--no-input"],
        ["followup", "snooze", case_id, "--until", "+4d"],
    ]


def expect_failure(results: list[Result], what: str, code: int, words: str) -> None:
    for res in results:
        check_clean(res, SECTION)
        good = res.code == code and res.err.startswith("calm: ") and words in res.err
        tried(SECTION, what, f"calm {' '.join(res.args[:2])}", outcome(res), ok=good)
        assert good, res.show()


def test_calm_home_unwritable(tmp_path: Path) -> None:
    """As root, chmod cannot make a folder unwritable: a file where the folder should be, and a
    path under /proc, are (a read-only mount is below)."""
    a_file = tmp_path / "home-is-a-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    homes = {"a file": a_file, "under /proc": Path("/proc/calm-home-test")}
    new = writes("x", answers_path(tmp_path))[0]
    results = run_many(
        [(new, {"env": calm_env(CALM_HOME=str(h))}) for h in homes.values()]
        + [(["list"], {"env": calm_env(CALM_HOME=str(h))}) for h in homes.values()]
    )
    for where, res in zip(homes, results, strict=False):
        expect_failure([res], f"CALM_HOME is {where}", 1, "could not create")
    file_listing, proc_listing = results[len(homes) :]
    # A file where the folder should be is a setup mistake to point at, not "no cases".
    expect_failure([file_listing], "CALM_HOME is a file (listing)", 1, "Not a directory")
    check_clean(proc_listing, SECTION)
    assert proc_listing.code == 0, proc_listing.show()  # nothing there yet: no cases


def test_calm_home_missing_is_created_on_demand(tmp_path: Path) -> None:
    home = tmp_path / "not" / "there" / "yet"
    env = calm_env(CALM_HOME=str(home))
    listing = run_calm(["followup", "--check"], env)
    check_clean(listing, SECTION)
    assert listing.code == 0, listing.show()
    res = run_calm(writes("x", answers_path(tmp_path))[0], env)
    check_clean(res, SECTION)
    tried(
        SECTION,
        "CALM_HOME missing",
        "calm new --answers --no-input",
        outcome(res),
        ok=res.code == 0,
    )
    assert res.code == 0, res.show()
    assert len(list((home / "cases").glob("*.yaml"))) == 1
    assert len(list((home / "followups").glob("*.ics"))) == 1


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "256k") -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def first_case(home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A case (file and reminder) in `home`, written in-process as calm writes it."""
    with monkeypatch.context() as m:
        m.setenv("CALM_HOME", str(home))
        case = make_case("Dana Whitfield", created="2026-11-20T09:00", due="2026-12-02T09:00")
    return case.id


def test_full_disk_on_a_real_tmpfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        home = disk / "home"
        env = calm_env(CALM_HOME=str(home))
        case_id = first_case(home, monkeypatch)
        kept = snapshot(home)
        with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        results = run_many(
            [(args, {"env": env}) for args in writes(case_id, answers_path(tmp_path))]
        )
        expect_failure(results, "full disk (tmpfs)", 1, "No space left on device")
        assert {k: v for k, v in snapshot(home).items() if "/." not in f"/{k}"} == kept
        (disk / "filler").unlink()
        again = run_calm(writes(case_id, answers_path(tmp_path))[1], env)
        assert again.code == 0, again.show()  # works again once there is room


def test_full_disk_injected(
    calm_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = calm_env()
    case_id = first_case(calm_home, monkeypatch)
    kept = snapshot(calm_home)
    exe = [sys.executable, str(ENOSPC)]
    results = run_many(
        [(args, {"env": env, "exe": exe}) for args in writes(case_id, answers_path(tmp_path))]
    )
    expect_failure(results, "full disk (ENOSPC injected)", 1, "No space left on device")
    assert snapshot(calm_home) == kept


def test_read_only_calm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        home = disk / "home"
        env = calm_env(CALM_HOME=str(home))
        case_id = first_case(home, monkeypatch)
        kept = snapshot(home)
        ro = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.decode().strip()}")
        results = run_many(
            [(args, {"env": env}) for args in writes(case_id, answers_path(tmp_path))]
        )
        expect_failure(results, "CALM_HOME read-only (mount -o ro)", 1, "Read-only file system")
        assert snapshot(home) == kept
        listing = run_calm(["list"], env)
        check_clean(listing, SECTION)
        assert listing.code == 0 and case_id in listing.out, listing.show()


def test_a_failed_new_case_leaves_no_half_case(calm_home: Path, tmp_path: Path) -> None:
    exe = [sys.executable, str(ENOSPC)]
    env = calm_env(CALM_ENOSPC=".md")
    res = run_calm(writes("x", answers_path(tmp_path))[0], env, exe=exe)
    check_clean(res, SECTION)
    assert res.code == 1 and "No space left on device" in res.err, res.show()
    left = sorted(p.name for p in (calm_home / "cases").glob("[!.]*"))
    record(SECTION, half_cases_left=len(left))
    assert left == [], f"a failed calm new left {left}"


# -- case files that load but hold odd values --------------------------------------------------

ODD_BUT_VALID: dict[str, dict[str, object]] = {
    "answers of every wrong type": {
        "answers": {
            "feelings": "lots",
            "option_ratings": [1],
            "wants": {"a": 1},
            "situation": ["x"],
            "customer_name": None,
            "followup_at": "soon",
        }
    },
    "checkin with odd values": {"checkins": [{"at": [1], "satisfaction": [1], "feedback": 3}]},
    "history with odd values": {"history": [{"at": {"x": 1}, "event": None}, {}]},
    "review with lists": {"review": {"root_cause": [1, 2], "lesson": {"a": 1}, "led_to": 5}},
    "unknown tree": {"tree": {"id": "../../etc/passwd", "version": "x"}},
    "phone and job as numbers": {"phone": 7700900123, "job": 42},
    "5,000-character customer": {"customer": "Z" * 5000},
    "created far past": {"created": "1970-01-01T00:00:00"},
    "due far past": {"followup_due": "1900-01-01T00:00:00+00:00"},
    "outcome without actions": {"outcome": {"option": None, "notes": ["a", "b"]}},
    "extra keys": {"synced_by": "dropbox", "calm_case_conflict": True},
}


def odd_case(home: Path, stem: str, changes: dict[str, object]) -> str:
    case_id = f"2026-11-{stem}"
    (home / "cases").mkdir(parents=True, exist_ok=True)
    (home / "cases" / f"{case_id}.yaml").write_bytes(valid_case_text(case_id, **changes))
    return case_id


def test_case_files_with_odd_values_still_list_show_and_export(calm_home: Path) -> None:
    from typer.testing import CliRunner

    from calmcli.cli.app import app

    ids = {
        name: odd_case(calm_home, f"odd-{i}", ch)
        for i, (name, ch) in enumerate(ODD_BUT_VALID.items())
    }
    listings = run_many([(args, {}) for args in LISTINGS])
    for res in listings:
        check_clean(res, SECTION)
        assert res.code in (0, 1) and res.err == "", res.show()  # 1: `followup --check`, due
    runner = CliRunner()
    for name, case_id in ids.items():
        for args in (
            ["show", case_id],
            ["export", case_id, "--format", "md"],
            ["export", case_id, "--format", "json"],
            ["export", case_id, "--format", "ics"],
        ):
            result = runner.invoke(app, args, env=calm_env())
            record(SECTION, in_process_runs=1)
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            assert not crashed, f"{name}: calm {' '.join(args)}: {result.exception!r}"
            assert result.exit_code in (0, 2), f"{name}: {args}: {result.output}"
        tried(
            SECTION,
            f"case file: {name}",
            "calm list/followup/patterns/show/export",
            "listed, shown and exported",
        )


def test_outcome_actions_that_are_not_mappings(calm_home: Path) -> None:
    case_id = odd_case(calm_home, "actions", {"outcome": {"option": "x", "actions": ["call back"]}})
    results = run_many([(["show", case_id], {}), (["export", case_id, "--format", "md"], {})])
    for res in results:
        tried(
            SECTION,
            "case file: outcome.actions: [call back]",
            f"calm {res.args[0]}",
            outcome(res),
            ok=not res.traceback,
        )
        record(SECTION, processes=1, tracebacks=res.traceback)
    assert not any(res.traceback for res in results), results[0].show()


def test_export_ics_of_a_case_due_at_the_end_of_time(calm_home: Path) -> None:
    case_id = odd_case(calm_home, "year-9999", {"followup_due": "9999-12-31T23:59:00+00:00"})
    res = run_calm(["export", case_id, "--format", "ics"])
    tried(
        SECTION,
        "case file: followup_due 9999-12-31T23:59",
        "calm export --format ics",
        outcome(res),
        ok=not res.traceback,
    )
    check_clean(res, SECTION)
    assert res.code == 2, res.show()


@pytest.mark.parametrize("closed_at", ["2026-11-25T10:00", "last tuesday"])
def test_patterns_with_a_hand_edited_close_time(calm_home: Path, closed_at: str) -> None:
    odd_case(
        calm_home,
        "closed",
        {
            "status": "closed",
            "followup_due": None,
            "history": [
                {"at": "2026-11-01T09:00:00+00:00", "event": "created"},
                {"at": closed_at, "event": "closed"},
            ],
        },
    )
    res = run_calm(["patterns", "--since", "all"])
    tried(
        SECTION,
        f"case file: closed event at {closed_at!r}",
        "calm patterns",
        outcome(res),
        ok=not res.traceback,
    )
    check_clean(res, SECTION)
    assert res.code == 0, res.show()
