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
PREPARE_NOTES = ["aim", "breathe", "not_personal", "silent_many", "sticky_note"]


# -- answering one prompt ----------------------------------------------------------------------


def skip_breathing(term: Term) -> None:
    term.expect("Give yourself a minute before you ring back.")
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


def test_full_walk_of_the_default_tree(spawn_calm: Any, calm_home: Path) -> None:
    today = datetime.now(LONDON).date()
    followup = at(today + timedelta(days=3), 10)
    term = spawn_calm("new", "--tree", "default")

    skip_breathing(term)
    for note in ("They're upset about what happened", "Put a sticky note by the phone"):
        term.expect(note)
    term.expect("Who it is")
    text(term, "What's the customer's name?", "Mrs Jones")
    text(term, "What number will you ring?", "07700 900123")
    text(term, "Which job is it?", "Bathroom at 12 Mill Lane")
    select(term, "How does Mrs Jones seem to feel?", 4, "let down")
    select(term, "How strongly do they feel it?", 3, "4  very upset")
    term.expect("Feelings are running high, so let Mrs Jones talk until they've finished.")
    longtext(
        term,
        "What happened, as Mrs Jones tells it?",
        "The new tiles cracked within a week.",
        "Water is getting behind them.",
    )
    text(term, "When did it start, or when did they first notice it?", "Last Monday")
    longtext(term, "What was promised or agreed?")  # skipped
    longtext(term, "What have they already tried, or asked for?", "They rang twice.", "Photos.")
    yesno(term, "Have they raised this with you before?", "y", "Yes")
    select(term, "What does Mrs Jones want most?", 1, "the work redone")
    longtext(
        term,
        'In Mrs Jones\'s own words, what would "fixed" look like?',
        "Tiles that stay put and a dry wall.",
    )
    term.expect("Think of two or three ways to put this right, then let Mrs Jones choose.")
    text(term, "What's the first way you could put it right?", "Replace the cracked tiles")
    select(term, "Option 1: how easy is it for you to do?", 1, "2  fairly hard")
    select(term, "Option 1: how much would it cost you?", 3, "4  quite a lot")
    select(term, "Option 1: how soon would the customer see it done?", 1, "2  fairly slow")
    yesno(term, "Add another option?", "y", "Yes")
    text(term, "What's another way you could put it right?", "Regrout and seal the shower")
    select(term, "Option 2: how easy is it for you to do?", 4, "5  easy")
    select(term, "Option 2: how much would it cost you?", 0, "1  little")
    select(term, "Option 2: how soon would the customer see it done?", 3, "4  fairly fast")
    yesno(term, "Add a third option?", Keyboard.Enter, "No")  # the default
    text(term, "Is there a small extra you could add, beyond the fix?", "A proper clean-up")
    term.expect("If this has dragged on by email or text, stop writing and ring them.")
    yesno(term, "Might this need someone else, such as the owner or a supplier?", "n", "No")
    term.expect("The check-in is where trust comes back.")
    text(term, "When will you check in with Mrs Jones?", "+3d 10am", clear=True)
    review = confirm_review(term)
    assert "Change: How does Mrs Jones seem to feel? (let down)" in review
    assert "Change: Add a third option? (no)" in review

    assert term.wait_exit() == 0, term.rest()
    plan = term.rest()
    assert "Call plan: Mrs Jones" in plan
    assert "★ 1. Regrout and seal the shower" in plan  # ranked above the costly first option
    assert re.search(r"(?<!★ )2\. Replace the cracked tiles", plan)
    assert re.search(rf"Follow up\s+{re.escape(shown_when(followup))}", plan)
    assert "Saved:" in plan

    data, case_path = only_case(calm_home)
    expected = {
        "customer_name": "Mrs Jones",
        "customer_phone": "07700 900123",
        "job": "Bathroom at 12 Mill Lane",
        "feeling": "let_down",
        "intensity": 4,
        "what_happened": "The new tiles cracked within a week.\nWater is getting behind them.",
        "when_noticed": "Last Monday",
        "promised": None,
        "tried": "They rang twice.\nPhotos.",
        "raised_before": True,
        "wants": "redo",
        "fixed_looks_like": "Tiles that stay put and a dry wall.",
        "option_1": "Replace the cracked tiles",
        "option_1_feasible": 2,
        "option_1_cost": 4,
        "option_1_speed": 2,
        "more_options": True,
        "option_2": "Regrout and seal the shower",
        "option_2_feasible": 5,
        "option_2_cost": 1,
        "option_2_speed": 4,
        "more_options_2": False,
        "extra": "A proper clean-up",
        "escalate": False,
        "followup_at": followup.isoformat(timespec="seconds"),
    }
    assert data["answers"] == expected
    assert list(data["answers"]) == list(expected)  # in the order they were asked
    assert data["customer"] == "Mrs Jones"
    assert data["phone"] == "07700 900123"
    assert data["job"] == "Bathroom at 12 Mill Lane"
    assert data["tree"]["id"] == "default"
    assert data["status"] == "open"
    assert datetime.fromisoformat(data["followup_due"]) == followup
    assert data["offer"] == "Regrout and seal the shower"
    assert re.fullmatch(r".*-mrs-jones-[a-z0-9]{4}", case_path.stem)
    assert f"case     {case_path}" in plan

    markdown = case_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "# Call plan: Mrs Jones" in markdown
    assert "1. Regrout and seal the shower **(top)**" in markdown
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
    select(term, "How does Mr Patel seem to feel?", 0, "frustrated")
    select(term, "How strongly do they feel it?", 1, "2  upset")
    # Ctrl-B on a multi-line text: the scale again, its pointer on the answer given.
    term.expect("What happened, as Mr Patel tells it?")
    term.send(Keyboard.CtrlB)
    term.expect("How strongly do they feel it?")
    term.expect("» 2  upset")
    term.send(Keyboard.Down, Keyboard.Enter)
    term.expect("How strongly do they feel it? 3  quite upset")
    longtext(term, "What happened, as Mr Patel tells it?", "The skylight leaks.")
    text(term, "When did it start, or when did they first notice it?", "")
    longtext(term, "What was promised or agreed?")
    longtext(term, "What have they already tried, or asked for?")
    yesno(term, "Have they raised this with you before?", "y", "Yes")
    select(term, "What does Mr Patel want most?", 6, "something else")
    text(term, "What else would they like?", "A written apology")
    longtext(term, 'what would "fixed" look like?', "A dry loft and an apology.")
    text(term, "What's the first way you could put it right?", "Reseal the skylight")
    select(term, "Option 1: how easy is it for you to do?", 2, "3  doable")
    select(term, "Option 1: how much would it cost you?", 1, "2  a bit")
    select(term, "Option 1: how soon would the customer see it done?", 3, "4  fairly fast")
    yesno(term, "Add another option?", "n", "No")
    text(term, "Is there a small extra you could add, beyond the fix?", "")
    yesno(term, "Might this need someone else, such as the owner or a supplier?", "n", "No")
    text(term, "When will you check in with Mr Patel?", "tomorrow 4pm", clear=True)

    # Review: change what they want from "something else" to "a refund"; the follow-up question
    # on the "something else" branch is no longer asked, and everything after is kept.
    review_pick(term, "What does Mr Patel want most? (something else)")
    term.expect("What does Mr Patel want most?")
    term.expect("» something else")
    term.send(Keyboard.Up * 3, Keyboard.Enter)
    term.expect("What does Mr Patel want most? a refund")

    # Review again: escalation from no to yes asks the two questions on that branch.
    review = review_pick(term, "Might this need someone else")
    assert "Change: What does Mr Patel want most? (a refund)" in review
    assert "What else would they like?" not in review
    assert "A dry loft and an apology." in review  # kept from before the change
    term.expect("Might this need someone else, such as the owner or a supplier?")
    term.send("y")
    term.expect("Who would you bring in?")
    term.expect("the owner")  # the tree's default, ready to accept
    term.send(Keyboard.Enter)
    text(term, "When would you bring in the owner?", "they want a full refund", clear=True)
    review = confirm_review(term)
    assert "Change: Who would you bring in? (the owner)" in review

    assert term.wait_exit() == 0, term.rest()
    data, case_path = only_case(calm_home)
    answers = data["answers"]
    assert answers["customer_phone"] == "0161 496 0999"
    assert answers["intensity"] == 3
    assert answers["wants"] == "refund"
    assert "wants_other" not in answers
    assert answers["fixed_looks_like"] == "A dry loft and an apology."
    assert answers["escalate"] is True
    assert answers["escalate_to"] == "the owner"
    assert answers["escalate_when"] == "they want a full refund"
    assert answers["followup_at"] == tomorrow_4pm.isoformat(timespec="seconds")
    assert list(answers) == [
        "customer_name", "customer_phone", "job", "feeling", "intensity", "what_happened",
        "when_noticed", "promised", "tried", "raised_before", "wants", "fixed_looks_like",
        "option_1", "option_1_feasible", "option_1_cost", "option_1_speed", "more_options",
        "extra", "escalate", "escalate_to", "escalate_when", "followup_at",
    ]  # fmt: skip
    markdown = case_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "They want a refund: that is the main thing." in markdown
    assert "A written apology" not in markdown
    assert drafts(calm_home) == []


