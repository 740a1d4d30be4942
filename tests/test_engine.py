"""The interview engine, driven by a scripted prompter: kinds, templates, defaults, branching,
going back, validation, review-and-edit, prefilled answers, drafts, --no-input, and the built-in
trees end to end."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain.interview import BACK, Interview, NonInteractive
from calmcli.domain.plan import build_plan
from calmcli.errors import EXIT_BAD_INPUT, BadInput
from calmcli.tree.loader import load_tree_text
from calmcli.tree.registry import resolve
from scripted import DEFAULT, ScriptedPrompter

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # a Wednesday, GMT


def now() -> datetime:
    return NOW


TREE_TEXT = """
format: 1
id: engine-test
title: Engine test tree
version: 1
sections:
  - {id: start, title: Getting ready}
  - {id: who, title: Who}
  - {id: feel, title: Feelings}
  - {id: facts, title: Facts}
  - {id: later, title: Later}
nodes:
  - id: intro
    section: start
    kind: note
    prompt: Breathe before you ring.
  - id: name
    section: who
    kind: text
    prompt: Customer's name?
    validate: {min_length: 2, message: "A name has at least two letters."}
  - id: phone
    section: who
    kind: text
    prompt: Phone?
    required: false
    validate: {pattern: '^[0-9 +]{6,}$', message: "Digits and spaces, six or more."}
  - id: contact
    section: who
    kind: text
    prompt: How will you reach {name}?
    help: "Number on file: {phone|none}"
    default: "{name} on {phone|no number}"
  - id: mood
    section: feel
    kind: choice
    prompt: How does {name} feel?
    choices:
      - {value: angry, label: Really angry}
      - {value: worried, label: A bit worried}
      - {value: calm, label: Quite calm, next: calm_note}
  - id: heat
    section: feel
    kind: scale
    prompt: How strongly is {name} {mood}?
    min: 1
    max: 5
    labels: {1: mildly, 5: furious}
    validate: {min: 2, message: "If it were a 1 they would not have rung: pick 2 or more."}
    next:
      - if: {answer: heat, at_least: 4}
        goto: hot_note
      - goto: story
  - id: hot_note
    section: feel
    kind: note
    prompt: Let {name} finish before you speak.
    next: story
  - id: calm_note
    section: feel
    kind: note
    prompt: "{name} is calm: keep it that way."
    next: story
  - id: story
    section: facts
    kind: longtext
    prompt: What happened?
    validate: {min_length: 5}
  - id: wants
    section: facts
    kind: multi
    prompt: What does {name} want?
    choices:
      - {value: refund, label: Money back}
      - {value: redo, label: Redo the work}
      - {value: sorry, label: An apology}
    validate: {max_choices: 2, message: "Pick the two that matter most."}
    next:
      - if: {answer: wants, includes: refund}
        goto: refund_amount
      - goto: written
  - id: refund_amount
    section: facts
    kind: text
    prompt: How much back ({wants})?
  - id: written
    section: facts
    kind: yesno
    prompt: Was the job agreed in writing?
    next:
      - if: {all: [{answer: written, equals: true}, {not: {answer: phone, answered: false}}]}
        goto: ring_time
      - if: {any: [{answer: wants, includes: redo}, {answer: heat, at_least: 5}]}
        goto: visit
      - goto: when
  - id: ring_time
    section: later
    kind: text
    prompt: Best time to ring {phone}?
    next: when
  - id: visit
    section: later
    kind: date
    prompt: When could you visit?
    validate: {not_past: true}
    next: when
  - id: when
    section: later
    kind: date
    prompt: When will you check in with {name}?
    default: 2 working days 9am
    validate:
      not_past: true
      max_days_ahead: 30
      message: "Pick a time from now up to 30 days ahead."
