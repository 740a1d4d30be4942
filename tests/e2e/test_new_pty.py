"""`calm new` end to end: the installed command in a pseudo-terminal, answered key by key.

These tests press the same keys a person would on the real questionary prompts (arrows and Enter
on choices, y/n on yes-or-no questions, Esc then Enter to finish a multi-line text, Ctrl-B to go
back, Ctrl-C to stop), then check what was printed and what was written under CALM_HOME.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

from .conftest import Keyboard, Term

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
PREPARE_NOTES = ["breathe"]


# -- answering one prompt ----------------------------------------------------------------------


def skip_breathing(term: Term) -> None:
    term.expect("Give yourself a minute first.")
    term.expect("Take a short breathing pause first?")
    term.send(Keyboard.Down, Keyboard.Enter)
    term.expect("Take a short breathing pause first? Skip, I'm ready")


def text(term: Term, prompt: str, answer: str, *, clear: bool = False) -> None:
    """A one-line text (or date) prompt; `clear` first deletes the default shown in it."""
    term.expect(prompt)
    term.send(Keyboard.CtrlU if clear else "", answer, Keyboard.Enter)


def longtext(term: Term, prompt: str, *lines: str) -> None:
    """A multi-line text: Enter starts a new line, Esc then Enter finishes (no lines: skip)."""
    term.expect(prompt)
    term.send(Keyboard.Enter.join(lines), Keyboard.EscEnter)


def select(term: Term, prompt: str, downs: int, shown: str) -> None:
    """A choice or scale: move down `downs` rows from where the pointer starts, then Enter.

    The answered prompt is redrawn as "? <prompt> <choice>", which proves the right row was picked.
    """
    term.expect(prompt)
    term.send(Keyboard.Down * downs, Keyboard.Enter)
    term.expect(f"{prompt} {shown}")


def ratings(term: Term, prompt: str, keys: str, shown: str) -> None:
    """A ratings grid: arrows move, a digit rates and moves on, Enter finishes. The answered
    prompt is redrawn as "? <prompt> <ratings in words>"."""
    term.expect(prompt)
    term.send(keys, Keyboard.Enter)
    term.expect(f"{prompt} {shown}")


def tick(term: Term, prompt: str, rows: list[int], shown: str) -> None:
    """Tick boxes: Space on each of `rows` (counted from the top), then Enter."""
    term.expect(prompt)
    at = 0
    for row in rows:
        term.send(Keyboard.Down * (row - at), Keyboard.Space)
        at = row
    term.send(Keyboard.Enter)
    term.expect(f"{prompt} {shown}")


def yesno(term: Term, prompt: str, key: str, shown: str) -> None:
    """A yes/no question: "y" or "n" answers at once, Enter takes the default."""
    term.expect(prompt)
    term.send(key)
    term.expect(f"(y/n, Ctrl-B: back) {shown}")  # the answered prompt, redrawn


def review_pick(term: Term, prompt_start: str) -> str:
    """At the review, choose the "Change: <prompt> (<answer>)" row whose prompt starts so.

    Returns the review as drawn: the table of answers, then the rows to choose from.
    """
    table = term.expect("All correct?")
    drawn = term.expect(f"Change: {prompt_start}")
    # "Looks right" is row 0 and the rows are drawn top to bottom, so the target's row number is
    # how many "Change:" rows have been drawn up to and including it.
    row = drawn.count("Change: ")
    term.send(Keyboard.Down * row, Keyboard.Enter)
    return table + drawn + term.expect(f"All correct? Change: {prompt_start}")


def confirm_review(term: Term) -> str:
    """Pick "Looks right" (the first row) and return the review as it was drawn."""
    drawn = term.expect("All correct?")
    drawn += term.expect("Looks right: make the call plan")
    term.send(Keyboard.Enter)
    # The rest of the rows were drawn before the answer was.
    return drawn + term.expect("All correct? Looks right: make the call plan")


# -- what calm wrote -------------------------------------------------------------------------


def only_case(home: Path) -> tuple[dict[str, Any], Path]:
    cases = sorted((home / "cases").glob("*.yaml"))
    assert len(cases) == 1, cases
    return yaml.safe_load(cases[0].read_text(encoding="utf-8")), cases[0]


def drafts(home: Path) -> list[Path]:
    return sorted((home / "drafts").glob("*.yaml"))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def shown_when(when: datetime) -> str:
    """How calm prints a time: "Sat 28 Nov 10:00", with the year only when it is not this one."""
    year = f" {when.year}" if when.year != datetime.now(LONDON).year else ""
    return f"{when:%a} {when.day} {when:%b}{year} {when:%H:%M}"


def two_working_days(today: date) -> date:
    day, left = today, 2
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


# -- the tests ---------------------------------------------------------------------------------


FEELINGS = "How does {who} feel, and how strongly?"
WANTS = "What does {who} want? Tick all they asked for."
SITUATION = "Does any of this apply? Tick each one that does."


def test_full_walk_of_the_default_tree(spawn_calm: Any, calm_home: Path) -> None:
    today = datetime.now(LONDON).date()
    followup = at(today + timedelta(days=3), 10)
    term = spawn_calm("new", "--tree", "default")

    skip_breathing(term)
    term.expect("Who it is")
    text(term, "What's the customer's name?", "Mrs Jones")
    text(term, "What number will you ring?", "07700 900123")
    text(term, "Which job is it?", "Bathroom at 12 Mill Lane")
    # let down 4 (row 8), then up to frustrated (row 1): 3
    keys = Keyboard.Down * 8 + "4" + Keyboard.Up * 8 + "3"
    ratings(term, FEELINGS.format(who="Mrs Jones"), keys, "let down 4, frustrated 3")
    text(term, "What has gone wrong, in a few words?", "the new tiles cracked within a week")
    longtext(
        term,
        "Anything else to note?",
        "They rang twice.",
        "Water is getting behind them.",
    )
    tick(term, SITUATION, [], "done")
    tick(term, WANTS.format(who="Mrs Jones"), [1, 8], "done (2 selections)")
    text(
        term,
        "What would put it right for them, in their own words?",
        "tiles that stay put and a dry wall",
    )
    term.expect("Think of two ways to put it right, so Mrs Jones can choose.")
    text(term, "What's one way you could put it right?", "Replace the cracked tiles")
    text(term, "And a second way, so they have a choice?", "Regrout and seal the shower")
    term.expect("How do they compare?")
    term.expect("cost to you")
    term.send("242", "514", Keyboard.Enter)
    term.expect("How do they compare? Replace the cracked tiles: fairly hard to do")
    term.expect("The check-in is where trust comes back")
    text(term, "When will you check in with Mrs Jones?", "+3d 10am", clear=True)
    review = confirm_review(term)
    assert "let down 4, frustrated 3" in review

    assert term.wait_exit() == 0, term.rest()
    plan = term.rest()
    assert "Call plan: Mrs Jones" in plan
    assert "★ 1. Regrout and seal the shower (your pick)" in plan  # above the costly first one
    assert re.search(r"(?<!★ )2\. Replace the cracked tiles", plan)
    assert re.search(rf"Follow up\s+{re.escape(shown_when(followup))}", plan)
    assert "Saved:" in plan

    data, case_path = only_case(calm_home)
    expected = {
        "customer_name": "Mrs Jones",
        "customer_phone": "07700 900123",
        "job": "Bathroom at 12 Mill Lane",
        "feelings": {"let_down": 4, "frustrated": 3},
        "cause": "the new tiles cracked within a week",
        "what_happened": "They rang twice.\nWater is getting behind them.",
        "situation": None,
        "wants": ["redo", "apology"],
        "wants_words": "tiles that stay put and a dry wall",
        "option_1": "Replace the cracked tiles",
        "option_2": "Regrout and seal the shower",
        "option_ratings": {
            "option_1": {"ease": 2, "cost": 4, "speed": 2},
            "option_2": {"ease": 5, "cost": 1, "speed": 4},
        },
        "followup_at": followup.isoformat(timespec="seconds"),
    }
    assert data["answers"] == expected
    assert list(data["answers"]) == list(expected)  # in the order they were asked
    assert data["customer"] == "Mrs Jones"
    assert data["phone"] == "07700 900123"
    assert data["job"] == "Bathroom at 12 Mill Lane"
    assert data["tree"] == {"id": "default", "version": 2}
    assert data["status"] == "open"
    assert datetime.fromisoformat(data["followup_due"]) == followup
    assert data["offer"] == "Regrout and seal the shower"
    assert data["wants"] == "redo, apology"
    assert case_path.stem.endswith("-mrs-jones")
    assert f"case     {case_path}" in plan

    markdown = case_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "# Call plan: Mrs Jones" in markdown
    assert "1. Regrout and seal the shower **(your pick)**" in markdown
    reminder = calm_home / "followups" / f"{case_path.stem}.ics"
    calendar = icalendar.Calendar.from_ical(reminder.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == followup
    assert str(event["summary"]) == "Check in with Mrs Jones: Bathroom at 12 Mill Lane"
    assert drafts(calm_home) == []


def test_back_key_and_changing_answers_in_review(spawn_calm: Any, calm_home: Path) -> None:
    tomorrow_4pm = at(datetime.now(LONDON).date() + timedelta(days=1), 16)
    term = spawn_calm("new", "--tree", "default")

    skip_breathing(term)
    text(term, "What's the customer's name?", "Mr Patel")
    text(term, "What number will you ring?", "0161 496 0000")
    # Ctrl-B on a text prompt: the phone question again, with the answer given as its default.
    term.expect("Which job is it?")
    term.send(Keyboard.CtrlB)
    term.expect("What number will you ring?")
    term.expect("0161 496 0000")
    term.send(Keyboard.CtrlU, "0161 496 0999", Keyboard.Enter)
    text(term, "Which job is it?", "Loft conversion")
    ratings(term, FEELINGS.format(who="Mr Patel"), Keyboard.Down + "2", "frustrated 2")
    # Ctrl-B on the next prompt: the ratings again, holding the rating given.
    term.expect("What has gone wrong, in a few words?")
    term.send(Keyboard.CtrlB)
    term.expect(FEELINGS.format(who="Mr Patel"))
    term.expect("frustrated          [2]")
    term.send(Keyboard.Down, "3", Keyboard.Enter)
    term.expect(f"{FEELINGS.format(who='Mr Patel')} frustrated 3")
    text(term, "What has gone wrong, in a few words?", "the skylight leaks")
    longtext(term, "Anything else to note?")
    tick(term, SITUATION, [], "done")
    tick(term, WANTS.format(who="Mr Patel"), [0], "[a repair]")
    text(term, "What would put it right for them, in their own words?", "a dry loft and an apology")
    text(term, "What's one way you could put it right?", "Reseal the skylight")
    text(term, "And a second way, so they have a choice?", "")
    ratings(term, "How do they compare?", "324", "Reseal the skylight: doable")
    text(term, "When will you check in with Mr Patel?", "tomorrow 4pm", clear=True)

    # Review: tick "someone else may need to step in": the two questions on that branch are
    # asked, and everything after them is kept.
    review_pick(term, "Does any of this apply?")
    term.expect("Does any of this apply?")
    term.send(Keyboard.Down * 5, Keyboard.Space, Keyboard.Enter)
    term.expect("Who would you bring in?")
    term.expect("the owner")  # the tree's default, ready to accept
    term.send(Keyboard.Enter)
    text(term, "When would you bring in the owner?", "they want a full refund", clear=True)
    review = confirm_review(term)
    assert "Change: Who would you bring in? (the owner)" in review
    assert "a dry loft and an apology" in review  # kept from before the change

    assert term.wait_exit() == 0, term.rest()
    plan = term.rest()
    assert "Bring in" in plan and "they want a full refund" in plan
    data, case_path = only_case(calm_home)
    answers = data["answers"]
    assert answers["customer_phone"] == "0161 496 0999"
    assert answers["feelings"] == {"frustrated": 3}
    assert answers["situation"] == ["help"]
    assert answers["escalate_to"] == "the owner"
    assert answers["escalate_when"] == "they want a full refund"
    assert answers["option_2"] is None
    assert answers["followup_at"] == tomorrow_4pm.isoformat(timespec="seconds")
    assert list(answers) == [
        "customer_name", "customer_phone", "job", "feelings", "cause", "what_happened",
        "situation", "escalate_to", "escalate_when", "wants", "wants_words", "option_1",
        "option_2", "option_ratings", "followup_at",
    ]  # fmt: skip
    markdown = case_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "## Bring someone in" in markdown
    assert drafts(calm_home) == []


def test_ctrl_c_keeps_a_draft_and_resume_continues(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", "default")
    skip_breathing(term)
    text(term, "What's the customer's name?", "Ms Ng")
    text(term, "What number will you ring?", "020 7946 0018")
    text(term, "Which job is it?", "Boiler service")
    term.expect(FEELINGS.format(who="Ms Ng"))
    term.send(Keyboard.CtrlC)

    assert term.wait_exit() == 130
    hints = [line for line in term.rest().splitlines() if "--resume" in line]
    assert len(hints) == 1, hints
    match = re.fullmatch(
        r"calm: stopped; your answers are kept\. Continue with: calm new --resume (\S+)\s*",
        hints[0],
    )
    assert match, hints[0]
    (draft,) = drafts(calm_home)
    assert draft.stem == match[1]
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert saved["answers"] == {
        "customer_name": "Ms Ng",
        "customer_phone": "020 7946 0018",
        "job": "Boiler service",
    }
    assert saved["seen_notes"] == PREPARE_NOTES
    assert saved["tree_id"] == "default"
    assert (calm_home / "cases").exists() is False

    today = datetime.now(LONDON).date()
    term = spawn_calm("new", "--resume")
    before = term.expect(FEELINGS.format(who="Ms Ng"))
    assert "breathing pause" not in before
    assert "Give yourself a minute" not in before
    assert "What's the customer's name?" not in before
    assert "What number will you ring?" not in before
    term.send(Keyboard.Down * 3, "2", Keyboard.Enter)
    term.expect(f"{FEELINGS.format(who='Ms Ng')} worried or anxious 2")
    text(term, "What has gone wrong, in a few words?", "no hot water since Friday")
    longtext(term, "Anything else to note?")
    tick(term, SITUATION, [], "done")
    tick(term, WANTS.format(who="Ms Ng"), [0], "[a repair]")
    text(term, "What would put it right for them, in their own words?", "hot water again today")
    text(term, "What's one way you could put it right?", "Send an engineer today")
    text(term, "And a second way, so they have a choice?", "")
    ratings(term, "How do they compare?", "115", "Send an engineer today: hard to do")
    text(term, "When will you check in with Ms Ng?", "")  # Enter keeps the default shown
    confirm_review(term)

    assert term.wait_exit() == 0, term.rest()
    assert "Call plan: Ms Ng" in term.rest()
    data, _ = only_case(calm_home)
    answers = data["answers"]
    assert answers["customer_name"] == "Ms Ng"
    assert answers["customer_phone"] == "020 7946 0018"
    assert answers["job"] == "Boiler service"
    assert answers["feelings"] == {"worried": 2}
    assert answers["what_happened"] is None
    assert answers["followup_at"] == at(two_working_days(today), 9).isoformat(timespec="seconds")
    assert drafts(calm_home) == []


def test_tree_picker_lists_default_first(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new")
    term.expect("Which situation is it?")
    listed = term.expect("(billing)")
    rows = [m for line in listed.splitlines() if (m := re.search(r"(.*)  \((\w+)\)$", line))]
    assert [m[2] for m in rows] == ["default", "quality", "delay", "billing"]
    assert rows[0][1].strip() == "» Returning an upset customer's call"  # the pointer is on it
    term.send(Keyboard.Enter)
    skip_breathing(term)  # the default tree's first note: the pick took effect
    term.expect("What's the customer's name?")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    assert "calm: stopped before any answer; nothing to keep" in term.rest()
    assert drafts(calm_home) == []


def test_invalid_answers_are_refused_and_asked_again(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", "default")
    skip_breathing(term)
    term.expect("What's the customer's name?")
    term.send(Keyboard.CtrlB)  # nothing before the first question
    term.expect("✗ This is the first question; there is nothing to go back to.")
    term.expect("What's the customer's name?")
    term.send(Keyboard.Enter)  # a name is required
    term.expect("Enter a name, up to 120 characters.")
    term.send("Mr Okafor", Keyboard.Enter)
    text(term, "What number will you ring?", "abc")
    term.expect("Use digits, spaces and + ( ) . - only, at least six of them.")
    term.send(Keyboard.CtrlU, "0113 496 0555", Keyboard.Enter)
    term.expect("Which job is it?")
    term.send(Keyboard.CtrlC)

    assert term.wait_exit() == 130
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert saved["answers"] == {"customer_name": "Mr Okafor", "customer_phone": "0113 496 0555"}


def test_going_back_two_questions_keeps_the_answer_in_between(
    spawn_calm: Any, calm_home: Path
) -> None:
    """Ctrl-B twice, then forward again: the question in between still offers its answer.

    (Regression: the engine used to forget it, and Enter on this optional question then stored
    None.)
    """
    term = spawn_calm("new", "--tree", "default")
    skip_breathing(term)
    text(term, "What's the customer's name?", "Mrs Hughes")
    text(term, "What number will you ring?", "029 2018 0000")
    term.expect("Which job is it?")
    term.send(Keyboard.CtrlB)
    term.expect("What number will you ring?")
    term.expect("029 2018 0000")  # one step back: the answer is the default
    term.send(Keyboard.CtrlB)
    term.expect("What's the customer's name?")
    term.expect("Mrs Hughes")
    term.send(Keyboard.Enter)
    term.expect("What number will you ring?")
    term.expect("029 2018 0000")
    term.send(Keyboard.Enter)  # keep what is shown
    term.expect("Which job is it?")
    term.send(Keyboard.CtrlC)

    assert term.wait_exit() == 130
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert saved["answers"] == {"customer_name": "Mrs Hughes", "customer_phone": "029 2018 0000"}


def test_ctrl_c_while_changing_an_answer_in_review_keeps_the_draft_whole(
    spawn_calm: Any, calm_home: Path
) -> None:
    term = spawn_calm("new", "--tree", "default")
    skip_breathing(term)
    enter, done = Keyboard.Enter, Keyboard.EscEnter
    steps = [
        ("What's the customer's name?", "Mr Byrne" + enter),
        ("What number will you ring?", "0191 498 0000" + enter),
        ("Which job is it?", "Roof" + enter),
        (FEELINGS.format(who="Mr Byrne"), "3" + enter),
        ("What has gone wrong, in a few words?", "the roof leaks" + enter),
        ("Anything else to note?", done),
        ("Does any of this apply?", enter),
        (WANTS.format(who="Mr Byrne"), " " + enter),
        ("in their own words?", "no drips" + enter),
        ("What's one way you could put it right?", "Patch it" + enter),
        ("And a second way, so they have a choice?", enter),
        ("How do they compare?", "333" + enter),
        ("When will you check in with Mr Byrne?", enter),
    ]
    for prompt, keys in steps:
        term.expect(prompt)
        term.send(keys)
    review_pick(term, "What number will you ring?")
    term.expect("What number will you ring?")
    term.send(Keyboard.CtrlC)

    assert term.wait_exit() == 130
    assert "your answers are kept" in term.rest()
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    later = {"job", "feelings", "cause", "wants", "wants_words", "option_1", "followup_at"}
    assert later <= set(saved), sorted(saved)
    assert saved["job"] == "Roof"
    assert saved["option_1"] == "Patch it"
