"""The learning loop: `calm patterns`, `calm review`, what `calm new` recalls, and the breathers.

The clock is pinned with CALM_NOW to Wednesday 18 November 2026, 10:00 in London (GMT), so
`--since 90d` starts on 20 August 2026. The `known` case set below is small enough that every
number `calm patterns` prints was worked out by hand; the comments next to each case say what
it contributes.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner, Result

from calmcli.casebook import save
from calmcli.cli.app import app
from calmcli.cli.views.recall import recall_panel
from calmcli.domain import lifecycle
from calmcli.domain.case import Case
from calmcli.domain.summary import CaseSummary
from calmcli.files import paths
from calmcli.store import cases as store
from calmcli.store import index, queries
from calmcli.tree import registry
from casefactory import make_case, reload, when

NOW = "2026-11-18T10:00:00+00:00"

# Lessons, as a contractor would write them after a review.
L_WRITE = "Confirm colours and finishes in writing before starting"
L_SUMMARY = "Send a written summary after every site visit"
L_TEXT = "Text the customer the same day when plans change"
L_SEAL = "Check the sealant has cured before leaving"
L_QUOTE = "Itemise every quote, extras included"
L_OLD = "Protect the floor before any work starts"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_NOW", NOW)


def calm(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    # Failures are messages and exit codes, never a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def flat(text: str) -> str:
    """Rich output as one line: borders dropped and wrapped lines joined, for phrase checks."""
    parts = [line.strip().strip("│╭╮╰╯─").strip() for line in text.splitlines()]
    return " ".join(" ".join(parts).split())


def add_case(
    customer: str,
    tree: str,
    created: str,
    wants: str | list[str],
    *,
    job: str = "kitchen fit",
    closed: str | None = None,
    satisfaction: str | None = None,
    checked_in: tuple[str, str] | None = None,
    cause: str | None = None,
    lesson: str | None = None,
) -> Case:
    """A case written through `store.create_case`; check-ins recorded by calm's own caseops."""
    created_at = when(created)
    case = Case(
        id="",
        tree_id=tree,
        tree_version=1,
        customer=customer,
        created=created_at,
        job=job,
        followup_due=when("2026-12-01T09:00") if closed is None else None,
        answers={"customer_name": customer, "job": job, "wants": wants},
    )
    case.add_event("created", created_at, tree=f"{tree} v1")
    if checked_in is not None:  # (when, satisfaction): a check-in that kept the case open
        at, said = checked_in
        lifecycle.record_checkin(
            case,
            when(at),
            reached=True,
            feedback="",
            satisfaction=said,
            decision=lifecycle.CheckinDecision(close=False, next_due=when("2026-12-01T09:00")),
        )
    if closed is not None:
        lifecycle.record_checkin(
            case,
            when(closed),
            reached=True,
            feedback="thanks",
            satisfaction=satisfaction,
            decision=lifecycle.CheckinDecision(close=True, next_due=None),
        )
    if cause is not None:
        case.review = {
            "at": NOW,
            "led_to": "Looking back, it started early.",
            "avoidable": "partly",
            "root_cause": cause,
            "effective": "yes",
            "change_kind": "process",
            "change": "Add a step to the checklist",
            "lesson": lesson,
        }
        case.add_event("reviewed", when(NOW), root_cause=cause)
    store.create_case(case)
    return case


