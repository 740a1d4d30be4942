"""`calm new` end to end through the CLI: the printed call plan, the case, plan and reminder files,
and every way a non-interactive run can be refused (always exit 2, never a traceback)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.clock import dates
from calmcli.store import cases as store
from calmcli.store import drafts

LONDON = ZoneInfo("Europe/London")
ID_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")

# Every required question on the path taken when nothing else is given (follow-up has a default).
REQUIRED_WITHOUT_DEFAULT = [
    "customer_name",
    "job",
    "feelings",
    "cause",
    "wants",
    "wants_words",
    "option_1",
    "option_ratings",
]


@pytest.fixture
def answers() -> dict[str, Any]:
    """A complete, valid set of answers for the built-in `default` tree, with two options."""
    return {
        "customer_name": "Mrs Okafor",
        "customer_phone": "07700 900123",
        "job": "kitchen at 12 Mill Lane",
        "feelings": {"frustrated": 4},
        "cause": "the grout is the wrong colour",
        "what_happened": "She picked grey from the sample board; we used white.",
        "wants": ["redo"],
        "wants_words": "grey grout like the sample",
        "option_1": "Regrout the splashback",
        "option_2": "Stain the grout grey",
        "option_ratings": {
            "option_1": {"ease": 3, "cost": 4, "speed": 2},
            "option_2": {"ease": 5, "cost": 1, "speed": 5},
        },
        "followup_at": "+3d 10am",
    }


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory for the run, so stray relative writes would be noticed."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def write_answers(folder: Path, data: dict[str, Any], name: str = "answers.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def calm(*args: str | Path, input: str = "") -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args], input=input)
    # Failures are messages and exit codes, never a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def flat(text: str) -> str:
    """Panel text as one line: borders dropped and wrapped lines joined, for phrase checks."""
    parts = [line.strip().strip("│╭╮╰╯─").strip() for line in text.splitlines()]
    return " ".join(" ".join(parts).split())


def expected_due(spec: str = "+3d 10am") -> set[datetime]:
    """What the follow-up answer means now (two readings in case the clock passes midnight)."""
    now = dates.local_now()
    return {dates.parse_when(spec, now), dates.parse_when(spec, now + timedelta(minutes=1))}


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def case_files(calm_home: Path) -> list[Path]:
    folder = calm_home / "cases"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def only_event(ics: Path) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def new_case(folder: Path, data: dict[str, Any], name: str = "answers.yaml") -> Result:
    return calm(
        "new", "--tree", "default", "--answers", write_answers(folder, data, name), "--no-input"
    )


# -- the happy path ---------------------------------------------------------------------------


def test_new_prints_plan_and_writes_case_plan_and_reminder(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    due = expected_due()
    result = new_case(workdir, answers)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""

    [case_file] = case_files(calm_home)
    case_id = case_file.stem
    assert ID_RE.fullmatch(case_id)
    assert re.fullmatch(r".*-mrs-okafor-[a-z0-9]{4}", case_id)

    # The call plan on screen.
    shown = flat(result.stdout)
    assert "Call plan: Mrs Okafor" in shown
    assert "07700 900123" in shown and "kitchen at 12 Mill Lane" in shown
    assert (
        "It sounds like the grout is the wrong colour, and that's left you feeling frustrated."
        in shown
    )
    assert "I'm sorry. This isn't what you should have had from us" in shown
    assert "Which would suit you better?" in shown
    [top_line] = [line for line in result.stdout.splitlines() if "★" in line]
    assert "1. Stain the grout grey (your pick)" in top_line  # easy 5, cost 1, speed 5 wins
    assert shown.index("Stain the grout grey") < shown.index("Regrout the splashback")
    assert any(dates.format_when(d) in shown for d in due)
    assert case_id in shown

    # The three saved paths (folded lines joined back together).
    joined = "".join(result.stdout.split())
    case_path = calm_home / "cases" / f"{case_id}.yaml"
    plan_path = calm_home / "cases" / f"{case_id}.md"
    ics_path = calm_home / "followups" / f"{case_id}.ics"
    for path in (case_path, plan_path, ics_path):
        assert path.is_file()
        assert str(path) in joined

    # The case file.
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    assert data["id"] == case_id
    assert data["tree"] == {"id": "default", "version": 2}
    assert data["status"] == "open"
    assert data["customer"] == "Mrs Okafor"
    assert data["phone"] == "07700 900123"
    assert data["job"] == "kitchen at 12 Mill Lane"
    created = dates.from_iso(data["created"])
    assert abs(created - dates.local_now()) < timedelta(minutes=5)
    assert case_id.startswith(f"{created.astimezone(LONDON):%Y-%m-%d}-")
    assert dates.from_iso(data["followup_due"]) in due
    for key, value in answers.items():
        if key == "followup_at":
            assert dates.from_iso(data["answers"][key]) in due
        else:
            assert data["answers"][key] == value, key
    assert [e["event"] for e in data["history"]] == ["created"]
    assert dates.from_iso(data["history"][0]["at"]) == created
    loaded = store.load_case(case_path)
    assert loaded.id == case_id and loaded.followup_due in due

    # The Markdown plan beside it.
    md = plan_path.read_text(encoding="utf-8")
    assert md.startswith("# Call plan: Mrs Okafor\n")
    for heading in (
        "## While they talk",
        "## Say back what you heard",
        "## Apologise, and mean it",
        "## What they want",
        "## Ask",
        "## Offer a choice",
        "## Mistakes to avoid on this call",
        "## Follow up",
        "## The facts",
        "## Every question to ask",
        "## Notes during the call",
    ):
        assert f"\n{heading}\n" in md, heading
    assert "1. Stain the grout grey **(your pick)**: easy to do" in md
    assert "2. Regrout the splashback: doable" in md
    assert "- **Feels:** frustrated (4/5)" in md
    assert f"**Case:** {case_id}" in md

    # The reminder.
    event = only_event(ics_path)
    start = event["DTSTART"].dt
    assert start in due
    assert start.astimezone(LONDON).hour == 10
    assert str(event["UID"]) == f"{case_id}@calm.local"
    assert str(event["SUMMARY"]) == "Check in with Mrs Okafor: kitchen at 12 Mill Lane"
    description = str(event["DESCRIPTION"])
    assert "07700 900123" in description
    assert "Stain the grout grey" in description
    alarms = list(event.walk("VALARM"))
    assert len(alarms) == 1
    assert alarms[0].decoded("TRIGGER") < timedelta(0)


def test_reminder_is_in_the_local_zone(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    assert new_case(workdir, answers).exit_code == 0
    [ics] = sorted((calm_home / "followups").glob("*.ics"))
    start = only_event(ics)["DTSTART"]
    assert start.params.get("TZID") == "Europe/London"
    assert start.dt.tzinfo == LONDON


def test_no_input_walks_the_teams_default_tree(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    assert calm("config", "set", "default_tree", "quality").exit_code == 0
    plain = calm("new", "--answers", write_answers(workdir, answers), "--no-input")
    # The quality tree asks something the default one does not; the error names it.
    assert plain.exit_code == 2
    assert "tree 'quality'" in plain.stderr and "photos: missing answer" in plain.stderr
    assert case_files(calm_home) == []

    result = calm(
        "new", "--answers", write_answers(workdir, {**answers, "photos": True}), "--no-input"
    )
    assert result.exit_code == 0, result.output
    [case_file] = case_files(calm_home)
    assert yaml.safe_load(case_file.read_text(encoding="utf-8"))["tree"] == {
        "id": "quality",
        "version": 2,
    }
    # Naming a tree still wins over the setting.
    assert new_case(workdir, answers).exit_code == 0


def test_saved_paths_are_printed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workdir: Path, answers: dict[str, Any]
) -> None:
    home = tmp_path / ("deeply-nested-calm-home-" + "x" * 60)
    monkeypatch.setenv("CALM_HOME", str(home))
    result = new_case(workdir, answers)
    assert result.exit_code == 0
    [case_file] = case_files(home)
    lines = result.stdout.splitlines()
    assert any(str(case_file) in line for line in lines)


def test_same_customer_twice_gets_distinct_ids(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    assert new_case(workdir, answers).exit_code == 0
    [first] = case_files(calm_home)
    first_text = first.read_text(encoding="utf-8")
    assert new_case(workdir, dict(answers, job="bathroom at 3 Mill Lane")).exit_code == 0

    [second] = set(case_files(calm_home)) - {first}
    assert second.stem != first.stem
    assert second.stem[: -len("-xxxx")] == first.stem[: -len("-xxxx")]  # date and name alike
    assert first.read_text(encoding="utf-8") == first_text  # not overwritten
    assert store.load_case(second).job == "bathroom at 3 Mill Lane"
    uids = {
        str(only_event(calm_home / "followups" / f"{p.stem}.ics")["UID"]) for p in (first, second)
    }
    assert uids == {f"{first.stem}@calm.local", f"{second.stem}@calm.local"}
    assert (calm_home / "cases" / f"{second.stem}.md").is_file()


HOSTILE_NAMES = [
    "../../etc/passwd",
    "a/b\\c",
    "😀🔥🙂",
    "Ann\r\nBEGIN:VALARM\r\nX-INJECTED:1\nSmith\x00 \x1b[31mred",
    "[bold]red[/bold]",
    "שלום עולם",
    "\u202eevil\u202c",
    "é" * 120,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_give_safe_files_inside_calm_home(
    tmp_path: Path, calm_home: Path, workdir: Path, answers: dict[str, Any], name: str
) -> None:
    answers_file = write_answers(workdir, dict(answers, customer_name=name))
    before = files_under(tmp_path)
    result = calm("new", "--tree", "default", "--answers", answers_file, "--no-input")
    assert result.exit_code == 0, result.output

    new_files = files_under(tmp_path) - before
    cache = tmp_path / "calm-cache"  # the index: derived, per machine, outside CALM_HOME
    outside = {
        p
        for p in new_files
        if not p.resolve().is_relative_to(calm_home.resolve())
        and not p.resolve().is_relative_to(cache.resolve())
    }
    assert outside == set()
    new_files = {p for p in new_files if p.resolve().is_relative_to(calm_home.resolve())}
    [case_file] = case_files(calm_home)
    assert case_file.parent == calm_home / "cases"
    assert re.fullmatch(r"[a-z0-9-]+", case_file.stem)
    assert len(case_file.stem) <= len("2026-01-01-") + store.SLUG_MAX + 1 + store.ID_RANDOM
    assert {p.name for p in new_files} == {
        f"{case_file.stem}.yaml",
        f"{case_file.stem}.md",
        f"{case_file.stem}.ics",
    }
    assert not any(p.name.startswith(".") for p in new_files)  # no temp files left

    # The case keeps the name (line ends normalised) and reads back.
    stored = store.load_case(case_file).customer
    assert stored == name.strip().replace("\r\n", "\n")

    # The reminder's SUMMARY is one line and nothing in the name became iCalendar structure.
    event = only_event(calm_home / "followups" / f"{case_file.stem}.ics")
    summary = str(event["SUMMARY"])
    assert "\n" not in summary and "\r" not in summary
    assert summary.startswith("Check in with ")
    assert summary.endswith(": kitchen at 12 Mill Lane")
    assert len(list(event.walk("VALARM"))) == 1
    assert "X-INJECTED" not in event


def test_rich_markup_in_name_is_printed_literally(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    result = new_case(workdir, dict(answers, customer_name="[bold]red[/bold]", job="[link=x]j[/]"))
    assert result.exit_code == 0
    assert "Call plan: [bold]red[/bold]" in result.stdout
    assert "[link=x]j[/]" in result.stdout


def test_emoji_codes_in_user_text_are_printed_as_typed(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    """Rich turns ":fire:" into an emoji unless told not to: what the contractor typed is
    what every screen shows, in the plan, the due list, the listing and a case's page."""
    answers = dict(answers, customer_name="Jo :fire: Smith", job="tiles :thumbs_up:")
    result = new_case(workdir, answers)
    assert result.exit_code == 0
    assert "Jo :fire: Smith" in result.stdout and "tiles :thumbs_up:" in result.stdout
    for args in (
        ["followup", "--all"],
        ["list"],
        ["show", "jo"],
        ["followup", "snooze", "jo", "--until", "fri"],  # "Check-in with Jo :fire: Smith moved"
        ["log", "jo", "--no-input", "--option", "Regrout"],
    ):
        shown = calm(*args).stdout
        assert "Jo :fire: Smith" in shown and "\U0001f525" not in shown, (args, shown)