def test_ctrl_c_keeps_a_draft_and_resume_continues(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", "default")
    skip_breathing(term)
    text(term, "What's the customer's name?", "Ms Ng")
    text(term, "What number will you ring?", "020 7946 0018")
    text(term, "Which job is it?", "Boiler service")
    term.expect("How does Ms Ng seem to feel?")
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
    before = term.expect("How does Ms Ng seem to feel?")
    assert "breathing pause" not in before
    assert "Give yourself a minute" not in before
    assert "What's the customer's name?" not in before
    assert "What number will you ring?" not in before
    term.send(Keyboard.Down * 3, Keyboard.Enter)
    term.expect("How does Ms Ng seem to feel? worried")
    select(term, "How strongly do they feel it?", 1, "2  upset")
    longtext(term, "What happened, as Ms Ng tells it?", "No hot water since Friday.")
    text(term, "When did it start, or when did they first notice it?", "")
    longtext(term, "What was promised or agreed?")
    longtext(term, "What have they already tried, or asked for?")
    yesno(term, "Have they raised this with you before?", "n", "No")
    select(term, "What does Ms Ng want most?", 0, "a repair")
    longtext(term, 'what would "fixed" look like?', "Hot water again today.")
    text(term, "What's the first way you could put it right?", "Send an engineer today")
    select(term, "Option 1: how easy is it for you to do?", 0, "1  hard")
    select(term, "Option 1: how much would it cost you?", 0, "1  little")
    select(term, "Option 1: how soon would the customer see it done?", 0, "1  slow")
    yesno(term, "Add another option?", Keyboard.Enter, "No")
    text(term, "Is there a small extra you could add, beyond the fix?", "")
    yesno(term, "Might this need someone else", Keyboard.Enter, "No")
    text(term, "When will you check in with Ms Ng?", "")  # Enter keeps the default shown
    confirm_review(term)

    assert term.wait_exit() == 0, term.rest()
    assert "Call plan: Ms Ng" in term.rest()
    data, _ = only_case(calm_home)
    answers = data["answers"]
    assert answers["customer_name"] == "Ms Ng"
    assert answers["customer_phone"] == "020 7946 0018"
    assert answers["job"] == "Boiler service"
    assert answers["feeling"] == "worried"
    assert answers["intensity"] == 2
    assert answers["when_noticed"] is None
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
        ("How does Mr Byrne seem to feel?", enter),
        ("How strongly do they feel it?", enter),
        ("What happened, as Mr Byrne tells it?", "It leaks." + done),
        ("When did it start, or when did they first notice it?", enter),
        ("What was promised or agreed?", done),
        ("What have they already tried, or asked for?", done),
        ("Have they raised this with you before?", "n"),
        ("What does Mr Byrne want most?", enter),
        ('what would "fixed" look like?', "No drips." + done),
        ("What's the first way you could put it right?", "Patch it" + enter),
        ("Option 1: how easy is it for you to do?", enter),
        ("Option 1: how much would it cost you?", enter),
        ("Option 1: how soon would the customer see it done?", enter),
        ("Add another option?", enter),
        ("Is there a small extra you could add, beyond the fix?", enter),
        ("Might this need someone else", enter),
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
    later = {"job", "what_happened", "wants", "fixed_looks_like", "option_1", "followup_at"}
    assert later <= set(saved), sorted(saved)
    assert saved["job"] == "Roof"
    assert saved["option_1"] == "Patch it"
