"""Fuzzing with hypothesis: the readers of everything a user (or a sync tool) can hand calm.

Each either returns a value or raises `calmcli.errors.BadInput`, nothing else:

- the tree loader, on arbitrary text and bytes and on mutations of the built-in trees;
- the answers-file reader, on arbitrary bytes and on mappings of real question ids to arbitrary
  YAML values (then the non-interactive interview and the call plan on whatever it accepted);
- the case-file reader `store.load_case`, on arbitrary bytes and on mutated valid case files
  (then the listing row of whatever it accepted);
- the date parser `dates.parse_when` (and `dates.from_iso`), on arbitrary text and on date-like
  token soup, at arbitrary moments in several time zones.

Counts: `CALM_RELIABILITY_EXAMPLES` (default 100, long run 1500) per property.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmcli.clock import dates
from calmcli.domain.answers import scan_answers_file
from calmcli.domain.interview import Interview, NonInteractive
from calmcli.domain.plan import build_plan
from calmcli.errors import BadInput
from calmcli.store import cases as store
from calmcli.tree import registry
from calmcli.tree.loader import load_tree_text

from .helpers import count, record

SECTION = "fuzz"
EXAMPLES = count("examples", 100, 1500)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
DEFAULT_TREE = registry.resolve("default")
BUILTIN_TEXT = {
    p.stem: p.read_text(encoding="utf-8") for p in sorted(registry.builtin_dir().glob("*.yaml"))
}


def only_bad_input(what: str, call: Callable[[], Any]) -> Any:
    """Run `call`; a BadInput is fine (counted), anything else fails with the input named."""
    record(SECTION, inputs_tried=1)
    try:
        return call()
    except BadInput:
        record(SECTION, refused=1)
        return None
    except Exception as exc:
        record(SECTION, crashes=1)
        raise AssertionError(f"{what}: {type(exc).__name__}: {exc}") from exc


# -- building blocks ---------------------------------------------------------------------------

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["", "~", "yes", "no", "2026-02-31", "fri 9am", "+99999d", "9" * 30, "-1"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
YAML_TOKENS = [
    "\n",
    "  ",
    "- ",
    ": ",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!python/name:x ",
    "!x ",
    "'",
    '"',
    "#",
    "---\n",
    "...\n",
    "|\n",
    ">\n",
    "\t",
    "<<: ",
    "~",
    "\\",
    "%YAML 1.1\n",
    "id",
    "kind",
    "next",
    "format: 1",
    "nodes:",
    "choices:",
    "goto",
    "if",
    "\x00",
    "\ufeff",
    "é",
]
yaml_soup = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=6)), max_size=60).map(
    "".join
)


def mutate_lines(text: str, rng: random.Random, edits: int) -> str:
    """Delete, duplicate, swap, re-indent or splice lines: the slips of a hand edit."""
    lines = text.splitlines()
    for _ in range(edits):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.randrange(6)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = " " * rng.randrange(6) + lines[i].lstrip()
        elif op == 4:
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + rng.choice(YAML_TOKENS) + lines[i][cut:]
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return "\n".join(lines) + "\n"


# -- the tree loader ---------------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(st.text(max_size=300), yaml_soup))
def test_tree_loader_on_arbitrary_text(text: str) -> None:
    only_bad_input(f"load_tree_text({text!r})", lambda: load_tree_text(text, "fuzz.yaml"))


@FUZZ
@given(
    name=st.sampled_from(sorted(BUILTIN_TEXT)), seed=st.integers(0, 2**32), edits=st.integers(1, 6)
)
def test_tree_loader_on_mutated_builtin_trees(name: str, seed: int, edits: int) -> None:
    text = mutate_lines(BUILTIN_TEXT[name], random.Random(seed), edits)
    only_bad_input(
        f"{name} mutated (seed {seed}, {edits} edits)", lambda: load_tree_text(text, f"{name}.yaml")
    )


@FUZZ
@given(data=st.binary(max_size=400))
def test_tree_file_on_arbitrary_bytes(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fuzz-tree.yaml"
    path.write_bytes(data)
    only_bad_input(f"tree file {data!r}", lambda: registry.load_path(path))


# -- the answers-file reader -------------------------------------------------------------------

QUESTION_IDS = sorted(DEFAULT_TREE.nodes)


def read_and_walk(path: Path) -> None:
    """What `calm new --answers F --no-input` does with a file, short of writing the case."""
    found, _problems = scan_answers_file(path, DEFAULT_TREE, NOW)
    answers = Interview(DEFAULT_TREE, prefill=found, now=lambda: NOW).run(NonInteractive())
    build_plan(DEFAULT_TREE, answers, NOW)


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), yaml_soup.map(str.encode)))
def test_answers_reader_on_arbitrary_bytes(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fuzz-answers.yaml"
    path.write_bytes(data)
    only_bad_input(f"answers file {data!r}", lambda: read_and_walk(path))


@FUZZ
@given(
    answers=st.dictionaries(
        st.sampled_from(QUESTION_IDS + ["nope", "1", ""]), yaml_values, max_size=12
    )
)
def test_answers_reader_on_real_ids_with_any_values(
    answers: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "fuzz-answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    only_bad_input(f"answers {answers!r}", lambda: read_and_walk(path))


@FUZZ
@given(
    overrides=st.dictionaries(st.sampled_from(QUESTION_IDS), yaml_values, max_size=4),
)
def test_answers_reader_on_a_good_file_with_a_few_bad_values(
    overrides: dict[str, Any], tmp_path: Path
) -> None:
    good = {
        "customer_name": "Dana",
        "customer_phone": "07700 900123",
        "job": "Tiling",
        "feelings": {"frustrated": 4},
        "cause": "it cracked",
        "what_happened": "It cracked.",
        "wants": ["repair"],
        "wants_words": "sealed",
        "option_1": "Regrout",
        "option_ratings": {"option_1": [5, 2, 4]},
        "followup_at": "fri 10am",
    }
    path = tmp_path / "fuzz-answers.yaml"
    path.write_text(yaml.safe_dump({**good, **overrides}, allow_unicode=True), encoding="utf-8")
    only_bad_input(f"answers with {overrides!r}", lambda: read_and_walk(path))


# -- the case-file reader ----------------------------------------------------------------------

CASE_ID = "2026-11-20-dana-whitfield"
VALID_CASE: dict[str, Any] = {
    "calm_case": 1,
    "id": CASE_ID,
    "tree": {"id": "default", "version": 1},
    "customer": "Dana Whitfield",
    "phone": "07700 900123",
    "job": "Bathroom",
    "created": "2026-11-20T09:00:00+00:00",
    "status": "open",
    "followup_due": "2026-12-02T09:00:00+00:00",
    "planned": "Offer: Regrout",
    "answers": {"customer_name": "Dana Whitfield", "wants": "repair", "intensity": 4},
    "outcome": {
        "at": "2026-11-21T10:00:00+00:00",
        "option": "Regrout",
        "actions": [{"what": "Regrout", "due": None}],
        "notes": "",
    },
    "checkins": [
        {
            "at": "2026-11-25T09:00:00+00:00",
            "reached": True,
            "feedback": "ok",
            "satisfaction": "partly",
        }
    ],
    "review": None,
    "history": [{"at": "2026-11-20T09:00:00+00:00", "event": "created", "tree": "default v1"}],
}


def load_and_row(path: Path) -> None:
    """What a listing does with a case file: load it, then make its row; what `calm show`
    and the after-save step do with it: its crib sheet and its reminder."""
    from calmcli.domain.crib import crib_sheet
    from calmcli.domain.reminders import reminder_for

    case = store.load_case(path)
    case.summary(path.name)
    crib_sheet(case, None)
    if case.is_open and case.followup_due is not None:
        reminder_for(case)


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), yaml_soup.map(str.encode)))
def test_case_reader_on_arbitrary_bytes(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"{CASE_ID}.yaml"
    path.write_bytes(data)
    only_bad_input(f"case file {data!r}", lambda: load_and_row(path))


def set_path(data: Any, rng: random.Random, value: Any) -> Any:
    """Replace one value somewhere in `data` (or drop a key) with `value`."""
    if isinstance(data, dict) and data and rng.random() < 0.75:
        key = rng.choice(list(data))
        if rng.random() < 0.15:
            return {k: v for k, v in data.items() if k != key}
        return {**data, key: set_path(data[key], rng, value)}
    if isinstance(data, list) and data and rng.random() < 0.75:
        i = rng.randrange(len(data))
        return [*data[:i], set_path(data[i], rng, value), *data[i + 1 :]]
    return value


@FUZZ
@given(seed=st.integers(0, 2**32), values=st.lists(yaml_values, min_size=1, max_size=3))
def test_case_reader_on_mutated_valid_cases(seed: int, values: list[Any], tmp_path: Path) -> None:
    rng = random.Random(seed)
    data: Any = VALID_CASE
    for value in values:
        data = set_path(data, rng, value)
    path = tmp_path / f"{CASE_ID}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    only_bad_input(f"case {data!r}", lambda: load_and_row(path))


@FUZZ
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 5))
def test_case_reader_on_hand_edited_text(seed: int, edits: int, tmp_path: Path) -> None:
    text = mutate_lines(yaml.safe_dump(VALID_CASE, sort_keys=False), random.Random(seed), edits)
    path = tmp_path / f"{CASE_ID}.yaml"
    path.write_text(text, encoding="utf-8")
    only_bad_input(f"case text {text!r}", lambda: load_and_row(path))


# -- the date parser ---------------------------------------------------------------------------

ZONES = [
    "Europe/London",
    "America/New_York",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "UTC",
]
DATE_TOKENS = [
    "+",
    "in ",
    "3",
    "0",
    "99999",
    "12",
    "d",
    "w",
    "h",
    "m",
    "wd",
    " working days",
    " days",
    "next ",
    "this ",
    "fri",
    "friday",
    "mon",
    "today",
    "tomorrow",
    "tonight",
    "yesterday",
    "noon",
    "9am",
    "12pm",
    "0am",
    "13pm",
    "12:30",
    "25:00",
    "23:59",
    " at ",
    " ",
    "2026-02-29",
    "2028-02-29",
    "9999-12-31",
    "0001-01-01",
    "T",
    "Z",
    "+01:00",
    "-14:00",
    "+99:00",
    ".123",
    "/",
    "31/02",
    "\t",
    "\x00",
    "é",
]
date_soup = st.lists(st.sampled_from(DATE_TOKENS), max_size=8).map("".join)
moments = st.builds(
    lambda seconds, zone: (
        datetime(2000, 1, 1, tzinfo=UTC).astimezone(ZoneInfo(zone)) + timedelta(seconds=seconds)
    ),
    st.integers(0, 60 * 365 * 86400),
    st.sampled_from(ZONES),
)


@FUZZ
@given(text=st.one_of(st.text(max_size=120), date_soup), now=moments)
def test_date_parser(text: str, now: datetime) -> None:
    when = only_bad_input(f"parse_when({text!r}, {now})", lambda: dates.parse_when(text, now))
    if when is not None:
        assert when.tzinfo is not None and when.utcoffset() is not None
        only_bad_input(f"check_not_past({when})", lambda: dates.check_not_past(when, now))
        assert dates.from_iso(dates.to_iso(when)) == when.replace(microsecond=0)


@FUZZ
@given(text=st.one_of(st.text(max_size=60), date_soup))
def test_iso_reader(text: str) -> None:
    only_bad_input(f"from_iso({text!r})", lambda: dates.from_iso(text))


@pytest.mark.parametrize("text", ["31/02", "yesterday", "+99999d", "", "   "])
def test_the_named_bad_dates(text: str) -> None:
    when = only_bad_input(text, lambda: dates.check_not_past(dates.parse_when(text, NOW), NOW))
    assert when is None  # each is refused: unreadable, in the past, too far, or empty
