"""The prompt adapter without a terminal: one-key answers, shortened answers, wrapping between
words, the preparation screen, the review list and plain mode (the prompts themselves are
replaced by a script; tests/e2e drives the real ones)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.layout.processors import TransformationInput
from rich.console import Console

from calmcli.cli import prompts, widgets
from calmcli.cli.prompts import CONFIRM, SKIP, QuestionaryPrompter, number_keys, shorten
from calmcli.cli.widgets import WordWrap
from calmcli.domain.interview import BACK, Question, ReviewRow
from calmcli.tree import registry

TREE = registry.resolve("default")


def console() -> Console:
    return Console(record=True, width=80, file=io.StringIO(), color_system=None)


def printed(c: Console) -> str:
    return c.export_text(clear=False)


def question(node_id: str, default: Any = None, prompt: str = "") -> Question:
    node = TREE.node(node_id)
    return Question(
        node=node,
        prompt=prompt or node.prompt,
        help="",
        section="Section",
        default=default,
        error=None,
        can_go_back=True,
        check=lambda raw: None,
        preview=lambda raw: str(raw),
    )


class Answers:
    """Stands in for `prompts.ask`: hands out scripted answers, records what was asked."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.asked: list[Any] = []

    def __call__(self, question: Any, back: bool = False, picks: Any = None) -> Any:
        self.asked.append((question, picks))
        return self.answers.pop(0)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def install(*given: Any) -> Answers:
        fake = Answers(*given)
        monkeypatch.setattr(widgets, "ask", fake)
        return fake

    yield install


# -- one key per answer ----------------------------------------------------------------------


def test_a_scale_is_answered_by_its_own_digits() -> None:
    assert number_keys(TREE.node("intensity").menu()) == {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}


def test_a_choice_is_answered_by_its_place_in_the_list() -> None:
    menu = TREE.node("feeling").menu()
    assert number_keys(menu) == {str(i + 1): i for i in range(7)}


def test_a_list_longer_than_nine_has_no_number_keys() -> None:
    assert number_keys([(f"row {i}", f"v{i}") for i in range(10)]) == {}


def test_an_optional_choice_is_skipped_with_s() -> None:
    import msgspec

    optional = msgspec.structs.replace(TREE.node("feeling"), required=False)
    menu, keys = QuestionaryPrompter(console(), plain=False)._menu(optional)
    assert menu[-1] == ("(skip)", SKIP)
    assert keys["s"] == len(menu) - 1 and keys["1"] == 0


# -- shortening and wrapping -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "room", "shown"),
    [
        ("short", 20, "short"),
        ("The tiles cracked a week after we finished", 20, "The tiles cracked a…"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("line one\nline two", 40, "line one line two"),
    ],
)
def test_shorten_keeps_one_line_and_cuts_between_words(text: str, room: int, shown: str) -> None:
    assert shorten(text, room) == shown
    assert len(shorten(text, room)) <= room


def wrap(text: str, width: int, indent: int = 0) -> tuple[list[str], Any]:
    ti = TransformationInput(
        buffer_control=None,  # type: ignore[arg-type]
        document=None,  # type: ignore[arg-type]
        lineno=0,
        source_to_display=lambda i: i,
        fragments=[("", text)],
        width=width,
        height=10,
    )
    out = WordWrap(indent).apply_transformation(ti)
    shown = "".join(f[1] for f in out.fragments)
    first = width - indent
    rest = shown[first:]
    return [shown[:first], *(rest[i : i + width] for i in range(0, len(rest), width))], out


def test_typing_wraps_between_words_at_the_edge() -> None:
    rows, _ = wrap("The tiles cracked a week after we finished", 16)
    assert [r.rstrip() for r in rows] == ["The tiles", "cracked a week", "after we", "finished"]


def test_a_word_longer_than_a_row_is_cut_where_the_row_ends() -> None:
    rows, _ = wrap("a Supercalifragilistic b", 10)
    assert rows == ["a Supercal", "ifragilist", "ic b"]


