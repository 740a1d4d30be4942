"""'heard this before': what `calm new` recalls of earlier cases of a customer or situation."""

from __future__ import annotations

from rich.panel import Panel

from calmcli.cli.output import lit
from calmcli.domain.summary import CaseSummary
from calmcli.textsafe import one_line


def recall_panel(earlier: list[CaseSummary], what: str) -> Panel | None:
    """A short note on earlier cases, newest first (None when there are none)."""
    if not earlier:
        return None
    last = earlier[0]
    n = len(earlier)
    body = lit(f"You've had {n} earlier case{'s' if n > 1 else ''} with {one_line(what)}.")
    feeling = {"not": "not satisfied", "partly": "partly satisfied"}.get(last.satisfaction)
    outcome = last.status + (f", {feeling or last.satisfaction}" if last.satisfaction else "")
    body.append(lit(f"\nLast: {last.id}, {last.job or 'no job noted'} ({outcome})."))
    lesson = next((r.lesson for r in earlier if r.lesson), "")
    if lesson:
        body.append(lit(f"\nLast lesson: {lesson}", "bold"))
    return Panel(
        body, title="heard this before", title_align="left", border_style="yellow", expand=False
    )
