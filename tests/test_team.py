"""Working as a team without git too: whose case it is, and the conflict copies and partial
files that sync tools (Syncthing, Dropbox, Google Drive) leave beside a case."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.domain import lifecycle
from calmcli.files.copies import copy_of, is_partial
from calmcli.store import cases
from casefactory import case_file, make_case, reload

NOW = "2026-11-18T10:00:00+00:00"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_NOW", NOW)


def calm(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return sorted(row["id"] for row in json.loads(result.stdout))


# -- owners ------------------------------------------------------------------------------------


def test_a_new_case_is_yours_and_can_be_given_to_someone(calm_home: Path) -> None:
    assert calm("config", "set", "name", "Sam Carter").exit_code == 0
    answers = calm_home.parent / "answers.yaml"
    answers.write_text(
        "customer_name: Dana Fox\njob: bath\nfeelings: {angry: 3}\ncause: cracked grout\n"
        "what_happened: x\nwants: [repair]\nwants_words: no leak\noption_1: Regrout\n"
        "option_ratings: {option_1: {ease: 3, cost: 3, speed: 3}}\nfollowup_at: '+2d'\n",
        encoding="utf-8",
    )
    assert calm("new", "--tree", "default", "--answers", str(answers), "--no-input").exit_code == 0
    [path] = (calm_home / "cases").glob("*.yaml")
    case = cases.load_case(path)
    assert case.owner == "Sam Carter"
    assert case.history[0]["by"] == "Sam Carter"
    result = calm("assign", case.id, "Ben Installer")
    assert result.exit_code == 0 and "is now Ben Installer's" in result.stdout
    case = cases.load_case(path)
    assert case.owner == "Ben Installer"
    assert case.history[-1] | {"at": ""} == {
        "at": "", "event": "assigned", "before": "Sam Carter", "to": "Ben Installer",
        "by": "Sam Carter",
    }  # fmt: skip
    assert calm("assign", case.id, "ben installer").exit_code == 0  # a respelling is a change
    assert calm("assign", case.id, "ben installer").exit_code == 2  # already theirs
    assert "owner ben installer" in calm("show", case.id).stdout


@pytest.fixture
def owned() -> dict[str, str]:
    """Three open cases due today: Sam's, Ben's and nobody's (made before owners)."""
    out = {}
    for name, owner in (("Dana Fox", "Sam Carter"), ("Lee Park", "Ben Installer"), ("Uma Roy", "")):
        case = make_case(name, created="2026-11-10T09:00", due="2026-11-18T09:00")
        if owner:
            case = reload(case)
            lifecycle.assign(case, case.created, owner)
            cases.save_case(case)
        out[owner or "nobody"] = case.id
    return out


def test_followup_mine_and_owner(owned: dict[str, str]) -> None:
    assert ids(calm("followup", "--json")) == sorted(owned.values())
    assert calm("config", "set", "name", "Sam Carter").exit_code == 0
    assert ids(calm("followup", "--mine", "--json")) == [owned["Sam Carter"]]
    assert ids(calm("followup", "--owner", "ben INSTALLER", "--json")) == [owned["Ben Installer"]]
    nobody = calm("followup", "--owner", "Zed")
    assert nobody.exit_code == 0 and "No open cases for Zed" in nobody.stdout
    both = calm("followup", "--mine", "--owner", "Ben")
    assert both.exit_code == 2 and "exclude each other" in both.output
    [row] = json.loads(calm("followup", "--mine", "--json").stdout)
    assert row["owner"] == "Sam Carter"


