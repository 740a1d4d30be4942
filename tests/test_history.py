"""A case's history in words: events, times, yes/no and satisfaction as a person says them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calmcli.domain import history

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ({"event": "created", "tree": "default v1", "draft": "2026-12-01-090000-ab12"},
         ("case opened", "tree default, version 1")),
        ({"event": "logged", "option": "Regrout it", "next": "2026-12-04T09:00:00+00:00"},
         ("call logged", "agreed: Regrout it, next check-in Fri 4 Dec 09:00")),
        ({"event": "checked_in", "next": "2026-12-04T09:00:00+00:00", "reached": False,
          "satisfaction": None}, ("checked in", "next check-in Fri 4 Dec 09:00, not reached")),
        ({"event": "closed", "reached": True, "satisfaction": "partly"},
         ("closed", "reached, partly satisfied")),
        ({"event": "snoozed", "before": "2026-12-02T09:00:00+00:00",
          "until": "2027-01-04T10:00:00+00:00"},
         ("check-in moved", "from Wed 2 Dec 09:00, to Mon 4 Jan 2027 10:00")),
        ({"event": "reviewed", "root_cause": "third_party"},
         ("reviewed", "root cause: a third party (supplier, subcontractor, council)")),
        ({"event": "hand_edited", "by_hand": True, "next": "not a time"},
         ("hand edited", "by hand: yes, next check-in not a time")),
    ],
)  # fmt: skip
def test_each_event_reads_as_words(entry: dict[str, Any], said: tuple[str, str]) -> None:
    assert history.event({"at": "2026-12-01T09:00:00+00:00", **entry}, NOW) == said


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("root_cause", "pricing", "pricing or billing"),
        ("root_cause", "gone_now", "gone now"),  # a choice the tree no longer has
        ("led_to", "A message we never sent.", "A message we never sent."),
        ("effective", "partly", "partly"),
    ],
)
def test_review_answers_read_as_their_labels(key: str, value: str, said: str) -> None:
    assert history.review_value(key, value) == said
