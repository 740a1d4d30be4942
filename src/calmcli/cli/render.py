"""Rich drawings of core data: a tree's flow. Text from files is always shown literally."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree as RichTree

from .. import dates
from ..followups import Due
from ..plan import CallPlan
from ..store import Case
from ..tree.model import END, Condition, Node, Tree


def _cond(c: Condition) -> str:
    if c.op in ("all", "any"):
        return f" {c.op} ".join(f"({_cond(k)})" for k in c.children).replace(" all ", " and ").replace(" any ", " or ")
    if c.op == "not":
        return f"not ({_cond(c.children[0])})"
    words = {
        "equals": "=",
        "in": "in",
        "includes": "includes",
        "at_least": ">=",
        "at_most": "<=",
    }
    if c.op == "answered":
        return f"{c.answer} {'answered' if c.arg else 'skipped'}"
    return f"{c.answer} {words[c.op]} {c.arg!r}"


def _target(t: str) -> str:
    return "end of interview" if t == END else t


def _node_label(node: Node) -> Text:
    label = Text()
    label.append(node.id, style="bold")
    label.append(f"  [{node.kind}]", style="cyan")
    if node.is_question and not node.required:
        label.append(" optional", style="dim")
    label.append("  ")
    prompt = " ".join(node.prompt.split())
    label.append(prompt if len(prompt) <= 70 else prompt[:69] + "…")
    return label


def tree_flow(tree: Tree) -> RichTree:
    """Sections as branches, nodes under them in order, and where each node can go next."""
    root = RichTree(Text.assemble((tree.title, "bold"), f"  ({tree.id}, version {tree.version})"))
    by_section: dict[str, RichTree] = {}
    for section in tree.sections:
        by_section[section.id] = root.add(Text(section.title, style="bold magenta"))
    for node_id, node in tree.nodes.items():
        parent = by_section.get(node.section) or root
        branch = parent.add(_node_label(node))
        if node.kind == "scale":
            labels = ", ".join(f"{k} {v}" for k, v in sorted(node.labels.items()))
            branch.add(Text(f"{node.min} to {node.max}" + (f" ({labels})" if labels else ""), style="dim"))
        for choice in node.choices:
            line = f"• {choice.label}" + (f" = {choice.value}" if str(choice.value) != choice.label else "")
            if choice.next:
                line += f"  → {_target(choice.next)}"
            branch.add(Text(line, style="dim" if not choice.next else ""))
        for rule in node.rules:
            if rule.cond is None:
                text = f"→ {_target(rule.goto)}" if len(node.rules) == 1 else f"otherwise → {_target(rule.goto)}"
            else:
                text = f"if {_cond(rule.cond)} → {_target(rule.goto)}"
            branch.add(Text(text, style="yellow"))
        if not node.rules and tree.following(node_id) == END:
            branch.add(Text("→ end of interview", style="yellow"))
    return root


def call_plan(plan: CallPlan, case_id: str, now: datetime | None = None) -> Panel:
    """The one-screen plan: a label column and what to say or know, user text shown literally."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="right", min_width=12, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")

    def row(label: str, body: str | Text, style: str = "") -> None:
        if body:
            grid.add_row(label, body if isinstance(body, Text) else Text(body, style=style))

    def bullets(lines: tuple[str, ...] | list[str]) -> Text:
        return Text("\n").join(Text(f"• {line}") for line in lines)

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
            lines.append(f"{i}. {o.text}", style="bold" if o.top else "")
            lines.append(f"  (feasible {o.feasibility}, cost {o.cost}, speed {o.speed})", style="dim")
        row("Options", lines)
    row("Then ask", bullets([x for x in (plan.open_question, plan.ask) if x]))
    row("Escalate", plan.escalate)
    row("Small extra", plan.extra)
    due = dates.format_when(plan.followup, now) if plan.followup else "not set"
    row("Follow up", due, "bold")
    title = Text.assemble(("Call plan: ", "bold"), (plan.customer, "bold"))
    return Panel(grid, title=title, title_align="left", subtitle=case_id, subtitle_align="right")


def due_table(items: list[Due], now: datetime) -> Table:
    """Due check-ins: overdue ones highlighted with how late they are."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("due", "customer", "phone", "job", "planned", "case"):
        table.add_column(name, overflow="fold")
    for item in items:
        when = dates.format_when(item.due, now) if item.due else "not set"
        if item.state == "overdue":
            s = "" if item.days_overdue == 1 else "s"
            due = Text(f"{when}\noverdue {item.days_overdue} day{s}", style="bold red")
        elif item.state == "today":
            due = Text(f"{when}\ntoday", style="bold yellow")
        else:
            due = Text(when)
        row = item.row
        table.add_row(due, Text(row.customer), Text(row.phone), Text(row.job), Text(row.planned), Text(row.id, style="dim"))
    return table


def _plan_for(case: Case) -> CallPlan | None:
    """The case's call plan, rebuilt from its answers with its tree (None if the tree is gone)."""
    from ..errors import CalmError
    from ..plan import build_plan
    from ..tree import registry

    try:
        tree = registry.resolve(case.tree_id)
        return build_plan(tree, case.answers, case.created)
    except (CalmError, KeyError):
        return None