def test_list_and_patterns_by_owner(owned: dict[str, str]) -> None:
    assert ids(calm("list", "--owner", "Ben Installer", "--json")) == [owned["Ben Installer"]]
    mine = calm("list", "--mine", "--json")
    assert mine.exit_code == 2 and "calm config set name" in mine.output
    assert calm("config", "set", "name", "sam carter").exit_code == 0
    assert ids(calm("list", "--mine", "--json")) == [owned["Sam Carter"]]
    data = json.loads(calm("patterns", "--since", "all", "--json").stdout)
    assert data["by_owner"] == {"(nobody)": 1, "Ben Installer": 1, "Sam Carter": 1}
    data = json.loads(calm("patterns", "--since", "all", "--mine", "--json").stdout)
    assert data["cases"] == 1 and data["by_owner"] == {"Sam Carter": 1}
    assert "By owner" in calm("patterns", "--since", "all").stdout


# -- sync tools' copies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "original"),
    [
        ("2026-11-16-dana-k3f9.sync-conflict-20261118-101502-ABCDEFG.yaml",
         "2026-11-16-dana-k3f9.yaml"),
        ("2026-11-16-dana (conflicted copy 2026-11-18).yaml", "2026-11-16-dana.yaml"),
        ("2026-11-16-dana (Sam's conflicted copy 2026-11-18).yaml", "2026-11-16-dana.yaml"),
        ("2026-11-16-dana (1).yaml", "2026-11-16-dana.yaml"),
        ("2026-11-16-dana.yaml", None),
        ("2026-11-16-dana-2.yaml", None),
    ],
)  # fmt: skip
def test_conflict_copies_are_recognised(name: str, original: str | None) -> None:
    assert copy_of(name) == original


def test_partial_files_are_recognised() -> None:
    for name in (".syncthing.2026-11-16-dana.yaml.tmp", "~syncthing~2026-11-16-dana.yaml.tmp",
                 ".~2026-11-16-dana.yaml", "2026-11-16-dana.yaml.~123"):  # fmt: skip
        assert is_partial(name), name
    assert not is_partial("2026-11-16-dana.yaml")


def copy_named(case_id: str, style: str) -> str:
    return {
        "syncthing": f"{case_id}.sync-conflict-20261118-101502-ABCDEFG.yaml",
        "dropbox": f"{case_id} (Ben's conflicted copy 2026-11-18).yaml",
        "numbered": f"{case_id} (1).yaml",
    }[style]


@pytest.mark.parametrize("style", ["syncthing", "dropbox", "numbered"])
def test_a_conflict_copy_is_warned_once_counted_once_and_merged_by_doctor(
    calm_home: Path, style: str
) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    other = reload(case)  # the other machine's version: a message sent there
    other.add_event("message_sent", other.created.replace(day=17), kind="update")
    other.revision += 1
    copy = calm_home / "cases" / copy_named(case.id, style)
    copy.write_text(cases.dump_yaml(cases.to_data(other)), encoding="utf-8")
    here = reload(case)  # and the check-in moved here
    lifecycle.snooze(here, here.created.replace(day=16), here.created.replace(day=23))
    cases.save_case(here)

    listed = calm("list", "--json")
    assert ids(listed) == [case.id]  # counted once
    warnings = [line for line in listed.stderr.splitlines() if "conflict copy" in line]
    assert len(warnings) == 1  # warned once, naming both files
    assert copy.name in warnings[0] and case_file(case).name in warnings[0]
    assert "calm doctor" in warnings[0]
    due = calm("followup", "--all", "--json")
    assert [row["id"] for row in json.loads(due.stdout)] == [case.id]

    dry = calm("doctor", "--dry-run")
    assert f"Would merge {copy.name} into {case.id}" in dry.stdout and copy.exists()
    done = calm("doctor")
    assert done.exit_code == 0 and f"Merged {copy.name} into {case.id}" in done.stdout
    assert not copy.exists()
    merged = reload(case)
    events = [e["event"] for e in merged.history]
    assert events == ["created", "snoozed", "message_sent", "merged"]
    assert merged.followup_due == here.followup_due and not merged.conflicts
    assert "conflict copy" not in calm("list").stderr


