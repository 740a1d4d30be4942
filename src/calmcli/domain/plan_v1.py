"""The call plan as calm made it before the plan adapted to the call (case files up to tree
version 1), kept so that old cases show and export exactly what they did then.

`PlanV1` is the old `CallPlan`: `from_data` reads what those cases stored, `build` rebuilds one
for a case made before plans were stored (with the tree version it was made with, from
trees/earlier/), and `markdown` is the old crib-sheet text. `cli.views.plan_v1` draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.clock import dates
from calmcli.clock.dates import format_when
from calmcli.clock.now import from_iso
from calmcli.domain import answers as ans
from calmcli.errors import BadInput
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
class RankedOptionV1:
    text: str
    feasibility: int | None
    cost: int | None
    speed: int | None
    score: float
    top: bool = False


@dataclass(frozen=True)
class PlanV1:
    customer: str
    phone: str
    job: str
    feelings: str
    reflect: str
    facts: tuple[str, ...]
    wants: str
    apology: str
    questions: tuple[str, ...]
    options: tuple[RankedOptionV1, ...]
    open_question: str
    ask: str
    escalate: str
    extra: str
    followup: datetime | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlanV1:
        """Read what old cases stored; a field a hand edit broke reads as empty."""

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        def lines(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(str(x) for x in value) if isinstance(value, list) else ()

        options = []
        for raw in data.get("options") or []:
            if isinstance(raw, dict) and isinstance(raw.get("text"), str):
                options.append(
                    RankedOptionV1(
                        raw["text"],
                        _rating(raw.get("feasibility")),
                        _rating(raw.get("cost")),
                        _rating(raw.get("speed")),
                        float(raw.get("score") or 0),
                        bool(raw.get("top")),
                    )
                )
        try:
            followup = from_iso(str(data["followup"])) if data.get("followup") else None
        except BadInput:
            followup = None
        return cls(
            **{k: text(k) for k in TEXT_FIELDS},
            facts=lines("facts"),
            questions=lines("questions"),
            options=tuple(options),
            followup=followup,
        )


TEXT_FIELDS = (
    "customer", "phone", "job", "feelings", "reflect", "wants", "apology", "open_question",
    "ask", "escalate", "extra",
)  # fmt: skip


def _rating(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _unit(node: Node, value: Any) -> float:
    return node.unit(value) if isinstance(node, ScaleNode) else 0.5


def _rank(tree: Tree, answers: Mapping[str, Any]) -> tuple[RankedOptionV1, ...]:
    found: list[RankedOptionV1] = []
    for spec in tree.plan.options:
        text = answers.get(spec.option)
        if text in (None, "") or spec.scales is None:
            continue
        shown = clean(tree.node(spec.option).display(text))
        f_id, c_id, s_id = spec.scales
        f, c, s = (answers.get(f_id), answers.get(c_id), answers.get(s_id))
        score = (
            _unit(tree.node(f_id), f) + _unit(tree.node(s_id), s) + 1 - _unit(tree.node(c_id), c)
        )
        found.append(RankedOptionV1(shown, f, c, s, round(score, 3)))
    ranked = sorted(found, key=lambda o: -o.score)
    return tuple(
        RankedOptionV1(o.text, o.feasibility, o.cost, o.speed, o.score, top=(i == 0))
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


def build(tree: Tree, answers: Mapping[str, Any], now: datetime) -> PlanV1:
    """The plan the version-1 trees made (a case's `created` time as `now`)."""
    lookup = ans.lookup(tree, answers, now)

    def fill(template: str) -> str:
        return clean(render(template, lookup)).strip()

    def text(key: str) -> str:
        return fill(tree.plan.text(key) or DEFAULTS.get(key, "")).strip()

    ref = tree.plan.followup
    value = answers.get(ref) if ref else None
    followup = dates.from_iso(str(value)) if value else dates.default_followup(now)
    return PlanV1(
        customer=text("customer") or "the customer",
        phone=text("phone"),
        job=text("job"),
        feelings=text("feelings"),
        reflect=text("reflect"),
        facts=_lines(tree.plan.lines("facts"), answers, fill),
        wants=text("wants"),
        apology=text("apology"),
        questions=_lines(tree.plan.lines("questions"), answers, fill),
        options=_rank(tree, answers),
        open_question=text("open_question"),
        ask=text("ask"),
        escalate=text("escalate"),
        extra=text("extra"),
        followup=followup,
    )


def markdown(plan: PlanV1, case_id: str, now: datetime | None, md: Any) -> str:
    """The old crib sheet's plan part (`md` makes user text safe on a Markdown line)."""
    due = format_when(plan.followup, now) if plan.followup else "not set"
    out = [f"# Call plan: {md(plan.customer)}", ""]
    out.append(f"- **Phone:** {md(plan.phone) or 'not recorded'}")
    out.append(f"- **Job:** {md(plan.job) or 'not recorded'}")
    out.append(f"- **Case:** {case_id}")
    out.append("")

    def section(title: str, body: str | tuple[str, ...] | list[str]) -> None:
        if not body:
            return
        out.append(f"## {title}")
        out.append("")
        if isinstance(body, str):
            out.append(md(body))
        else:
            out.extend(f"- {md(line)}" for line in body)
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
                f"{i}. {md(o.text)}{mark} (feasibility {o.feasibility}, cost to you {o.cost}, "
                f"speed {o.speed})"
            )
        out.append("")
    section("Ask", [x for x in (plan.open_question, plan.ask) if x])
    section("When to escalate", plan.escalate)
    section("A small extra", plan.extra)
    section("Follow up", due)
    return "\n".join(out).rstrip() + "\n"