@pytest.fixture
def known() -> dict[str, Case]:
    """Nine cases in the last 90 days (Aug-Nov 2026) and three older ones (Jun-Aug 2026)."""
    return {
        # Inside the window by two hours (the window opens 2026-08-20 10:00 London time).
        "hal": add_case("Hal Ng", "default", "2026-08-20T12:00", "discount"),
        # Closed after exactly 3 days, satisfied; communication #1 (the oldest L_WRITE).
        "ann1": add_case(
            "Ann Smith", "default", "2026-09-02T09:00", "redo", job="bathroom tiling",
            closed="2026-09-05T09:00", satisfaction="satisfied",
            cause="communication", lesson=L_WRITE,
        ),
        # Closed after 10 days, partly; workmanship #1.
        "bob1": add_case(
            "Bob Jones", "quality", "2026-09-15T10:00", "repair",
            closed="2026-09-25T10:00", satisfaction="partly",
            cause="workmanship", lesson=L_SEAL,
        ),
        # Ann again, spelt differently; open; communication #2.
        "ann2": add_case(
            "ANN   smith", "default", "2026-10-01T09:00", "refund",
            cause="communication", lesson=L_SUMMARY,
        ),
        # Created in BST, closed in GMT: 08:00+01:00 -> 07:00+00:00 is exactly 20 days.
        # Communication #3, repeating L_WRITE (shown once, at its newest place).
        "cara": add_case(
            "Cara Diaz", "delay", "2026-10-10T08:00", "firm_date",
            closed="2026-10-30T07:00", satisfaction="not",
            cause="communication", lesson=L_WRITE,
        ),
        # Closed after 1 day, satisfied; the only pricing review.
        "dev": add_case(
            "Dev Patel", "billing", "2026-10-20T14:00", "corrected_invoice",
            closed="2026-10-21T14:00", satisfaction="satisfied",
            cause="pricing", lesson=L_QUOTE,
        ),
        # Bob again, spelt differently; closed after 2.5 days, partly; communication #4 (newest).
        "bob2": add_case(
            "bob  JONES", "default", "2026-11-10T09:00", "redo",
            closed="2026-11-12T21:00", satisfaction="partly",
            cause="communication", lesson=L_TEXT,
        ),
        # Open, checked in once: partly satisfied so far; no review.
        "eve": add_case(
            "Eve Stone", "quality", "2026-11-16T11:00", "repair",
            checked_in=("2026-11-17T10:00", "partly"),
        ),
        # Ann a third time (newest spelling); workmanship #2 with the same lesson as Bob's.
        "ann3": add_case(
            "ann smith", "quality", "2026-11-17T09:00", "explanation", job="shower screen",
            cause="workmanship", lesson=L_SEAL,
        ),
        # -- older than 90 days --
        "old1": add_case(
            "Olu Brown", "default", "2026-06-15T09:00", "refund",
            closed="2026-06-20T09:00", satisfaction="satisfied",
            cause="workmanship", lesson=L_OLD,
        ),
        "old2": add_case("Ann Smith", "delay", "2026-07-01T09:00", "explanation"),
        # Outside the window by an hour or more, however the 90 days are counted.
        "old3": add_case("Gil Ford", "billing", "2026-08-20T09:00", "refund"),
    }  # fmt: skip


