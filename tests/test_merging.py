"""Two versions of one case merged: what git's merge driver and `calm doctor` run.

Each test makes a case, changes two copies of it as two people would on two machines, and
merges them with their common ancestor (or without one, for a conflict copy). Every history
entry and check-in survives; a true conflict is a choice recorded in the case, never settled.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from calmcli.clock.now import from_iso, to_iso
from calmcli.domain import ledger, lifecycle, merging
from calmcli.domain.case import Case
from calmcli.domain.changes import choice_of, commit_message
from calmcli.domain.merging import CLOSED, NEXT
from calmcli.errors import BadInput
from calmcli.store import cases
from calmcli.store import merge as file_merge
from casefactory import make_case, reload

T = "2026-11-18T{}:00+00:00"


def at(hhmm: str) -> datetime:
    return from_iso(T.format(hhmm))


def day(d: int, hour: int = 9) -> datetime:
    return from_iso(f"2026-11-{d:02d}T{hour:02d}:00:00+00:00")


@pytest.fixture
def case() -> Case:
    return make_case("Dana Fox", created="2026-11-16T09:00", due="2026-11-20T09:00")


def changed(case: Case, change: Callable[[Case], None]) -> dict[str, Any]:
    """A copy of the case with `change` made to it, as a file's data (one revision up)."""
    other = copy.deepcopy(case)
    change(other)
    other.revision += 1
    return cases.to_data(other)


def merge(base: Case | None, a: dict[str, Any], b: dict[str, Any]) -> merging.Merged:
    """Merged through the file layer: both sides and the result checked as case files."""
    text = cases.dump_yaml
    return file_merge.merge_texts(
        text(cases.to_data(base)) if base else None, text(a), text(b), "cases/x.yaml"
    )


def events(data: dict[str, Any]) -> list[str]:
    return [e["event"] for e in data["history"]]


def keys(entries: list[dict[str, Any]]) -> list[str]:
    return sorted(merging.entry_key(e) for e in entries)


def new_entries(base: Case, data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["history"][len(base.history) :]


# -- both changes survive --------------------------------------------------------------------


def test_a_checkin_here_and_a_log_there_both_survive(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.record_checkin(
        c, at("10:00"), reached=True, feedback="Fine", satisfaction="partly",
        decision=lifecycle.CheckinDecision(False, day(25))))  # fmt: skip
    there = changed(case, lambda c: lifecycle.log_outcome(
        c, at("11:00"), option="Regrout", actions=[("Regrout edge", day(24))], notes="",
        next_due=day(25)))  # fmt: skip
    merged = merge(case, here, there)
    data = merged.data
    assert keys(data["history"]) == keys(
        case.history + new_entries(case, here) + new_entries(case, there)
    )
    assert data["checkins"] == here["checkins"]
    assert data["outcome"]["option"] == "Regrout"
    assert [i["what"] for i in data["items"] if i["kind"] == "action"] == ["Regrout edge"]
    assert data["followup_due"] == to_iso(day(25))  # the same next check-in: no choice
    assert merged.conflicts == [] and "conflicts" not in data
    assert data["revision"] == case.revision + 2  # newer than either side


def test_history_is_in_time_order_and_an_entry_added_twice_is_kept_twice(case: Case) -> None:
    here = changed(case, lambda c: c.add_event("message_sent", at("12:00"), kind="update"))
    there = changed(case, lambda c: c.add_event("message_sent", at("11:00"), kind="update"))
    data = merge(case, here, there).data
    assert [e["at"] for e in data["history"]] == sorted(e["at"] for e in data["history"])
    same = changed(case, lambda c: c.add_event("message_sent", at("11:00"), kind="update"))
    twice = merge(case, same, there).data  # two people sent one at the same second
    assert events(twice).count("message_sent") == 2


def test_both_snoozing_to_one_time_is_no_choice(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(23)))
    there = changed(case, lambda c: lifecycle.snooze(c, at("10:30"), day(23)))
    merged = merge(case, here, there)
    assert events(merged.data).count("snoozed") == 2
    assert merged.data["followup_due"] == to_iso(day(23)) and merged.conflicts == []


def test_a_field_changed_on_one_side_only_takes_that_side(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(23)))
    there = changed(case, lambda c: lifecycle.assign(c, at("10:05"), "Sam Carter"))
    data = merge(case, here, there).data
    assert data["followup_due"] == to_iso(day(23))
    assert data["owner"] == "Sam Carter"
    assert "conflicts" not in data


# -- true conflicts --------------------------------------------------------------------------