"""

TREE = load_tree_text(TREE_TEXT, "engine-test.yaml")

FRI_9AM = "2026-11-27T09:00:00+00:00"  # the computed default: 2 working days after Wed 25 Nov

# The plain path: worried, heat 3, an apology, nothing in writing -> straight to `when`.
PLAIN: dict[str, Any] = {
    "name": "Ann Lee",
    "phone": "01234 567890",
    "contact": DEFAULT,
    "mood": "worried",
    "heat": "3",
    "story": "The roof leaks again.",
    "wants": "sorry",
    "written": "no",
    "when": DEFAULT,
}
PLAIN_RESULT = {
    "name": "Ann Lee",
    "phone": "01234 567890",
    "contact": "Ann Lee on 01234 567890",
    "mood": "worried",
    "heat": 3,
    "story": "The roof leaks again.",
    "wants": ["sorry"],
    "written": False,
    "when": FRI_9AM,
}


def steps(**answers: Any) -> list[tuple[str, Any]]:
    """Script for the plain path with some answers changed or added, in the tree's order. A list
    gives several attempts; `None` leaves the node out (not asked on this path)."""
    merged = {**PLAIN, **answers}
    order = list(TREE.nodes)
    out: list[tuple[str, Any]] = []
    for node_id, answer in sorted(merged.items(), key=lambda kv: order.index(kv[0])):
        if answer is None:
            continue
        tries = answer if isinstance(answer, list) else [answer]
        out.extend((node_id, a) for a in tries)
    return out


def interview(
    script: list[tuple[str, Any]], *, tree: Any = TREE, **kwargs: Any
) -> tuple[dict[str, Any], ScriptedPrompter, Interview]:
    prompter = ScriptedPrompter(script)
    iv = Interview(tree, now=now, **kwargs)
    result = iv.run(prompter)
    assert prompter.done, f"unused script steps: {prompter.steps[prompter.pos :]}"
    return result, prompter, iv


def test_the_scripted_prompter_fails_loudly_when_the_flow_differs() -> None:
    """The other tests rely on this: a question the script did not expect fails the test."""
    with pytest.raises(AssertionError, match="asked 'phone'.*expected 'mood'"):
        Interview(TREE, now=now).run(ScriptedPrompter([("name", "Ann"), ("mood", "calm")]))
    with pytest.raises(AssertionError, match="ran out after 1 steps.*'phone'"):
        Interview(TREE, now=now).run(ScriptedPrompter([("name", "Ann")]))
    with pytest.raises(AssertionError, match="showed the review but the script expected"):
        Interview(TREE, now=now).run(ScriptedPrompter([*steps(), ("when", "fri")]))


# -- kinds, templates and defaults ---------------------------------------------------------------


def test_each_kind_is_stored_as_its_type() -> None:
    script = [
        ("name", "  Ann Lee  "),
        ("phone", "01234 567890"),
        ("contact", "mobile"),
        ("mood", "A bit worried"),  # typed as the label
        ("heat", "5"),
        ("story", "The roof\nleaks again\n"),
        ("wants", "Redo the work, sorry"),
        ("written", "yes"),
        ("ring_time", "after 5pm"),
        ("when", "fri 4pm"),
        ("review", None),
    ]
    result, prompter, _ = interview(script)
    assert result == {
        "name": "Ann Lee",
        "phone": "01234 567890",
        "contact": "mobile",
        "mood": "worried",  # the value, not the label
        "heat": 5,
        "story": "The roof\nleaks again",
        "wants": ["redo", "sorry"],
        "written": True,
        "ring_time": "after 5pm",
        "when": "2026-11-27T16:00:00+00:00",
    }
    assert type(result["heat"]) is int
    assert type(result["written"]) is bool
    when = datetime.fromisoformat(result["when"])
    assert when.utcoffset() is not None and when == datetime(2026, 11, 27, 16, 0, tzinfo=LONDON)
    # the heat note was shown, at its place in the flow
    assert prompter.notes == ["intro", "hot_note"]


def test_a_date_in_summer_time_is_stored_with_the_summer_offset() -> None:
    summer = datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
    iv = Interview(TREE, now=lambda: summer)
    prompter = ScriptedPrompter(steps(when="tomorrow 9am") + [("review", None)])
    assert iv.run(prompter)["when"] == "2026-06-02T09:00:00+01:00"


def test_prompts_and_help_show_earlier_answers_as_words() -> None:
    script = steps(heat="4", wants="refund, redo", refund_amount="£200", visit="tomorrow 8am")
    _, prompter, _ = interview(script + [("review", None)])
    assert prompter.last("contact").prompt == "How will you reach Ann Lee?"
    assert prompter.last("contact").help == "Number on file: 01234 567890"
    assert prompter.last("heat").prompt == "How strongly is Ann Lee A bit worried?"  # the label
    assert prompter.last("refund_amount").prompt == "How much back (Money back, Redo the work)?"
    assert prompter.last("heat").section == "Feelings"  # the section's title, not its id
    assert prompter.note_prompts == [
        "Breathe before you ring.",
        "Let Ann Lee finish before you speak.",
    ]


def test_template_fallback_is_used_for_a_skipped_answer() -> None:
    _, prompter, _ = interview(steps(phone="") + [("review", None)])
    assert prompter.last("contact").help == "Number on file: none"
    assert prompter.last("contact").default == "Ann Lee on no number"


def test_computed_defaults_are_offered_and_taken_on_enter() -> None:
    result, prompter, _ = interview(steps() + [("review", None)])
    assert prompter.last("contact").default == "Ann Lee on 01234 567890"
    assert prompter.last("when").default == "Fri 27 Nov 09:00"  # as calm shows dates
    assert result == PLAIN_RESULT
    # questions without a default offer nothing
    assert prompter.last("story").default is None


def test_first_question_cannot_go_back_later_ones_can() -> None:
    _, prompter, _ = interview(steps() + [("review", None)])
    assert prompter.last("name").can_go_back is False
    assert all(a.can_go_back for a in prompter.asked[1:])


# -- branching -------------------------------------------------------------------------------------


def test_choice_next_wins_and_skips_the_rest_of_the_branch() -> None:
    result, prompter, _ = interview(steps(mood="Quite calm", heat=None) + [("review", None)])
    assert "heat" not in prompter.asked_ids and "heat" not in result
    assert prompter.notes == ["intro", "calm_note"]
    assert prompter.note_prompts[-1] == "Ann Lee is calm: keep it that way."
    assert result["mood"] == "calm"


@pytest.mark.parametrize(("heat", "note_shown"), [("3", False), ("4", True), ("5", True)])
def test_at_least_rule(heat: str, note_shown: bool) -> None:
    visit = "tomorrow 8am" if heat == "5" else None  # heat 5 also sends `written` to the visit
    _, prompter, _ = interview(steps(heat=heat, visit=visit) + [("review", None)])
    assert ("hot_note" in prompter.notes) is note_shown


@pytest.mark.parametrize(
    ("phone", "heat", "wants", "written", "asked_after_written"),
    [
        # all: written true AND not(phone unanswered)
        ("01234 567890", "3", "sorry", "yes", ["ring_time"]),
        # phone skipped: treated as unanswered, so the `all` fails; no other rule -> fallback
        ("", "3", "sorry", "yes", []),
        # any: wants includes redo
        ("01234 567890", "3", "redo", "no", ["visit"]),
        # any: heat at least 5
        ("01234 567890", "5", "sorry", "no", ["visit"]),
        # nothing holds: the fallback
        ("01234 567890", "3", "sorry", "no", []),
    ],
)
def test_rule_conditions_and_fallback(
    phone: str, heat: str, wants: str, written: str, asked_after_written: list[str]
) -> None:
    extra = {"ring_time": "after 5pm", "visit": "tomorrow 8am"}
    script = steps(
        phone=phone,
        heat=heat,
        wants=wants,
        written=written,
        **{k: extra[k] for k in asked_after_written},
    )
    result, prompter, _ = interview(script + [("review", None)])
    after = prompter.asked_ids[prompter.asked_ids.index("written") + 1 :]
    assert after == [*asked_after_written, "when"]
    assert set(result) & {"ring_time", "visit"} == set(asked_after_written)
    if phone == "":
        assert result["phone"] is None


def test_includes_rule_asks_the_refund_question() -> None:
    script = steps(wants="Money back", refund_amount="£200")
    result, _, _ = interview(script + [("review", None)])
    assert result["wants"] == ["refund"] and result["refund_amount"] == "£200"


# -- going back ----------------------------------------------------------------------------------


def test_back_skips_notes_and_offers_the_old_answer() -> None:
    head = steps(heat="4")[:5]  # name .. heat
    script = [*head, ("story", BACK), ("heat", DEFAULT), *steps()[5:]]  # then story onwards
    result, prompter, _ = interview(script + [("review", None)])
    heats = prompter.all_for("heat")
    assert len(heats) == 2
    assert heats[1].default == 4  # the earlier answer, ready to keep with Enter
    assert result["heat"] == 4
    # BACK went to the question, not to the note between; the note is not shown twice
    assert prompter.asked_ids[5:8] == ["story", "heat", "story"]
    assert prompter.notes == ["intro", "hot_note"]


def test_back_then_another_branch_drops_the_old_branch() -> None:
    script = [
        *steps()[:6],  # name .. story
        ("wants", "refund"),
        ("refund_amount", "£200"),
        ("written", BACK),
        ("refund_amount", BACK),
        ("wants", "sorry"),
        ("written", "no"),
        ("when", DEFAULT),
        ("review", None),
    ]
    result, prompter, _ = interview(script)
    assert prompter.all_for("refund_amount")[1].default == "£200"
    assert prompter.all_for("wants")[1].default == ["refund"]
    assert "refund_amount" not in result
    assert result == PLAIN_RESULT


def test_back_twice_keeps_the_answer_in_between_as_default() -> None:
    script = [
        *steps()[:6],
        ("wants", "refund"),
        ("refund_amount", "£200"),
        ("written", BACK),
        ("refund_amount", BACK),
        ("wants", DEFAULT),  # same answer: the refund branch is taken again
        ("refund_amount", "£200"),
        ("written", "no"),
        ("when", DEFAULT),
        ("review", None),
    ]
    _, prompter, _ = interview(script)
    assert prompter.all_for("refund_amount")[1].default == "£200"  # after the first BACK: fine
    assert prompter.all_for("refund_amount")[2].default == "£200"  # after the second: None


def test_back_at_the_first_question_asks_again_with_an_error() -> None:
    result, prompter, _ = interview(steps(name=[BACK, "Ann Lee"]) + [("review", None)])
    first, second = prompter.all_for("name")
    assert first.error is None
    assert second.error == "This is the first question; there is nothing to go back to."
    assert second.can_go_back is False
    assert result == PLAIN_RESULT
    assert prompter.notes == ["intro"]  # the note before it is not shown again


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "bad", "message", "good", "stored"),
    [
        ("name", "A", "A name has at least two letters.", "Ann Lee", "Ann Lee"),
        ("phone", "call me", "Digits and spaces, six or more.", "01234 567890", "01234 567890"),
        ("wants", "refund, redo, sorry", "Pick the two that matter most.", "sorry", ["sorry"]),
        ("heat", "1", "If it were a 1 they would not have rung: pick 2 or more.", "3", 3),
        (  # the reason first, saying which day calm took, then the tree's own message
            "when",
            "yesterday",
            "Tue 24 Nov 09:00 is in the past. Pick a time from now up to 30 days ahead.",
            "tomorrow 9am",
            "2026-11-26T09:00:00+00:00",
        ),
        (
            "when",
            "+60d",
            "Sun 24 Jan 2027 09:00 is more than 30 days ahead. "
            "Pick a time from now up to 30 days ahead.",
            "+30d",
            "2026-12-25T09:00:00+00:00",
        ),
        # without an author's message calm says which rule failed
        ("story", "leak", "at least 5 characters", "Roof leaks.", "Roof leaks."),
        (
            "mood",
            "furious",
            "'furious' is not one of the choices (angry, worried, calm)",
            "worried",
            "worried",
        ),
        ("heat", "9", "9 is outside 1 to 5", "3", 3),
        ("heat", "lots", "expected a number from 1 to 5, not 'lots'", "3", 3),
        ("written", "maybe", "answer yes or no, not 'maybe'", "n", False),
        ("contact", "  ", "an answer is needed", "mobile", "mobile"),
    ],
)
def test_invalid_answer_is_asked_again_with_the_message(
    node_id: str, bad: str, message: str, good: str, stored: Any
) -> None:
    result, prompter, _ = interview(steps(**{node_id: [bad, good]}) + [("review", None)])
    first, second = prompter.all_for(node_id)
    assert first.error is None
    assert second.error == message
    assert second.default == bad  # what they typed, to correct rather than retype
    assert result[node_id] == stored


def test_a_past_visit_date_is_refused_in_calm_words() -> None:
    script = steps(wants="redo", visit=["yesterday", "tomorrow 8am"])
    result, prompter, _ = interview(script + [("review", None)])
    error = prompter.all_for("visit")[1].error
    assert error is not None and "Tue 24 Nov 09:00 is in the past" in error
    assert result["visit"] == "2026-11-26T08:00:00+00:00"


def test_question_check_matches_what_the_engine_accepts() -> None:
    """The prompt's live validation (`Question.check`) says the same as the engine."""
    seen: dict[str, Any] = {}

    class Checking(ScriptedPrompter):
        def ask(self, question: Any) -> Any:
            if question.node.id == "name":
                seen["bad"] = question.check("A")
                seen["good"] = question.check("Ann")
            return super().ask(question)

    prompter = Checking(steps() + [("review", None)])
    Interview(TREE, now=now).run(prompter)
    assert seen == {"bad": "A name has at least two letters.", "good": None}


