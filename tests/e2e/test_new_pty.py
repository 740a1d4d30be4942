"""`calm new` end to end: the installed command in a pseudo-terminal, answered key by key.

These tests press the same keys a person would on the real prompts (arrows and Enter on choices,
a number to tick a box, digits in a ratings grid, Esc then Enter to finish a multi-line text,
Ctrl-B to go back, Ctrl-C to stop) as they walk the default tree (version 2), then check what
was printed and what was written under CALM_HOME.
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


def skip_breathing(term: Term) -> str:
    """The preparation screen: its notes, then one key to start (b would breathe first).
    Returns the screen's text."""
    shown = term.expect("Before you ring")
    shown += term.expect("Enter: start")
    shown += term.expect("b: breathe first (2 slow breaths, 32 s)")
    term.send(Keyboard.Enter)
    return shown


def text(term: Term, prompt: str, answer: str, *, clear: bool = False) -> None:
    """A one-line text (or date) prompt; `clear` first deletes the default shown in it."""
    term.expect(prompt)
    term.expect("Enter: done")  # the toolbar: the prompt is drawn and reading keys
    term.send(Keyboard.CtrlU if clear else "", answer, Keyboard.Enter)


def longtext(term: Term, prompt: str, *lines: str) -> None:
    """A multi-line text: Enter starts a new line, Esc then Enter finishes (no lines: skip)."""
    term.expect(prompt)
    term.expect("Esc then Enter: done")
    term.send(Keyboard.Enter.join(lines), Keyboard.EscEnter)


def select(term: Term, prompt: str, downs: int, shown: str) -> None:
    """A choice or scale: move down `downs` rows from where the pointer starts, then Enter.

    The answered prompt is redrawn as "? <prompt> <choice>", which proves the right row was picked.
    """
    term.expect(prompt)
    term.expect("or arrows and Enter)")
    term.send(Keyboard.Down * downs, Keyboard.Enter)
    term.expect(f"{prompt} {' '.join(shown.split())}")  # on one line, spaces collapsed


def tick(term: Term, prompt: str, keys: str, shown: str) -> None:
    """Tick boxes: each number ticks (or unticks) its box, Enter finishes. The answered prompt
    is redrawn on one line: "? <prompt> <the labels ticked>" ("(none)" for none)."""
    term.expect(prompt)
    term.expect("Enter: done)")  # the keys: the list is drawn and reading keys
    term.send(keys, Keyboard.Enter)
    term.expect(f"{prompt} {shown}")


def ratings(term: Term, prompt: str, keys: str, shown: str) -> None:
    """A ratings grid: arrows move, a digit rates the box and moves on, Enter finishes. The
    grid is erased and the answer shown on one line: "? <prompt> <ratings in words>"."""
    term.expect(prompt)
    term.expect("Backspace: clear")  # the grid's keys line: drawn and reading keys
    term.send(keys, Keyboard.Enter)
    term.expect(f"{prompt} {shown}")


LAST_ROW = "When will you check in"
"""The default tree's last question: once its row is on the screen, the review is drawn."""


def review_rows(term: Term) -> list[str]:
    """The review list as it is on the screen, "Looks right" first; the pointer's row starts
    with "»"."""
    term.expect("Check your answers")
    term.expect("(Enter on an answer changes it)")

    def drawn(rows: list[str]) -> bool:
        starts = [i for i, r in enumerate(rows) if r.startswith("? Check your answers")]
        listed = rows[starts[-1] :] if starts else []
        own = [r for r in listed if r.startswith(("   ", " » "))]  # the list's own rows
        return any("»" in r for r in own) and any(LAST_ROW in r for r in own)

    rows = term.wait_screen(drawn)
    start = max(i for i, r in enumerate(rows) if r.startswith("? Check your answers"))
    return [r for r in rows[start + 1 :] if r.strip()]


def move_to(term: Term, rows: list[str], starts: str) -> None:
    """Move the pointer to the row whose text starts so, and press Enter."""
    texts = [r.lstrip(" »").lstrip() for r in rows]
    target = next(i for i, t in enumerate(texts) if t.startswith(starts))
    pointer = next(i for i, r in enumerate(rows) if r.lstrip().startswith("»"))
    step = Keyboard.Down if target > pointer else Keyboard.Up
    term.send(step * abs(target - pointer), Keyboard.Enter)


def answer_in(rows: list[str], prompt_start: str) -> str:
    """The answer shown on the review row of a question."""
    row = next(r for r in rows if r.lstrip(" »").lstrip().startswith(prompt_start))
    return row.lstrip(" »").lstrip().split("  ")[-1].strip()


