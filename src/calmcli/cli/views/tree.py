"""Drawing a tree's flow with Rich: sections, questions and branches, text shown literally."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree as RichTree

from calmcli.cli.output import lit
from calmcli.tree.model import END, Condition, Node, Tree


def _cond(c: Condition) -> str:
    if c.op in ("all", "any"):
        return (
            f" {c.op} ".join(f"({_cond(k)})" for k in c.children)
            .replace(" all ", " and ")
            .replace(" any ", " or ")
        )
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
    return f"{c.answer} {words[c.op]} {_value(c.arg)}"


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
        by_section[section.id] = root.add(lit(section.title, "bold magenta"))
    for node_id, node in tree.nodes.items():
        parent = by_section.get(node.section) or root
        branch = parent.add(_node_label(node))
        if node.kind == "scale":
            labels = ", ".join(f"{k} {v}" for k, v in sorted(node.labels.items()))
            branch.add(
                Text(f"{node.min} to {node.max}" + (f" ({labels})" if labels else ""), style="dim")
            )
        for choice in node.choices:
            line = f"• {choice.label}" + (
                f" = {choice.value}" if str(choice.value) != choice.label else ""
            )
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
            branch.add(Text(text, style="yellow"))
        if not node.rules and tree.following(node_id) == END:
            branch.add(Text("→ end of interview", style="yellow"))
    return root
