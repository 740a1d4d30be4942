"""What a person sees: `calm new`, `--resume`, `--discard`, `calm breathe` and plain mode in a
pseudo-terminal, checked on a screen model (pyte) at 80x24 and 120x40, not just in the bytes.

The interview is tests/e2e/interview.yaml, one question of each kind, so these tests follow how
prompts behave and look, not what the built-in trees ask.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import Keyboard, Term

pytestmark = pytest.mark.e2e

SMALL, LARGE = (24, 80), (40, 120)
TREE = str(Path(__file__).with_name("interview.yaml"))
STORY = (
    "The tiles in the shower cracked a week after we finished, and she is very unhappy "
    "because her parents arrive on Saturday and the bathroom looks half done. She says "
    "she asked twice for someone to come and look at it and nobody rang her back."
)
SECOND = "She wants it fixed by Friday."


def drafts(home: Path) -> list[Path]:
    return sorted((home / "drafts").glob("*.yaml"))


def first_questions(term: Term, name: str = "Ann Lee") -> None:
    """From the start to the long answer: start, name, phone, job, feeling (1 key), a scale
    point low enough (2) that no note comes between."""
    term.expect("Enter: start")
    term.send(Keyboard.Enter)
    for prompt, answer in (
        ("What's the customer's name?", name),
        ("What number will you ring?", "07700 900123"),
        ("Which job is it?", "Shower, 3 Elm Road"),
    ):
        term.expect(prompt)
        term.expect("Enter: done")
        term.send(answer, Keyboard.Enter)
    term.expect("seem to feel? (1-7, or arrows and Enter)")
    term.send("4")
    term.expect("seem to feel? worried")
    term.expect("How strongly do they feel it? (1-5, or arrows and Enter)")
    term.send("2")
    term.expect("How strongly do they feel it? 2 upset")


def ownbetween(screen: list[str], first: str, last: str) -> list[str]:
    """The screen rows after the (last) row containing `first` and before the next containing
    `last`."""
    top = max(i for i, row in enumerate(screen) if first in row)
    bottom = next(i for i in range(top + 1, len(screen)) if last in screen[i])
    return screen[top + 1 : bottom]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_a_long_answer_is_typed_across_the_whole_width(
    spawn_calm: Any, calm_home: Path, size: tuple[int, int]
) -> None:
    rows, cols = size
    term = spawn_calm("new", "--tree", TREE, size=size)
    first_questions(term)
    prompt = "? What happened, as Ann Lee tells it?"
    term.expect("Esc then Enter: done")
    term.send(STORY, Keyboard.Enter, SECOND)

    screen = term.wait_screen(SECOND)
    assert len(screen) == rows
    assert prompt in screen  # the question alone on its row, nothing squeezed beside it
    typed = ownbetween(screen, prompt, "Esc then Enter: done")
    assert typed[-1] == SECOND
    # the words appear as typed, wrapped between words at the terminal's edge
    assert " ".join(typed[:-1]).split() == STORY.split()
    assert all(len(row) <= cols for row in typed)
    assert all(len(row) > cols - 15 for row in typed[:-2])  # the full width is used
    assert len(typed) == len(typed[:-1]) + 1
    hint = next(row for row in screen if "Esc then Enter: done" in row)
    assert hint.startswith("Esc then Enter: done · Enter: new line · Ctrl-B: back")

    term.send(Keyboard.EscEnter)
    screen = term.wait_screen("When did it start, or when did they first notice it?")
    answered = next(row for row in screen if row.startswith(prompt))
    assert answered.startswith(f"{prompt} The tiles in the shower cracked")
    assert answered.endswith("…") and len(answered) <= cols  # shortened to one row
    assert not any(SECOND in row for row in screen)  # the full text is not left behind
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    assert saved["what_happened"] == f"{STORY}\n{SECOND}"


def test_an_optional_long_answer_is_skipped_with_enter(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", TREE, size=SMALL)
    first_questions(term)
    term.expect("Esc then Enter: done")
    term.send("It leaks.", Keyboard.EscEnter)
    term.expect("When did it start")
    term.expect("Enter: done (empty: skip)")
    term.send(Keyboard.Enter)
    term.expect("What was promised or agreed?")
    term.expect("Enter: new line (on nothing yet: skip)")
    term.send(Keyboard.Enter)  # skips, as the hint says: no new line
    screen = term.wait_screen("Have they raised this with you before?")
    assert "? What was promised or agreed? (skipped)" in screen
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    assert saved["promised"] is None and saved["when_noticed"] is None


def walk_to_review(term: Term) -> None:
    """The rest of the interview, the quickest way."""
    text, lines = "Enter: done", "Esc then Enter: done"
    for prompt, ready, keys in (
        ("What happened, as Ann Lee tells it?", lines, "It leaks." + Keyboard.EscEnter),
        ("When did it start", text, Keyboard.Enter),
        ("What was promised or agreed?", lines, Keyboard.Enter),
        ("Have they raised this with you before?", "(Y/n)", "n"),
        ("first way you could put it right?", text, "Reseal the tray" + Keyboard.Enter),
        ("When will you check in with Ann Lee?", text, Keyboard.Enter),
    ):
        term.expect(prompt)
        term.expect(ready)
        term.send(keys)


def review_screen(term: Term) -> list[str]:
    """The screen once the review list is drawn down to its last row (the check-in)."""

    def drawn(rows: list[str]) -> bool:
        starts = [i for i, r in enumerate(rows) if r.startswith("? Check your answers")]
        listed = rows[starts[-1] + 1 :] if starts else []
        own = [r for r in listed if r.startswith(("   ", " » "))]  # the list's own rows
        return any("»" in r for r in own) and any("When will you check in" in r for r in own)

    term.expect("(Enter on an answer changes it)")
    return term.wait_screen(drawn)


def pointer_row(screen: list[str]) -> str:
    return next(row for row in screen if row.lstrip().startswith("»"))


def test_the_review_fits_80x24_and_an_edit_keeps_the_pointer(
    spawn_calm: Any, calm_home: Path
) -> None:
    term = spawn_calm("new", "--tree", TREE, size=SMALL)
    first_questions(term)
    walk_to_review(term)
    screen = review_screen(term)
    top = next(i for i, row in enumerate(screen) if row.startswith("? Check your answers"))
    listed = screen[top + 1 :]
    assert listed[0].endswith("Looks right: make the call plan")
    assert all(len(row) <= 80 for row in screen)
    asked = [row for row in listed if row.strip()]
    assert len(asked) == 1 + 11  # "Looks right" and each answer once: no table above it
    assert len(screen[top:]) <= 24
    checkin = next(row for row in asked if "When will you check in" in row)
    assert re.search(r"(Mon|Tue|Wed|Thu|Fri) \d{1,2} [A-Z][a-z]{2} 09:00$", checkin)  # in words

    down = next(i for i, row in enumerate(asked) if "Which job is it?" in row)
    term.send(Keyboard.Down * down, Keyboard.Enter)
    term.expect("Which job is it?")
    term.expect("Enter: done")
    term.send(Keyboard.CtrlU, "Bathroom, 3 Elm Road", Keyboard.Enter)
    screen = review_screen(term)
    assert "Which job is it?" in pointer_row(screen)  # the pointer stayed on the row changed
    assert pointer_row(screen).endswith("Bathroom, 3 Elm Road")

    # the check-in is offered for editing as calm shows it, and a new one is echoed in words
    top = max(i for i, row in enumerate(screen) if row.startswith("? Check your answers"))
    listed = screen[top + 1 :]
    last = next(i for i, row in enumerate(listed) if "When will you check in" in row)
    term.send(Keyboard.Down * (last - next(i for i, r in enumerate(listed) if "»" in r)))
    term.send(Keyboard.Enter)
    term.expect("When will you check in with Ann Lee?")

    def asked(rows: list[str]) -> bool:
        return any("Enter: done · Ctrl-B: back" in r for r in rows) and any(
            r.startswith("? When will you check in") for r in rows
        )

    screen = term.wait_screen(asked)
    offered = next(row for row in screen if row.startswith("? When will you check in"))
    assert re.search(r"\? (Mon|Tue|Wed|Thu|Fri) \d{1,2} [A-Z][a-z]{2} 09:00$", offered)
    assert "+00:00" not in offered and "T09" not in offered
    term.send(Keyboard.CtrlU, "next week")
    screen = term.wait_screen("→ Mon ")
    assert any(re.search(r"→ Mon \d{1,2} [A-Z][a-z]{2}( \d{4})? 09:00", row) for row in screen)
    term.send(Keyboard.Enter)
    screen = review_screen(term)
    assert "When will you check in" in pointer_row(screen)
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130


def test_resume_says_whose_interview_and_how_far_it_got(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", TREE, size=SMALL)
    first_questions(term, name="Ms Ng")
    term.expect("What happened, as Ms Ng tells it?")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130

    term = spawn_calm("new", "--resume", size=SMALL)
    screen = term.wait_screen("Esc then Enter: done")
    text = " ".join(" ".join(screen).split())
    assert "Continuing the interview for Ms Ng (The screen tests' interview)" in text
    assert "5 answers kept; the last: How strongly do they feel it? 2" in text
    assert "Enter: start" not in text  # the preparation was seen already
    assert "? What happened, as Ms Ng tells it?" in screen
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130


def test_discard_throws_a_draft_away_after_asking(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", TREE, size=SMALL)
    first_questions(term, name="Mr Byrne")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    assert len(drafts(calm_home)) == 1

    term = spawn_calm("new", "--discard", size=SMALL)
    term.wait_screen("Throw away the interview for Mr Byrne (5 answers)? (y/N)")
    term.send(Keyboard.Enter)  # the default keeps it
    term.wait_screen("Kept it.")
    assert term.wait_exit() == 0
    assert len(drafts(calm_home)) == 1

    term = spawn_calm("new", "--discard", size=SMALL)
    term.wait_screen("Throw away the interview for Mr Byrne (5 answers)? (y/N)")
    term.send("y")
    term.wait_screen("Threw away the interview for Mr Byrne (5 answers).")
    assert term.wait_exit() == 0
    assert drafts(calm_home) == []


def test_breathe_says_how_long_and_stops_on_q(spawn_calm: Any) -> None:
    term = spawn_calm("breathe", size=SMALL)
    screen = term.wait_screen("Breathe in")
    assert "Box breathing: 4 slow breaths, 1 min 4 s (in for 4, hold 4, out for 4, hold 4)." in (
        " ".join(" ".join(screen).split())
    )
    assert "Stop any time: q, Enter or Ctrl-C." in screen
    term.send("q")
    term.expect("Stopped early; that's fine.")
    assert term.wait_exit(timeout=5) == 0


def test_plain_mode_numbers_the_choices_and_draws_no_boxes(
    spawn_calm: Any, calm_home: Path
) -> None:
    term = spawn_calm("--plain", "new", "--tree", TREE, size=SMALL)
    term.expect("Enter: start")
    term.send(Keyboard.Enter)
    for prompt, answer in (
        ("What's the customer's name?", "Ann Lee"),
        ("What number will you ring?", ""),
        ("Which job is it?", "Roof"),
    ):
        term.expect(prompt)
        term.send(answer, Keyboard.Enter)
    listed = term.expect("How does Ann Lee seem to feel?")
    assert "  1. frustrated" in listed and "  7. upset" in listed
    term.send("4", Keyboard.Enter)
    listed = term.expect("How strongly do they feel it?")
    assert "  1  a little" in listed  # a scale's points are their own numbers
    term.send("2", Keyboard.Enter)
    term.expect("What happened, as Ann Lee tells it?")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    assert not set(term.text) & set("╭╮╰╯│─━┃")  # no box drawing anywhere
    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    assert (saved["feeling"], saved["intensity"]) == ("worried", 2)


def test_ctrl_c_on_the_preparation_screen_stops(spawn_calm: Any, calm_home: Path) -> None:
    term = spawn_calm("new", "--tree", TREE, size=SMALL)
    term.expect("Enter: start")
    term.send(Keyboard.CtrlC)
    assert term.wait_exit() == 130
    assert "calm: stopped before any answer; nothing to keep" in term.rest()
    assert drafts(calm_home) == []
