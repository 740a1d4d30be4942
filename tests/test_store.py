"""Cases and drafts on disk: safe file names, faithful round trips, unique ids under concurrency,
and one clear `BadInput` naming the file when a case or draft has been broken by hand."""

from __future__ import annotations

import multiprocessing
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain.case import Case
from calmcli.errors import BadInput
from calmcli.store import cases as store
from calmcli.store import drafts as draftstore

LONDON = ZoneInfo("Europe/London")
CREATED = datetime(2026, 3, 2, 16, 45, 12, tzinfo=LONDON)
DUE = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def make_case(**overrides: Any) -> Case:
    fields: dict[str, Any] = {
        "id": "",
        "tree_id": "default",
        "tree_version": 1,
        "customer": "Mrs Okafor",
        "created": CREATED,
        "phone": "07700 900123",
        "job": "kitchen at 12 Mill Lane",
        "status": "open",
        "followup_due": DUE,
        "offer": "Regrout the splashback",
        "answers": {
            "customer_name": "Mrs Okafor",
            "intensity": 4,
            "raised_before": True,
            "when_noticed": None,
            "what_happened": "The grout is the wrong colour.\nAnd it's cracking.",
            "followup_at": "2026-03-10T09:30:00+00:00",
        },
        "outcome": {"result": "resolved", "note": "regrouted on Thursday"},
        "checkins": [{"at": "2026-03-10T09:30:00+00:00", "how": "phone", "mood": 4}],
        "review": {"went_well": "listened first"},
        "history": [{"at": "2026-03-02T16:45:12+00:00", "event": "created", "tree": "default v1"}],
    }
    fields.update(overrides)
    return Case(**fields)


# -- slugify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mrs Okafor", "mrs-okafor"),
        ("Mrs O'Brien & Sons Ltd.", "mrs-o-brien-sons-ltd"),
        ("Zoë Ångström", "zoe-angstrom"),
        ("ﬁne Ｆｕｌｌ", "fine-full"),  # ligature and full-width letters fold to ASCII
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("😀🔥🙂", "customer"),
        ("שלום עולם", "customer"),  # right-to-left script: nothing ASCII survives
        ("\u202eevil\u202c", "evil"),  # right-to-left override characters are dropped
        ("Ann\r\nSmith\x00\x1b[31m", "ann-smith-31m"),
        ("[bold]red[/bold]", "bold-red-bold"),
        ("", "customer"),
        ("   ", "customer"),
        ("---", "customer"),
        (".", "customer"),
        ("..", "customer"),
        ("x" * 10_000, "x" * 40),
        ("a" * 39 + " b", "a" * 39),  # never ends with '-' after cutting to length
    ],
)
def test_slugify_table(name: str, expected: str) -> None:
    assert store.slugify(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "a/b\\c",
        "😀",
        "x" * 10_000,
        "é" * 600,
        "\r\n\x00\x1b\x7f\x9b",
        "[bold]red[/bold]",
        "مرحبا بالعالم",
        "-a-",
        "A" * 41 + "-b",
        "CON",
        "nul.txt",
    ],
)
def test_slugify_is_always_a_short_safe_file_name(name: str) -> None:
    slug = store.slugify(name)
    assert SLUG_RE.fullmatch(slug)
    assert len(slug) <= store.SLUG_MAX == 40


# -- cases -------------------------------------------------------------------------------------


def test_create_case_round_trips_every_field(calm_home: Path) -> None:
    case = make_case(extra={"notes": ["called back", "left voicemail"]})
    path = store.create_case(case)

    assert path == calm_home / "cases" / f"{case.id}.yaml"
    assert ID_RE.fullmatch(case.id)
    assert case.id.startswith("2026-03-02-mrs-okafor-")
    loaded = store.load_case(path)
    assert loaded == case
    # the aware times mean the same instants
    assert loaded.created == CREATED and loaded.followup_due == DUE
    assert loaded.answers["what_happened"] == "The grout is the wrong colour.\nAnd it's cracking."
    assert loaded.answers["when_noticed"] is None
    assert loaded.extra == {"notes": ["called back", "left voicemail"]}
    assert loaded.outcome == {"result": "resolved", "note": "regrouted on Thursday"}
    assert loaded.checkins == [{"at": "2026-03-10T09:30:00+00:00", "how": "phone", "mood": 4}]


def test_create_case_without_followup_round_trips(calm_home: Path) -> None:
    case = make_case(
        followup_due=None,
        status="closed",
        customer="😀",
        answers={},
        history=[],
        outcome=None,
        checkins=[],
        review=None,
    )
    path = store.create_case(case)
    assert re.fullmatch(r"2026-03-02-customer-[a-z0-9]{4}\.yaml", path.name)
    assert store.load_case(path) == case


