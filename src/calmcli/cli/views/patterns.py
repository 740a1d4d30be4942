"""`calm patterns` on screen: bar charts of the counts and the "heard this before" call-outs."""

from __future__ import annotations

from typing import Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit
from calmcli.domain.patterns import SILENT_PER_COMPLAINT, Patterns

BAR_WIDTH = 30


def bars(title: str, counts: dict[str, int]) -> Table | None:
    if not counts:
        return None
    table = Table(title=title, title_justify="left", title_style="bold", box=None, pad_edge=False)
    table.add_column("what", overflow="fold", max_width=36)
    table.add_column("bar")
    table.add_column("n", justify="right")
    top = max(counts.values())
    for label, n in counts.items():
        width = max(1, round(n / top * BAR_WIDTH))
        table.add_row(lit(label.replace("_", " ")), Text("█" * width, style="cyan"), str(n))
    return table


def patterns_view(p: Patterns, since: str) -> list[Any]:
    period = "all time" if p.since is None else f"the last {since}"
    parts: list[Any] = [Text(f"{p.cases} case(s) in {period}", style="bold")]
    if not p.cases:
        return parts
    for title, counts in (
        ("By situation", p.by_situation),
        ("By root cause (from reviews)", p.by_root_cause),
        ("What they wanted", p.by_outcome_wanted),
        ("By month", p.by_month),
        ("Satisfaction at the last check-in", p.satisfaction),
        ("Repeat customers", p.repeat_customers),
        ("By owner", p.by_owner if len(p.by_owner) > 1 else {}),
    ):
        table = bars(title, counts)
        if table is not None:
            parts.append(table)
    r = p.resolution_days
    if r["resolved"]:
        parts.append(
            Text(
                f"Time from first call to close: median {r['median']} days, "
                f"mean {r['mean']}, longest {r['longest']} ({r['resolved']} closed)"
            )
        )
    if p.recurring:
        parts.append(
            Text(
                f"Heard three times or more. Each complaint stands for about "
                f"{SILENT_PER_COMPLAINT} customers who never said anything, so each of these is "
                "worth a change.",
                style="bold yellow",
            )
        )
    for rec in p.recurring:
        body = lit(f"{rec.kind.capitalize()} '{rec.value.replace('_', ' ')}': {rec.count} times.")
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