def test_optional_question_skipped_stores_none() -> None:
    result, _, _ = interview(steps(phone="") + [("review", None)])
    assert "phone" in result and result["phone"] is None
    assert result["contact"] == "Ann Lee on no number"


# -- review ------------------------------------------------------------------------------------


def test_review_confirm_returns_the_answers_and_shows_them_as_words() -> None:
    result, prompter, _ = interview(steps(phone="") + [("review", None)])
    assert result == {**PLAIN_RESULT, "phone": None, "contact": "Ann Lee on no number"}
    (rows,) = prompter.reviews
    shown = {r.node_id: r.answer for r in rows}
    assert [r.node_id for r in rows] == list(result)  # questions only, in the order asked
    assert shown["mood"] == "A bit worried"
    assert shown["phone"] == "(skipped)"
    assert shown["wants"] == "An apology"
    assert shown["written"] == "no"
    assert shown["when"] == "Fri 27 Nov 09:00"
    assert next(r for r in rows if r.node_id == "mood").prompt == "How does Ann Lee feel?"


def test_review_edit_keeps_later_answers_without_asking_again() -> None:
    script = steps() + [
        ("review", "story"),
        ("story", "Water through the ceiling."),
        ("review", None),
    ]
    result, prompter, _ = interview(script)
    assert prompter.last("story").default == "The roof leaks again."
    # only the edited question was asked again
    assert prompter.asked_ids[len(PLAIN) :] == ["story"]
    assert result == {**PLAIN_RESULT, "story": "Water through the ceiling."}
    assert len(prompter.reviews) == 2


