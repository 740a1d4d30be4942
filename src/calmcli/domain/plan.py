"""The call plan: what to say and do on the call, built from a tree's plan wording and the answers.

`build_plan` returns data; `domain.crib` writes it as Markdown for printing, and
`cli.views.plan` draws it with Rich. The wording lives in the tree, so users can change it; calm
only fills the blanks and ranks the options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from calmcli.clock import dates
from calmcli.clock.now import from_iso, to_iso
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

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data, kept in the case so a later change of tree never rewrites it."""
        data = asdict(self)
        data["followup"] = to_iso(self.followup) if self.followup else None
        data["facts"], data["questions"] = list(self.facts), list(self.questions)
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CallPlan:
        """Read back `to_data`; a field a hand edit broke reads as empty rather than failing."""

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
                    RankedOption(
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
            **{k: text(k) for k in _TEXT_FIELDS},
            facts=lines("facts"),
            questions=lines("questions"),
            options=tuple(options),
            followup=followup,
        )


_TEXT_FIELDS = (
    "customer", "phone", "job", "feelings", "reflect", "wants", "apology", "open_question",
    "ask", "escalate", "extra",
)  # fmt: skip


def _rating(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
