"""Answers: what each kind of question accepts and stores, how answers read back as words, and
answers files (`calm new --answers FILE`), including hostile ones."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmcli.domain.answers import Invalid, accept, display, read_answers_file
from calmcli.errors import EXIT_BAD_INPUT, BadInput
from calmcli.tree.loader import load_tree_text

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # a Wednesday, GMT

TREE = load_tree_text(
    """
format: 1
id: answers-test
title: Every kind of answer
version: 1
sections: [{id: s, title: Questions}]
nodes:
  - {id: intro, section: s, kind: note, prompt: Breathe.}
  - id: name
    section: s
    kind: text
    prompt: Name?
    validate: {min_length: 2, max_length: 10}
  - id: phone
    section: s
    kind: text
    prompt: Phone?
    required: false
    validate: {pattern: '[0-9 ]{6,}'}
  - id: code
    section: s
    kind: text
    prompt: Job code?
    validate: {pattern: '[A-Z]{2}[0-9]{3}', message: "A job code looks like AB123."}
  - {id: story, section: s, kind: longtext, prompt: "What happened?"}
  - id: mood
    section: s
    kind: choice
    prompt: Mood?
    choices:
      - {value: angry, label: Really angry}
      - {value: worried, label: A bit worried}
  - {id: size, section: s, kind: choice, prompt: "How big?", choices: [1, 2, 3]}
  - id: wants
    section: s
    kind: multi
    prompt: Wants?
    choices:
      - {value: refund, label: Money back}
      - {value: redo, label: Redo the work}
      - {value: sorry, label: An apology}
    validate: {min_choices: 1, max_choices: 2}
  - id: extras
    section: s
    kind: multi
    prompt: Extras?
    required: false
    choices: [clean, note]
  - {id: written, section: s, kind: yesno, prompt: "In writing?"}
  - id: heat
    section: s
    kind: scale
    prompt: How strongly?
    min: 1
    max: 5
    validate: {min: 2, max: 4}
  - {id: rating, section: s, kind: scale, prompt: "Rating?", min: 0, max: 10}
  - id: when
    section: s
    kind: date
    prompt: When?
    validate: {not_past: true, max_days_ahead: 30}
  - {id: noted, section: s, kind: date, prompt: "Noticed when?", required: false}