def case_view(case: Case) -> list[Any]:
    """Everything about a case, for `calm show`."""
    now = dates.local_now()
    parts: list[Any] = []
    plan = _plan_for(case)
    if plan is not None:
        parts.append(call_plan(plan, case.id, now))
    else:
        parts.append(Text(f"Case {case.id}: {case.customer} ({case.job})", style="bold"))
    status = Text(f"Status: {case.status}", style="bold")
    if case.status == "open" and case.followup_due:
        status.append(f"   next check-in {dates.format_when(case.followup_due, now)}")
    parts.append(status)
    if case.outcome:
        o = case.outcome
        body = Text(f"Agreed: {o.get('option') or '-'}")
        for a in o.get("actions") or []:
            due = f" (by {_when(a.get('due'), now)})" if a.get("due") else ""
            body.append(f"\n• {a.get('what')}{due}")
        if o.get("notes"):
            body.append(f"\nNotes: {o['notes']}")
        parts.append(Panel(body, title="What was agreed", title_align="left"))
    if case.checkins:
        table = Table(title="Check-ins", title_justify="left", box=None, pad_edge=False)
        for name in ("when", "reached", "satisfaction", "feedback"):
            table.add_column(name, overflow="fold")
        for c in case.checkins:
            table.add_row(
                _when(c.get("at"), now),
                "yes" if c.get("reached") else "no",
                str(c.get("satisfaction") or "-"),
                Text(str(c.get("feedback") or "")),
            )
        parts.append(table)
    if case.review:
        parts.append(review_panel(case.review))
    history = Table(title="History", title_justify="left", box=None, pad_edge=False)
    history.add_column("when")
    history.add_column("event")
    history.add_column("details", overflow="fold")
    for event in case.history:
        details = ", ".join(f"{k}: {v}" for k, v in event.items() if k not in ("at", "event"))
        history.add_row(_when(event.get("at"), now), str(event.get("event")), Text(details))
    parts.append(history)
    return parts


def review_panel(review: dict[str, Any]) -> Panel:
    body = Text()
    for key, label in REVIEW_LABELS:
        value = review.get(key)
        if value not in (None, ""):
            if body:
                body.append("\n")
            body.append(f"{label}: ", style="bold")
            body.append(str(value))
    return Panel(body, title="Review", title_align="left")


REVIEW_LABELS = (
    ("led_to", "What led to it"),
    ("avoidable", "Avoidable"),
    ("effective", "Resolution effective"),
    ("root_cause", "Root cause"),
    ("change", "Change to make"),
    ("lesson", "Lesson"),
)


def _when(value: Any, now: datetime) -> str:
    from ..errors import BadInput

    try:
        return dates.format_when(dates.from_iso(str(value)), now)
    except BadInput:
        return str(value)


def case_markdown(case: Case) -> str:
    """What happened after the plan, as Markdown (for `calm export --format md`)."""
    from ..plan import _md

    now = dates.local_now()
    lines = [f"## Status: {case.status}", ""]
    if case.status == "open" and case.followup_due:
        lines += [f"Next check-in: {dates.format_when(case.followup_due, now)}", ""]
    if case.outcome:
        lines += ["## What was agreed", "", f"- Option: {_md(str(case.outcome.get('option') or '-'))}"]
        for a in case.outcome.get("actions") or []:
            due = f" (by {_when(a.get('due'), now)})" if a.get("due") else ""
            lines.append(f"- Action: {_md(str(a.get('what')))}{due}")
        if case.outcome.get("notes"):
            lines.append(f"- Notes: {_md(str(case.outcome['notes']))}")
        lines.append("")
    if case.checkins:
        lines += ["## Check-ins", ""]
        for c in case.checkins:
            reached = "reached" if c.get("reached") else "not reached"
            lines.append(
                f"- {_when(c.get('at'), now)}: {reached}, {c.get('satisfaction') or '-'}; "
                f"{_md(str(c.get('feedback') or ''))}"
            )
        lines.append("")
    if case.review:
        lines += ["## Review", ""]
        lines += [f"- {label}: {_md(str(case.review[k]))}" for k, label in REVIEW_LABELS if case.review.get(k) not in (None, "")]
        lines.append("")
    lines += ["## History", ""]
    for e in case.history:
        details = ", ".join(f"{k}: {v}" for k, v in e.items() if k not in ("at", "event"))
        lines.append(f"- {_when(e.get('at'), now)} {e.get('event')}" + (f" ({_md(details)})" if details else ""))
    return "\n".join(lines) + "\n"