def test_the_first_row_leaves_room_for_the_question_beside_it() -> None:
    rows, _ = wrap("one two three", 12, indent=6)
    assert [r.rstrip() for r in rows] == ["one", "two three"]  # "one" fits after 6 columns


def test_the_cursor_follows_the_words_it_moved() -> None:
    text = "The tiles cracked"
    _, out = wrap(text, 12)
    shown = "".join(f[1] for f in out.fragments)
    for pos, char in enumerate(text):
        assert shown[out.source_to_display(pos)] == char
    assert out.source_to_display(len(text)) == len(shown)
    for pos in range(len(shown)):
        assert text[: out.display_to_source(pos)] == text[: out.display_to_source(pos)]
        assert 0 <= out.display_to_source(pos) <= len(text)


# -- the preparation -------------------------------------------------------------------------


def test_the_notes_before_the_first_question_are_one_screen_then_one_key(answers: Any) -> None:
    fake = answers("go", "Ann Lee")
    c = console()
    prompter = QuestionaryPrompter(c, plain=False)
    prompter.note(question("breathe"))
    prompter.note(question("not_personal"))
    assert printed(c) == ""  # nothing yet: the notes wait for the first question
    assert prompter.ask(question("customer_name")) == "Ann Lee"
    text = printed(c)
    assert "Give yourself a minute" in text and "not about who you are" in text
    assert "╭" not in text and "│" not in text  # no boxes round the notes
    start, _ = fake.asked[0]
    drawn = start.application.layout.container.content.text
    assert [t for _, t in drawn if t.strip()][:2] == ["Enter", ": start"]
    assert ": breathe first (2 slow breaths, 32 s)" in [t for _, t in drawn]


