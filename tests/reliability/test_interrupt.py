"""Interrupted interviews: the installed `calm new` in a pseudo-terminal, stopped by a signal.

SIGINT, SIGTERM or SIGKILL arrives between answers (after the next question has been drawn, so
the answer before it has been saved). Every answer given before the signal is in the draft;
SIGINT and SIGTERM exit 130 with the `calm new --resume` hint; after SIGKILL the draft is still
there; `calm new --resume` continues at the next question. A signal during the final save must
leave either the whole case (case, plan, reminder) and no draft, or the draft and no case.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from treeanswers import default_answers

from .helpers import LONG, calm_env, calm_exe, record, seed

pexpect = pytest.importorskip("pexpect")
from e2e.conftest import Keyboard, Term  # noqa: E402  (tests/ is on sys.path: casefactory too)

pytestmark = pytest.mark.e2e
SECTION = "interrupt"
SAVE_WINDOW = Path(__file__).with_name("save_window.py")
HINT = re.compile(r"calm: stopped; your answers are kept\. Continue with: calm new --resume (\S+)")


@dataclass(frozen=True)
class Step:
    id: str
    prompt: str
    kind: str  # text, longtext, select (a choice or tick boxes) or ratings
    keys: str
    value: Any
    shown: str = ""


STEPS = [
    Step("customer_name", "What's the customer's name?", "text", "Ms Ng", "Ms Ng"),
    Step("customer_phone", "What number will you ring?", "text", "020 7946 0018", "020 7946 0018"),
    Step("job", "Which job is it?", "text", "Boiler service", "Boiler service"),
    Step(
        "feelings",
        "How does Ms Ng feel, and how strongly?",
        "ratings",
        Keyboard.Down * 3 + "2",
        {"worried": 2},
        "worried or anxious 2",
    ),
    Step(
        "cause",
        "What has gone wrong, in a few words?",
        "text",
        "the boiler has stopped again",
        "the boiler has stopped again",
    ),
    Step(
        "what_happened",
        "Anything else to note?",
        "longtext",
        "No hot water since Friday.",
        "No hot water since Friday.",
    ),
    Step("situation", "Does any of this apply?", "select", "", None, "done"),
]
AFTER_STEPS = "What does Ms Ng want? Tick all they asked for."

FULL_ANSWERS = default_answers(situation=None)


# -- driving the terminal ----------------------------------------------------------------------


@pytest.fixture
def spawn(calm_home: Path) -> Any:
    started: list[Term] = []

    def start(*args: str, wrapper: Path | None = None, **env: str) -> Term:
        environment = calm_env(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", **env)
        environment.pop("NO_COLOR")
        program, argv = str(calm_exe()), list(args)
        if wrapper is not None:
            program, argv = sys.executable, [str(wrapper), *args]
        child = pexpect.spawn(
            program,
            argv,
            env=environment,
            dimensions=(40, 120),
            encoding="utf-8",
            codec_errors="replace",
            timeout=10,
        )
        term = Term(child)
        started.append(term)
        record(SECTION, processes=1)
        return term

    yield start
    for term in started:
        if term.child.isalive():
            term.child.terminate(force=True)
        term.child.close()


def skip_breathing(term: Term) -> None:
    term.expect("Enter: start")
    term.send(Keyboard.Enter)


def answer(term: Term, step: Step) -> None:
    term.expect(step.prompt)
    if step.kind in ("select", "ratings"):
        term.send(step.keys, Keyboard.Enter)
        term.expect(f"{step.prompt} {' '.join(step.shown.split())}")
    elif step.kind == "longtext":
        term.send(step.keys, Keyboard.EscEnter)
    else:
        term.send(step.keys, Keyboard.Enter)


def drafts(home: Path) -> list[Path]:
    return sorted((home / "drafts").glob("*.yaml"))


def case_files(home: Path) -> dict[str, list[str]]:
    """What is on disk of any case: case ids -> the kinds of file each has."""
    found: dict[str, list[str]] = {}
    for folder, pattern in (("cases", "[!.]*.yaml"), ("cases", "[!.]*.md"), ("followups", "*.ics")):
        for p in sorted((home / folder).glob(pattern)):
            found.setdefault(p.stem, []).append(p.suffix)
    return found


def signals_and_counts() -> list[Any]:
    """Which signal after how many answers: every count in the long run, a spread normally.

    The next question after 3 answers is the ratings grid, after 6 tick boxes and after 7 tick
    boxes again; after 1, 2, 4 and 5 it is a text prompt.
    """
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
    if LONG:
        combos = [(s, n) for s in sigs for n in range(1, len(STEPS) + 1)]
    else:
        combos = [(signal.SIGINT, 2), (signal.SIGTERM, 4), (signal.SIGKILL, 6), (signal.SIGINT, 3)]
    return [pytest.param(s, n) for s, n in combos]


# -- between answers ---------------------------------------------------------------------------

RUN_SEED = seed()


@pytest.mark.parametrize(
    ("sig", "given"),
    signals_and_counts(),
    ids=lambda v: v.name if isinstance(v, signal.Signals) else f"after{v}",
)
def test_signal_between_answers_keeps_them_and_resume_continues(
    spawn: Any, calm_home: Path, sig: signal.Signals, given: int
) -> None:
    term = spawn("new", "--tree", "default")
    skip_breathing(term)
    for step in STEPS[:given]:
        answer(term, step)
    next_prompt = STEPS[given].prompt if given < len(STEPS) else AFTER_STEPS
    term.expect(next_prompt)
    time.sleep(0.05)  # let the prompt finish drawing; the answer was saved before it began
    os.kill(term.child.pid, sig)
    record(SECTION, signals_sent=1)
    status = term.wait_exit(timeout=2)  # calm answers a signal in well under a second

    (draft,) = drafts(calm_home)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    expected = {s.id: s.value for s in STEPS[:given]}
    lost = {k: v for k, v in expected.items() if saved["answers"].get(k) != v}
    record(SECTION, answers_given=given, answers_lost=len(lost))
    assert lost == {}, saved["answers"]
    assert saved["answers"] == expected
    assert "Traceback" not in term.text
    if sig == signal.SIGKILL:
        assert status == 128 + signal.SIGKILL
    else:
        assert status == 130, term.rest()
        hints = HINT.findall(term.rest())
        assert hints == [draft.stem], term.rest()
    assert case_files(calm_home) == {}

    resumed = spawn("new", "--resume")
    before = resumed.expect(next_prompt)
    for step in STEPS[:given]:  # (the opening lines may quote the last answer, unasked)
        assert f"? {step.prompt}" not in before, f"{step.id} was asked again after --resume"
    assert "breathing pause" not in before
    resumed.send(Keyboard.CtrlC)
    assert resumed.wait_exit() == 130
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"] == expected
    survived = "kills_survived" if sig == signal.SIGKILL else "signals_survived"
    record(SECTION, resumes=1, **{survived: 1})


# -- during the final save ---------------------------------------------------------------------


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(FULL_ANSWERS), encoding="utf-8")
    return path


def to_review(term: Term) -> None:
    skip_breathing(term)
    term.expect("Check your answers")
    term.expect("Looks right: make the call plan")


def save_outcome(home: Path) -> str:
    """`whole` (case, plan, reminder; no draft), `draft` (draft; no case) or what else it is."""
    files, left = case_files(home), drafts(home)
    if not files and len(left) == 1:
        return "draft"
    if len(files) == 1 and sorted(next(iter(files.values()))) == [".ics", ".md", ".yaml"]:
        return "whole" if not left else "whole case and a stale draft"
    return f"partial case {files} with {len(left)} draft(s)"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_inside_the_final_save_waits_for_a_whole_case(
    spawn: Any, calm_home: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """calm holds SIGINT and SIGTERM while it saves: the signal lands once the (here widened)
    save is done, so the case is whole, the draft gone, and calm says the case was saved."""
    term = spawn(
        "new",
        "--tree",
        "default",
        "--answers",
        str(answers_file(tmp_path)),
        wrapper=SAVE_WINDOW,
        CALM_SAVE_WINDOW="2",
    )
    to_review(term)
    term.send(Keyboard.Enter)
    term.expect("@@SAVING@@")
    os.kill(term.child.pid, sig)
    status = term.wait_exit()
    outcome = save_outcome(calm_home)
    record(
        SECTION, signals_sent=1, save_signals=1, bad_save_outcomes=outcome not in ("whole", "draft")
    )
    assert "Traceback" not in term.text
    assert status == 130
    assert "the case was saved" in term.text
    assert outcome == "whole"


@pytest.mark.parametrize(
    ("at", "kept"),
    [("after-review", "draft"), ("after-save", "whole")],
    ids=["before-the-save", "after-the-save"],
)
def test_sigterm_right_after_confirming_the_review(
    spawn: Any, calm_home: Path, tmp_path: Path, at: str, kept: str
) -> None:
    """SIGTERM at the two edges of the save, hit exactly (the process signals itself there):
    the moment the review is confirmed, before the save begins, keeps the draft and says how
    to resume; the moment the case is saved, before the plan is shown, says the case was
    saved. Either way: exit 130, a message, no traceback, and a whole case or a whole draft."""
    term = spawn(
        "new",
        "--tree",
        "default",
        "--answers",
        str(answers_file(tmp_path)),
        wrapper=SAVE_WINDOW,
        CALM_SIGNAL_AT=at,
    )
    to_review(term)
    term.send(Keyboard.Enter)
    status = term.wait_exit()
    outcome = save_outcome(calm_home)
    record(
        SECTION,
        signals_sent=1,
        save_signals=1,
        save_window_hits=outcome not in ("whole", "draft"),
        silent_sigterm_deaths=status == 128 + signal.SIGTERM,
    )
    assert "Traceback" not in term.text, term.text[-3000:]
    assert status == 130, term.rest()
    assert outcome == kept
    if kept == "draft":
        (draft,) = drafts(calm_home)
        assert HINT.findall(term.rest()) == [draft.stem], term.rest()
        kept_answers = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
        assert kept_answers.keys() == FULL_ANSWERS.keys()
        assert kept_answers["customer_name"] == FULL_ANSWERS["customer_name"]
    else:
        assert "the case was saved" in term.text
        assert HINT.search(term.text) is None