def test_two_next_checkins_are_a_choice_with_the_earlier_in_force(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(24)))
    there = changed(case, lambda c: lifecycle.snooze(c, at("10:30"), day(23)))
    merged = merge(case, here, there)
    assert merged.data["followup_due"] == to_iso(day(23))
    assert merged.data["conflicts"] == [
        {"field": NEXT, "choices": [to_iso(day(23)), to_iso(day(24))]}
    ]
    assert merged.conflicts and events(merged.data).count("snoozed") == 2
    choice = choice_of(cases.from_data(merged.data, "x"), merged.data["conflicts"][0])
    assert choice.options == ("check in Mon 23 Nov 09:00", "check in Tue 24 Nov 09:00")


def test_two_agreed_options_are_a_choice_with_the_later_in_force(case: Case) -> None:
    def log(option: str, when: str) -> Callable[[Case], None]:
        return lambda c: lifecycle.log_outcome(
            c, at(when), option=option, actions=[], notes="", next_due=day(25)
        )

    merged = merge(
        case, changed(case, log("Regrout", "10:00")), changed(case, log("New tray", "11:00"))
    )
    assert merged.data["outcome"]["option"] == "New tray"
    [entry] = merged.data["conflicts"]
    assert entry["field"] == "outcome"
    assert [c["option"] for c in entry["choices"]] == ["New tray", "Regrout"]
    # The same option twice is one agreement, both notes kept.
    same = merge(
        case,
        changed(case, lambda c: lifecycle.log_outcome(
            c, at("10:00"), option="Regrout", actions=[], notes="grey", next_due=day(25))),
        changed(case, lambda c: lifecycle.log_outcome(
            c, at("11:00"), option="Regrout", actions=[], notes="by Friday", next_due=day(25))),
    )  # fmt: skip
    assert same.conflicts == []
    assert same.data["outcome"]["notes"] == "by Friday\ngrey"


def test_closing_here_while_logging_there_keeps_it_open_and_asks(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.record_checkin(
        c, at("10:00"), reached=True, feedback="All good", satisfaction="satisfied",
        decision=lifecycle.CheckinDecision(True, None)))  # fmt: skip
    there = changed(case, lambda c: lifecycle.log_outcome(
        c, at("10:30"), option="Regrout", actions=[("Regrout", day(24))], notes="",
        next_due=day(25)))  # fmt: skip
    for a, b in ((here, there), (there, here)):  # whichever side is whose
        data = merge(case, a, b).data
        assert data["status"] == "open" and data["followup_due"] == to_iso(day(25))
        assert data["conflicts"] == [{"field": NEXT, "choices": [to_iso(day(25)), CLOSED]}]
        assert {"closed", "logged"} <= set(events(data))
        assert data["checkins"] and data["outcome"]["option"] == "Regrout"


def test_choosing_settles_it_and_a_change_on_purpose_does_too(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(24)))
    there = changed(case, lambda c: lifecycle.snooze(c, at("10:30"), day(23)))
    data = merge(case, here, there).data
    chosen = copy.deepcopy(data)
    merging.choose(chosen, NEXT, to_iso(day(24)))
    assert chosen["followup_due"] == to_iso(day(24)) and chosen["conflicts"] == []
    closing = copy.deepcopy(data)
    merging.choose(closing, NEXT, CLOSED)
    assert closing["status"] == "closed" and closing["followup_due"] is None
    after = copy.deepcopy(data)
    after["followup_due"] = to_iso(day(26))
    assert merging.settled(data, after) == []
    untouched = copy.deepcopy(data)
    untouched["owner"] = "Sam"
    assert merging.settled(data, untouched) == data["conflicts"]


# -- promised items ----------------------------------------------------------------------------


def promise(what: str, due: datetime, when: str) -> Callable[[Case], None]:
    def change(c: Case) -> None:
        ledger.promise(c, at(when), [(what, due)], lifecycle.DEFAULT_WEEK,
                       update_after=30, update_every=2)  # fmt: skip

    return change


def test_two_items_numbered_alike_are_kept_and_numbered_apart(case: Case) -> None:
    here = changed(case, promise("Send photos", day(20), "10:00"))
    there = changed(case, promise("Order grout", day(21), "10:30"))
    merged = merge(case, here, there)
    items = merged.data["items"]
    assert [(i["n"], i["what"]) for i in items] == [(1, "Send photos"), (2, "Order grout")]
    assert merged.renumbered == [(1, 2)]
    promised = [(e["item"], e["what"]) for e in merged.data["history"] if e["event"] == "promised"]
    assert sorted(promised) == [(1, "Send photos"), (2, "Order grout")]  # its history follows
    assert sum(1 for i in items if i.get("fix")) == 1  # one agreed fix: the first side's