def test_breathing_is_run_only_when_chosen(answers: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    monkeypatch.setattr(
        "calmcli.cli.views.breathing.run_breathing",
        lambda c, seconds, animate=True: ran.append(seconds) or 0,
    )
    answers("b", "Ann Lee")
    prompter = QuestionaryPrompter(console(), plain=False)
    prompter.note(question("breathe"))
    prompter.ask(question("customer_name"))
    assert ran == [32]


def test_without_breathing_the_preparation_only_starts(answers: Any) -> None:
    fake = answers("go", "x")
    prompter = QuestionaryPrompter(console(), plain=False, breathing_seconds=0)
    prompter.note(question("breathe"))
    prompter.ask(question("customer_name"))
    drawn = fake.asked[0][0].application.layout.container.content.text
    assert not any("breathe" in t for _, t in drawn)


# -- the review ------------------------------------------------------------------------------


def review_rows() -> list[ReviewRow]:
    return [
        ReviewRow("customer_name", "Who", "What's the customer's name?", "Ann Lee"),
        ReviewRow("job", "Who", "Which job is it?", "Kitchen"),
        ReviewRow("what_happened", "Facts", "What happened?", "A very long story " * 10),
        ReviewRow("followup_at", "Later", "When will you check in?", "Thu 3 Dec 09:00"),
    ]


def capture_select(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import questionary

    made: list[dict[str, Any]] = []
    real = questionary.select

    def select(message: str, choices: list[Any], **kw: Any) -> Any:
        made.append({"message": message, "choices": choices, **kw})
        return real(message, choices=choices, **kw)

    monkeypatch.setattr(questionary, "select", select)
    return made


def test_the_review_lists_each_answer_once_fitting_the_width(
    answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = capture_select(monkeypatch)
    answers(CONFIRM)
    prompter = QuestionaryPrompter(console(), plain=False)
    assert prompter.review(review_rows()) is None
    (shown,) = made
    titles = [c.title for c in shown["choices"]]
    assert titles[0] == "Looks right: make the call plan"
    assert len(titles) == 1 + len(review_rows())
    assert all(len(t) <= 80 - 4 for t in titles)
    assert titles[2].startswith("Which job is it?") and titles[2].endswith("Kitchen")
    assert titles[3].endswith("…")
    assert shown["default"] == CONFIRM


def test_after_an_edit_the_pointer_is_on_the_answer_changed(
    answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = capture_select(monkeypatch)
    answers("job", CONFIRM)
    prompter = QuestionaryPrompter(console(), plain=False)
    assert prompter.review(review_rows()) == "job"
    assert prompter.review(review_rows()) is None
    assert [m["default"] for m in made] == [CONFIRM, "job"]


def test_the_review_names_what_confirming_does(
    answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = capture_select(monkeypatch)
    answers(CONFIRM)
    QuestionaryPrompter(console(), plain=False, finish="Looks right: save the review").review(
        review_rows()
    )
    assert made[0]["choices"][0].title == "Looks right: save the review"


# -- plain mode ------------------------------------------------------------------------------


def test_plain_choices_are_numbered_and_answered_by_number(answers: Any) -> None:
    answers("4")
    c = console()
    assert QuestionaryPrompter(c, plain=True).ask(question("feeling")) == "worried"
    assert "  1. frustrated" in printed(c) and "  7. upset" in printed(c)


def test_plain_scales_are_answered_by_their_own_number(answers: Any) -> None:
    answers("")  # Enter: the default
    c = console()
    assert QuestionaryPrompter(c, plain=True).ask(question("intensity", default=3)) == 3
    assert "  3  quite upset" in printed(c)


def test_plain_yes_no_is_typed(answers: Any) -> None:
    answers("y", "", BACK)
    prompter = QuestionaryPrompter(console(), plain=True)
    assert prompter.ask(question("raised_before")) is True
    assert prompter.ask(question("more_options", default=False)) is False
    assert prompter.ask(question("escalate")) is BACK


def test_plain_review_takes_a_number(answers: Any) -> None:
    answers("2", "")
    c = console()
    prompter = QuestionaryPrompter(c, plain=True)
    assert prompter.review(review_rows()) == "job"
    assert prompter.review(review_rows()) is None
    assert "  0. Looks right: make the call plan" in printed(c)


def test_plain_mode_prints_no_boxes_or_rules(answers: Any) -> None:
    import os

    from calmcli.cli import output

    answers("go", "Ann")
    os.environ["CALM_PLAIN"] = "1"
    try:
        output.out.cache_clear()
        c = output.out()
        c.file = io.StringIO()
        prompter = QuestionaryPrompter(c)
        assert prompter.plain
        prompter.note(question("breathe"))
        prompter.ask(question("customer_name"))
        text = c.file.getvalue()
    finally:
        del os.environ["CALM_PLAIN"]
        output.out.cache_clear()
    assert "Section" in text and "─" not in text and "╭" not in text


# -- the after-call prompts (calm log, calm followup done) -------------------------------------


def test_asker_numbers_its_choices(answers: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    made = capture_select(monkeypatch)
    answers("partly")
    got = prompts.Asker().select("Satisfied?", [("satisfied", "yes"), ("partly", "partly")])
    assert got == "partly"
    assert [c.shortcut_key for c in made[0]["choices"]] == ["1", "2"]


def test_asker_in_plain_mode_asks_lines_of_text(
    answers: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from calmcli.cli import output

    monkeypatch.setenv("CALM_PLAIN", "1")
    output.out.cache_clear()
    try:
        answers("2", "", "Regrout it")
        asker = prompts.Asker()
        assert asker.select("Satisfied?", [("satisfied", "yes"), ("partly", "partly")]) == "partly"
        assert asker.confirm("Reached them?", True) is True
        assert asker.text("Which option?", "Regrout") == "Regrout it"
        assert "  1. yes" in capsys.readouterr().out
    finally:
        output.out.cache_clear()