def test_review_edit_asks_the_new_branch_and_shows_notes_only_once() -> None:
    script = steps(heat="4", wants="refund", refund_amount="£200")
    script += [
        ("review", "heat"),
        ("heat", "5"),  # heat 5: `written` now leads to the visit
        ("visit", "tomorrow 8am"),
        ("review", None),
    ]
    result, prompter, _ = interview(script)
    assert prompter.last("heat").default == 4
    assert prompter.asked_ids[-2:] == ["heat", "visit"]
    assert result["heat"] == 5 and result["visit"] == "2026-11-26T08:00:00+00:00"
    assert result["refund_amount"] == "£200" and result["when"] == FRI_9AM
    assert prompter.notes == ["intro", "hot_note"]  # not shown again after the edit


def test_review_edit_drops_the_branch_no_longer_taken() -> None:
    script = steps(heat="5", wants="refund", refund_amount="£200", visit="tomorrow 8am")
    script += [
        ("review", "mood"),
        ("mood", "calm"),  # no heat any more, so no visit either
        ("review", None),
    ]
    result, prompter, _ = interview(script)
    assert prompter.last("mood").default == "worried"
    assert "heat" not in result and "visit" not in result
    assert result["refund_amount"] == "£200"  # still on the path, kept
    assert prompter.notes == ["intro", "hot_note", "calm_note"]
    assert [r.node_id for r in prompter.reviews[-1]] == list(result)
    assert prompter.asked_ids.count("story") == 1