""",
    "answers-test.yaml",
)
N = TREE.nodes


def ok(node_id: str, raw: Any) -> Any:
    return accept(N[node_id], raw, NOW)


def refused(node_id: str, raw: Any) -> str:
    with pytest.raises(Invalid) as info:
        accept(N[node_id], raw, NOW)
    return str(info.value)


# -- accept: what each kind stores ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "raw", "stored"),
    [
        ("name", "  Ann  ", "Ann"),
        ("name", 42, "42"),
        ("code", "AB123", "AB123"),
        ("story", "\n  The roof\n  leaks.\n\n", "The roof\n  leaks."),
        ("story", "line one\r\nline two", "line one\nline two"),
        ("mood", "angry", "angry"),
        ("mood", "A BIT WORRIED", "worried"),  # the label, any case
        ("mood", "  really angry ", "angry"),
        ("mood", "Worried", "worried"),  # the value, any case
        ("size", "2", 2),  # typed text finds a number value
        ("size", 3, 3),
        ("wants", "refund, redo", ["refund", "redo"]),
        ("wants", "Money back,An apology", ["refund", "sorry"]),
        ("wants", "redo, Redo the work", ["redo"]),  # the same choice twice counts once
        ("wants", ["sorry", "Money back"], ["sorry", "refund"]),
        ("wants", "redo,", ["redo"]),
        ("extras", "clean", ["clean"]),
        ("written", "yes", True),
        ("written", "Y", True),
        ("written", "true", True),
        ("written", True, True),
        ("written", "no", False),
        ("written", "OFF", False),
        ("written", "false", False),
        ("written", False, False),
        ("heat", "3", 3),
        ("heat", " 4 ", 4),
        ("heat", 2, 2),
        ("rating", "0", 0),
        ("when", "tomorrow 9am", "2026-11-26T09:00:00+00:00"),
        ("when", "fri", "2026-11-27T09:00:00+00:00"),
        ("when", "+3d", "2026-11-28T09:00:00+00:00"),
        ("when", "next tuesday 4pm", "2026-12-01T16:00:00+00:00"),
        ("when", "2026-12-01 14:30", "2026-12-01T14:30:00+00:00"),
        ("when", "2026-12-01T14:30:00+01:00", "2026-12-01T13:30:00+00:00"),
        ("when", datetime(2026, 12, 1, 14, 30), "2026-12-01T14:30:00+00:00"),  # naive: local
        ("noted", "today", "2026-11-25T09:00:00+00:00"),  # no not_past rule: the past is fine
    ],
)
def test_accept_stores_the_kinds_type(node_id: str, raw: Any, stored: Any) -> None:
    value = ok(node_id, raw)
    assert value == stored
    assert type(value) is type(stored)


def test_a_stored_date_has_its_utc_offset() -> None:
    summer = datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
    assert accept(N["when"], "tomorrow 9am", summer) == "2026-06-02T09:00:00+01:00"
    assert datetime.fromisoformat(ok("when", "fri 4pm")).utcoffset() is not None


@pytest.mark.parametrize(
    ("node_id", "raw", "message"),
    [
        ("name", "A", "at least 2 characters"),
        ("name", "Annabel Lee-Smith", "at most 10 characters"),
        ("name", ["Ann"], "expected text"),
        ("name", {"first": "Ann"}, "expected text"),
        ("phone", "call me", "that does not look right"),
        ("phone", "0770 900123\ud800", "that does not look right"),  # RE2 reads only text
        ("code", "ab123", "A job code looks like AB123."),
        ("code", "AB1234", "A job code looks like AB123."),  # the whole answer must match
        ("mood", "furious", "'furious' is not one of the choices (angry, worried)"),
        ("mood", ["angry"], "expected one choice"),
        ("size", "4", "'4' is not one of the choices (1, 2, 3)"),
        ("wants", "refund,teleport", "'teleport' is not one of the choices (refund, redo, sorry)"),
        ("wants", "refund, redo, sorry", "pick at most 2"),
        ("wants", [["refund"]], "expected a list of choices"),
        ("written", "maybe", "answer yes or no, not 'maybe'"),
        ("written", "2", "answer yes or no, not '2'"),
        ("heat", "9", "9 is outside 1 to 5"),
        ("heat", 0, "0 is outside 1 to 5"),
        ("heat", "1", "at least 2"),
        ("heat", 5, "at most 4"),
        ("heat", "lots", "expected a number from 1 to 5, not 'lots'"),
        ("heat", "3.5", "expected a number from 1 to 5, not '3.5'"),
        ("heat", True, "expected a number from 1 to 5"),
        ("when", ["tomorrow"], "expected a date and time"),
        ("when", True, "expected a date and time"),
        ("when", "+60d", "Sun 24 Jan 2027 09:00 is more than 30 days ahead"),
    ],
)
def test_accept_refuses_with_a_message(node_id: str, raw: Any, message: str) -> None:
    assert refused(node_id, raw) == message


@pytest.mark.parametrize("raw", ["yesterday", "2026-11-25 08:00"])
def test_a_past_date_is_refused_saying_when_it_was(raw: str) -> None:
    message = refused("when", raw)
    assert "is in the past; pick a time after now" in message
    assert message.startswith(("Tue 24 Nov 09:00", "Wed 25 Nov 08:00"))


@pytest.mark.parametrize("raw", ["03/04", "someday", "2026-02-30"])
def test_an_unreadable_date_says_what_forms_work(raw: str) -> None:
    message = refused("when", raw)
    assert f'can\'t read "{raw}" as a date' in message
    assert "tomorrow 9am" in message


@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_a_required_question_needs_an_answer(raw: Any) -> None:
    for node_id in ("name", "wants", "written", "heat", "when", "mood"):
        assert refused(node_id, raw) == "an answer is needed"


def test_the_authors_message_also_covers_a_missing_answer() -> None:
    assert refused("code", "") == "A job code looks like AB123."


@pytest.mark.parametrize("raw", [None, "", "  ", []])
def test_an_optional_question_can_be_skipped(raw: Any) -> None:
    assert ok("phone", raw) is None
    assert ok("extras", raw) is None
    assert ok("noted", raw) is None


def test_a_multi_of_only_commas_is_an_empty_answer() -> None:
    assert ok("extras", " , ,") is None
    assert refused("wants", ",") == "an answer is needed"


def test_longtext_pasted_with_windows_line_ends_has_no_stray_carriage_return() -> None:
    assert ok("story", "line one\r\nline two\r\n") == "line one\nline two"


# -- display ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "value", "shown"),
    [
        ("name", None, ""),
        ("name", "Ann", "Ann"),
        ("mood", "worried", "A bit worried"),
        ("mood", "gone", "gone"),  # a value the tree no longer has: shown as it is
        ("size", 2, "2"),
        ("wants", ["refund", "sorry"], "Money back, An apology"),
        ("wants", ["refund", "gone"], "Money back, gone"),
        ("written", True, "yes"),
        ("written", False, "no"),
        ("heat", 3, "3"),
        ("rating", 0, "0"),
        ("when", "2026-11-27T09:00:00+00:00", "Fri 27 Nov 09:00"),
        ("when", "2027-01-08T16:30:00+00:00", "Fri 8 Jan 2027 16:30"),  # another year: say so
        ("when", "not a date", "not a date"),  # a hand-edited case file: shown as it is
    ],
)
def test_display_shows_answers_as_words(node_id: str, value: Any, shown: str) -> None:
    assert display(N[node_id], value, NOW) == shown


@pytest.mark.parametrize(
    ("node_id", "raw"),
    [("mood", "A bit worried"), ("wants", "Money back, redo"), ("written", "no"), ("heat", "3")],
)
def test_what_display_shows_can_be_typed_back(node_id: str, raw: str) -> None:
    """The review shows answers as words; typing those words again gives the same answer."""
    stored = ok(node_id, raw)
    assert ok(node_id, display(N[node_id], stored, NOW)) == stored


# -- answers files ----------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def read(path: Path) -> dict[str, Any]:
    return read_answers_file(path, TREE, NOW)


def test_a_good_answers_file_gives_the_raw_answers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
# answers for calm new --answers
name: Ann
phone: ""
mood: A bit worried
size: 2
wants: [refund, An apology]
extras:
written: no
heat: "3"
story: |
  The roof leaks
  again.
when: 2026-12-01 14:30
""",
    )
    assert read(path) == {
        "name": "Ann",
        "phone": "",
        "mood": "A bit worried",  # raw: the engine stores the value when it accepts it
        "size": 2,
        "wants": ["refund", "An apology"],
        "extras": None,
        "written": False,
        "heat": "3",
        "story": "The roof leaks\nagain.\n",
        "when": "2026-12-01 14:30",  # a YAML timestamp stays text for the date parser
    }


