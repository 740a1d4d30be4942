"""The due file behind `calm followup --check`: the same answer as the full path, read without
SQLite, dates or JSON, and never trusted once the cases changed behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from calmcli.clock.now import local_now
from calmcli.files import paths
from calmcli.store import cases as store
from calmcli.store import duefile, index, indexdb
from casefactory import make_case

CHECK = (
    "import sys; sys.argv = ['calm', 'followup', '--check'];"
    "from calmcli.cli.entry import main\n"
    "try:\n    main()\nfinally:\n"
    "    heavy = sorted(m for m in ('sqlite3', 'datetime', 'json', 'yaml', 'rich', 'typer')"
    " if m in sys.modules)\n    print('LOADED', heavy, file=sys.stderr)"
)


def check() -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CALM_NOW"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def board() -> list[str]:
    """Cases due relative to the real clock: the due file path only answers for real time."""
    now = local_now()
    return [
        make_case("Ann Lee", created=now - timedelta(days=9), due=now - timedelta(days=2)).id,
        make_case("Bob Ray", created=now - timedelta(days=5), due=now + timedelta(days=3)).id,
    ]


def test_the_due_file_gives_the_full_paths_answer_without_loading_anything_heavy(
    board: list[str],
) -> None:
    index.open_rows()  # the full path, which writes the due file
    assert (indexdb.index_dir() / duefile.NAME).is_file()
    code, out, err = check()
    assert (code, out) == (1, "1 check-in due: Ann Lee (overdue 2 days)\n")
    assert "LOADED []" in err  # answered from the due file alone


def test_a_change_behind_its_back_sends_check_the_full_way(board: list[str]) -> None:
    index.open_rows()
    path = store.case_path(board[1])
    text = path.read_text(encoding="utf-8")
    soon = local_now() - timedelta(days=1)
    path.write_text(
        text.replace("status: open", "status: open\n", 1).replace(
            "followup_due: '", f"followup_due: '{soon.isoformat(timespec='seconds')}'\nx_old: '", 1
        ),
        encoding="utf-8",
    )  # an in-place hand edit: Bob is now overdue
    code, out, err = check()
    assert code == 1 and "Bob Ray (overdue 1 day)" in out, out + err
    assert "sqlite3" in err  # it had to look again
    code, out, err = check()  # and wrote a new due file: the next one is quick again
    assert "LOADED []" in err and "Bob Ray" in out


def test_an_unreadable_case_is_always_told(board: list[str], calm_home: Path) -> None:
    (calm_home / "cases" / "2026-01-01-broken.yaml").write_text("{{{\n")
    index.open_rows()
    assert not (indexdb.index_dir() / duefile.NAME).exists()
    code, out, err = check()
    assert "2026-01-01-broken.yaml" in err


def test_a_new_case_from_a_sync_is_seen(board: list[str], tmp_path: Path) -> None:
    index.open_rows()
    new = make_case("Cat Poe", created=datetime.now().astimezone(), due=local_now(),
                    reminder=False)  # fmt: skip
    assert new.id
    code, out, _ = check()
    assert "Cat Poe" in out


def test_the_quick_path_finds_the_cache_where_calm_puts_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for env in ({"CALM_CACHE": str(tmp_path / "c")}, {"XDG_CACHE_HOME": str(tmp_path / "x")}, {}):
        monkeypatch.delenv("CALM_CACHE", raising=False)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        root = duefile.cache_root()
        if sys.platform.startswith("linux") or sys.platform == "darwin":
            assert root == str(paths.cache_dir())
