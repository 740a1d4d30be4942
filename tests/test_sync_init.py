"""`calm sync init`: an empty home joins the team's remote; a home with cases merges them in;
a case made before ids were unique keeps its story under a new id when the team already has
that id for another customer; settings and trees that differ are set aside, not lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from calmcli.store import cases
from gitteam import Team, make_team, markers, new_case


def legacy_copy(clone_from: Path, clone_to: Path, case_id: str, legacy: str) -> None:
    """A case file as calm wrote ids before they were unique: `date-name`."""
    text = (clone_from / f"{case_id}.yaml").read_text(encoding="utf-8")
    clone_to.mkdir(parents=True, exist_ok=True)
    (clone_to / f"{legacy}.yaml").write_text(
        text.replace(f"id: {case_id}\n", f"id: {legacy}\n"), encoding="utf-8"
    )


def test_joining_with_cases_of_ones_own_merges_them_in(tmp_path: Path) -> None:
    team: Team = make_team(tmp_path, {"a": "Ann", "b": "Ben"}, init=False)
    a, b = team["a"], team["b"]
    ann = [new_case(a, "Dana Fox", 1), new_case(a, "Lee Park", 2)]
    ben = [new_case(b, "Sam Ortiz", 3)]
    (b.home / "trees").mkdir()
    shutil.copy(Path(cases.__file__).parents[1] / "trees" / "quality.yaml",
                b.home / "trees" / "roof-leak.yaml")  # fmt: skip
    out = a.calm("sync", "init", str(team.remote)).output
    assert "2 cases of yours in it" in out and "Sent the case book" in out
    out = b.calm("sync", "init", str(team.remote)).output
    assert "Joined" in out and "2 case(s) from the team" in out
    assert sorted(p.stem for p in b.cases.glob("*.yaml")) == sorted(ann + ben)
    assert (b.home / "followups" / f"{ann[0]}.ics").is_file()  # reminders for the team's cases
    a.calm("sync")
    assert sorted(p.stem for p in a.cases.glob("*.yaml")) == sorted(ann + ben)
    assert (a.home / "trees" / "roof-leak.yaml").is_file()
    assert markers(a) == markers(b) == []


def test_two_legacy_cases_with_one_id_are_both_kept(tmp_path: Path) -> None:
    """Before ids were unique, two machines could both write 2026-11-18-dana-fox for two
    different customers called Dana Fox: the joining machine's takes a new id."""
    team = make_team(tmp_path, {"a": "Ann", "b": "Ben"}, init=False)
    a, b = team["a"], team["b"]
    first = new_case(a, "Dana Fox", 1, job="Kitchen")
    legacy = "2026-11-18-dana-fox"
    legacy_copy(a.cases, a.cases, first, legacy)
    (a.cases / f"{first}.yaml").unlink()
    second = new_case(b, "Dana Fox", 2, job="Roof")  # made a minute later: another case
    legacy_copy(b.cases, b.cases, second, legacy)
    (b.cases / f"{second}.yaml").unlink()
    a.calm("sync", "init", str(team.remote))
    out = b.calm("sync", "init", str(team.remote)).output
    assert f"Renamed {legacy} to " in out
    jobs = sorted(cases.load_case(p).job for p in b.cases.glob("*.yaml"))
    assert jobs == ["Kitchen", "Roof"]
    renamed = next(p for p in b.cases.glob("*.yaml") if p.stem != legacy)
    history = cases.load_case(renamed).history
    assert history[-1]["event"] == "renamed" and history[-1]["before"] == legacy
    a.calm("sync")
    assert len(list(a.cases.glob("*.yaml"))) == 2


def test_the_same_legacy_case_on_two_machines_merges(tmp_path: Path) -> None:
    """A case book copied to two machines before sync (the same case, changed apart): its
    two versions merge with no common ancestor."""
    team = make_team(tmp_path, {"a": "Ann", "b": "Ben"}, init=False)
    a, b = team["a"], team["b"]
    case_id = new_case(a, "Dana Fox", 1)
    b.cases.mkdir(parents=True)
    shutil.copy(a.cases / f"{case_id}.yaml", b.cases / f"{case_id}.yaml")
    a.calm("followup", "snooze", case_id, "--until", "+4d")
    b.calm("message", case_id, "--kind", "update", "--sent")
    a.calm("sync", "init", str(team.remote))
    b.calm("sync", "init", str(team.remote))
    events = [e["event"] for e in b.case(case_id)["history"]]
    assert "snoozed" in events and "message_sent" in events
    assert "conflicts" not in b.case(case_id)


