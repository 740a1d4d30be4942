"""Which check-ins are due (overdue, today, upcoming) and the one-line nudge for a shell prompt.

The clock is Wednesday 18 November 2026, 10:00 in London (GMT, so local time equals UTC).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain.followups import Due, classify, nudge, select
from calmcli.domain.summary import CaseSummary

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=LONDON)


def row(customer: str, due: str = "", *, status: str = "open", case_id: str = "") -> CaseSummary:
    slug = customer.lower().replace(" ", "-") or "customer"
    return CaseSummary(
        id=case_id or f"2026-11-01-{slug}",
        customer=customer,
        phone="07700 900123",
        job="bathroom",
        status=status,
        due=due,
        created="2026-11-01T09:00:00+00:00",
        offer="Regrout",
        agreed="",
        tree="default",
        file=f"{case_id or '2026-11-01-' + slug}.yaml",
    )


def due_now(customer: str, due: str) -> Due:
    return classify(row(customer, due), NOW)


# -- classify ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "days"),
    [
        ("2026-11-17T09:00:00+00:00", 1),
        ("2026-11-17T23:59:00+00:00", 1),  # calendar days, not 24-hour periods
        ("2026-11-15T14:00:00+00:00", 3),
        ("2026-11-11T10:00:00+00:00", 7),
        ("2026-10-18T10:00:00+01:00", 31),  # written in summer time, a month ago
    ],
)
def test_overdue_counts_whole_calendar_days(due: str, days: int) -> None:
    item = due_now("Dana", due)
    assert item.state == "overdue"
    assert item.days_overdue == days
    assert item.is_due
    assert item.due == datetime.fromisoformat(due)


@pytest.mark.parametrize(
    "due",
    [
        "2026-11-18T00:00:00+00:00",
        "2026-11-18T08:00:00+00:00",  # the hour has passed: still today, not overdue
        "2026-11-18T09:59:00+00:00",
        "2026-11-18T10:00:00+00:00",
        "2026-11-18T16:30:00+00:00",
        "2026-11-18T23:59:00+00:00",
        "2026-11-17T23:30:00-05:00",  # 04:30 today in London, written in New York time
    ],
)
def test_due_any_time_today_is_today(due: str) -> None:
    item = due_now("Sam", due)
    assert item.state == "today"
    assert item.days_overdue == 0
    assert item.is_due


@pytest.mark.parametrize(
    "due",
    [
        "2026-11-19T00:00:00+00:00",
        "2026-11-20T09:00:00+00:00",
        "2026-12-31T09:00:00+00:00",
        "2026-11-18T23:30:00-05:00",  # 04:30 tomorrow in London
    ],
)
def test_due_after_today_is_upcoming_and_not_due(due: str) -> None:
    item = due_now("Pat", due)
    assert item.state == "upcoming"
    assert not item.is_due
    assert item.days_overdue == 0


@pytest.mark.parametrize("due", ["", "not a date", "2026-13-45T09:00"])
def test_no_readable_due_is_unscheduled_and_not_due(due: str) -> None:
    item = due_now("Uma", due)
    assert item.state == "unscheduled"
    assert item.due is None
    assert not item.is_due


def test_overdue_across_the_clocks_going_back() -> None:
    # Due 00:30 BST on Sunday 25 October (the night the clocks go back); now is Monday morning.
    now = datetime(2026, 10, 26, 8, 0, tzinfo=LONDON)
    item = classify(row("Dana", "2026-10-25T00:30:00+01:00"), now)
    assert (item.state, item.days_overdue) == ("overdue", 1)


# -- select ------------------------------------------------------------------------------------


@pytest.fixture
def board() -> list[CaseSummary]:
    return [
        row("Pat", "2026-11-20T09:00:00+00:00"),  # upcoming, in 2 days
        row("Sam", "2026-11-18T08:00:00+00:00"),  # today, hour passed
        row("Max", "2026-12-10T09:00:00+00:00"),  # upcoming, weeks away
        row("Dana", "2026-11-17T09:00:00+00:00"),  # overdue 1 day
        row("Kim", "2026-11-18T16:00:00+00:00"),  # today, later on
        row("Uma", ""),  # open, no check-in set
        row("Lee", "2026-11-15T14:00:00+00:00"),  # overdue 3 days
        row("Olga", "2026-11-16T09:00:00+00:00", status="closed"),  # closed: never listed
    ]


def names(items: list[Due]) -> list[str]:
    return [d.row.customer for d in items]


def test_select_lists_overdue_and_today_soonest_first(board: list[CaseSummary]) -> None:
    items = select(board, NOW)
    assert names(items) == ["Lee", "Dana", "Sam", "Kim"]
    assert [(d.state, d.days_overdue) for d in items] == [
        ("overdue", 3),
        ("overdue", 1),
        ("today", 0),
        ("today", 0),
    ]


def test_select_within_adds_upcoming_up_to_the_horizon(board: list[CaseSummary]) -> None:
    assert names(select(board, NOW, within=timedelta(days=7))) == [
        "Lee", "Dana", "Sam", "Kim", "Pat",
    ]  # fmt: skip
    assert names(select(board, NOW, within=timedelta(days=30))) == [
        "Lee", "Dana", "Sam", "Kim", "Pat", "Max",
    ]  # fmt: skip
    # A short horizon adds nothing beyond what is due today.
    assert names(select(board, NOW, within=timedelta(hours=12))) == ["Lee", "Dana", "Sam", "Kim"]


def test_select_within_includes_the_exact_horizon() -> None:
    rows = [
        row("Edge", "2026-11-25T10:00:00+00:00"),  # exactly 7 days from now
        row("Past", "2026-11-25T10:01:00+00:00"),  # one minute beyond
    ]
    assert names(select(rows, NOW, within=timedelta(days=7))) == ["Edge"]


def test_select_every_lists_all_open_cases_unscheduled_last(board: list[CaseSummary]) -> None:
    items = select(board, NOW, every=True)
    assert names(items) == ["Lee", "Dana", "Sam", "Kim", "Pat", "Max", "Uma"]
    assert items[-1].state == "unscheduled"


def test_select_never_lists_closed_cases(board: list[CaseSummary]) -> None:
    for kwargs in ({}, {"within": timedelta(days=365)}, {"every": True}):
        assert "Olga" not in names(select(board, NOW, **kwargs))  # type: ignore[arg-type]


def test_select_orders_by_instant_not_by_text() -> None:
    # 08:30 in New York is 13:30 in London: after a 12:00 London check-in, though "08" < "12".
    rows = [
        row("Late", "2026-11-18T08:30:00-05:00"),
        row("Early", "2026-11-18T12:00:00+00:00"),
    ]
    assert names(select(rows, NOW)) == ["Early", "Late"]


def test_select_with_same_due_time_is_alphabetical() -> None:
    rows = [row(n, "2026-11-18T09:00:00+00:00") for n in ("Zoe", "Adam", "Mia")]
    assert names(select(rows, NOW)) == ["Adam", "Mia", "Zoe"]


def test_select_with_nothing_open() -> None:
    assert select([], NOW) == []
    assert select([row("Olga", "2026-11-16T09:00:00+00:00", status="closed")], NOW) == []


# -- nudge -------------------------------------------------------------------------------------


def test_nudge_names_overdue_with_days_and_today_plainly() -> None:
    items = select(
        [row("Sam", "2026-11-18T15:00:00+00:00"), row("Dana", "2026-11-17T09:00:00+00:00")], NOW
    )
    assert nudge(items) == "2 check-ins due: Dana (overdue 1 day), Sam"


def test_nudge_when_nothing_is_due() -> None:
    assert nudge([]) == "Nothing due."
    upcoming = select([row("Pat", "2026-11-20T09:00:00+00:00")], NOW, within=timedelta(days=7))
    assert len(upcoming) == 1
    assert nudge(upcoming) == "Nothing due."


def test_nudge_singular_and_plural() -> None:
    assert nudge(select([row("Sam", "2026-11-18T15:00:00+00:00")], NOW)) == "1 check-in due: Sam"
    assert (
        nudge(select([row("Lee", "2026-11-15T14:00:00+00:00")], NOW))
        == "1 check-in due: Lee (overdue 3 days)"
    )


def test_nudge_counts_only_due_items_when_upcoming_are_listed(board: list[CaseSummary]) -> None:
    items = select(board, NOW, every=True)
    assert nudge(items) == (
        "4 check-ins due: Lee (overdue 3 days), Dana (overdue 1 day), Sam, and 1 more"
    )


def test_nudge_names_three_then_and_n_more() -> None:
    rows = [row(n, f"2026-11-{d}T09:00:00+00:00") for n, d in
            [("Ann", 12), ("Bob", 13), ("Cat", 14), ("Dee", 18), ("Eve", 18)]]  # fmt: skip
    assert nudge(select(rows, NOW)) == (
        "5 check-ins due: Ann (overdue 6 days), Bob (overdue 5 days), Cat (overdue 4 days), "
        "and 2 more"
    )
    assert nudge(select(rows[:3], NOW)) == (
        "3 check-ins due: Ann (overdue 6 days), Bob (overdue 5 days), Cat (overdue 4 days)"
    )


def _controls(text: str) -> list[str]:
    return [c for c in text if not c.isprintable()]


@pytest.mark.parametrize(
    "name",
    [
        "Dana\x1b[2J\x1b[H Fox",  # clear screen, cursor home
        "Dana\x1b]0;owned\x07 Fox",  # set the window title
        "Dana\r\nFox",  # a line break would split the prompt
        "Dana\x00\x08\x7f Fox",  # NUL, backspace, DEL
        "Dana\x9b31m Fox",  # C1 CSI
        "Dana \u202eFox\u202c",  # right-to-left override: the rest of the line shown reversed
        "Dana \u2066Fox\u2069",  # bidi isolate
        "Dana\tFox",
    ],
)
def test_control_characters_in_a_name_never_reach_the_nudge(name: str) -> None:
    line = nudge(select([row(name, "2026-11-17T09:00:00+00:00", case_id="2026-11-01-dana")], NOW))
    assert _controls(line) == []
    assert "\x1b" not in line and "\n" not in line and "\r" not in line
    assert line.startswith("1 check-in due: Dana")
    assert "Fox" in line
    assert line.endswith(" (overdue 1 day)")


def test_a_name_of_only_control_characters_shows_the_case_id() -> None:
    line = nudge(select([row("\x1b\x07\r\n", "2026-11-18T09:00:00+00:00", case_id="2026-11-01-x")],
                        NOW))  # fmt: skip
    assert line == "1 check-in due: 2026-11-01-x"


def test_a_very_long_name_keeps_the_prompt_line_short() -> None:
    line = nudge(select([row("Dana " + "x" * 500, "2026-11-18T09:00:00+00:00")], NOW))
    assert line.startswith("1 check-in due: Dana xxx")
    assert len(line) <= len("1 check-in due: ") + 40