# -- prefilled answers, drafts ---------------------------------------------------------------------


def test_prefilled_answers_are_not_asked() -> None:
    prefill = {
        "name": "Ann Lee",
        "mood": "A bit worried",
        "heat": 3,
        "wants": ["sorry"],
        "when": "2026-12-01 14:30",
    }
    script = [s for s in steps() if s[0] not in prefill] + [("review", None)]
    result, prompter, _ = interview(script, prefill=prefill)
    assert not set(prompter.asked_ids) & set(prefill)
    assert result == {**PLAIN_RESULT, "when": "2026-12-01T14:30:00+00:00"}


def test_invalid_prefilled_answer_is_asked_with_its_error() -> None:
    prefill = {"name": "A", "heat": 9, "when": "yesterday"}
    script = steps(when="tomorrow 9am") + [("review", None)]
    result, prompter, _ = interview(script, prefill=prefill)
    name = prompter.last("name")
    assert (name.error, name.default) == ("A name has at least two letters.", "A")
    heat = prompter.last("heat")
    assert (heat.error, heat.default) == ("9 is outside 1 to 5", 9)
    when = prompter.last("when")
    assert (
        when.error == "Tue 24 Nov 09:00 is in the past. Pick a time from now up to 30 days ahead."
    )
    assert when.default == "yesterday"
    assert result == {**PLAIN_RESULT, "when": "2026-11-26T09:00:00+00:00"}


