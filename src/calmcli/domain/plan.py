"""The call plan: what to say and do on the call, built from a tree's plan wording and the answers.

`build_plan` returns data; `to_markdown` writes it for printing, and `cli.render` draws it with
Rich. The wording lives in the tree, so users can change it; calm only fills the blanks and ranks
the options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.clock import dates
from calmcli.domain import answers as ans
from calmcli.textsafe import clean
from calmcli.tree.kinds import Node, ScaleNode
from calmcli.tree.model import Tree
from calmcli.tree.spec import Say
from calmcli.tree.templates import render

DEFAULTS = {
    "customer": "{customer_name|the customer}",
    "open_question": "What would make this right for you?",
    "apology": "I'm sorry about how this has turned out, and for the trouble it has caused you.",
}


@dataclass(frozen=True)
class RankedOption:
    text: str
    feasibility: int | None
    cost: int | None
    speed: int | None
    score: float
    top: bool = False


@dataclass(frozen=True)
class CallPlan:
    customer: str
    phone: str
    job: str
    feelings: str
    reflect: str
    facts: tuple[str, ...]
    wants: str
    apology: str
    questions: tuple[str, ...]
    options: tuple[RankedOption, ...]
    open_question: str
    ask: str
    escalate: str
    extra: str
    followup: datetime | None

    @property
    def top_option(self) -> str:
        return self.options[0].text if self.options else ""


def _unit(node: Node, value: Any) -> float:
    """A rating on its scale, as 0..1 (0.5 when missing; the checker makes ratings scales)."""
    return node.unit(value) if isinstance(node, ScaleNode) else 0.5


def rank_options(tree: Tree, answers: Mapping[str, Any]) -> tuple[RankedOption, ...]:
    """Options by feasibility + speed - cost (each rescaled to 0..1); ties keep the tree's order."""
    found: list[RankedOption] = []
    for spec in tree.plan.options:
        text = answers.get(spec.option)
        if text in (None, ""):
            continue
        shown = clean(tree.node(spec.option).display(text))
        f, c, s = (answers.get(spec.feasibility), answers.get(spec.cost), answers.get(spec.speed))
        score = (
            _unit(tree.node(spec.feasibility), f)
            + _unit(tree.node(spec.speed), s)
            + 1
            - _unit(tree.node(spec.cost), c)
        )
        found.append(RankedOption(shown, f, c, s, round(score, 3)))
    ranked = sorted(found, key=lambda o: -o.score)
    return tuple(
        RankedOption(o.text, o.feasibility, o.cost, o.speed, o.score, top=(i == 0))
        for i, o in enumerate(ranked)
    )


def _lines(lines: tuple[Say, ...], answers: Mapping[str, Any], fill: Any) -> tuple[str, ...]:
    out = []
    for line in lines:
        if line.cond is None or line.cond.holds(answers):
            text = fill(line.say).strip()
            if text:
                out.append(text)
    return tuple(out)


def followup_due(tree: Tree, answers: Mapping[str, Any], now: datetime) -> datetime:
    """The check-in time: the tree's follow-up answer, else two working days ahead at 09:00."""
    ref = tree.plan.followup
    value = answers.get(ref) if ref else None
    if value:
        return dates.from_iso(str(value))
    return dates.default_followup(now)


def build_plan(tree: Tree, answers: Mapping[str, Any], now: datetime) -> CallPlan:
    lookup = ans.lookup(tree, answers, now)

    def fill(template: str) -> str:
        return clean(render(template, lookup)).strip()

    def text(key: str) -> str:
        template = tree.plan.text(key) or DEFAULTS.get(key, "")
        return fill(template).strip()

    return CallPlan(
        customer=text("customer") or "the customer",
        phone=text("phone"),
        job=text("job"),
        feelings=text("feelings"),
        reflect=text("reflect"),
        facts=_lines(tree.plan.lines("facts"), answers, fill),
        wants=text("wants"),
        apology=text("apology"),
        questions=_lines(tree.plan.lines("questions"), answers, fill),
        options=rank_options(tree, answers),
        open_question=text("open_question"),
        ask=text("ask"),
        escalate=text("escalate"),
        extra=text("extra"),
        followup=followup_due(tree, answers, now),
    )


def _md(text: str) -> str:
    """User text on one Markdown line, with characters that would start markup escaped."""
    flat = " / ".join(part.strip() for part in clean(text).splitlines() if part.strip())
    for ch in "\\`*_[]<>#|":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def to_markdown(plan: CallPlan, case_id: str, now: datetime | None = None) -> str:
    """The plan as a Markdown page to print or keep open during the call."""
    due = dates.format_when(plan.followup, now) if plan.followup else "not set"
    out = [f"# Call plan: {_md(plan.customer)}", ""]
    out.append(f"- **Phone:** {_md(plan.phone) or 'not recorded'}")
    out.append(f"- **Job:** {_md(plan.job) or 'not recorded'}")
    out.append(f"- **Case:** {case_id}")
    out.append("")

    def section(title: str, body: str | list[str] | tuple[str, ...]) -> None:
        if not body:
            return
        out.append(f"## {title}")
        out.append("")
        if isinstance(body, str):
            out.append(_md(body))
        else:
            out.extend(f"- {_md(line)}" for line in body)
        out.append("")

    section("How they feel", plan.feelings)
    section("Say first, to show you heard", f"“{plan.reflect}”" if plan.reflect else "")
    section("The facts", plan.facts)
    section("What they want", plan.wants)
    section("Apologise, and mean it", f"“{plan.apology}”" if plan.apology else "")
    section("Questions to ask", plan.questions)
    if plan.options:
        out += ["## Options, best first", ""]
        for i, o in enumerate(plan.options, 1):
            mark = " **(top)**" if o.top else ""
            out.append(
                f"{i}. {_md(o.text)}{mark} (feasibility {o.feasibility}, cost to you {o.cost}, "
                f"speed {o.speed})"
            )
        out.append("")
    section("Ask", [x for x in (plan.open_question, plan.ask) if x])
    section("When to escalate", plan.escalate)
    section("A small extra", plan.extra)
    section("Follow up", due)
    return "\n".join(out).rstrip() + "\n"
