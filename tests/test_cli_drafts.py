"""Interrupted interviews listed and thrown away (`calm new --drafts`, `--discard`), what
`--resume` says first, a known customer's details offered, and questions named without holes."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from calmcli.casebook import drafting
from calmcli.cli import newcase as new_cmd
from calmcli.cli.app import app
from calmcli.cli.views.drafts import drafts_list, resuming
from calmcli.clock import dates
from calmcli.store import drafts, index, queries
from calmcli.tree import registry
from casefactory import make_case
from scripted import DEFAULT, ScriptedPrompter

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)


def calm(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def save_draft(draft_id: str, answers: dict[str, Any]) -> Path:
    updated = dates.local_now().replace(microsecond=0)
    return drafts.save_draft(
        drafts.Draft(
            id=draft_id,
            tree_ref="default",
            tree_id="default",
            started=updated - timedelta(minutes=3),
            updated=updated,
            answers=answers,
        )
    )


def text_of(renderable: Any) -> str:
    console = Console(record=True, width=100, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


# -- listing and throwing away -----------------------------------------------------------------


def test_drafts_are_listed_with_whose_and_how_far(calm_home: Path) -> None:
    save_draft("2026-03-02-101500-aaaa", {"customer_name": "Ann Lee"})
    save_draft("2026-03-02-111500-bbbb", {"customer_name": "Mr Patel", "job": "Loft"})
    result = calm("new", "--drafts")
    assert result.exit_code == 0, result.output
    assert "2 interrupted interviews, newest first:" in result.stdout
    assert re.search(r"2026-03-02-101500-aaaa\s+Ann Lee · default · 1 answer · ", result.stdout)
    assert re.search(r"2026-03-02-111500-bbbb\s+Mr Patel · default · 2 answers · ", result.stdout)
    assert "calm new --resume DRAFT" in result.stdout
    assert "calm new --discard DRAFT" in result.stdout


def test_no_drafts_is_said_plainly(calm_home: Path) -> None:
    result = calm("new", "--drafts")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No interrupted interviews."


def test_a_named_draft_is_discarded(calm_home: Path) -> None:
    kept = save_draft("2026-03-02-101500-aaaa", {"customer_name": "Ann Lee"})
    gone = save_draft("2026-03-02-111500-bbbb", {"customer_name": "Mr Patel", "job": "Loft"})
    result = calm("new", "--discard", "2026-03-02-1115")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Threw away the interview for Mr Patel (2 answers)."
    assert kept.exists() and not gone.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--discard"], "name the draft: calm new --discard DRAFT"),
        (["--discard", "nosuch"], "'nosuch' is not a draft"),
        (["--discard", "2026-03-02"], "'2026-03-02' matches several drafts"),
        (["--resume", "--discard"], "give one of --resume, --discard and --drafts"),
        (["--drafts", "2026-03-02"], "only makes sense with --resume or --discard"),
    ],
)
def test_discard_without_a_clear_draft_is_refused(
    calm_home: Path, args: list[str], message: str
) -> None:
    save_draft("2026-03-02-101500-aaaa", {"customer_name": "Ann Lee"})
    save_draft("2026-03-02-111500-bbbb", {})
    result = calm("new", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(drafts.list_drafts()[0]) == 2
    if args == ["--discard"]:  # without a terminal it lists them instead of asking
        assert "Ann Lee · default · 1 answer" in result.stderr
        assert "(no name yet) · default · 0 answers" in result.stderr


def test_resume_opens_with_whose_interview_and_the_last_answer() -> None:
    tree = registry.resolve("default")
    draft = drafts.Draft(
        id="d",
        tree_ref="default",
        tree_id="default",
        started=NOW,
        updated=NOW,
        answers={"customer_name": "Ann Lee", "feelings": {"let_down": 3}},
    )
    text = " ".join(text_of(resuming(draft, tree, NOW)).split())
    assert text == (
        "Continuing the interview for Ann Lee (Returning an upset customer's call), started "
        "Tue 1 Dec 09:00. 2 answers kept; the last: How does Ann Lee feel, and how strongly? "
        "let down 3"
    )
    empty = drafts.Draft("d", "default", "default", NOW, NOW)
    text = " ".join(text_of(resuming(empty, tree, NOW)).split())
    assert text.endswith("(no name yet) (Returning an upset customer's call), started "
                         "Tue 1 Dec 09:00. 0 answers kept.")  # fmt: skip
    assert "1 interrupted interview," in text_of(drafts_list([draft], NOW))


def test_resume_names_each_rated_option_by_its_words() -> None:
    tree = registry.resolve("default")
    answers = {
        "customer_name": "Ann Lee",
        "option_1": "Regrout the edge",
        "option_ratings": {"option_1": {"ease": 5, "cost": 2, "speed": 4}},
    }
    draft = drafts.Draft("d", "default", "default", NOW, NOW, answers=answers)
    text = " ".join(text_of(resuming(draft, tree, NOW)).split())
    assert text.endswith(
        "the last: How do they compare? Regrout the edge: easy to do, costs you a little, "
        "within days"
    )
    assert "{" not in text


def test_resume_repeats_only_the_start_of_a_long_last_answer() -> None:
    """A page of notes is a reminder of where it stopped, not the whole note again."""
    tree = registry.resolve("default")
    note = "She says the crack is getting longer. " * 20
    answers = {"customer_name": "Ann Lee", "what_happened": note}
    draft = drafts.Draft("d", "default", "default", NOW, NOW, answers=answers)
    text = " ".join(text_of(resuming(draft, tree, NOW)).split())
    last = text.split("the last: ", 1)[1]
    assert last.startswith("Anything else to note? She says the crack is getting longer.")
    assert last.endswith("…") and len(last) < 130


# -- a known customer ----------------------------------------------------------------------------


def walk(*steps: tuple[str, Any]) -> ScriptedPrompter:
    """The default tree's first questions through `calm new`'s customer recall; the script
    ends at the feelings question."""
    tree = registry.resolve("default")
    prompter = ScriptedPrompter(list(steps))
    with pytest.raises(AssertionError, match="ran out"):
        drafting.interview(
            tree, {}, drafting.new_draft(tree), prompter, on_answer=new_cmd._customer_recall()
        )
    return prompter


@pytest.fixture
def dana() -> None:
    make_case(
        "Dana Whitfield",
        created="2026-11-02T09:00",
        due="2026-11-05T09:00",
        phone="07700 900123",
        job="Bathroom retile, 14 Elm Road",
    )
    index.refresh()


@pytest.mark.usefixtures("dana")
def test_a_known_name_offers_the_number_and_job_of_the_last_case(
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompter = walk(
        ("customer_name", "dana whitfield"), ("customer_phone", DEFAULT), ("job", DEFAULT)
    )
    assert prompter.last("customer_phone").default == "07700 900123"
    assert prompter.last("job").default == "Bathroom retile, 14 Elm Road"
    said = capsys.readouterr().out
    assert "heard this before" in said
    assert "Their number and last job are offered below: Enter keeps them." in said


@pytest.mark.usefixtures("dana")
def test_a_known_number_offers_the_job_when_the_name_is_new() -> None:
    prompter = walk(
        ("customer_name", "Mrs D. Whitfield"), ("customer_phone", "07700-900-123"), ("job", "x")
    )
    assert prompter.last("customer_phone").default is None
    assert prompter.last("job").default == "Bathroom retile, 14 Elm Road"


@pytest.mark.usefixtures("dana")
def test_a_new_customer_is_offered_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    prompter = walk(("customer_name", "Zoe New"), ("customer_phone", ""), ("job", "Roof"))
    assert prompter.last("customer_phone").default is None
    assert prompter.last("job").default is None
    assert "offered" not in capsys.readouterr().out


@pytest.mark.usefixtures("dana")
def test_a_suggestion_is_never_kept_as_an_answer_in_the_draft() -> None:
    tree = registry.resolve("default")
    draft = drafting.new_draft(tree)
    prompter = ScriptedPrompter([("customer_name", "Dana Whitfield")])
    with pytest.raises(AssertionError, match="ran out"):
        drafting.interview(tree, {}, draft, prompter, on_answer=new_cmd._customer_recall())
    assert drafts.load_draft(drafts.draft_path(draft.id)).answers == {
        "customer_name": "Dana Whitfield"
    }


@pytest.mark.usefixtures("dana")
@pytest.mark.parametrize("phone", ["07700 900123", "(07700) 900-123", "+07700.900123"])
def test_earlier_cases_are_found_by_the_digits_of_a_number(phone: str) -> None:
    assert [r.customer for r in queries.earlier(phone=phone)] == ["Dana Whitfield"]


@pytest.mark.usefixtures("dana")
@pytest.mark.parametrize("phone", ["", "123", "07700 900124", "0"])
def test_other_or_too_short_numbers_find_nothing(phone: str) -> None:
    assert queries.earlier(phone=phone) == []


# -- no holes ----------------------------------------------------------------------------------


def test_questions_are_named_without_a_hole_where_an_answer_goes(calm_home: Path) -> None:
    result = calm("new", "--tree", "default", "--no-input")
    assert result.exit_code == 2
    assert "How does (customer name) feel, and how strongly?" in result.stderr
    assert "What does (customer name) want?" in result.stderr
    assert "How does  seem" not in result.stderr
    assert "{" not in result.stderr