def test_seen_notes_are_not_shown_again_on_resume() -> None:
    _, prompter, _ = interview(steps(heat="4") + [("review", None)], seen_notes={"intro"})
    assert prompter.notes == ["hot_note"]


def test_on_change_gets_the_answers_after_each_answer() -> None:
    snapshots: list[dict[str, Any]] = []
    result, _, _ = interview(
        steps() + [("review", None)], on_change=lambda iv: snapshots.append(dict(iv.answers))
    )
    items = list(result.items())
    for n in range(1, len(items) + 1):
        assert dict(items[:n]) in snapshots, f"no draft saved after {items[n - 1][0]!r}"
    assert snapshots[-1] == result


def test_on_change_after_back_no_longer_holds_the_dropped_answer() -> None:
    snapshots: list[dict[str, Any]] = []
    script = [
        *steps()[:6],
        ("wants", "refund"),
        ("refund_amount", "£200"),
        ("written", BACK),
        ("refund_amount", BACK),
        ("wants", "sorry"),
        ("written", "no"),
        ("when", DEFAULT),
        ("review", None),
    ]
    interview(script, on_change=lambda iv: snapshots.append(dict(iv.answers)))
    assert "refund_amount" not in snapshots[-1]
    assert snapshots[-1] == PLAIN_RESULT