def test_escape_sequences_in_name_do_not_reach_the_terminal(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    result = new_case(workdir, dict(answers, customer_name="Ann\x1b[2J\x1b]0;owned\x07 Smith"))
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout


def test_escape_sequences_in_name_stay_out_of_markdown_plan(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    result = new_case(workdir, dict(answers, customer_name="Ann\x1b[2J Smith"))
    assert result.exit_code == 0
    [md] = sorted((calm_home / "cases").glob("*.md"))
    assert "\x1b" not in md.read_text(encoding="utf-8")


def test_over_long_name_is_refused_and_nothing_written(
    tmp_path: Path, calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    answers_file = write_answers(workdir, dict(answers, customer_name="x" * 10_000))
    before = files_under(tmp_path)
    result = calm("new", "--tree", "default", "--answers", answers_file, "--no-input")
    assert result.exit_code == 2
    assert "customer_name" in result.stderr
    cache = tmp_path / "calm-cache"  # the checked tree kept for the next start: a cache
    assert {p for p in files_under(tmp_path) if not p.is_relative_to(cache)} == before
    assert not (calm_home / "cases").exists()


# -- refusals under --no-input ----------------------------------------------------------------


def missing_ids(stderr: str) -> list[str]:
    return re.findall(r"^  ([a-z0-9_]+): missing answer", stderr, flags=re.MULTILINE)


def test_no_answers_at_all_lists_every_required_id(calm_home: Path, workdir: Path) -> None:
    result = calm("new", "--tree", "default", "--no-input")
    assert result.exit_code == 2
    assert missing_ids(result.stderr) == REQUIRED_WITHOUT_DEFAULT
    assert "--answers" in result.stderr
    assert result.stdout == ""
    assert not (calm_home / "cases").exists()
    assert not (calm_home / "followups").exists()


def test_empty_answers_file_lists_every_required_id(calm_home: Path, workdir: Path) -> None:
    empty = workdir / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    result = calm("new", "--answers", empty, "--no-input")  # the default tree
    assert result.exit_code == 2
    assert missing_ids(result.stderr) == REQUIRED_WITHOUT_DEFAULT
    assert case_files(calm_home) == []


def test_some_answers_missing_lists_exactly_those(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    for key in ("job", "feelings", "wants_words", "option_ratings"):
        del answers[key]
    result = new_case(workdir, answers)
    assert result.exit_code == 2
    assert missing_ids(result.stderr) == ["job", "feelings", "wants_words", "option_ratings"]
    assert "4 answers missing or invalid" in result.stderr
    assert case_files(calm_home) == []
    assert not (calm_home / "drafts").exists()


def test_invalid_answers_are_each_named_with_file_and_line(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    bad = dict(answers, followup_at="31/02", feelings={"frustrated": 9}, wants=["livid"])
    result = new_case(workdir, bad, "bad.yaml")
    assert result.exit_code == 2
    err = result.stderr
    path = workdir / "bad.yaml"
    assert "3 problems" in err
    where = re.escape(str(path))
    assert re.search(rf"{where}:4:1: feelings: frustrated: expected a number from 1 to 5", err)
    assert re.search(rf"{where}:8:1: wants: 'livid' is not one of", err)
    assert re.search(rf"{where}:22:1: followup_at: can't read \"31/02\"", err)
    assert case_files(calm_home) == []


def test_followup_in_the_past_is_refused(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    result = new_case(workdir, dict(answers, followup_at="yesterday"))
    assert result.exit_code == 2
    assert re.search(r"^  followup_at: .*from now", result.stderr, flags=re.MULTILINE)
    assert case_files(calm_home) == []
    assert not (calm_home / "followups").exists()


def test_all_invalid_answers_are_reported_in_one_run(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    result = new_case(workdir, dict(answers, feelings={"angry": 9}, followup_at="yesterday"))
    assert result.exit_code == 2
    assert "feelings" in result.stderr
    assert "followup_at" in result.stderr


def test_unknown_ids_and_wrong_types_are_named_with_file_and_line(
    calm_home: Path, workdir: Path
) -> None:
    path = workdir / "typos.yaml"
    path.write_text(
        "customer_name: Mrs Okafor\n"
        "custmer_phone: '07700 900123'\n"
        "feelings: very\n"
        "breathe: done\n"
        "job: {where: kitchen}\n"
        "wants: maybe\n",
        encoding="utf-8",
    )
    result = calm("new", "--tree", "default", "--answers", path, "--no-input")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[1:6] == [
        f"  {path}:2:1: custmer_phone: no such question in tree 'default'",
        f"  {path}:3:1: feelings: can't read 'very' as a rating (like 'cost 2' or '4 2 4')",
        f"  {path}:4:1: breathe: is a note, it takes no answer",
        f"  {path}:5:1: job: expected text",
        f"  {path}:6:1: wants: 'maybe' is not one of the choices (repair, redo, refund, "
        "replacement, discount, explanation, date, updates, apology)",
    ]
    # The same run also lists the required answers the file leaves out, each question once.
    missing = [line.split(":")[0].strip() for line in lines[6:]]
    assert "cause" in missing and "wants_words" in missing
    assert not {"feelings", "job", "wants"} & set(missing)
    assert lines[0] == f"calm: {path}: {len(lines) - 1} problems in the answers"
    assert case_files(calm_home) == []


def test_answers_file_that_is_not_a_mapping(calm_home: Path, workdir: Path) -> None:
    path = workdir / "list.yaml"
    path.write_text("- customer_name: Mrs Okafor\n", encoding="utf-8")
    result = calm("new", "--answers", path, "--no-input")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"calm: {path}:1:1: ")
    assert case_files(calm_home) == []


@pytest.mark.parametrize("kind", ["missing", "directory", "unparseable", "binary"])
def test_unreadable_answers_file_is_one_message(calm_home: Path, workdir: Path, kind: str) -> None:
    path = workdir / "answers.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "unparseable":
        path.write_text("customer_name: [Mrs Okafor\njob: kitchen\n", encoding="utf-8")
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    result = calm("new", "--tree", "default", "--answers", path, "--no-input")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"calm: {path}")
    if kind == "unparseable":
        assert re.match(rf"calm: {re.escape(str(path))}:\d+:\d+: YAML syntax error", line)
    assert result.stdout == ""
    assert case_files(calm_home) == []


# -- without --no-input, trees ----------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--tree", "default"], ["--answers", "answers.yaml"]])
def test_not_a_terminal_points_to_answers_and_no_input(
    calm_home: Path, workdir: Path, answers: dict[str, Any], extra: list[str]
) -> None:
    write_answers(workdir, answers)
    result = calm("new", *extra, input="")
    assert result.exit_code == 2
    assert "--answers" in result.stderr and "--no-input" in result.stderr
    assert "not a terminal" in result.stderr
    assert case_files(calm_home) == []


def test_installed_command_does_not_hang_without_a_terminal(calm_home: Path, workdir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "calmcli", "new"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "--no-input" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("ref", "hint"), [("nosuch", "trees: "), ("defualt", "did you mean")])
def test_unknown_tree_is_refused_with_a_suggestion(
    calm_home: Path, workdir: Path, ref: str, hint: str
) -> None:
    result = calm("new", "--tree", ref, "--no-input")
    assert result.exit_code == 2
    assert f"no tree named {ref!r}" in result.stderr
    assert hint in result.stderr and "default" in result.stderr
    assert "calm tree list" in result.stderr
    assert case_files(calm_home) == []


def test_broken_tree_file_lists_problems_with_positions(
    calm_home: Path, workdir: Path, answers: dict[str, Any]
) -> None:
    tree = workdir / "broken.yaml"
    tree.write_text(
        "format: 1\nid: broken\ntitle: Broken\nversion: 1\n"
        "sections: [{id: s, title: S}]\n"
        "nodes:\n"
        "  - id: a\n    section: s\n    kind: bogus\n    prompt: A?\n"
        "  - id: b\n    section: s\n    kind: text\n    prompt: B?\n    next: nowhere\n",
        encoding="utf-8",
    )
    answers_file = write_answers(workdir, answers)
    result = calm("new", "--tree", tree, "--answers", answers_file, "--no-input")
    assert result.exit_code == 2
    detail = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert detail
    assert all(re.match(rf"{re.escape(str(tree))}:\d+:\d+: ", line) for line in detail), detail
    assert any("bogus" in line for line in detail)
    assert any("nowhere" in line for line in detail)
    assert case_files(calm_home) == []


def test_tree_file_with_yaml_syntax_error(calm_home: Path, workdir: Path) -> None:
    tree = workdir / "broken.yaml"
    tree.write_text("format: 1\nid: [broken\n", encoding="utf-8")
    result = calm("new", "--tree", tree, "--no-input")
    assert result.exit_code == 2
    assert re.match(rf"calm: {re.escape(str(tree))}:\d+:\d+: YAML syntax error", result.stderr)


# -- --resume ---------------------------------------------------------------------------------

FIRST_HALF = ("customer_name", "customer_phone", "job", "what_happened")


def save_draft(draft_id: str, answers: dict[str, Any], *, minutes_ago: int = 5) -> Path:
    updated = dates.local_now().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    draft = drafts.Draft(
        id=draft_id,
        tree_ref="default",
        tree_id="default",
        started=updated - timedelta(minutes=3),
        updated=updated,
        answers=answers,
        seen_notes=["breathe", "not_personal", "sticky_note", "aim", "silent_many"],
    )
    return drafts.save_draft(draft)


@pytest.fixture
def split(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers cut in two: what the draft holds, and the rest for the answers file."""
    return (
        {k: v for k, v in answers.items() if k in FIRST_HALF},
        {k: v for k, v in answers.items() if k not in FIRST_HALF},
    )


def test_resume_completes_with_draft_and_file_answers(
    calm_home: Path, workdir: Path, answers: dict[str, Any], split: Any
) -> None:
    draft_answers, rest = split
    draft_file = save_draft("2026-03-02-101500-ab12", draft_answers)
    rest_file = write_answers(workdir, rest, "rest.yaml")

    result = calm("new", "--resume", "--no-input", "--answers", rest_file)
    assert result.exit_code == 0, result.output
    [case_file] = case_files(calm_home)
    case = store.load_case(case_file)
    assert case.customer == "Mrs Okafor"
    for key in FIRST_HALF:
        assert case.answers[key] == answers[key], key
    assert case.answers["option_2"] == "Stain the grout grey"
    assert case.followup_due in expected_due()
    assert not draft_file.exists()
    assert drafts.list_drafts() == ([], [])
    assert (calm_home / "followups" / f"{case.id}.ics").is_file()


def test_resume_with_answers_still_missing_keeps_the_draft(
    calm_home: Path, workdir: Path, split: Any
) -> None:
    draft_answers, _ = split
    draft_file = save_draft("2026-03-02-101500-ab12", draft_answers)
    result = calm("new", "--resume", "--no-input")
    assert result.exit_code == 2
    assert "feelings" in missing_ids(result.stderr)
    assert "customer_name" not in missing_ids(result.stderr)
    assert draft_file.exists()
    assert case_files(calm_home) == []


def test_resume_without_drafts(calm_home: Path, workdir: Path) -> None:
    result = calm("new", "--resume", "--no-input")
    assert result.exit_code == 2
    assert "no interrupted interview" in result.stderr
    assert case_files(calm_home) == []


def test_resume_with_two_drafts_needs_a_name(calm_home: Path, workdir: Path, split: Any) -> None:
    draft_answers, rest = split
    save_draft("2026-03-02-101500-aaaa", draft_answers, minutes_ago=30)
    save_draft("2026-03-02-111500-bbbb", dict(draft_answers, customer_name="Mr Patel"))
    rest_file = write_answers(workdir, rest, "rest.yaml")
    result = calm("new", "--resume", "--no-input", "--answers", rest_file)
    assert result.exit_code == 2
    assert "calm new --resume DRAFT" in result.stderr
    assert re.search(r"2026-03-02-101500-aaaa\s+Mrs Okafor", result.stderr)
    assert re.search(r"2026-03-02-111500-bbbb\s+Mr Patel", result.stderr)
    assert case_files(calm_home) == []
    assert len(drafts.list_drafts()[0]) == 2


@pytest.mark.parametrize("ref", ["2026-03-02-101500-aaaa", "2026-03-02-1015"])
def test_resume_named_draft(calm_home: Path, workdir: Path, split: Any, ref: str) -> None:
    draft_answers, rest = split
    older = save_draft("2026-03-02-101500-aaaa", draft_answers, minutes_ago=30)
    newer = save_draft("2026-03-02-111500-bbbb", dict(draft_answers, customer_name="Mr Patel"))
    rest_file = write_answers(workdir, rest, "rest.yaml")

    result = calm("new", "--resume", ref, "--no-input", "--answers", rest_file)
    assert result.exit_code == 0, result.output
    [case_file] = case_files(calm_home)
    assert store.load_case(case_file).customer == "Mrs Okafor"
    assert not older.exists()
    assert newer.exists()


def test_resume_unknown_draft_name(calm_home: Path, workdir: Path, split: Any) -> None:
    save_draft("2026-03-02-101500-aaaa", split[0])
    result = calm("new", "--resume", "nosuch", "--no-input")
    assert result.exit_code == 2
    assert "'nosuch' is not a draft" in result.stderr
    assert "2026-03-02-101500-aaaa" in result.stderr


def test_resume_skips_a_corrupt_draft_with_a_warning(
    calm_home: Path, workdir: Path, split: Any
) -> None:
    draft_answers, rest = split
    good = save_draft("2026-03-02-101500-ab12", draft_answers)
    broken = calm_home / "drafts" / "2026-03-02-090000-dead.yaml"
    broken.write_text("calm_draft: 1\nid: [oops\n", encoding="utf-8")
    rest_file = write_answers(workdir, rest, "rest.yaml")

    result = calm("new", "--resume", "--no-input", "--answers", rest_file)
    assert result.exit_code == 0, result.output
    assert re.search(rf"skipped: {re.escape(str(broken))}", result.stderr)
    assert len(case_files(calm_home)) == 1
    assert not good.exists()
    assert broken.exists()  # left for the user to look at, not deleted


def test_resume_deletes_only_the_draft_file_it_read(
    calm_home: Path, workdir: Path, answers: dict[str, Any], split: Any
) -> None:
    assert new_case(workdir, answers).exit_code == 0
    [existing] = case_files(calm_home)
    draft_answers, rest = split
    draft_file = save_draft("2026-03-02-101500-ab12", draft_answers)
    draft_file.write_text(
        draft_file.read_text(encoding="utf-8").replace(
            "id: 2026-03-02-101500-ab12", f"id: ../cases/{existing.stem}"
        ),
        encoding="utf-8",
    )
    rest_file = write_answers(workdir, rest, "rest.yaml")
    result = calm("new", "--resume", "--no-input", "--answers", rest_file)
    assert result.exit_code == 0
    assert existing.exists()
    assert not draft_file.exists()


def test_draft_argument_without_resume(calm_home: Path, workdir: Path, split: Any) -> None:
    save_draft("2026-03-02-101500-aaaa", split[0])
    result = calm("new", "2026-03-02-101500-aaaa", "--no-input")
    assert result.exit_code == 2
    assert "--resume" in result.stderr
    assert case_files(calm_home) == []
    assert len(drafts.list_drafts()[0]) == 1
