"""The prompt adapter without a terminal: one-key answers, shortened answers, wrapping between
words, the preparation screen, the review list and plain mode (the prompts themselves are
replaced by a script; tests/e2e drives the real ones)."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from prompt_toolkit.layout.processors import TransformationInput
from rich.console import Console

from calmcli.cli import prompts, widgets
from calmcli.cli.prompts import CONFIRM, SKIP, QuestionaryPrompter, number_keys, shorten
from calmcli.cli.widgets import WordWrap
from calmcli.domain import answers as ans
from calmcli.domain.interview import BACK, Question, ReviewRow
from calmcli.tree.loader import load_tree_text
from calmcli.tree.ratings import RatingsNode

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

TREE = load_tree_text(
    textwrap.dedent(
        """\
        # One question of each kind the prompts ask, so these tests follow how a kind is asked,
        # whatever the built-in trees come to ask.
        format: 1
        id: prompts
        title: The prompt tests' questions
        version: 1
        sections:
          - {id: prepare, title: Before you ring}
          - {id: who, title: Who it is}
        nodes:
          - id: breathe
            section: prepare
            kind: note
            prompt: Give yourself a minute first.
          - id: not_personal
            section: prepare
            kind: note
            prompt: They are upset about what happened, not about who you are.
          - id: customer_name
            section: who
            kind: text
            prompt: What's the customer's name?
          - id: feeling
            section: who
            kind: choice
            prompt: "How does {customer_name} seem to feel?"
            choices:
              - {value: frustrated, label: frustrated}
              - {value: angry, label: angry}
              - {value: disappointed, label: disappointed}
              - {value: worried, label: worried}
              - {value: let_down, label: let down}
              - {value: embarrassed, label: embarrassed}
              - {value: other, label: upset}
          - id: intensity
            section: who
            kind: scale
            prompt: How strongly do they feel it?
            min: 1
            max: 5
            labels: {1: a bit put out, 2: upset, 3: quite upset, 4: very upset, 5: furious}
          - id: raised_before
            section: who
            kind: yesno
            prompt: Have they raised this with you before?
          - id: more_options
            section: who
            kind: yesno
            prompt: Add another option?
          - id: escalate
            section: who
            kind: yesno
            prompt: Might this need someone else?
          - id: wants
            section: who
            kind: multi
            prompt: "What does {customer_name} want? Tick all they asked for."
            choices:
              - {value: repair, label: a repair}
              - {value: refund, label: a refund}
              - {value: apology, label: an apology}
          - id: feelings
            section: who
            kind: ratings
            prompt: How do they feel, and how strongly?
            rate_all: false
            labels: {1: a little, 5: very strongly}
            validate: {min_rated: 1}
            scales:
              - {id: angry, label: angry}
              - {id: frustrated, label: frustrated}
              - {id: let_down, label: let down}
          - id: compare
            section: who
            kind: ratings
            prompt: How do they compare?
            rows:
              - {id: one, label: Regrout the shower-tray edge this week at no cost}
              - {id: two, label: Reseal the whole tray and replace the trim next week}
            scales:
              - {id: ease, label: easy?, good: high, labels: {1: hard, 5: easy}}
              - {id: cost, label: cost to you, good: low, labels: {1: next to nothing, 5: a lot}}
          - id: followup_at
            section: who
            kind: date
            prompt: When will you check in?
        plan:
          customer: "{customer_name}"
          followup: followup_at
        """
    ),
    "prompts.yaml",
)


def console() -> Console:
    return Console(record=True, width=80, file=io.StringIO(), color_system=None)


def printed(c: Console) -> str:
    return c.export_text(clear=False)


def question(
    node_id: str, default: Any = None, prompt: str = "", *, checked: bool = False
) -> Question:
    """The question as the engine hands it over (its texts not filled); `checked`: its check and
    preview are the engine's own (the answer accepted, then said in words)."""
    node = ans.shown(TREE, TREE.node(node_id), {}, NOW)

    def check(raw: Any) -> str | None:
        try:
            ans.accept(node, raw, NOW)
        except ans.Invalid as exc:
            return str(exc)
        return None

    return Question(
        node=node,
        prompt=prompt or node.prompt,
        help="",
        section="Section",
        default=default,
        error=None,
        can_go_back=True,
        check=check if checked else lambda raw: None,
        preview=(lambda raw: node.display(ans.accept(node, raw, NOW))) if checked else str,
    )