# -- --no-input ------------------------------------------------------------------------------------


def test_non_interactive_uses_defaults_and_skips_optional_questions() -> None:
    prefill = {
        "name": "Ann Lee",
        "mood": "worried",
        "heat": 3,
        "story": "The roof leaks again.",
        "wants": "sorry",
        "written": False,
    }
    iv = Interview(TREE, now=now, prefill=prefill)
    result = iv.run(NonInteractive())
    assert result == {**PLAIN_RESULT, "phone": None, "contact": "Ann Lee on no number"}


def test_non_interactive_lists_every_missing_and_invalid_answer_at_once() -> None:
    prefill = {"name": "A", "heat": 9, "wants": "refund, teleport", "when": "yesterday"}
    iv = Interview(TREE, now=now, prefill=prefill)
    with pytest.raises(BadInput) as info:
        iv.run(NonInteractive())
    err = info.value
    assert err.exit_code == EXIT_BAD_INPUT == 2
    named = [d.split(":")[0] for d in err.details]
    assert sorted(named) == sorted(["name", "mood", "heat", "story", "wants", "written", "when"])
    by_id = dict(d.split(": ", 1) for d in err.details)
    assert by_id["name"].startswith("A name has at least two letters.")
    assert by_id["heat"].startswith("9 is outside 1 to 5")
    assert "teleport" in by_id["wants"]
    assert by_id["story"].startswith("missing answer")
    assert by_id["when"].startswith("Tue 24 Nov 09:00 is in the past. Pick a time from now up")
    assert "7 answers missing or invalid" in err.message


def test_stored_answers_are_accepted_again_when_resumed() -> None:
    """A draft holds stored values (ISO dates, lists, booleans); resuming takes them as they are."""
    prefill = {k: v for k, v in PLAIN_RESULT.items()}
    assert Interview(TREE, now=now, prefill=prefill).run(NonInteractive()) == PLAIN_RESULT


# -- loops -----------------------------------------------------------------------------------------

LOOP_TEXT = """
format: 1
id: loop
title: A list of items
version: 1
sections: [{id: s, title: Items}]
nodes:
  - {id: item, section: s, kind: text, prompt: "Item?", default: a tap}
  - id: more
    section: s
    kind: yesno
    prompt: Another one after {item}?
    default: true
    next:
      - if: {answer: more, equals: true}
        goto: item
      - goto: end
"""
LOOP = load_tree_text(LOOP_TEXT, "loop.yaml")


def test_a_loop_with_an_exit_ends() -> None:
    script = [
        ("item", "a"),
        ("more", "yes"),
        ("item", "b"),
        ("more", BACK),
        ("item", DEFAULT),
        ("more", "yes"),
        ("item", "c"),
        ("more", "no"),
        ("review", None),
    ]
    result, prompter, _ = interview(script, tree=LOOP)
    assert result == {"item": "c", "more": False}
    assert prompter.all_for("item")[2].default == "b"
    assert prompter.last("more").prompt == "Another one after c?"


def test_a_loop_that_never_exits_fails_instead_of_hanging() -> None:
    with pytest.raises(BadInput, match="keeps looping"):
        Interview(LOOP, now=now).run(NonInteractive())


def test_review_edit_in_a_loop_asks_again() -> None:
    script = [
        ("item", "a"),
        ("more", "yes"),
        ("item", "b"),
        ("more", "no"),
        ("review", "item"),
        ("item", "z"),
        ("more", "no"),
        ("review", None),
    ]
    result, _, _ = interview(script, tree=LOOP)
    assert result["item"] == "z"


# -- the built-in trees, end to end -------------------------------------------------------------

