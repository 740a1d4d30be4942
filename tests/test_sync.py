"""`calm sync` with real git: a bare remote and three clones in a temp folder.

Three people change the same cases and different ones on their own machines, and sync in a
random order, between changes. Afterwards every clone holds the same case files: every
change present, no conflict markers, no history entry lost, and every true conflict (two
next check-ins, closed here and followed up there) reported as a choice, never settled.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from calmcli.domain.merging import CLOSED, NEXT, entry_key
from gitteam import Team, make_team, markers, new_case

PEOPLE = {"a": "Ann Office", "b": "Ben Installer", "c": "Cat Owner"}


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return make_team(tmp_path, PEOPLE)


def start_book(team: Team, count: int = 4) -> list[str]:
    """`count` cases made on a and shared with everyone."""
    ids = [new_case(team["a"], f"Customer {n}", n) for n in range(count)]
    for name in ("a", "b", "c"):
        team[name].calm("sync")
    return ids


def converge(team: Team, rng: random.Random) -> list[str]:
    """Everyone syncs, in a random order, until a round sends nothing; each sync's output."""
    outputs = []
    for _round in range(4):
        order = list(team.clones.values())
        rng.shuffle(order)
        sent = 0
        for clone in order:
            result = clone.calm("sync")
            outputs.append(result.output)
            sent += " sent 0." not in result.output and "nothing to send" not in result.output
        if not sent:
            break
    return outputs


def assert_same_everywhere(team: Team) -> dict[str, str]:
    files = [clone.files() for clone in team.clones.values()]
    assert files[0] == files[1] == files[2]
    for clone in team.clones.values():
        assert markers(clone) == []
    return files[0]


def unnumbered(key: str) -> str:
    """An entry's identity but for the item it names: two promises made as item 1 on two
    machines are numbered apart by the merge, and their history follows them."""
    entry = json.loads(key)
    entry.pop("item", None)
    return entry_key(entry)


def assert_nothing_lost(team: Team) -> tuple[int, int]:
    """Every history entry any machine made is in the case book everywhere: (made, lost);
    a promise's entry names the item that holds that promise."""
    made: Counter[str] = Counter()
    for clone in team.clones.values():
        made.update({unnumbered(k): n for k, n in clone.made.items()})
    present: Counter[str] = Counter()
    for case_id, entries in team["a"].histories().items():
        present.update(unnumbered(entry_key(e)) for e in entries)
        items = {i["n"]: i["what"] for i in team["a"].case(case_id)["items"]}
        for e in entries:
            if e["event"] == "promised":
                assert items[e["item"]] == e["what"], (case_id, e)
    lost = made - present
    assert not lost, f"lost history entries: {list(lost)[:3]}"
    return sum(made.values()), sum(lost.values())