class Answers:
    """Stands in for `prompts.ask`: hands out scripted answers, records what was asked."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.asked: list[Any] = []

    def __call__(
        self, question: Any, back: bool = False, picks: Any = None, ticks: Any = None
    ) -> Any:
        self.asked.append((question, picks or ticks))
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


def test_the_review_shows_markup_in_answers_as_typed(
    answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer holding `[/]` or a `[link=...]` is a title like any other: no MarkupError,
    no hyperlink, and what the review says before it (printed through Rich) is literal."""
    made = capture_select(monkeypatch)
    answers(CONFIRM)
    text = "[link=file:///etc/passwd]Ann[/link] [/] Lee :fire:"
    rows = [ReviewRow("customer_name", "Who", "What's the customer's name?", text)]
    shown_out = io.StringIO()
    prompter = QuestionaryPrompter(Console(file=shown_out, width=100), plain=False)
    assert prompter.review(rows) is None
    (shown,) = made
    assert shown["choices"][1].title == f"What's the customer's name?  {text}"
    assert "\x1b]8;" not in shown_out.getvalue()


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


# -- tick boxes and ratings grids ------------------------------------------------------------


def keys_pressed(text: str) -> Any:
    """Run what is inside with `text` typed at the keyboard (no terminal drawn)."""
    from contextlib import ExitStack

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    stack = ExitStack()
    typed = stack.enter_context(create_pipe_input())
    stack.enter_context(create_app_session(input=typed, output=DummyOutput()))
    typed.send_text(text)
    return stack


def test_tick_boxes_are_ticked_by_their_number() -> None:
    c = console()
    with keys_pressed("13\r"):  # 1 ticks "a repair", 3 "an apology", Enter: done
        got = QuestionaryPrompter(c, plain=False).ask(question("wants", checked=True))
    assert got == ["repair", "apology"]
    said = printed(c).splitlines()[-1]  # after the keys and the section
    assert said == "? What does {customer_name} want? Tick all they asked for. a repair, an apology"