def test_every_wrong_answer_is_named_with_its_place_in_one_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
name: Ann
story: [a, list]
written: maybe
heat: 9
mood: furious
custmer_name: Ann
intro: hello
when: someday
""",
    )
    with pytest.raises(BadInput) as info:
        read(path)
    err = info.value
    assert err.exit_code == EXIT_BAD_INPUT
    assert err.message == f"{path}: 7 problems in the answers"
    assert err.details == [
        f"{path}:2:1: story: expected text",
        f"{path}:3:1: written: answer yes or no, not 'maybe'",
        f"{path}:4:1: heat: 9 is outside 1 to 5",
        f"{path}:5:1: mood: 'furious' is not one of the choices (angry, worried)",
        f"{path}:6:1: custmer_name: no such question in tree 'answers-test'",
        f"{path}:7:1: intro: is a note, it takes no answer",
        f'{path}:8:1: when: can\'t read "someday" as a date: try "tomorrow 9am", "fri", "+3d", '
        '"next week", "3 dec 4pm" or "2026-12-01 14:30"',
    ]


def test_one_problem_is_counted_as_one(tmp_path: Path) -> None:
    path = write(tmp_path, "name: Ann\n  # indented comment\nheat: 9\n")
    with pytest.raises(BadInput) as info:
        read(path)
    assert info.value.message == f"{path}: 1 problem in the answers"
    assert info.value.details == [f"{path}:3:1: heat: 9 is outside 1 to 5"]


def test_validation_rules_are_left_for_the_interview(tmp_path: Path) -> None:
    """A file answer of the right type that breaks a rule is kept, so the interview can ask it
    again with the author's message (the engine's tests cover that)."""
    path = write(tmp_path, "name: A\nheat: 1\nwhen: yesterday\n")
    assert read(path) == {"name": "A", "heat": 1, "when": "yesterday"}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("- name: Ann\n", "1:1: an answers file is a mapping of question id to answer"),
        ("just some words\n", "1:1: an answers file is a mapping"),
        ("name: !!python/object:os.system ls\n", "the tag"),
        ("name: !!python/object/apply:os.system [ls]\n", "is not allowed"),
        ("name: Ann\nname: Bob\n", "2:1: duplicate key 'name' (first on line 1)"),
        ("name: [unclosed\n", "YAML syntax error"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
            "too many values",
        ),
        ("name: " + "[" * 200 + "]" * 200 + "\n", "nested"),
    ],
)
def test_hostile_or_malformed_files_are_refused(tmp_path: Path, content: str, says: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(BadInput) as info:
        read(path)
    assert says in info.value.message
    assert info.value.message.startswith(str(path))


def test_invalid_utf8_is_refused_with_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, b"name: Ann\nstory: caf\xe9\n")
    with pytest.raises(BadInput, match=r":2:11: not UTF-8 text \(byte 0xe9\)"):
        read(path)


def test_binary_data_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"name: Ann\x00\x01\x02")
    with pytest.raises(BadInput, match="binary"):
        read(path)


def test_a_file_over_1_mib_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "story: " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(BadInput, match="too big"):
        read(path)


def test_a_missing_file_or_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        read(tmp_path / "nope.yaml")
    with pytest.raises(BadInput, match="is a directory"):
        read(tmp_path)


@pytest.mark.parametrize("content", ["", "# nothing here\n"])
def test_an_empty_answers_file_gives_no_answers(tmp_path: Path, content: str) -> None:
    """An empty answers file is not an error: --no-input then lists every missing answer."""
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    assert read(path) == {}


@pytest.mark.parametrize(
    "content", ["written: !!bool maybe\n", "heat: !!int ''\n", "heat: !!float ''\n"]
)
def test_a_bad_explicitly_tagged_value_is_refused(tmp_path: Path, content: str) -> None:
    with pytest.raises(BadInput):
        read(write(tmp_path, content))


# -- answers files: anything at all gives answers or BadInput ------------------------------------

IDS = [*TREE.nodes, "custmer_name", "Name", "end"]
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


TMP_OK = [HealthCheck.function_scoped_fixture]  # each example overwrites the same file


def _dict_or_bad_input(path: Path) -> None:
    try:
        result = read(path)
    except BadInput as exc:
        assert exc.message
        assert all(isinstance(d, str) for d in exc.details)
        return
    assert isinstance(result, dict)
    assert set(result) <= {n for n, node in TREE.nodes.items() if node.is_question}


@settings(max_examples=200, deadline=None, suppress_health_check=TMP_OK)
@given(data=st.binary())
def test_any_bytes_give_answers_or_bad_input(tmp_path: Path, data: bytes) -> None:
    _dict_or_bad_input(write(tmp_path, data, "fuzz.yaml"))


@settings(max_examples=200, deadline=None, suppress_health_check=TMP_OK)
@given(
    answers=st.dictionaries(st.sampled_from(IDS) | st.text(max_size=10), JSONISH, max_size=8),
    unicode=st.booleans(),
)
def test_any_mapping_gives_answers_or_bad_input(
    tmp_path: Path, answers: dict[str, Any], unicode: bool
) -> None:
    text = yaml.safe_dump(answers, allow_unicode=unicode)
    _dict_or_bad_input(write(tmp_path, text, "fuzz.yaml"))


@settings(max_examples=100, deadline=None, suppress_health_check=TMP_OK)
@given(answers=st.dictionaries(st.sampled_from(IDS), JSONISH, max_size=8))
def test_json_answers_files_work_too(tmp_path: Path, answers: dict[str, Any]) -> None:
    """JSON is YAML: a script may write its answers with json.dumps."""
    _dict_or_bad_input(write(tmp_path, json.dumps(answers), "fuzz.json"))