def review_pick(term: Term, prompt_start: str) -> list[str]:
    """At the review, choose the row of the question whose prompt starts so (it is asked
    again); returns the review's rows as they were on the screen."""
    rows = review_rows(term)
    move_to(term, rows, prompt_start)
    return rows


def confirm_review(term: Term) -> list[str]:
    """Pick "Looks right" and return the review's rows as they were on the screen."""
    rows = review_rows(term)
    move_to(term, rows, "Looks right")
    return rows


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
COMPARE = "How do they compare?"


def test_full_walk_of_the_default_tree(spawn_calm: Any, calm_home: Path) -> None:
    today = datetime.now(LONDON).date()
    followup = at(today + timedelta(days=3), 10)
    term = spawn_calm("new", "--tree", "default")

    preparation = skip_breathing(term)
    for note in ("They're upset with what happened, not with you.", "Consumer Affairs"):
        assert note in " ".join(preparation.split())
    term.expect("Who it is")
    text(term, "What's the customer's name?", "Mrs Jones")
    text(term, "What number will you ring?", "07700 900123")
    text(term, "Which job is it?", "Bathroom at 12 Mill Lane")
    # let down 4 (row 8; the pointer moves on to row 9), then up to frustrated (row 1): 3
    keys = Keyboard.Down * 8 + "4" + Keyboard.Up * 8 + "3"
    ratings(term, FEELINGS.format(who="Mrs Jones"), keys, "let down 4, frustrated 3")
    text(term, "What has gone wrong, in a few words?", "the new tiles cracked within a week")
    longtext(
        term,
        "Anything else to note?",
        "They rang twice.",
        "Water is getting behind them.",
    )
    tick(term, SITUATION, "", "(none)")
    tick(term, WANTS.format(who="Mrs Jones"), "29", "the work redone, an apology")
    text(
        term,
        "What would put it right for them, in their own words?",
        "tiles that stay put and a dry wall",
    )
    term.expect("Think of two ways to put it right, so Mrs Jones can choose.")
    text(term, "What's one way you could put it right?", "Replace the cracked tiles")
    text(term, "And a second way, so they have a choice?", "Regrout and seal the shower")
    grid = term.expect(COMPARE) + term.expect("Backspace: clear")
    assert re.search(r"easy to do\?  cost to you  how soon\?", grid)  # the scales, as columns
    term.send("242514", Keyboard.Enter)  # a row's three boxes, then the next row's
    term.expect(
        f"{COMPARE} Replace the cracked tiles: fairly hard to do, costs you quite a lot, within "
        "a fortnight; Regrout…"  # on one line, shortened to the width
    )
    term.expect("The check-in is where trust comes back")
    text(term, "When will you check in with Mrs Jones?", "+3d 10am", clear=True)
    review = confirm_review(term)
    assert answer_in(review, "How does Mrs Jones feel") == "let down 4, frustrated 3"
    assert answer_in(review, "Does any of this apply?") == "(skipped)"
    assert answer_in(review, "What does Mrs Jones want?") == "the work redone, an apology"
    assert answer_in(review, "When will you check in") == shown_when(followup)

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
    assert re.fullmatch(r".*-mrs-jones-[a-z0-9]{4}", case_path.stem)
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
    # Ctrl-B on the next prompt: the ratings grid again, holding the rating given.
    term.expect("What has gone wrong, in a few words?")
    term.expect("Enter: done")
    term.send(Keyboard.CtrlB)
    term.expect(FEELINGS.format(who="Mr Patel"))
    assert any(row.startswith("  frustrated          [2]") for row in term.wait_screen("[2]"))
    term.expect("Backspace: clear")
    term.send(Keyboard.Down, "3", Keyboard.Enter)
    term.expect(f"{FEELINGS.format(who='Mr Patel')} frustrated 3")
    text(term, "What has gone wrong, in a few words?", "the skylight leaks")
    longtext(term, "Anything else to note?")  # skipped
    tick(term, SITUATION, "", "(none)")
    tick(term, WANTS.format(who="Mr Patel"), "13", "a repair, a refund")
    text(term, "What would put it right for them, in their own words?", "a dry loft and an apology")
    text(term, "What's one way you could put it right?", "Reseal the skylight")
    text(term, "And a second way, so they have a choice?", "")
    ratings(term, COMPARE, "324", "Reseal the skylight: doable, costs you a little, within days")
    text(term, "When will you check in with Mr Patel?", "tomorrow 4pm", clear=True)

    # Review: untick "a repair" (1); the pointer comes back to the answer changed, and
    # everything after it is kept.
    review = review_pick(term, "What does Mr Patel want?")
    assert answer_in(review, "What does Mr Patel want?") == "a repair, a refund"
    term.expect("What does Mr Patel want?")
    term.expect("Enter: done)")
    term.send("1", Keyboard.Enter)
    term.expect("What does Mr Patel want? Tick all they asked for. a refund")

    # Review again: tick "nobody got back to them" (2) and "someone else may need to step in"
    # (6): the questions on those branches are asked, and everything after them is kept.
    review = review_pick(term, "Does any of this apply?")
    assert answer_in(review, "What does Mr Patel want?") == "a refund"
    assert [r for r in review if "»" in r] == [r for r in review if "Mr Patel want?" in r]
    assert answer_in(review, "What would put it right") == "a dry loft and an apology"  # kept
    tick(term, SITUATION, "26", "they tried to reach us and nobody got back to them, someone")
    select(term, "How many times have they tried to reach you about it?", 2, "three times")
    term.expect("Who would you bring in?")
    term.expect("the owner")  # the tree's default, ready to accept
    term.expect("Enter: done")
    term.send(Keyboard.Enter)
    text(term, "When would you bring in the owner?", "they want a full refund", clear=True)
    review = confirm_review(term)
    assert answer_in(review, "Who would you bring in?") == "the owner"
    assert answer_in(review, "How many times have they tried") == "three times"
    assert answer_in(review, "What does Mr Patel want?") == "a refund"  # kept

    assert term.wait_exit() == 0, term.rest()
    plan = term.rest()
    assert "I'm sorry nobody got back to you. You tried three times" in " ".join(plan.split())
    assert "they want a full refund" in " ".join(plan.split())
    data, case_path = only_case(calm_home)
    answers = data["answers"]
    assert answers["customer_phone"] == "0161 496 0999"
    assert answers["feelings"] == {"frustrated": 3}
    assert answers["situation"] == ["no_callback", "help"]
    assert answers["contacts"] == 3
    assert answers["wants"] == ["refund"]
    assert answers["wants_words"] == "a dry loft and an apology"
    assert answers["escalate_to"] == "the owner"
    assert answers["escalate_when"] == "they want a full refund"
    assert answers["option_2"] is None
    assert answers["followup_at"] == tomorrow_4pm.isoformat(timespec="seconds")
    assert list(answers) == [
        "customer_name", "customer_phone", "job", "feelings", "cause", "what_happened",
        "situation", "contacts", "escalate_to", "escalate_when", "wants", "wants_words",
        "option_1", "option_2", "option_ratings", "followup_at",
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
    term.expect("Backspace: clear")
    term.send(Keyboard.CtrlC)

    assert term.wait_exit() == 130
    hints = [line for line in term.rest().splitlines() if "--resume" in line]
    assert len(hints) == 1, hints
    match = re.search(  # (the stream still holds the erased grid before it)
        r"calm: stopped; your answers are kept\. Continue with: calm new --resume (\S+)\s*$",
        hints[0],
    )
    assert match, hints[0]
    assert [r for r in term.screen() if r.startswith("calm: stopped")] == [
        hints[0][match.start() :].rstrip()
    ]
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
    opening = " ".join(before.split())
    assert "Continuing the interview for Ms Ng (Returning an upset customer's call)" in opening
    assert "3 answers kept; the last:" in opening
    assert re.search(r"Which job is it\?\s+Boiler service", before)
    assert "breathe first" not in before
    assert "Give yourself a minute" not in before
    assert "What's the customer's name?" not in before
    assert "What number will you ring?" not in before
    term.expect("Backspace: clear")
    term.send(Keyboard.Down * 3, "2", Keyboard.Enter)
    term.expect(f"{FEELINGS.format(who='Ms Ng')} worried or anxious 2")
    text(term, "What has gone wrong, in a few words?", "no hot water since Friday")
    longtext(term, "Anything else to note?")
    tick(term, SITUATION, "", "(none)")
    tick(term, WANTS.format(who="Ms Ng"), "1", "a repair")
    text(term, "What would put it right for them, in their own words?", "hot water again today")
    text(term, "What's one way you could put it right?", "Send an engineer today")
    text(term, "And a second way, so they have a choice?", "")
    ratings(term, COMPARE, "115", "Send an engineer today: hard to do")
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


def test_the_default_tree_at_80_columns_keeps_keys_and_answers_whole(
    spawn_calm: Any, calm_home: Path
) -> None:
    """At 80x24, the lists and grids of the default tree: their keys on a row of their own
    and whole, the words under a grid wrapped between words, each answer on one row."""
    term = spawn_calm("new", "--tree", "default", size=(24, 80))
    skip_breathing(term)
    text(term, "What's the customer's name?", "Ann Lee")
    text(term, "What number will you ring?", "")
    text(term, "Which job is it?", "Shower, 3 Elm Road")
    term.expect(FEELINGS.format(who="Ann Lee"))
    term.expect("Backspace: clear")
    screen = term.wait_screen("Enter: done")
    assert "? How does Ann Lee feel, and how strongly?" in screen  # alone on its row
    assert "  ↑↓ · 1-5 · Backspace: clear · Enter: done · Ctrl-B: back" in screen
    assert "  disrespected        [ ]" in screen  # the last feeling: the grid fits the screen
    term.send(Keyboard.Down, "4", Keyboard.Enter)
    text(term, "What has gone wrong, in a few words?", "the tiles have cracked")
    longtext(term, "Anything else to note?")
    term.expect(SITUATION)
    term.expect("Enter: done)")
    screen = term.wait_screen("(1-6 or Space: tick, Enter: done)")
    assert f"? {SITUATION}" in screen and "  (1-6 or Space: tick, Enter: done)" in screen
    assert " » ○ 1) something is unsafe or getting worse right now" in screen
    term.send("4", Keyboard.Enter)  # a date matters
    text(term, "What is the date that matters?", "+10d")
    text(term, "What's happening then?", "her daughter's wedding")
    tick(term, WANTS.format(who="Ann Lee"), "1", "a repair")
    text(term, "What would put it right for them, in their own words?", "tiles that stay put")
    text(term, "What's one way you could put it right?", "Replace the cracked tiles this week")
    text(term, "And a second way, so they have a choice?", "Regrout and seal the whole shower")
    term.expect(COMPARE)
    term.expect("Backspace: clear")
    term.send("524")  # a digit moves on: now on the fourth box, in time?
    screen = term.wait_screen("in time for her")
    heads = next(row for row in screen if "easy to do?" in row)
    assert re.search(r"easy to do\?  cost to you  how soon\?  by \w{3} \d+ \w{3}\?$", heads)
    said = [row for row in screen if row.startswith(("  by ", "    "))]
    assert " ".join(" ".join(said).split()).endswith(
        "0 = too late for her daughter's wedding … 1 = in time for her daughter's wedding "
        "(higher is better)"
    )  # wrapped between words: every word whole on its row
    assert "  arrows · 0-1 · Backspace: clear · Enter: done · Ctrl-B: back" in screen
    term.send("1", "3430", Keyboard.Enter)
    screen = term.wait_screen("The check-in is where trust comes back")
    (answered,) = [row for row in screen if row.startswith(f"? {COMPARE}")]
    assert answered.startswith(f"? {COMPARE} Replace the cracked tiles this week: easy to do,")
    assert answered.endswith("…") and len(answered) <= 80  # one row, shortened
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    assert saved["feelings"] == {"frustrated": 4}
    assert saved["option_ratings"] == {
        "option_1": {"ease": 5, "cost": 2, "speed": 4, "in_time": 1},
        "option_2": {"ease": 3, "cost": 4, "speed": 3, "in_time": 0},
    }


def test_tree_picker_lists_default_first(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new")
    term.expect("Which situation is it?")
    listed = term.expect("(billing)")
    rows = [m for line in listed.splitlines() if (m := re.search(r"(.*)  \((\w+)\)$", line))]
    assert [m[2] for m in rows] == ["default", "quality", "delay", "billing"]
    assert rows[0][1].strip() == "» 1) Returning an upset customer's call"  # the pointer is on it
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
        (SITUATION, enter),
        (WANTS.format(who="Mr Byrne"), "1" + enter),
        ("in their own words?", "no drips" + enter),
        ("What's one way you could put it right?", "Patch it" + enter),
        ("And a second way, so they have a choice?", enter),
        (COMPARE, "333" + enter),
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
    assert saved["feelings"] == {"angry": 3}
    assert saved["option_1"] == "Patch it"
    assert saved["option_ratings"] == {"option_1": {"ease": 3, "cost": 3, "speed": 3}}