def test_the_keys_of_a_list_go_under_its_question_rather_than_wrap(
    answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import questionary

    made = capture_select(monkeypatch)
    boxes: list[dict[str, Any]] = []
    real = questionary.checkbox

    def checkbox(message: str, choices: list[Any], **kw: Any) -> Any:
        boxes.append({"message": message, "choices": choices, **kw})
        return real(message, choices=choices, **kw)

    monkeypatch.setattr(questionary, "checkbox", checkbox)
    fake = answers(["repair"], "worried", "worried")
    prompter = QuestionaryPrompter(console(), plain=False)
    long = "What does Dana Whitfield want? Tick all they asked for."  # + its keys: 91 columns
    prompter.ask(question("wants", prompt=long))
    prompter.ask(question("feeling", prompt="How does Dana Whitfield seem to feel, would you say?"))
    prompter.ask(question("feeling", prompt="Feeling?"))
    (ticked,) = boxes
    assert ticked["instruction"] == "(1-3 or Space: tick, Enter: done)"
    assert ticked["message"] == f"{long}\n "  # the keys go on the next line, whole
    assert [c.shortcut_key for c in ticked["choices"]] == ["1", "2", "3"]  # "○ 1) a repair"
    assert fake.asked[0][1] == {"1": 0, "2": 1, "3": 2}  # each number ticks its box
    assert made[0]["instruction"] == "(1-7, or arrows and Enter)"
    assert made[0]["message"].endswith("?\n ")  # 52 + 26 + 4 > 80 columns
    assert made[1]["message"] == "Feeling?"  # it fits: beside it


def test_a_ratings_grid_is_answered_by_digits_and_shown_on_one_line() -> None:
    c = console()
    up, down, left = "\x1b[A", "\x1b[B", "\x1b[D"
    # a digit rates the box and moves on: 5 and 2 for the first option; up to its ease, 4;
    # down to the second's cost, 4; left to its ease, 3; Enter
    with keys_pressed(f"52{up}4{down}4{left}3\r"):
        got = QuestionaryPrompter(c, plain=False).ask(question("compare", checked=True))
    assert got == {"one": {"ease": 4, "cost": 2}, "two": {"ease": 3, "cost": 4}}
    line = printed(c).splitlines()[-1]  # the grid erased; the answer on one line, shortened
    assert line.startswith("? How do they compare? Regrout the shower-tray edge this week at no")
    assert line.endswith("…") and len(line) <= 80


def test_a_ratings_grid_says_its_keys_on_a_line_of_their_own() -> None:
    from prompt_toolkit.application.current import set_app
    from prompt_toolkit.formatted_text import to_formatted_text
    from prompt_toolkit.layout.controls import FormattedTextControl

    from calmcli.cli.ratings_prompt import ratings

    q = question("compare", checked=True)
    assert isinstance(q.node, RatingsNode)
    grid = ratings(q, q.node, "Ctrl-B: back", prompts.STYLE).application
    head, body = [c for c in grid.layout.find_all_controls() if isinstance(c, FormattedTextControl)]
    with keys_pressed(""), set_app(grid):  # drawn for the terminal's width (80 here)
        asked, rows = ("".join(f[1] for f in to_formatted_text(c.text)) for c in (head, body))
    assert asked == "? How do they compare?"  # nothing beside it to wrap
    shown = rows.splitlines()
    assert shown[-1] == "  arrows · 1-5 · Backspace: clear · Enter: done · Ctrl-B: back"
    assert shown[-2] == "  easy?: 1 = hard … 5 = easy (higher is better)"
    assert all(len(row) <= 80 for row in shown)


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


def test_plain_ratings_name_each_that_fits_with_its_rating(answers: Any) -> None:
    answers("frustrated 4, let down 3")
    c = console()
    q = question("feelings", default={"angry": 2}, checked=True)
    got = QuestionaryPrompter(c, plain=True).ask(q)
    assert ans.accept(q.node, got, NOW) == {"frustrated": 4, "let_down": 3}
    text = printed(c)
    assert "  angry, frustrated, let down: 1 = a little … 5 = very strongly" in text
    assert '(each that fits and its rating, like "angry 5, frustrated 1" · Ctrl-B: back)' in text


def refused(question: Any, typed: str) -> str | None:
    """What a line prompt says to `typed` (None: it takes it)."""
    from prompt_toolkit.document import Document
    from prompt_toolkit.validation import ValidationError

    try:
        question.application.current_buffer.validator.validate(Document(typed))
    except ValidationError as exc:
        return str(exc.message)
    return None


def test_plain_ratings_of_options_take_a_line_each(answers: Any) -> None:
    # the first option, Ctrl-B back to it from the second, again, then the second
    fake = answers("5 2", BACK, "4 2", "3 4")
    c = console()
    q = question("compare", checked=True)
    got = QuestionaryPrompter(c, plain=True).ask(q)
    assert ans.accept(q.node, got, NOW) == {
        "one": {"ease": 4, "cost": 2},
        "two": {"ease": 3, "cost": 4},
    }
    text = printed(c)
    assert "  easy?: 1 = hard … 5 = easy (higher is better)" in text
    assert "  cost to you: 1 = next to nothing … 5 = a lot (lower is better)" in text
    assert '(the ratings in that order, like "1 5" · Ctrl-B: back)' in text
    first, second, again, _ = (asked for asked, _ in fake.asked)
    assert again.application.current_buffer.text == "5 2"  # what was typed, to change
    assert refused(first, "5 2") is None
    assert refused(first, "5 9") == "cost to you: expected a number from 1 to 5, not '9'"
    assert refused(second, "5 2 1") == "more ratings than scales (2)"


def test_plain_ratings_ask_again_when_an_option_is_not_rated_in_full(answers: Any) -> None:
    fake = answers("5", "3 4", "5 1", "3 4")  # the first row's cost left out; then given
    c = console()
    q = question("compare", default={"two": {"ease": 3, "cost": 4}}, checked=True)
    got = QuestionaryPrompter(c, plain=True).ask(q)
    assert ans.accept(q.node, got, NOW) == {
        "one": {"ease": 5, "cost": 1},
        "two": {"ease": 3, "cost": 4},
    }
    assert "✗ Regrout the shower-tray edge this week at no cost: rate cost to you" in printed(c)
    assert [a.application.current_buffer.text for a, _ in fake.asked] == ["", "3 4", "5", "3 4"]


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
