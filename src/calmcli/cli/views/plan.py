"""The call plan on one screen: a label column and what to do or say, user text literal.

The steps come in the order the call takes (`domain.adapt`); words to say aloud are quoted.
`calm show` asks for the full plan, which adds the facts and every question still to ask.
"""

from __future__ import annotations

from datetime import datetime

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit
from calmcli.clock import dates
from calmcli.domain.plan import CallPlan, Step
from calmcli.domain.ranking import said

LABELS = {
    "safety": "Make safe",
    "own": "Own it",
    "heated": "Listen",
    "reflect": "Say",
    "apology": "Apologise",
    "wants": "They want",
    "ask": "Ask",
    "offer": "Offer",
    "threat": "If pressed",
    "escalate": "Bring in",
    "avoid": "Avoid",
    "extra": "Extra",
    "followup": "Follow up",
}
JOINED = {"avoid": " · "}
"""Steps whose lines share one line; the others' lines are one speech or one instruction."""
APART = ("wants", "ask")
"""Steps whose lines each take a row."""


def call_plan(
    plan: CallPlan, case_id: str, now: datetime | None = None, *, full: bool = False
) -> Panel:
    if plan.v1 is not None:
        from dataclasses import replace

        from calmcli.cli.views import plan_v1

        return plan_v1.call_plan(replace(plan.v1, followup=plan.followup), case_id, now)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")

    def row(label: str, body: Text | Table) -> None:
        if not isinstance(body, Text) or body:
            grid.add_row(label, body)

    call = " · ".join(x for x in (plan.phone or "no number noted", plan.job) if x)
    row("Call", lit(call, "bold"))
    row("Feels", lit(plan.feelings))
    for step in plan.steps:
        label = LABELS.get(step.kind, step.kind.replace("_", " ").capitalize())
        if step.kind == "followup":
            row(label, _followup(plan, step, now))
        elif step.kind in APART or (step.kind == "ask" and full):
            for i, line in enumerate(step.lines):
                row(label if i == 0 else "", lit(f"• {line}" if step.kind == "ask" else line))
        else:
            row(label, _said(step))
        if step.kind == "offer" and plan.options:
            row("", _options(plan))
    if not plan.step("followup"):
        row("Follow up", _followup(plan, Step("followup", ()), now))
    if full:
        row("Facts", Text("\n").join(lit(f"• {f}") for f in plan.facts))
        shown = plan.step("ask")
        rest = [q for q in plan.questions if shown is None or q not in shown.lines]
        row("Also ask", Text("\n").join(lit(f"• {q}") for q in rest))
    title = Text.assemble(("Call plan: ", "bold"), (plan.customer, "bold"))
    return Panel(grid, title=title, title_align="left", subtitle=case_id, subtitle_align="right")


def _said(step: Step) -> Text:
    text = JOINED.get(step.kind, " ").join(step.lines)
    return lit(f"“{text}”", "green") if step.said else lit(text)


def _options(plan: CallPlan) -> Table:
    """Each option on its own lines (wrapped under its text), the best first and marked."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="bold yellow")
    table.add_column(ratio=1, overflow="fold")
    for i, (o, words) in enumerate(zip(plan.options, said(plan.options), strict=True), 1):
        body = lit(o.text, "bold" if o.top else "")
        if o.top and len(plan.options) > 1:
            body.append(" (your pick)", style="bold yellow")
        if words:
            body.append_text(lit(f": {words}", "dim"))
        table.add_row(f"{'★' if o.top else ' '} {i}.", body)
    return table


def _followup(plan: CallPlan, step: Step, now: datetime | None) -> Text:
    due = dates.format_when(plan.followup, now) if plan.followup else "not set"
    out = Text(due, style="bold")
    if step.lines:
        out.append_text(lit(": " + " ".join(step.lines)))
    return out
