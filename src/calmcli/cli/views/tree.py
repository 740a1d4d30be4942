"""Drawing a tree's flow with Rich: sections, questions and branches. Every text that comes from
the tree file (titles, ids, prompts, labels, values) goes through `lit`, so it is shown literally
and without control characters or bidi overrides."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree as RichTree

from calmcli.cli.output import lit
from calmcli.textsafe import one_line
from calmcli.tree.kinds import Node, QuestionNode
from calmcli.tree.model import END, Tree
from calmcli.tree.parts import Condition

_SIGNS = {"equals": "=", "in": "in", "includes": "includes", "at_least": ">=", "at_most": "<="}


def _cond(c: Condition) -> str:
    if c.op in ("all", "any"):
        joiner = " and " if c.op == "all" else " or "
        return joiner.join(f"({_cond(k)})" for k in c.children)
    if c.op == "not":
        return f"not ({_cond(c.children[0])})"
    if c.op == "answered":
        return f"{c.answer} {'answered' if c.arg else 'skipped'}"
    return f"{c.answer} {_SIGNS.get(c.op, c.op)} {_value(c.arg)}"


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return " or ".join(_value(x) for x in v)
    return str(v)


def _target(t: str) -> str:
    return "end of interview" if t == END else t


def _node_label(node: Node) -> Text:
    label = Text()
    label.append(lit(node.id, "bold"))
    label.append(f"  [{node.kind}]", style="cyan")
    if isinstance(node, QuestionNode) and not node.required:
        label.append(" optional", style="dim")
    if node.role_name:
        label.append(f" role: {node.role_name}", style="green")
    label.append("  ")
    prompt = one_line(node.prompt)
    label.append(prompt if len(prompt) <= 70 else prompt[:69] + "…")
    return label


def tree_flow(tree: Tree) -> RichTree:
    """Sections as branches, nodes under them in order, and where each node can go next."""
    root = RichTree(
        Text.assemble(lit(tree.title, "bold"), lit(f"  ({tree.id}, version {tree.version})"))
    )
    by_section: dict[str, RichTree] = {}
    for section in tree.sections:
        by_section[section.id] = root.add(lit(section.title, "bold magenta"))
    for node_id, node in tree.nodes.items():
        parent = by_section.get(node.section) or root
        branch = parent.add(_node_label(node))
        if node.summary():
            branch.add(lit(node.summary(), "dim"))
        for choice in node.choices:
            line = f"• {choice.shown}" + (
                f" = {choice.value}" if str(choice.value) != choice.shown else ""
            )
            if choice.role:
                line += f"  (role: {choice.role})"
            if choice.next:
                line += f"  → {_target(choice.next)}"
            branch.add(lit(line, "dim" if not choice.next else ""))
        for rule in node.rules:
            if rule.cond is None:
                text = (
                    f"→ {_target(rule.goto)}"
                    if len(node.rules) == 1
                    else f"otherwise → {_target(rule.goto)}"
                )
            else:
                text = f"if {_cond(rule.cond)} → {_target(rule.goto)}"
            branch.add(lit(text, "yellow"))
        if not node.rules and tree.following(node_id) == END:
            branch.add(Text("→ end of interview", style="yellow"))
    return root
