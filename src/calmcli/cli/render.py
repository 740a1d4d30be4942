"""Rich drawings of core data: a tree's flow. Text from files is always shown literally."""

from __future__ import annotations

from datetime import datetime

from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree as RichTree

from .. import dates
from ..plan import CallPlan
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
