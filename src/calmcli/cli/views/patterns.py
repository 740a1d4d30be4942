"""`calm patterns` on screen: bar charts of the counts and the "heard this before" call-outs,
in words: situations by their titles, wishes and causes by their labels, months by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit, out
from calmcli.cli.views import words
from calmcli.domain.patterns import SILENT_PER_COMPLAINT, Patterns

BAR_WIDTH = 30
SILENT_SOURCE = "White House Office of Consumer Affairs"


def bars(title: str, counts: dict[str, int], label: Callable[[str], str] = words.spaced) -> Any:
    if not counts:
        return None
    table = Table(box=None, pad_edge=False, show_header=False)
    # the label takes what the bar and the count leave: 40 at 80 columns, up to 60 when wider
    room = max(20, min(60, out().width - BAR_WIDTH - 10))
    table.add_column("what", overflow="fold", max_width=room)
    table.add_column("bar")
    table.add_column("cases", justify="right")
    said: dict[str, int] = {}  # codes said alike are one row (a version-1 and a version-2 code)
    for value, n in counts.items():
        said[label(value)] = said.get(label(value), 0) + n
    rows = list(said.items())
    if len(rows) < len(counts):  # merged: most first again (the order is otherwise kept)
        rows.sort(key=lambda kv: -kv[1])
    top = max(said.values())
    for shown, n in rows:
        width = max(1, round(n / top * BAR_WIDTH))
        table.add_row(lit(shown), Text("█" * width, style="cyan"), str(n))
    return Group(Text(f"\n{title}", style="bold"), table)


def patterns_view(p: Patterns, since: str) -> list[Any]:
    period = "all time" if p.since is None else f"the last {words.span(since)}"
    parts: list[Any] = [Text(f"{words.plural(p.cases, 'case')} in {period}", style="bold")]
    if not p.cases:
        return parts
    for title, counts, label in (
        ("By situation", p.by_situation, words.situation),
        ("By root cause (from reviews)", p.by_root_cause, words.root_cause),
        ("What they wanted", p.by_outcome_wanted, words.wanted),
        ("By month", p.by_month, words.month),
        ("Satisfaction at the last check-in", p.satisfaction, words.satisfaction),
        ("Repeat customers", p.repeat_customers, str),
        ("By owner", p.by_owner if len(p.by_owner) > 1 else {}, str),
    ):
        chart = bars(title, counts, label)
        if chart is not None:
            parts.append(chart)
    r = p.resolution_days
    if r["resolved"]:
        closed = words.plural(int(r["resolved"] or 0), "case")
        parts.append(
            Text(
                f"\nFrom first call to close: half took {r['median']} days or less; on average "
                f"{r['mean']}, at most {r['longest']} ({closed} closed)."
            )
        )
    if p.recurring:
        parts.append(
            Text(
                f"\nHeard three times or more. For every customer who complains, about "
                f"{SILENT_PER_COMPLAINT} others say nothing ({SILENT_SOURCE}), so each of "
                "these is worth a change.",
                style="bold yellow",
            )
        )
    for rec in p.recurring:
        said = (
            words.root_cause(rec.value) if rec.kind == "root cause" else words.situation(rec.value)
        )
        body = lit(f"{rec.kind.capitalize()} “{said}”: {words.plural(rec.count, 'case')}.")
        if rec.lessons:
            body.append("\nLessons you recorded:", style="bold")
            for lesson in rec.lessons:
                body.append(lit(f"\n• {lesson}"))
        else:
            body.append(
                "\nNo lesson recorded yet: `calm review CASE` after the next one.", style="dim"
            )
        parts.append(
            Panel(body, title="heard this before", title_align="left", border_style="yellow")
        )
    return parts
