"""The call plan of a case made before plans adapted to the call, drawn as calm drew it then."""

from __future__ import annotations

from datetime import datetime

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit
from calmcli.clock import dates
from calmcli.domain.plan_v1 import PlanV1


def call_plan(plan: PlanV1, case_id: str, now: datetime | None = None) -> Panel:
    """The old one-screen plan: a label column and what to say or know."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="right", min_width=12, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")

    def row(label: str, body: str | Text, style: str = "") -> None:
        if body:
            grid.add_row(label, body if isinstance(body, Text) else lit(body, style))

    def bullets(lines: tuple[str, ...] | list[str]) -> Text:
        return Text("\n").join(lit(f"• {line}") for line in lines)

    row("Call", f"{plan.phone or 'no phone noted'}  ·  {plan.job or 'no job noted'}", "bold")
    row("Feels", plan.feelings)
    row("Say first", f"“{plan.reflect}”" if plan.reflect else "", "green")
    row("Facts", bullets(plan.facts) if plan.facts else "")
    row("They want", plan.wants)
    row("Apologise", f"“{plan.apology}”" if plan.apology else "", "green")
    row("Ask", bullets(plan.questions) if plan.questions else "")
    if plan.options:
        lines = Text()
        for i, o in enumerate(plan.options, 1):
            if i > 1:
                lines.append("\n")
            lines.append("★ " if o.top else "  ", style="bold yellow")
            lines.append_text(lit(f"{i}. {o.text}", "bold" if o.top else ""))
            lines.append(
                f"  (feasible {o.feasibility}, cost {o.cost}, speed {o.speed})", style="dim"
            )
        row("Options", lines)
    row("Then ask", bullets([x for x in (plan.open_question, plan.ask) if x]))
    row("Escalate", plan.escalate)
    row("Small extra", plan.extra)
    due = dates.format_when(plan.followup, now) if plan.followup else "not set"
    row("Follow up", due, "bold")
    title = Text.assemble(("Call plan: ", "bold"), (plan.customer, "bold"))
    return Panel(grid, title=title, title_align="left", subtitle=case_id, subtitle_align="right")