def test_save_case_rewrites_in_place(calm_home: Path) -> None:
    case = make_case()
    path = store.create_case(case)
    case.status = "closed"
    case.add_event("closed", CREATED + timedelta(days=3), note="sorted")
    assert store.save_case(case) == path
    loaded = store.load_case(path)
    assert loaded.status == "closed"
    assert loaded.history[-1]["event"] == "closed"
    assert loaded.history[-1]["note"] == "sorted"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


ID_RE = re.compile(r"2026-03-02-mrs-okafor-[23456789abcdefghjkmnpqrstuvwxyz]{4}")


def test_same_customer_same_day_gets_ids_unique_across_machines(calm_home: Path) -> None:
    """The date and the name, then four random characters: a case made for another Mrs Okafor
    the same day on another machine does not get the same id (one in 923,521)."""
    first, second, third = make_case(), make_case(), make_case(customer="mrs okafor!")
    p1, p2, p3 = store.create_case(first), store.create_case(second), store.create_case(third)
    assert all(ID_RE.fullmatch(c.id) for c in (first, second, third))
    assert len({first.id, second.id, third.id}) == 3
    assert len({p1, p2, p3}) == 3
    assert store.load_case(p1).id == first.id  # the first file was not overwritten
    assert store.load_case(p3).customer == "mrs okafor!"


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "a/b\\c", "😀", "x" * 10_000, "\r\n\x00\x1b", "\u202eabc"]
)
def test_hostile_customer_names_stay_inside_cases_dir(calm_home: Path, name: str) -> None:
    case = make_case(customer=name)
    path = store.create_case(case)
    cases = calm_home / "cases"
    assert path.parent == cases
    assert path.resolve().parent == cases.resolve()
    assert re.fullmatch(r"2026-03-02-[a-z0-9]+(-[a-z0-9]+)*\.yaml", path.name)
    assert len(path.stem) <= len("2026-03-02-") + store.SLUG_MAX + 1 + store.ID_RANDOM
    assert store.load_case(path).customer == name


def _create_cases(home: str, start: Any, count: int) -> None:
    os.environ["CALM_HOME"] = home
    start.wait()
    for _ in range(count):
        store.create_case(make_case())


