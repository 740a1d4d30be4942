"""Interrupted interviews in words: the picker's lines, `calm new --drafts`, and what
`calm new --resume` says before it goes on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from calmcli.cli.output import lit
from calmcli.clock.dates import format_when
from calmcli.domain.answers import lookup
from calmcli.domain.answers import shown as asked
from calmcli.textsafe import one_line
from calmcli.tree.templates import render

if TYPE_CHECKING:
    from calmcli.store.drafts import Draft
    from calmcli.tree.model import Tree


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def whose(draft: Draft) -> str:
    return one_line(draft.customer) or "(no name yet)"


def draft_line(draft: Draft, now: datetime) -> str:
    """One line: whose it is, which tree, how far it got and when it was last touched."""
    return (
        f"{whose(draft)} · {draft.tree_id} · {plural(len(draft.answers), 'answer')} · "
        f"{format_when(draft.updated, now)}"
    )


def drafts_list(found: list[Draft], now: datetime) -> Text:
    """`calm new --drafts`: each draft's id, then its line; and the two things to do next."""
    if not found:
        return Text("No interrupted interviews.")
    out = Text(f"{plural(len(found), 'interrupted interview')}, newest first:\n", style="bold")
    for draft in found:
        out.append(f"  {draft.id}", style="dim")
        out.append_text(lit(f"  {draft_line(draft, now)}\n"))
    out.append("Continue one: calm new --resume DRAFT · throw one away: calm new --discard DRAFT")
    return out


SHOWN = 100
"""How much of the last answer `--resume` repeats."""


def resuming(draft: Draft, tree: Tree, now: datetime) -> Text:
    """What `--resume` says first: whose interview, how far it got, the last answer kept."""
    n = len(draft.answers)
    title = one_line(tree.title) or tree.id
    out = lit(f"Continuing the interview for {whose(draft)} ({title})", "bold")
    out.append_text(lit(f", started {format_when(draft.started, now)}. "))
    out.append(f"{plural(n, 'answer')} kept" + ("; the last:" if n else "."))
    if n:
        node_id, value = list(draft.answers.items())[-1]
        node = tree.nodes.get(node_id)
        answers = lookup(tree, draft.answers, now)
        prompt = render(node.prompt, answers, lambda name: "") if node is not None else node_id
        if node is not None and node.is_question:  # as asked: a ratings grid's rows named
            shown = asked(tree, node, draft.answers, now).display(value, now)
        else:
            shown = str(value)
        line = one_line(shown or "(skipped)")
        if len(line) > SHOWN:  # a reminder of where it stopped, not the whole note again
            line = line[: SHOWN - 1].rstrip() + "…"
        out.append_text(lit(f"\n  {one_line(prompt)}  ", "dim"))
        out.append_text(lit(line))
    return out
