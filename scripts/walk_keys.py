#!/usr/bin/env python3
"""Prompts and keystrokes for the README's example walk (Dana Whitfield, default tree).

Drives the installed `calm new --tree default` in an 80x24 pseudo-terminal, answering the
README's sample answers the quickest way the prompts allow, and counts every key pressed:
each character of a typed answer is one key; Enter, an arrow, Esc, a Ctrl key or a one-key
answer (a number that ticks a box, a digit in a ratings grid) is one more. The walk fails
(exit 1) unless the case is saved with the README's answers.

    .venv/bin/python scripts/walk_keys.py [--calm PATH]

Before the prompts were reworked (commit 1c53fd2), the README's walk then (version 1 of the
default tree) took 22 prompts and 283 keys: 244 typed, 39 others (a two-key breathing menu,
arrows down each scale, Esc then Enter to skip an optional long answer). The same walk with the
reworked prompts took 22 prompts and 269 keys (244 typed, 25 others). The README's example now
(version 2: feelings and option ratings as grids, a short cause, notes, what they want ticked)
takes 15 prompts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

import pexpect
import pyte
import yaml

ENTER, DOWN, ESC, CTRL_U = "\r", "\x1b[B", "\x1b", "\x15"
NAMES = {ENTER: "Enter", DOWN: "Down", ESC: "Esc", CTRL_U: "Ctrl-U"}

# (what the screen shows when the prompt is ready, the keys that answer it)
WALK: list[tuple[str, list[str]]] = [
    ("Enter: start", [ENTER]),
    ("customer's name?", ["Dana Whitfield", ENTER]),
    ("What number will you ring?", ["07700 900123", ENTER]),
    ("Which job is it?", ["Bathroom retile, 14 Elm Road", ENTER]),
    # frustrated (the second row) 4, and the pointer moves on: down six to let down, 3
    ("feel, and how strongly?", [DOWN, "4", *[DOWN] * 6, "3", ENTER]),
    ("in a few words?", ["the grout has cracked along the shower tray", ENTER]),
    (
        "Anything else to note?",
        [
            "Finished two weeks ago. She says the crack is getting longer and she's worried "
            "water is getting behind the tiles. She had to chase us for the final invoice too.",
            ESC,
            ENTER,
        ],
    ),
    ("Does any of this apply?", [ENTER]),  # none
    ("Tick all they asked for.", ["1", "9", ENTER]),  # a repair, an apology
    (
        "in their own words?",
        ["a seal that stays put, and not having to chase us again", ENTER],
    ),
    (
        "What's one way you could put it right?",
        ["Regrout the shower-tray edge this week, at no cost", ENTER],
    ),
    ("And a second way", ["Reseal the whole tray and replace the trim next week", ENTER]),
    ("How do they compare?", ["5", "2", "4", "3", "4", "3", ENTER]),  # row by row
    ("When will you check in", [CTRL_U, "fri 10am", ENTER]),
    ("Looks right", [ENTER]),
]

EXPECTED = {
    "customer_name": "Dana Whitfield",
    "customer_phone": "07700 900123",
    "feelings": {"frustrated": 4, "let_down": 3},
    "cause": "the grout has cracked along the shower tray",
    "situation": None,
    "wants": ["repair", "apology"],
    "wants_words": "a seal that stays put, and not having to chase us again",
    "option_ratings": {
        "option_1": {"ease": 5, "cost": 2, "speed": 4},
        "option_2": {"ease": 3, "cost": 4, "speed": 3},
    },
}


def wait(child: pexpect.spawn, stream: pyte.Stream, screen: pyte.Screen, text: str) -> None:
    """Read output until `text` is on the 80x24 screen (as a person would see it)."""
    for _ in range(300):
        if any(text in line for line in screen.display):
            return
        with contextlib.suppress(pexpect.TIMEOUT):
            stream.feed(child.read_nonblocking(65536, timeout=0.1))
    raise SystemExit(f"never saw {text!r}; the screen:\n" + "\n".join(screen.display))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(sys.executable).parent / "calm"
    parser.add_argument("--calm", default=str(default))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CALM_HOME": home, "TERM": "xterm", "TZ": "Europe/London"}
        env.update(PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="80", LINES="24", CALM_NOW="")
        env.pop("CALM_NOW")
        child = pexpect.spawn(
            args.calm, ["new", "--tree", "default"], env=env, dimensions=(24, 80),
            encoding="utf-8", timeout=15,
        )  # fmt: skip
        screen = pyte.Screen(80, 24)
        stream = pyte.Stream(screen)
        prompts = typed = other = 0
        for wait_for, keys in WALK:
            wait(child, stream, screen, wait_for)
            prompts += 1
            for key in keys:
                if key in NAMES or len(key) == 1:
                    other += 1
                else:
                    typed += len(key)
                child.send(key)
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        cases = list((Path(home) / "cases").glob("*.yaml"))
        if child.exitstatus != 0 or len(cases) != 1:
            print(f"the walk did not save a case (exit {child.exitstatus})", file=sys.stderr)
            return 1
        answers = yaml.safe_load(cases[0].read_text(encoding="utf-8"))["answers"]
        wrong = {k: answers.get(k) for k, v in EXPECTED.items() if answers.get(k) != v}
        if wrong:
            print(f"answers differ from the README's: {wrong}", file=sys.stderr)
            return 1
    print(f"prompts answered: {prompts}")
    print(f"keys: {typed + other} ({typed} typed characters, {other} other keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