def test_concurrent_creates_never_share_an_id(calm_home: Path) -> None:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers, each = 8, 5
    start = ctx.Barrier(workers)
    procs = [
        ctx.Process(target=_create_cases, args=(str(calm_home), start, each))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * workers

    cases = calm_home / "cases"
    files = sorted(cases.iterdir())
    assert all(f.suffix == ".yaml" and not f.name.startswith(".") for f in files), files
    assert len(files) == workers * each
    ids = {store.load_case(f).id for f in files}
    assert ids == {f.stem for f in files}
    assert len(ids) == workers * each
    assert all(ID_RE.fullmatch(i) for i in ids)


VALID = """\
calm_case: 1
id: 2026-03-02-mrs-okafor
tree: {id: default, version: 1}
customer: Mrs Okafor
created: '2026-03-02T16:45:12+00:00'
status: open
followup_due: '2026-03-10T09:30:00+00:00'
answers: {customer_name: Mrs Okafor}
history: []
"""


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (VALID[: VALID.index("2026-03-02T") + 4], "YAML syntax error"),  # truncated mid-string
        (VALID.replace("status: open", "status: pending"), "status"),
        (VALID.replace("id: 2026-03-02-mrs-okafor\n", ""), "'id'"),
        (VALID.replace("'2026-03-02T16:45:12+00:00'", "last tuesday"), "ISO"),
        (VALID.replace("'2026-03-02T16:45:12+00:00'", "42"), "ISO"),
        (VALID.replace("created: '2026-03-02T16:45:12+00:00'\n", ""), "ISO"),
        (VALID.replace("calm_case: 1", "calm_case: 7"), "calm_case"),
        (VALID.replace("customer: Mrs Okafor", "customer: [Mrs, Okafor]"), "'customer'"),
        (VALID.replace("history: []", "history: [created]"), "history"),
        (VALID.replace("answers: {customer_name: Mrs Okafor}", "answers: [x]"), "answers"),
        ("- calm_case: 1\n- id: x\n", "mapping"),
        ("", "mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "binary"),
    ],
    ids=[
        "truncated",
        "wrong-status",
        "missing-id",
        "created-words",
        "created-number",
        "created-missing",
        "wrong-format",
        "customer-list",
        "history-strings",
        "answers-list",
        "top-level-list",
        "empty",
        "binary",
    ],
)
def test_load_case_refuses_corrupt_file_naming_it(
    calm_home: Path, content: str | bytes, why: str
) -> None:
    path = calm_home / "cases" / "2026-03-02-mrs-okafor.yaml"
    path.parent.mkdir(parents=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as info:
        store.load_case(path)
    assert str(path) in info.value.message
    assert why in info.value.message


def test_load_case_accepts_the_valid_sample(calm_home: Path) -> None:
    path = calm_home / "cases" / "2026-03-02-mrs-okafor.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(VALID, encoding="utf-8")
    case = store.load_case(path)
    assert case.id == "2026-03-02-mrs-okafor"
    assert case.followup_due == DUE


def test_load_case_missing_file_is_bad_input(calm_home: Path) -> None:
    path = calm_home / "cases" / "nope.yaml"
    with pytest.raises(BadInput, match="no such file") as info:
        store.load_case(path)
    assert str(path) in info.value.message


def test_load_case_refuses_an_id_that_is_a_path(calm_home: Path) -> None:
    path = calm_home / "cases" / "2026-03-02-mrs-okafor.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(VALID.replace("id: 2026-03-02-mrs-okafor", "id: ../../escaped"), "utf-8")
    with pytest.raises(BadInput, match="id"):
        store.load_case(path)


# -- drafts ------------------------------------------------------------------------------------


def make_draft(draft_id: str, updated: datetime, **answers: Any) -> draftstore.Draft:
    return draftstore.Draft(
        id=draft_id,
        tree_ref="default",
        tree_id="default",
        started=updated - timedelta(minutes=5),
        updated=updated,
        answers=answers,
        seen_notes=["breathe", "not_personal"],
    )


def test_draft_save_load_round_trip(calm_home: Path) -> None:
    draft = make_draft("2026-03-02-164512-ab12", CREATED, customer_name="Mrs Okafor", intensity=4)
    path = draftstore.save_draft(draft)
    assert path == calm_home / "drafts" / "2026-03-02-164512-ab12.yaml"
    loaded = draftstore.load_draft(path)
    assert loaded == draft
    assert loaded.customer == "Mrs Okafor"


def test_new_draft_ids_are_safe_and_distinct() -> None:
    ids = {draftstore.new_draft_id(CREATED) for _ in range(50)}
    assert len(ids) > 1
    assert all(re.fullmatch(r"2026-03-02-164512-[0-9a-f]{4}", i) for i in ids)


def test_list_drafts_newest_first_and_delete(calm_home: Path) -> None:
    assert draftstore.list_drafts() == ([], [])
    old = make_draft("2026-03-01-090000-aaaa", CREATED - timedelta(days=1), customer_name="Old")
    new = make_draft("2026-03-01-080000-bbbb", CREATED, customer_name="New")  # sorts first by name
    mid = make_draft("2026-03-02-000000-cccc", CREATED - timedelta(hours=2))
    for d in (old, new, mid):
        draftstore.save_draft(d)

    drafts, warnings = draftstore.list_drafts()
    assert [d.id for d in drafts] == [new.id, mid.id, old.id]
    assert warnings == []
    assert mid.customer == ""

    draftstore.delete_draft(mid.id)
    assert [d.id for d in draftstore.list_drafts()[0]] == [new.id, old.id]
    assert not draftstore.draft_path(mid.id).exists()
    draftstore.delete_draft(mid.id)  # deleting twice is harmless
    draftstore.delete_draft("never-existed")


@pytest.mark.parametrize(
    "content",
    [
        "calm_draft: 1\nid: [\n",
        "just some words\n",
        "calm_draft: 1\nid: x\n",  # no tree, no times
        "calm_draft: 1\nid: x\ntree: default\nstarted: '2026-03-02T10:00:00+00:00'\n"
        "updated: '2026-03-02T10:00:00+00:00'\nanswers: [1, 2]\n",
    ],
    ids=["syntax", "not-a-draft", "missing-fields", "answers-list"],
)
def test_corrupt_draft_is_listed_as_a_warning(calm_home: Path, content: str) -> None:
    good = make_draft("2026-03-02-164512-ab12", CREATED, customer_name="Mrs Okafor")
    draftstore.save_draft(good)
    broken = calm_home / "drafts" / "broken.yaml"
    broken.write_text(content, encoding="utf-8")

    drafts, warnings = draftstore.list_drafts()
    assert [d.id for d in drafts] == [good.id]
    assert len(warnings) == 1
    assert str(broken) in warnings[0]
    with pytest.raises(BadInput):
        draftstore.load_draft(broken)


def test_draft_with_unreadable_times_is_a_warning_naming_the_file(calm_home: Path) -> None:
    broken = calm_home / "drafts" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "calm_draft: 1\nid: x\ntree: default\nstarted: soon\nupdated: soon\n", encoding="utf-8"
    )
    drafts, warnings = draftstore.list_drafts()
    assert drafts == []
    assert len(warnings) == 1
    assert str(broken) in warnings[0]