def test_doctor_leaves_what_it_cannot_merge_and_never_touches_partial_files(
    calm_home: Path,
) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    folder = calm_home / "cases"
    broken = folder / copy_named(case.id, "syncthing")
    broken.write_text("calm_case: 1\nid: [\n", encoding="utf-8")
    stranger = folder / copy_named(case.id, "numbered")
    shutil.copy(case_file(case), stranger)
    text = stranger.read_text(encoding="utf-8").replace(f"id: {case.id}", "id: someone-else")
    stranger.write_text(text, encoding="utf-8")
    partials = [
        folder / f".syncthing.{case.id}.yaml.tmp",
        folder / f"~syncthing~{case.id}.yaml.tmp",
    ]
    old = time.time() - 7 * 24 * 3600
    for path in partials:
        path.write_text("half", encoding="utf-8")
        os.utime(path, (old, old))
    result = calm("doctor")
    assert result.exit_code == 0
    assert f"left {broken.name} as it is: cannot be read" in result.stderr
    assert f"left {stranger.name} as it is: holds case 'someone-else'" in result.stderr
    assert "a sync tool is still writing it" in result.stdout
    calm("list")
    calm("followup")
    assert broken.exists() and stranger.exists()
    assert all(p.read_text(encoding="utf-8") == "half" for p in partials)  # never deleted


def test_doctor_removes_a_copy_of_a_crib_sheet(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    copy = calm_home / "cases" / f"{case.id}.sync-conflict-20261118-101502-ABCDEFG.md"
    copy.write_text("# old crib sheet\n", encoding="utf-8")
    assert f"Removed {copy.name}: a copy of a crib sheet" in calm("doctor").stdout
    assert not copy.exists() and (calm_home / "cases" / f"{case.id}.md").exists()


def test_doctor_with_nothing_to_mend(calm_home: Path) -> None:
    make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    assert "Nothing to mend" in calm("doctor").stdout


def test_doctor_lists_choices_and_resolve_settles_them(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    other = reload(case)
    lifecycle.snooze(other, other.created.replace(day=17), other.created.replace(day=25))
    other.revision += 1
    copy = calm_home / "cases" / copy_named(case.id, "dropbox")
    copy.write_text(cases.dump_yaml(cases.to_data(other)), encoding="utf-8")
    here = reload(case)
    lifecycle.snooze(here, here.created.replace(day=16), here.created.replace(day=23))
    cases.save_case(here)
    out = calm("doctor").stdout
    assert "Choices to make" in out and "two different next check-ins" in out
    shown = calm("show", case.id).stdout
    assert "Choices to make" in shown and f"calm resolve {case.id}" in shown
    refused = calm("resolve", case.id)
    assert refused.exit_code == 2 and "--take" in refused.output
    assert calm("resolve", case.id, "--take", "3").exit_code == 2
    done = calm("resolve", case.id, "--take", "2")
    assert done.exit_code == 0, done.output
    settled = reload(case)
    assert settled.followup_due == other.followup_due and not settled.conflicts
    assert settled.history[-1]["event"] == "resolved"
    assert "no choices to make" in calm("resolve", case.id).stdout


def test_a_case_holding_conflict_markers_says_so_and_doctor_mends_it(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-10T09:00", due="2026-11-20T09:00")
    path = case_file(case)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("\njob: bathroom tiling\n",
                     "\n<<<<<<< ours\njob: bathroom tiling\n=======\njob: kitchen\n>>>>>>> b\n", 1),
        encoding="utf-8",
    )  # fmt: skip
    listed = calm("list")
    assert "holds the conflict markers of a merge" in listed.stderr
    assert "calm doctor" in listed.stderr
    assert "holds the conflict markers" in calm("show", case.id).output
    assert f"Merged the two sides of {case.id}" in calm("doctor").stdout
    assert reload(case).conflicts[0]["field"] == "job"
    assert "conflict markers" not in calm("list").stderr
