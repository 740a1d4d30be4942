"""`calm list` on a terminal: cases one per line in aligned columns (nothing of a case's plan
or history, so a listing loads none of that code)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import TYPE_CHECKING

from rich.text import Span, Text

from calmcli.clock import dates
from calmcli.textsafe import one_line

if TYPE_CHECKING:
    from calmcli.domain.summary import CaseSummary


PEEK = 200
"""Column widths come from the first rows: the rest stream through with the same widths."""


def case_lines(rows: Iterable[CaseSummary], now: datetime, width: int) -> Iterator[Text]:
    """Cases one per line in aligned columns, streamed: the first line is out before the last
    case is read, so a long history starts at once and never sits in memory whole."""

    def fit(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    def cells(r: CaseSummary) -> tuple[str, str, str, str, str]:
        due = dates.format_when(dates.from_iso(r.due), now) if r.due else "-"
        return (r.id, one_line(r.customer), one_line(r.job), r.status, due)

    stream = iter(rows)
    first = [cells(r) for r in islice(stream, PEEK)]
    if not first:
        return
    id_w = max([len("case"), *(len(c[0]) for c in first)])
    who_w = min(24, max([len("customer"), *(len(c[1]) for c in first)]))
    due_w = max([len("next check-in"), *(len(c[4]) for c in first)])
    room = width - id_w - 6 - due_w - 8  # for customer and job together
    who_w = max(8, min(who_w, room // 2))
    job_w = max(8, room - who_w)
    header = ("case", "customer", "job", "status", "next check-in")
    widths = (id_w, who_w, job_w, 6, due_w)
    yield Text("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), "bold")
    dim = [Span(0, id_w, "dim")]
    for case_id, who, job, status, due in chain(first, (cells(r) for r in stream)):
        values = (case_id, who, job, status, due)
        line = "  ".join(fit(v, w).ljust(w) for v, w in zip(values, widths, strict=True))
        # (one Text made whole: appending its parts costs three times as much)
        yield Text(line.rstrip(), no_wrap=True, overflow="ellipsis", spans=list(dim))