COMMON = {
    "customer_name": "Ann Lee",
    "customer_phone": "01234 567890",
    "job": "kitchen at 12 Mill Lane",
    "feelings": {"angry": 5, "let_down": 3},
    "cause": "the worktop cracked a week after fitting",
    "what_happened": "She rang the office twice; we had promised a ten-year guarantee.",
    "situation": ["threat"],
    "threat_kind": "review",
    "escalate_to": "Sam, the owner",
    "escalate_when": "they ask for a full refund",
    "wants": ["refund", "apology"],
    "wants_words": "a new worktop, fitted properly",
    "option_1": "full refund",
    "option_2": "replace the worktop this week",
    "option_ratings": {
        "option_1": {"ease": 2, "cost": 4, "speed": 2},
        "option_2": {"ease": 5, "cost": 1, "speed": 4},
    },
    "followup_at": "2026-12-01 14:30",
}
SPECIFIC: dict[str, dict[str, Any]] = {
    "default": {},
    "quality": {"photos": False},
    "delay": {
        "original_date": "finish by 14 March",
        "delay_cause": "materials",
        "new_date": "2026-12-10 09:00",
    },
    "billing": {
        "quoted_amount": "£4,800",
        "invoiced_amount": "£5,650",
        "disputed_items": "extra sockets £300",
        "changes_in_writing": False,
        "refund_amount": "£850",
    },
}
STORED_DATES = {"followup_at": "2026-12-01T14:30:00+00:00", "new_date": "2026-12-10T09:00:00+00:00"}
STORED = {"wants": ["refund", "apology"], "situation": ["threat"]}


@pytest.mark.parametrize("name", ["default", "quality", "delay", "billing"])
def test_builtin_tree_end_to_end(name: str) -> None:
    tree = resolve(name)
    prefill = {**COMMON, **SPECIFIC[name]}
    assert set(prefill) <= set(tree.nodes), set(prefill) - set(tree.nodes)
    result = Interview(tree, now=now, prefill=prefill).run(NonInteractive())
    expected = {k: STORED_DATES.get(k, v) for k, v in prefill.items()}
    assert result == expected

    plan = build_plan(tree, result, NOW)
    assert plan.customer == "Ann Lee"
    reflect = plan.step("reflect")
    assert (
        reflect is not None
        and "angry" in reflect.lines[0]
        and "worktop cracked" in reflect.lines[0]
    )
    assert all("{" not in line for step in plan.steps for line in step.lines)
    assert [o.text for o in plan.options] == [
        "replace the worktop this week",  # easy 5, cost 1, speed 4
        "full refund",
    ]
    assert plan.options[0].top and not plan.options[1].top
    assert plan.top_option == "replace the worktop this week"
    assert set(plan.situations) == {"threat", "escalate"}
    assert plan.followup == datetime(2026, 12, 1, 14, 30, tzinfo=LONDON)
    assert plan.followup.utcoffset() is not None


REQUIRED_ONLY = {
    "customer_name",
    "job",
    "feelings",
    "cause",
    "wants",
    "wants_words",
    "option_1",
}


@pytest.mark.parametrize("name", ["default", "quality", "delay", "billing"])
def test_builtin_tree_with_only_required_answers_uses_defaults(name: str) -> None:
    tree = resolve(name)
    specific = {k: v for k, v in SPECIFIC[name].items() if k not in ("new_date", "refund_amount")}
    prefill = {
        **{k: COMMON[k] for k in REQUIRED_ONLY},
        **specific,
        "wants": "explanation",
        "option_ratings": {"option_1": "2 4 2"},
    }
    result = Interview(tree, now=now, prefill=prefill).run(NonInteractive())
    assert result["followup_at"] == FRI_9AM  # "2 working days 9am" from Wednesday
    assert result["situation"] is None and "escalate_to" not in result
    assert result["option_2"] is None and result["option_ratings"] == {
        "option_1": {"ease": 2, "cost": 4, "speed": 2}
    }
    assert result["customer_phone"] is None
    plan = build_plan(tree, result, NOW)
    assert [o.text for o in plan.options] == ["full refund"]
    assert plan.step("escalate") is None and plan.situations == ()
    assert plan.followup == datetime(2026, 11, 27, 9, 0, tzinfo=LONDON)