def test_a_renumbered_item_changed_again_in_the_next_commit_stays_itself(case: Case) -> None:
    """A rebase replays commits one by one: the second commit's change to its item 1 lands
    on the item that was renumbered 2, not on the other side's item 1."""
    upstream = changed(case, promise("Send photos", day(20), "10:00"))
    first = copy.deepcopy(case)
    promise("Order grout", day(21), "10:30")(first)
    first.revision += 1
    second = copy.deepcopy(first)
    ledger.mark_done(second, 1, at("11:00"))
    second.revision += 1
    step1 = merge(case, upstream, cases.to_data(first)).data
    step2 = merge(first, step1, cases.to_data(second)).data
    states = {i["what"]: (i["n"], i["state"]) for i in step2["items"]}
    assert states == {"Send photos": (1, "open"), "Order grout": (2, "done")}
    done = [e for e in step2["history"] if e["event"] == "item_done"]
    assert [e["item"] for e in done] == [2]


def test_one_item_moved_to_two_times_is_a_choice(case: Case) -> None:
    base = copy.deepcopy(case)
    promise("Regrout", day(24), "09:30")(base)
    week = lifecycle.DEFAULT_WEEK

    def move(to: datetime) -> Callable[[Case], None]:
        return lambda c: ledger.move(c, 1, to, "waiting", at("10:00"), week,
                                     update_after=30, update_every=2)  # fmt: skip

    merged = merge(base, changed(base, move(day(26))), changed(base, move(day(25))))
    [entry] = merged.data["conflicts"]
    assert entry["field"] == f"items.{base.items[0].uid}.due"
    assert entry["choices"] == [to_iso(day(25)), to_iso(day(26))]
    words = choice_of(cases.from_data(merged.data, "x"), entry)
    assert words.what == "when promise 1 (Regrout) is due"
    assert merged.data["items"][0]["changes"] == 2  # newer than either side, for calendars


# -- no common ancestor: conflict copies -------------------------------------------------------


def test_without_an_ancestor_the_side_whose_history_says_so_wins(case: Case) -> None:
    here = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(23)))
    there = changed(case, lambda c: c.add_event("message_sent", at("10:30"), kind="update"))
    merged = merge(None, here, there)
    assert merged.data["followup_due"] == to_iso(day(23)) and merged.conflicts == []
    assert {"snoozed", "message_sent"} <= set(events(merged.data))
    both = merge(None, here, changed(case, lambda c: lifecycle.snooze(c, at("10:30"), day(24))))
    assert both.data["conflicts"][0]["field"] == NEXT


def test_an_older_copy_adds_nothing_and_loses_nothing(case: Case) -> None:
    old = cases.to_data(case)
    new = changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(23)))
    for a, b in ((old, new), (new, old)):
        data = merge(None, a, b).data
        assert data["followup_due"] == to_iso(day(23))
        assert events(data) == events(new) and "conflicts" not in data


def test_two_different_cases_under_one_id_are_refused(case: Case) -> None:
    other = cases.to_data(case) | {"created": "2026-11-17T09:00:00+00:00", "customer": "Ann"}
    with pytest.raises(BadInput, match="two different cases share the id"):
        merge(None, cases.to_data(case), other)


def test_conflict_markers_split_into_two_sides_and_merge(case: Case) -> None:
    here = cases.dump_yaml(changed(case, lambda c: lifecycle.snooze(c, at("10:00"), day(23))))
    there = cases.dump_yaml(
        changed(case, lambda c: c.add_event("message_sent", at("10:30"), kind="update"))
    )
    import difflib

    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, here.splitlines(True), there.splitlines(True)
    ).get_opcodes():
        a, b = here.splitlines(True)[i1:i2], there.splitlines(True)[j1:j2]
        if tag == "equal":
            lines += a
        else:
            lines += ["<<<<<<< HEAD\n", *a, "=======\n", *b, ">>>>>>> theirs\n"]
    merged = file_merge.sides_of_markers("".join(lines), "cases/x.yaml")
    assert {"snoozed", "message_sent"} <= set(events(merged.data))
    assert merging.split_markers("no markers\n") is None
    assert merging.split_markers("<<<<<<< a\nx\n=======\n") is None  # cut short


def test_commit_messages_say_what_changed_in_words(case: Case) -> None:
    snoozed = copy.deepcopy(case)
    lifecycle.snooze(snoozed, at("10:00"), day(23))
    message = commit_message(snoozed, snoozed.history[-1:])
    assert message.splitlines()[0] == "Moved the check-in with Dana Fox to Mon 23 Nov 09:00"
    assert f"Case: {case.id}" in message
    logged = reload(case)
    lifecycle.log_outcome(logged, at("11:00"), option="Regrout", actions=[("Regrout", day(24))],
                          notes="", next_due=None)  # fmt: skip
    message = commit_message(logged, logged.history[len(case.history) :])
    assert message.startswith("Logged the call with Dana Fox: agreed 'Regrout'\n\n- Promised")