def test_team_settings_that_differ_are_set_aside(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann", "b": "Ben"}, init=False)
    a, b = team["a"], team["b"]
    a.calm("config", "set", "business", "Carter Tiling", "--team")
    b.calm("config", "set", "business", "Ben's Own", "--team")
    a.calm("sync", "init", str(team.remote))
    out = b.calm("sync", "init", str(team.remote)).output
    assert "config.toml differs from the team's" in out
    assert "Carter Tiling" in (b.home / "config.toml").read_text(encoding="utf-8")
    kept = b.home / "before-sync" / "config.toml"
    assert "Ben's Own" in kept.read_text(encoding="utf-8")
    assert b.git("status", "--porcelain") == ""  # before-sync/ stays out of git


def test_init_again_mends_the_set_up(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann"})
    a = team["a"]
    a.git("config", "--local", "--unset", "merge.calm-case.driver")
    assert "merge driver is not set up" in a.calm("sync", "status").output
    out = a.calm("sync", "init").output
    assert "already shared with git" in out
    assert "merge driver" not in a.calm("sync", "status").output
    other = a.calm("sync", "init", str(tmp_path / "other.git"), ok=False)
    assert other.exit_code == 2 and "already syncs with" in other.output


def test_init_without_a_remote_then_with_one(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann", "b": "Ben"}, init=False)
    a = team["a"]
    case_id = new_case(a, "Dana Fox", 1)
    out = a.calm("sync", "init").output
    assert "No remote yet" in out
    a.calm("sync", "init", str(team.remote))
    assert "sent" in a.calm("sync").output
    team["b"].calm("sync", "init", str(team.remote))
    assert (team["b"].cases / f"{case_id}.yaml").is_file()


def test_a_clashing_legacy_case_added_after_joining_is_renamed_and_merged(tmp_path: Path) -> None:
    team = make_team(tmp_path, {"a": "Ann", "b": "Ben"})
    a, b = team["a"], team["b"]
    legacy = "2026-11-18-dana-fox"
    for clone, n, job in ((a, 1, "Kitchen"), (b, 2, "Roof")):  # restored from old backups
        made = new_case(clone, "Dana Fox", n, job=job)
        legacy_copy(clone.cases, clone.cases, made, legacy)
        clone.git("rm", "-q", f"cases/{made}.yaml")
        clone.git("-c", "user.name=X", "-c", "user.email=x@y", "commit", "-q", "-m", "restore")
        if clone is a:
            clone.calm("sync")
    out = b.calm("sync").output
    assert f"Renamed {legacy} to " in out
    a.calm("sync")
    for clone in (a, b):
        jobs = sorted(cases.load_case(p).job for p in clone.cases.glob("*.yaml"))
        assert jobs == ["Kitchen", "Roof"]
        assert markers(clone) == []


def test_joining_a_repository_the_host_started_with_a_readme_and_gitignore(
    tmp_path: Path,
) -> None:
    team = make_team(tmp_path, {"a": "Ann"}, init=False)
    seed = tmp_path / "seed"
    git_cmd = ["-c", "user.name=Host", "-c", "user.email=h@x"]
    from gitteam import git

    git(tmp_path, "clone", "-q", str(team.remote), str(seed), env=None)
    (seed / "README.md").write_text("# Cases\n", encoding="utf-8")
    (seed / ".gitignore").write_text("*.log\n", encoding="utf-8")
    git(seed, "add", ".")
    git(seed, *git_cmd, "commit", "-q", "-m", "Initial commit")
    git(seed, "push", "-q", "origin", "HEAD:main")
    a = team["a"]
    case_id = new_case(a, "Dana Fox", 1)
    a.calm("sync", "init", str(team.remote))
    ignore = (a.home / ".gitignore").read_text(encoding="utf-8")
    assert "*.log" in ignore and "/cases/*.md" in ignore
    assert (a.home / "README.md").is_file() and (a.cases / f"{case_id}.yaml").is_file()
    assert a.git("status", "--porcelain") == ""
    assert "to_send" in a.calm("sync", "status", "--json").output
    assert a.git("rev-list", "--count", "origin/main..HEAD").strip() == "0"
