"""`calm sync` given bad input: no git, no remote, a remote that refuses, a dirty repository,
a rebase in progress, a case holding conflict markers, no name to commit under. Each is one
clear message and an exit code, never a traceback, and nothing is lost."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gitteam import Team, make_team, markers, new_case

PEOPLE = {"a": "Ann Office", "b": "Ben Installer"}


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return make_team(tmp_path, PEOPLE)


def shared_case(team: Team) -> str:
    case_id = new_case(team["a"], "Dana Fox", 1)
    team["a"].calm("sync")
    team["b"].calm("sync")
    return case_id


def test_no_git_is_one_message_and_the_case_is_still_saved(team: Team, tmp_path: Path) -> None:
    case_id = shared_case(team)
    a = team["a"]
    empty = tmp_path / "no-git"
    empty.mkdir()
    a.env["PATH"] = str(empty)
    result = a.calm("sync", ok=False)
    assert result.exit_code == 1
    assert "needs git" in result.output and "install it" in result.output
    snoozed = a.calm("followup", "snooze", case_id, "--until", "+4d")  # still works
    assert "not committed to git" in snoozed.output and "needs git" in snoozed.output
    assert "git is not installed" in a.calm("sync", "status").output
    del a.env["PATH"]
    out = a.calm("sync").output  # git back: the snooze is committed and sent
    assert "Committed first" in out and "sent 1" in out


def test_init_without_git_creates_nothing(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    (tmp_path / "no-git").mkdir()
    team["a"].env["PATH"] = str(tmp_path / "no-git")
    result = team["a"].calm("sync", "init", str(team.remote), ok=False)
    assert result.exit_code == 1 and "needs git" in result.output
    assert not (team["a"].home / ".git").exists()


def test_no_remote(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    a = team["a"]
    new_case(a, "Dana Fox", 1)
    a.calm("sync", "init")
    result = a.calm("sync", ok=False)
    assert result.exit_code == 2 and "no remote" in result.output
    assert "private" in result.output
    assert a.git("log", "--format=%s").count("\n") == 1  # the case is committed all the same


def test_a_remote_that_cannot_be_reached(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    a = team["a"]
    result = a.calm("sync", "init", str(tmp_path / "nowhere.git"), ok=False)
    assert result.exit_code == 1 and "cannot reach the remote" in result.output
    assert not (a.home / ".git").exists()
    a.calm("sync", "init", str(team.remote))
    team.remote.rename(tmp_path / "moved.git")
    new_case(a, "Dana Fox", 1)
    result = a.calm("sync", ok=False)
    assert result.exit_code == 1 and "cannot reach the remote" in result.output
    assert "nothing is lost" in result.output
    assert "New case: Dana Fox" in a.git("log", "-1", "--format=%s")


def test_a_remote_that_rejects_the_push(team: Team) -> None:
    case_id = shared_case(team)
    hook = team.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    a = team["a"]
    a.calm("followup", "snooze", case_id, "--until", "+4d")
    result = a.calm("sync", ok=False)
    assert result.exit_code == 1
    assert "the remote refused your changes: pre-receive hook declined" in result.output
    assert "nothing is lost" in result.output
    assert a.git("status", "-sb").startswith("## main...origin/main [ahead 1]")
    hook.unlink()
    assert "sent 1" in a.calm("sync").output


def test_a_dirty_repository_is_refused_naming_the_files(team: Team) -> None:
    case_id = shared_case(team)
    a = team["a"]
    notes = a.home / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    a.git("add", "notes.txt")
    result = a.calm("sync", ok=False)
    assert result.exit_code == 2
    assert "changes calm does not make" in result.output and "notes.txt (added)" in result.output
    a.git("rm", "-q", "--cached", "notes.txt")
    # A hand edit to a case is calm's to share: committed, then synced.
    path = a.cases / f"{case_id}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("job: Bathroom", "job: Kitchen"),
                    encoding="utf-8")  # fmt: skip
    out = a.calm("sync").output
    assert f"Committed first (changed outside calm): 1 case ({case_id})" in out
    assert notes.exists()  # an untracked file of the user's: left alone


def test_a_case_deleted_by_hand_is_not_shared(team: Team) -> None:
    case_id = shared_case(team)
    a = team["a"]
    (a.cases / f"{case_id}.yaml").unlink()
    result = a.calm("sync", ok=False)
    assert result.exit_code == 2 and "calm never deletes a shared case" in result.output
    assert "git -C" in result.output and "restore" in result.output
    a.git("restore", "--staged", "--worktree", "--", f"cases/{case_id}.yaml")
    a.calm("sync")


def test_a_rebase_in_progress_is_left_alone(team: Team) -> None:
    shared_case(team)
    a, b = team["a"], team["b"]
    for clone, value in ((a, "Ann's Tiling"), (b, "Ben's Tiling")):
        clone.calm("config", "set", "business", value, "--team")
    a.calm("sync")
    b.calm("sync", ok=False)  # both changed the team's settings: git cannot merge that
    # Someone tries it by hand and leaves the rebase half done.
    b.git("-c", "user.name=B", "-c", "user.email=b@x", "pull", "--rebase", check=False)
    assert (b.home / ".git" / "rebase-merge").exists()
    result = b.calm("sync", ok=False)
    assert result.exit_code == 2 and "a git rebase is under way" in result.output
    assert "--continue" in result.output and "--abort" in result.output
    assert (b.home / ".git" / "rebase-merge").exists()  # left exactly as it was
    b.git("rebase", "--abort")


def test_a_sync_that_cannot_merge_puts_everything_back(team: Team) -> None:
    shared_case(team)
    a, b = team["a"], team["b"]
    a.calm("config", "set", "business", "Ann's Tiling", "--team")
    b.calm("config", "set", "business", "Ben's Tiling", "--team")
    a.calm("sync")
    head = b.git("rev-parse", "HEAD")
    result = b.calm("sync", ok=False)
    assert result.exit_code == 1 and "could not merge" in result.output
    assert "config.toml" in result.output and "nothing was lost" in result.output
    # Ben's change is committed on top of what he had; the rebase was aborted.
    assert b.git("rev-parse", "HEAD~1") == head
    assert b.git("log", "-1", "--format=%s").startswith("Changes made outside calm")
    assert not (b.home / ".git" / "rebase-merge").exists()
    assert "Ben's Tiling" in (b.home / "config.toml").read_text(encoding="utf-8")


def test_an_interrupted_calm_sync_is_undone_and_run_again(team: Team) -> None:
    case_id = shared_case(team)
    a, b = team["a"], team["b"]
    a.calm("followup", "snooze", case_id, "--until", "+4d")
    b.calm("followup", "snooze", case_id, "--until", "+5d")
    a.calm("sync")
    b.git("fetch", "-q")
    # As if calm had been killed in the middle of its rebase (stopped on the case file).
    b.git("-c", "user.name=B", "-c", "user.email=b@x", "-c", "merge.calm-case.driver=false",
          "rebase", "origin/main", check=False)  # fmt: skip
    assert (b.home / ".git" / "rebase-merge").exists()
    (b.home / ".git" / "calm").mkdir(exist_ok=True)
    (b.home / ".git" / "calm" / "rebasing").write_text("x\n", encoding="utf-8")
    result = b.calm("sync")
    assert "was interrupted while merging; it was undone" in result.output
    assert not (b.home / ".git" / "rebase-merge").exists() and markers(b) == []
    snoozes = [e for e in b.case(case_id)["history"] if e["event"] == "snoozed"]
    assert len(snoozes) == 2


def test_a_case_holding_conflict_markers_is_not_shared_until_mended(team: Team) -> None:
    case_id = shared_case(team)
    a = team["a"]
    path = a.cases / f"{case_id}.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("job:"))
    path.write_text(
        text.replace(
            f"\n{line}\n", f"\n<<<<<<< HEAD\n{line}\n=======\njob: Kitchen\n>>>>>>> theirs\n", 1
        ),
        encoding="utf-8",
    )
    result = a.calm("sync", ok=False)
    assert (
        result.exit_code == 2 and "calm will not share a case file it cannot read" in result.output
    )
    assert "calm doctor" in result.output and path.name in result.output
    out = a.calm("doctor").output
    assert f"Merged the two sides of {case_id}" in out
    assert markers(a) == []
    assert a.case(case_id)["conflicts"][0]["field"] == "job"  # both jobs kept: a choice
    a.calm("sync")


def test_no_name_to_commit_under(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    a = team["a"]
    (tmp_path / "a" / "config.toml").unlink()  # no name in calm, and git has none either
    result = a.calm("sync", "init", str(team.remote), ok=False)
    assert result.exit_code == 2
    assert 'calm config set name "Sam Carter"' in result.output and "git config" in result.output
    assert not (a.home / ".git").exists()


def test_git_own_identity_is_used_without_a_name_in_calm(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    a = team["a"]
    (tmp_path / "a" / "config.toml").unlink()
    who = {"NAME": "Git Ann", "EMAIL": "ann@example.com"}
    a.env |= {f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()}
    a.calm("sync", "init", str(team.remote))
    new_case(a, "Dana Fox", 1)
    assert a.git("log", "-1", "--format=%an <%ae>").strip() == "Git Ann <ann@example.com>"


def test_a_detached_head(team: Team) -> None:
    shared_case(team)
    a = team["a"]
    a.git("checkout", "-q", "--detach")
    result = a.calm("sync", ok=False)
    assert result.exit_code == 2 and "detached" in result.output
    a.git("checkout", "-q", "main")


def test_sync_before_init_says_how(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    result = team["a"].calm("sync", ok=False)
    assert result.exit_code == 2 and "calm sync init REMOTE" in result.output
    status = team["a"].calm("sync", "status").output
    assert "not shared with git" in status


def test_never_a_command_that_discards_work() -> None:
    """calm's git code asks git for nothing that throws work away: no reset, no force push,
    no stash, no clean, no forced checkout."""
    root = Path(__file__).resolve().parents[1] / "src" / "calmcli"
    modules = ("store/git.py", "store/repo.py", "store/remote.py", "casebook/sync.py",
               "casebook/team.py")  # fmt: skip
    text = "\n".join((root / m).read_text(encoding="utf-8") for m in modules)
    for forbidden in ('"reset"', '"--hard"', '"--force"', '"-f"', '"stash"', '"clean"',
                      "force-with-lease", '"-B"', '"--discard-changes"'):  # fmt: skip
        assert forbidden not in text, forbidden