# The scripted changes: per machine, in order. Same cases and different ones.
def script(ids: list[str], team: Team) -> dict[str, list[Callable[[], object]]]:
    a, b, c = team["a"], team["b"], team["c"]
    c0, c1, c2, c3 = ids
    return {
        "a": [
            lambda: a.calm("followup", "snooze", c0, "--until", "+5d"),
            lambda: a.calm(
                "log",
                c1,
                "--no-input",
                "--option",
                "Regrout",
                "--action",
                "Regrout edge @ +4d",
                "--next",
                "+5d",
            ),  # fmt: skip
            lambda: new_case(a, "Eve Stone", 10),
            lambda: a.calm("message", c3, "--kind", "update", "--sent"),
        ],
        "b": [
            lambda: b.calm(
                "log",
                c0,
                "--no-input",
                "--option",
                "Replace the tray",
                "--action",
                "Fit tray @ +6d",
                "--next",
                "+7d",
            ),  # fmt: skip
            lambda: b.calm("followup", "snooze", c2, "--until", "+4d"),
            lambda: b.calm("item", "add", c1, "Send the invoice @ +2d"),
            lambda: new_case(b, "Eve Stone", 11),  # the same name, the same day: another case
        ],
        "c": [
            lambda: c.calm(
                "followup",
                "done",
                c0,
                "--no-input",
                "--reached",
                "--satisfaction",
                "satisfied",
                "--feedback",
                "All good",
                "--close",
            ),  # fmt: skip
            lambda: c.calm("followup", "snooze", c2, "--until", "+6d"),
            lambda: c.calm("assign", c3, "Ben Installer"),
            lambda: c.calm(
                "followup", "done", c1, "--no-input", "--not-reached", "--next", "+3d"
            ),  # fmt: skip
        ],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_clones_change_the_same_and_other_cases_and_sync_in_random_orders(
    team: Team, seed: int
) -> None:
    rng = random.Random(seed)
    ids = start_book(team)
    steps = script(ids, team)
    outputs: list[str] = []
    while any(steps.values()):
        name = rng.choice([n for n, todo in steps.items() if todo])
        steps[name].pop(0)()
        if rng.random() < 0.4:
            outputs.append(team[rng.choice("abc")].calm("sync").output)
    outputs += converge(team, rng)

    files = assert_same_everywhere(team)
    made, lost = assert_nothing_lost(team)
    assert made >= 15 and lost == 0
    assert len(files) == 6  # four cases, and two Eve Stones made the same day on two machines
    c0, c1, c2, c3 = ids
    a = team["a"]
    # True conflicts are choices, reported, with the safer value in force.
    closed_or_not = {c["field"]: c["choices"] for c in a.case(c0).get("conflicts", [])}
    assert CLOSED in closed_or_not[NEXT] and a.case(c0)["status"] == "open"
    snoozes = {c["field"]: c["choices"] for c in a.case(c2).get("conflicts", [])}
    assert len(snoozes[NEXT]) == 2 and a.case(c2)["followup_due"] == min(snoozes[NEXT])
    assert any("choice to make" in out and c2 in out for out in outputs)
    # Changes to different parts of one case need no choice.
    assert a.case(c3)["owner"] == "Ben Installer"
    assert [e["event"] for e in a.case(c3)["history"]].count("message_sent") == 1
    assert {i["what"] for i in a.case(c1)["items"]} >= {"Regrout edge", "Send the invoice"}
    assert len({i["n"] for i in a.case(c1)["items"]}) == len(a.case(c1)["items"])
    status = json.loads(a.calm("sync", "status", "--json").output)
    assert {c["id"] for c in status["choices"]} >= {c0, c2}
    assert status["to_send"] == 0 and status["uncommitted"] == []
    # The derived files follow the merged case on every machine.
    for clone in team.clones.values():
        for case_id in (c0, c1, c2):
            data = clone.case(case_id)
            ics = (clone.home / "followups" / f"{case_id}.ics").read_text(encoding="utf-8")
            assert f"X-CALM-REVISION:{data['revision']}" in ics
        listed = json.loads(clone.calm("followup", "--all", "--json").output)
        assert {i["id"] for i in listed} >= {c0, c1, c2, c3}


def test_changes_to_different_cases_merge_without_a_choice(team: Team) -> None:
    ids = start_book(team, 3)
    for clone, case_id in zip(team.clones.values(), ids, strict=True):
        clone.calm("followup", "snooze", case_id, "--until", "+4d")
        clone.calm("message", case_id, "--kind", "update", "--sent")
    rng = random.Random(7)
    outputs = converge(team, rng)
    assert_same_everywhere(team)
    assert assert_nothing_lost(team)[1] == 0
    assert not any("choice to make" in out for out in outputs)
    assert not any(team["a"].case(i).get("conflicts") for i in ids)


def test_a_choice_made_on_one_machine_settles_it_everywhere(team: Team) -> None:
    [case_id] = start_book(team, 1)
    team["a"].calm("followup", "snooze", case_id, "--until", "+4d")
    team["b"].calm("followup", "snooze", case_id, "--until", "+6d")
    team["a"].calm("sync")
    out = team["b"].calm("sync").output
    assert "choice to make" in out and "calm resolve" in out
    refused = team["b"].calm("resolve", case_id, ok=False)
    assert refused.exit_code == 2 and "--take" in refused.output  # never chosen for you
    [choice] = team["b"].case(case_id)["conflicts"]
    later = choice["choices"][1]
    team["b"].calm("resolve", case_id, "--take", "2")
    converge(team, random.Random(3))
    for clone in team.clones.values():
        data = clone.case(case_id)
        assert data["followup_due"] == later and "conflicts" not in data
    assert "resolved" in [e["event"] for e in team["c"].case(case_id)["history"]]


def test_every_change_is_one_commit_in_words_by_its_author(team: Team) -> None:
    [case_id] = start_book(team, 1)
    b = team["b"]
    b.calm("followup", "snooze", case_id, "--until", "+4d")
    log = b.git("log", "-1", "--format=%an%n%s%n%b")
    author, subject = log.splitlines()[:2]
    assert author == "Ben Installer"
    assert subject.startswith("Moved the check-in with Customer 0 to ")
    assert f"Case: {case_id}" in log
    assert b.git("status", "--porcelain") == ""  # derived files and the index stay out
    tracked = b.git("ls-files").split()
    assert ".gitignore" in tracked and ".gitattributes" in tracked
    assert not [t for t in tracked if t.endswith((".md", ".ics")) or t.startswith("drafts/")]
    assert "merge.calm-case.driver" in b.git("config", "--local", "--list")