def patterns_json(*args: str) -> dict[str, Any]:
    result = calm("patterns", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- calm patterns: the numbers -------------------------------------------------------------


def test_patterns_last_90_days_gives_exact_counts(known: dict[str, Case]) -> None:
    data = patterns_json("--since", "90d")
    assert data["since"].startswith("2026-08-20T")
    assert data["cases"] == 9  # the three older cases are left out
    # Ordered by count, then name: JSON keeps the order the screen shows.
    assert list(data["by_situation"].items()) == [
        ("default", 4), ("quality", 3), ("billing", 1), ("delay", 1),
    ]  # fmt: skip
    assert list(data["by_root_cause"].items()) == [
        ("communication", 4), ("workmanship", 2), ("pricing", 1),
    ]  # fmt: skip
    assert list(data["by_outcome_wanted"].items()) == [
        ("redo", 2), ("repair", 2), ("corrected_invoice", 1), ("discount", 1),
        ("explanation", 1), ("firm_date", 1), ("refund", 1),
    ]  # fmt: skip
    assert list(data["by_month"].items()) == [
        ("2026-08", 1), ("2026-09", 2), ("2026-10", 3), ("2026-11", 3),
    ]  # fmt: skip
    # Names match whatever the capitals and spaces; the newest spelling is shown.
    assert list(data["repeat_customers"].items()) == [("ann smith", 3), ("bob JONES", 2)]
    # Closed: 3, 10, 20, 1 and 2.5 days -> median 3, mean 36.5 / 5 = 7.3, longest 20.
    assert data["resolution_days"] == {
        "resolved": 5, "median": 3.0, "mean": 7.3, "longest": 20.0,
    }  # fmt: skip
    # The last check-in of each case: Eve's open case counts too.
    assert list(data["satisfaction"].items()) == [("partly", 3), ("satisfied", 2), ("not", 1)]


def test_patterns_recurring_names_what_was_heard_three_times_with_its_lessons(
    known: dict[str, Case],
) -> None:
    data = patterns_json("--since", "90d")
    assert data["recurring"] == [
        # Newest lesson first; L_WRITE (Oct and Sep) appears once, at its newest place.
        {
            "kind": "root cause",
            "value": "communication",
            "count": 4,
            "lessons": [L_TEXT, L_WRITE, L_SUMMARY],
        },
        {
            "kind": "situation",
            "value": "default",
            "count": 4,
            "lessons": [L_TEXT, L_SUMMARY, L_WRITE],
        },
        {"kind": "situation", "value": "quality", "count": 3, "lessons": [L_SEAL]},
    ]
    # Workmanship was heard twice in the window: counted, but not called out.
    assert data["by_root_cause"]["workmanship"] == 2
    assert all(r["value"] != "workmanship" for r in data["recurring"])


def test_patterns_since_all_includes_the_older_cases(known: dict[str, Case]) -> None:
    data = patterns_json("--since", "all")
    assert data["since"] is None
    assert data["cases"] == 12
    assert list(data["by_situation"].items()) == [
        ("default", 5), ("quality", 3), ("billing", 2), ("delay", 2),
    ]  # fmt: skip
    assert list(data["by_root_cause"].items()) == [
        ("communication", 4), ("workmanship", 3), ("pricing", 1),
    ]  # fmt: skip
    assert list(data["by_outcome_wanted"].items()) == [
        ("refund", 3), ("explanation", 2), ("redo", 2), ("repair", 2),
        ("corrected_invoice", 1), ("discount", 1), ("firm_date", 1),
    ]  # fmt: skip
    assert list(data["by_month"].items()) == [
        ("2026-06", 1), ("2026-07", 1), ("2026-08", 2),
        ("2026-09", 2), ("2026-10", 3), ("2026-11", 3),
    ]  # fmt: skip
    assert list(data["repeat_customers"].items()) == [("ann smith", 4), ("bob JONES", 2)]
    # Olu's 5 days join: 1, 2.5, 3, 5, 10, 20 -> median 4, mean 41.5 / 6 = 6.9.
    assert data["resolution_days"] == {
        "resolved": 6, "median": 4.0, "mean": 6.9, "longest": 20.0,
    }  # fmt: skip
    assert list(data["satisfaction"].items()) == [("partly", 3), ("satisfied", 3), ("not", 1)]
    # Workmanship is now heard three times, so it is called out, with Olu's older lesson last.
    assert data["recurring"] == [
        {
            "kind": "root cause",
            "value": "communication",
            "count": 4,
            "lessons": [L_TEXT, L_WRITE, L_SUMMARY],
        },
        {"kind": "root cause", "value": "workmanship", "count": 3, "lessons": [L_SEAL, L_OLD]},
        {
            "kind": "situation",
            "value": "default",
            "count": 5,
            "lessons": [L_TEXT, L_SUMMARY, L_WRITE, L_OLD],
        },
        {"kind": "situation", "value": "quality", "count": 3, "lessons": [L_SEAL]},
    ]


def test_patterns_default_period_is_90_days(known: dict[str, Case]) -> None:
    assert patterns_json() == patterns_json("--since", "90d")


def test_patterns_on_screen_calls_out_what_keeps_coming_back(
    known: dict[str, Case],
) -> None:
    result = calm("patterns", "--since", "90d")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "9 cases in the last 90 days" in text
    for title in ("By situation", "By root cause (from reviews)", "What they wanted", "By month"):
        assert title in text
    # words, not codes: the label a choice shows, a situation's title, a month's name
    assert "a date they can count on" in text and "firm date" not in text
    assert "A complaint about the quality of the work" in text
    assert not re.search(r"(^| )(quality|default) █", text)
    assert re.search(r"Nov 2026 █+ \d", text)
    assert "what bar n" not in text  # no column headings
    assert "half took 3.0 days or less; on average 7.3, at most 20.0 (5 cases closed)" in text
    # One call-out per recurring cause or situation; none for workmanship (heard twice).
    assert text.count("heard this before") == 3
    assert "Root cause “communication”: 4 cases." in text
    assert "Situation “Returning an upset customer's call”: 4 cases." in text
    assert "Situation “A complaint about the quality of the work”: 3 cases." in text
    assert "“workmanship”" not in text
    assert "about 26 others say nothing (White House Office of Consumer Affairs)" in text
    # The communication lessons, newest first, right under its call-out.
    panel = text[text.index("Root cause “communication”") : text.index("Situation “Returning")]
    assert "Lessons you recorded:" in panel
    assert panel.index(f"• {L_TEXT}") < panel.index(f"• {L_WRITE}") < panel.index(L_SUMMARY)
    assert panel.count(L_WRITE) == 1


def test_patterns_call_out_without_lessons_says_how_to_record_one() -> None:
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        add_case("Kim Lowe", "delay", f"{day}T09:00", "firm_date")
    text = flat(calm("patterns").stdout)
    assert "Situation “A missed date or slow progress”: 3 cases." in text
    assert "No lesson recorded yet: `calm review CASE` after the next one." in text
    assert "Kim Lowe" in text  # a repeat customer, three times


def test_patterns_say_a_version_1_wish_as_its_tree_did_and_count_it_with_its_new_code() -> None:
    # A delay case of the version-1 tree wanted "firm_date"; version 2 calls it "date". Both are
    # "a date they can count on", so that is one row of two, never the code "firm date".
    add_case("Kim Lowe", "delay", "2026-11-02T09:00", "firm_date")
    add_case("Lee Park", "default", "2026-11-03T09:00", ["date", "apology"])
    assert patterns_json()["by_outcome_wanted"] == {"apology": 1, "date": 1, "firm_date": 1}
    text = flat(calm("patterns").stdout)
    wanted = text[text.index("What they wanted") : text.index("By month")]
    assert re.fullmatch(r"What they wanted a date they can count on █+ 2 an apology █+ 1 ", wanted)


def test_patterns_shows_at_most_the_five_newest_lessons() -> None:
    for day in range(1, 8):
        add_case(
            f"Customer {day}", "billing", f"2026-11-{day:02d}T09:00", "refund",
            closed=f"2026-11-{day:02d}T17:00", satisfaction="satisfied",
            cause="pricing", lesson=f"Lesson from day {day}",
        )  # fmt: skip
    (pricing,) = [r for r in patterns_json()["recurring"] if r["kind"] == "root cause"]
    assert pricing["count"] == 7
    assert pricing["lessons"] == [f"Lesson from day {d}" for d in (7, 6, 5, 4, 3)]


def test_patterns_with_no_cases_says_zero_and_succeeds() -> None:
    result = calm("patterns")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "0 cases in the last 90 days"
    data = patterns_json("--since", "all")
    assert data["cases"] == 0
    assert data["recurring"] == []
    assert data["resolution_days"] == {
        "resolved": 0, "median": None, "mean": None, "longest": None,
    }  # fmt: skip


def test_patterns_skips_a_corrupt_case_file_with_a_warning_naming_it(
    known: dict[str, Case],
) -> None:
    broken = paths.cases_dir() / "2026-11-01-broken.yaml"
    broken.write_text("calm_case: 1\nid: 2026-11-01-broken\nstatus: open\n", encoding="utf-8")
    result = calm("patterns", "--json")
    assert result.exit_code == 0, result.output
    assert "skipped" in result.stderr
    assert "2026-11-01-broken.yaml" in result.stderr
    # The warning goes to stderr only: the JSON on stdout still parses, with the good cases.
    assert json.loads(result.stdout)["cases"] == 9
    screen = calm("patterns")
    assert screen.exit_code == 0
    assert "2026-11-01-broken.yaml" in screen.stderr
    assert "9 cases" in screen.stdout


@pytest.mark.parametrize("since", ["soon", "-5d", "90y"])
def test_patterns_refuses_a_period_it_cannot_read(since: str) -> None:
    result = calm("patterns", "--since", since)
    assert result.exit_code == 2
    assert "as a span" in result.stderr


# -- calm review -------------------------------------------------------------------------------

REVIEW_ANSWERS: dict[str, Any] = {
    "led_to": "We never confirmed the grout colour after the sample.",
    "avoidable": "yes",
    "root_cause": "communication",
    "effective": "partly",
    "went_well": "I called back within the hour.",
    "change_kind": "process",
    "change": "Photograph the sample next to the tiles before starting",
    "lesson": L_WRITE,
}


@pytest.fixture
def lee() -> Case:
    """A closed case of the default tree (complete answers, so `calm show` draws its plan)."""
    case = make_case("Lee Park", created="2026-11-05T09:00", due="2026-11-10T09:00")
    return save.update(
        case.id,
        lambda c: lifecycle.record_checkin(
            c,
            when("2026-11-10T09:30"),
            reached=True,
            feedback="Looks right now",
            satisfaction="satisfied",
            decision=lifecycle.CheckinDecision(close=True, next_due=None),
        ),
    )


def answers_file(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")  # quotes "yes" and "no"
    return path


def test_review_stores_every_answer_and_records_the_event(lee: Case, tmp_path: Path) -> None:
    result = calm(
        "review", "Lee", "--answers", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input"
    )
    assert result.exit_code == 0, result.output
    case = reload(lee)
    assert case.review == {"at": NOW, **REVIEW_ANSWERS}
    assert case.history[-1] == {"at": NOW, "event": "reviewed", "root_cause": "communication"}
    assert [e["event"] for e in case.history] == ["created", "closed", "reviewed"]
    # Nothing else about the case changed.
    assert case.status == "closed"
    assert case.checkins == lee.checkins


def test_review_prints_the_review_and_a_breather(lee: Case, tmp_path: Path) -> None:
    result = calm("review", lee.id, "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Review" in text
    assert f"What led to it: {REVIEW_ANSWERS['led_to']}" in text
    assert "Avoidable: yes" in text
    assert "Resolution effective: partly" in text
    assert "Root cause: communication" in text
    assert f"Change to make: {REVIEW_ANSWERS['change']}" in text
    assert f"Lesson: {L_WRITE}" in text
    assert "Take a breather before the next thing: a walk round the van" in text


def test_review_without_a_change_skips_straight_to_the_lesson(lee: Case, tmp_path: Path) -> None:
    data = {k: v for k, v in REVIEW_ANSWERS.items() if k not in ("change", "went_well")}
    data["change_kind"] = "none"
    result = calm("review", "Lee", "-a", answers_file(tmp_path, data), "--no-input")
    assert result.exit_code == 0, result.output
    review = reload(lee).review
    assert review is not None
    assert review["change_kind"] == "none"
    assert "change" not in review
    assert review["lesson"] == L_WRITE


def test_review_missing_answers_exit_2_listing_each(lee: Case, tmp_path: Path) -> None:
    data = {"led_to": REVIEW_ANSWERS["led_to"], "lesson": L_WRITE}
    result = calm("review", "Lee", "-a", answers_file(tmp_path, data), "--no-input")
    assert result.exit_code == 2
    assert "5 answers missing" in result.stderr
    listed = [line.split(":")[0].strip() for line in result.stderr.splitlines()[1:]]
    assert listed == ["avoidable", "root_cause", "effective", "change_kind", "change"]
    assert "went_well" not in result.stderr  # optional
    # Nothing was stored.
    case = reload(lee)
    assert case.review is None
    assert "reviewed" not in [e["event"] for e in case.history]


def test_review_with_no_answers_at_all_lists_all_seven(lee: Case) -> None:
    result = calm("review", "Lee", "--no-input")
    assert result.exit_code == 2
    for node in ("led_to", "avoidable", "root_cause", "effective", "change_kind", "change"):
        assert f"  {node}: missing answer" in result.stderr
    assert "  lesson: missing answer" in result.stderr


def test_review_refuses_an_answer_that_is_not_a_choice(lee: Case, tmp_path: Path) -> None:
    data = {**REVIEW_ANSWERS, "root_cause": "gremlins"}
    result = calm("review", "Lee", "-a", answers_file(tmp_path, data), "--no-input")
    assert result.exit_code == 2
    assert "root_cause" in result.stderr
    assert "'gremlins' is not one of the choices" in result.stderr
    assert reload(lee).review is None


def test_review_accepts_an_unquoted_yes_in_the_answers_file(lee: Case, tmp_path: Path) -> None:
    text = "".join(
        f"{k}: {v}\n" if k in ("avoidable", "effective") else f"{k}: {json.dumps(v)}\n"
        for k, v in {**REVIEW_ANSWERS, "effective": "no"}.items()
    )
    assert "avoidable: yes\n" in text
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    result = calm("review", "Lee", "-a", path, "--no-input")
    assert result.exit_code == 0, result.output
    review = reload(lee).review
    assert review is not None
    assert (review["avoidable"], review["effective"]) == ("yes", "no")


def test_review_needs_a_terminal_or_no_input(lee: Case, tmp_path: Path) -> None:
    result = calm("review", "Lee", "-a", answers_file(tmp_path, REVIEW_ANSWERS))
    assert result.exit_code == 2
    assert "use --answers FILE --no-input" in result.stderr
    assert reload(lee).review is None


def test_review_of_an_unknown_case_says_so(lee: Case, tmp_path: Path) -> None:
    result = calm("review", "Nobody", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    assert result.exit_code == 2
    assert "no case matches 'Nobody'" in result.stderr


def test_show_displays_the_review(lee: Case, tmp_path: Path) -> None:
    calm("review", "Lee", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    result = calm("show", "Lee")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Root cause: communication" in text
    assert f"Lesson: {L_WRITE}" in text
    assert f"Change to make: {REVIEW_ANSWERS['change']}" in text
    assert "reviewed root cause: communication" in text  # in the history, in words


def test_show_displays_what_went_well(lee: Case, tmp_path: Path) -> None:
    calm("review", "Lee", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    assert REVIEW_ANSWERS["went_well"] in flat(calm("show", "Lee").stdout)


def test_a_review_feeds_patterns(lee: Case, tmp_path: Path) -> None:
    assert patterns_json()["by_root_cause"] == {}
    calm("review", "Lee", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    data = patterns_json()
    assert data["by_root_cause"] == {"communication": 1}
    assert data["resolution_days"]["resolved"] == 1


def test_review_tree_passes_tree_check() -> None:
    path = registry.builtin_dir() / "review.yaml"
    result = calm("tree", "check", path)
    assert result.exit_code == 0, result.output
    assert f"ok  {path}  (review:" in result.stdout
    everything = calm("tree", "check")
    assert everything.exit_code == 0, everything.output
    assert "(review:" in everything.stdout


def test_the_tree_picker_of_calm_new_does_not_offer_review(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import questionary

    from calmcli.cli import newcase as new_cmd

    offered: list[Any] = []

    class Asked:
        def unsafe_ask(self) -> str:
            return "quality"

    def select(message: str, choices: list[Any], **kw: Any) -> Asked:
        offered.extend(c.value for c in choices)
        return Asked()

    monkeypatch.setattr(questionary, "select", select)
    monkeypatch.setattr("calmcli.cli.widgets.ask", lambda question, **_: question.unsafe_ask())
    tree = new_cmd._pick_tree()
    assert tree.id == "quality"
    assert "review" in [e.name for e in registry.entries()]  # it exists ...
    assert offered == ["default", "quality", "delay", "billing"]  # ... but is not a situation


def test_calm_new_refuses_the_review_tree(tmp_path: Path) -> None:
    """Asked for by name, the review tree is refused too, pointing to `calm review`.

    (Before, it ran the review questions as a new case and saved a case for "the customer",
    with a call plan and a follow-up reminder that then showed up in `calm followup`.)
    """
    result = calm(
        "new", "--tree", "review", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input"
    )
    assert result.exit_code == 2
    assert "calm review CASE" in result.stderr
    assert not list(paths.calm_home().rglob("*.yaml"))  # no case, no draft
    assert not list(paths.calm_home().rglob("*.ics"))  # no reminder


# -- remember: what `calm new` recalls ------------------------------------------------------


def rendered(panel: Any) -> str:
    console = Console(record=True, width=100, file=io.StringIO(), color_system=None)
    console.print(panel)
    return flat(console.export_text())


@pytest.fixture
def rows(known: dict[str, Case]) -> list[CaseSummary]:
    return index.refresh().rows


def remember(*, customer: str | None = None, tree: str | None = None) -> Any:
    """What `calm new` shows: the panel of earlier cases, found by an index query."""
    if customer is not None:
        return recall_panel(queries.earlier(customer=customer), customer)
    return recall_panel(queries.earlier(tree=tree), f"this situation ({tree})")


def test_remember_nothing_when_there_is_no_earlier_case(rows: list[CaseSummary]) -> None:
    assert remember(customer="Zoe New") is None
    assert remember(tree="my-own-tree") is None
    assert recall_panel([], "Ann Smith") is None


def test_remember_nothing_before_any_case_was_indexed() -> None:
    assert remember(customer="Ann Smith") is None
    assert remember(tree="default") is None


@pytest.mark.parametrize("typed", ["Ann Smith", "ANN SMITH", "  ann   smith ", "aNN\tsmith"])
def test_remember_a_customer_whatever_the_spelling(
    rows: list[CaseSummary], known: dict[str, Case], typed: str
) -> None:
    text = rendered(remember(customer=typed))
    assert "heard this before" in text
    assert "You've had 4 earlier cases with" in text  # old2, ann1, ann2 and ann3
    # The last case is the newest one, open, no check-in yet; its lesson is the last lesson.
    assert f"Last: {known['ann3'].id}, shower screen (open)." in text
    assert f"Last lesson: {L_SEAL}" in text


def test_remember_a_customer_shows_the_outcome_of_the_last_case(
    rows: list[CaseSummary], known: dict[str, Case]
) -> None:
    text = rendered(remember(customer="Bob Jones"))
    assert "You've had 2 earlier cases with Bob Jones." in text
    assert f"Last: {known['bob2'].id}, kitchen fit (closed, partly satisfied)." in text
    assert f"Last lesson: {L_TEXT}" in text


def test_remember_one_earlier_case_is_singular(
    rows: list[CaseSummary], known: dict[str, Case]
) -> None:
    text = rendered(remember(customer="eve stone"))
    assert "You've had 1 earlier case with eve stone." in text
    assert f"Last: {known['eve'].id}, kitchen fit (open, partly satisfied)." in text
    assert "Last lesson" not in text  # Eve's case was never reviewed


def test_remember_a_situation(rows: list[CaseSummary], known: dict[str, Case]) -> None:
    text = rendered(remember(tree="quality"))
    assert "You've had 3 earlier cases with this situation (quality)." in text
    assert f"Last: {known['ann3'].id}, shower screen (open)." in text
    assert f"Last lesson: {L_SEAL}" in text
    default = rendered(remember(tree="default"))
    assert "You've had 5 earlier cases with this situation (default)." in default
    assert f"Last lesson: {L_TEXT}" in default


def unlearned(row: CaseSummary) -> CaseSummary:
    """The same row without its lesson."""
    return row._replace(lesson="")


def test_remember_falls_back_to_the_newest_case_that_has_a_lesson(
    rows: list[CaseSummary], known: dict[str, Case]
) -> None:
    # Ann's newest case has no review yet: the lesson shown is from her case before it.
    earlier = queries.earlier(customer="Ann Smith")
    without = [unlearned(r) if r.id == known["ann3"].id else r for r in earlier]
    text = rendered(recall_panel(without, "Ann Smith"))
    assert f"Last: {known['ann3'].id}" in text
    assert f"Last lesson: {L_SUMMARY}" in text


def test_remember_sees_a_review_recorded_through_the_cli(lee: Case, tmp_path: Path) -> None:
    calm("review", "Lee", "-a", answers_file(tmp_path, REVIEW_ANSWERS), "--no-input")
    index.refresh()
    text = rendered(remember(customer="lee park"))
    assert f"Last: {lee.id}, bathroom tiling (closed, satisfied)." in text
    assert f"Last lesson: {L_WRITE}" in text


# -- the breather after a closing check-in ------------------------------------------------------


def done(case: Case, *flags: str) -> Result:
    return calm("followup", "done", case.id, "--no-input", *flags)


def test_followup_done_close_ends_with_the_breather() -> None:
    case = make_case("Lee Park", created="2026-11-05T09:00", due="2026-11-18T09:00")
    result = done(case, "--close", "--satisfaction", "satisfied")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert f"Closed {case.id}." in text
    assert f"calm review {case.id}" in text
    assert "Take a breather before the next call: a hard conversation costs energy" in text
    assert reload(case).status == "closed"


def test_followup_done_that_schedules_another_check_in_also_offers_the_breather() -> None:
    case = make_case("Lee Park", created="2026-11-05T09:00", due="2026-11-18T09:00")
    result = done(case, "--satisfaction", "not", "--next", "fri")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Next check-in with Lee Park: Fri 20 Nov 09:00" in text
    assert "Take a breather before the next call" in text


def test_each_outcome_a_customer_wanted_counts_on_its_own() -> None:
    add_case("Ann Lee", "default", "2026-11-02T09:00", ["repair", "apology"])
    add_case("Bob Ray", "default", "2026-11-03T09:00", "repair")
    add_case("Cat Fox", "quality", "2026-11-04T09:00", ["apology", "updates"])
    data = patterns_json("--since", "all")
    assert data["by_outcome_wanted"] == {"apology": 2, "repair": 2, "updates": 1}
