"""The call plan: what to say and do on the call, built from a tree's plan wording and the answers.

`build_plan` returns data: the steps of the call in order (make it safe, own the silence, say
back what you heard, ...), the options ranked, and the fuller detail (facts, every question)
that `calm show` and the crib sheet print. `domain.adapt` decides which steps apply; the tree
holds their wording, so users can change it. `domain.crib` writes the plan as Markdown and
`cli.views.plan` draws it with Rich.

A case keeps the plan it was made with (`to_data`, `from_data`). Cases made before the plan
adapted to the call hold the old shape, read by `domain.plan_v1` and drawn the old way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from calmcli.clock import dates
from calmcli.clock.now import from_iso, to_iso
from calmcli.domain import adapt, plan_v1
from calmcli.domain import answers as ans
from calmcli.domain import situation as situations
from calmcli.domain.ranking import RankedOption, rank_options
from calmcli.errors import BadInput
from calmcli.textsafe import clean
from calmcli.tree.model import Tree
from calmcli.tree.templates import render

LAYOUT = 2
"""The shape `to_data` writes; data without `layout` is the old shape (`plan_v1`)."""

__all__ = ["CallPlan", "RankedOption", "Step", "build_plan", "followup_due"]


@dataclass(frozen=True)
class Step:
    """One step of the call: what kind (`adapt.KINDS`), its lines, and whether they are words
    to say aloud."""

    kind: str
    lines: tuple[str, ...]
    said: bool = False


@dataclass(frozen=True)
class CallPlan:
    customer: str
    phone: str
    job: str
    feelings: str
    steps: tuple[Step, ...]
    options: tuple[RankedOption, ...]
    facts: tuple[str, ...]
    """Fuller detail for `calm show` and the crib sheet, never the one-screen plan."""
    questions: tuple[str, ...]
    """Every question still to ask; the plan's `ask` step holds the first few."""
    followup: datetime | None
    situations: tuple[str, ...] = ()
    """Which situations applied (danger, ignored, ...), for `calm show` and tests."""
    level: int | None = None
    v1: plan_v1.PlanV1 | None = None
    """The old plan, for a case made before plans adapted to the call."""

    @property
    def top_option(self) -> str:
        return self.options[0].text if self.options else ""

    def step(self, kind: str) -> Step | None:
        return next((s for s in self.steps if s.kind == kind), None)

    def said(self, kind: str) -> str:
        """A step's lines as one text ("" when the plan has no such step)."""
        step = self.step(kind)
        return " ".join(step.lines) if step is not None else ""

    # The single texts of the old plan's shape, for code written against it.
    @property
    def reflect(self) -> str:
        return self.v1.reflect if self.v1 is not None else self.said("reflect")

    @property
    def apology(self) -> str:
        return self.v1.apology if self.v1 is not None else self.said("apology")

    @property
    def ask(self) -> str:
        return self.v1.ask if self.v1 is not None else self.said("offer")

    @property
    def escalate(self) -> str:
        return self.v1.escalate if self.v1 is not None else self.said("escalate")

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data, kept in the case so a later change of tree never rewrites it."""
        if self.v1 is not None:
            old = asdict(self.v1)
            old["followup"] = to_iso(self.v1.followup) if self.v1.followup else None
            old["facts"], old["questions"] = list(self.v1.facts), list(self.v1.questions)
            return old
        return {
            "layout": LAYOUT,
            "customer": self.customer,
            "phone": self.phone,
            "job": self.job,
            "feelings": self.feelings,
            "steps": [
                {"kind": s.kind, "lines": list(s.lines), **({"said": True} if s.said else {})}
                for s in self.steps
            ],
            "options": [
                {"text": o.text, "words": list(o.words), "score": o.score, "top": o.top}
                for o in self.options
            ],
            "facts": list(self.facts),
            "questions": list(self.questions),
            "followup": to_iso(self.followup) if self.followup else None,
            "situations": list(self.situations),
            "level": self.level,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CallPlan:
        """Read back `to_data`, or the old shape; a field a hand edit broke reads as empty."""
        if data.get("layout") != LAYOUT:
            return cls.of_v1(plan_v1.PlanV1.from_data(data))

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        def lines(value: Any) -> tuple[str, ...]:
            return tuple(str(x) for x in value) if isinstance(value, list) else ()

        steps = tuple(
            Step(str(raw.get("kind") or ""), lines(raw.get("lines")), bool(raw.get("said")))
            for raw in data.get("steps") or []
            if isinstance(raw, dict)
        )
        options = tuple(
            RankedOption(
                raw["text"],
                lines(raw.get("words")),
                _number(raw.get("score")),
                bool(raw.get("top")),
            )
            for raw in data.get("options") or []
            if isinstance(raw, dict) and isinstance(raw.get("text"), str)
        )
        try:
            followup = from_iso(str(data["followup"])) if data.get("followup") else None
        except BadInput:
            followup = None
        level = data.get("level")
        return cls(
            customer=text("customer"),
            phone=text("phone"),
            job=text("job"),
            feelings=text("feelings"),
            steps=steps,
            options=options,
            facts=lines(data.get("facts")),
            questions=lines(data.get("questions")),
            followup=followup,
            situations=lines(data.get("situations")),
            level=level if isinstance(level, int) and not isinstance(level, bool) else None,
        )

    @classmethod
    def of_v1(cls, old: plan_v1.PlanV1) -> CallPlan:
        return cls(
            customer=old.customer,
            phone=old.phone,
            job=old.job,
            feelings=old.feelings,
            steps=(),
            options=tuple(
                RankedOption(
                    o.text,
                    (f"feasible {o.feasibility}", f"cost {o.cost}", f"speed {o.speed}"),
                    o.score,
                    o.top,
                )
                for o in old.options
            ),  # fmt: skip
            facts=old.facts,
            questions=old.questions,
            followup=old.followup,
            v1=old,
        )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def followup_due(tree: Tree, answers: Mapping[str, Any], now: datetime) -> datetime:
    """The check-in time: the tree's follow-up answer, else two working days ahead at 09:00."""
    node = tree.role("followup")
    ref = tree.plan.followup or (node.id if node is not None else None)
    value = answers.get(ref) if ref else None
    if value:
        return dates.from_iso(str(value))
    return dates.default_followup(now)


def _made_with(tree: Tree, answers: Mapping[str, Any]) -> Tree | None:
    """For answers a built-in tree's current version cannot have given (an old case, made before
    plans were stored), the earlier version that asked every one of those questions."""
    if not tree.builtin or set(answers) <= set(tree.nodes):
        return None
    from calmcli.tree import registry

    for old in registry.earlier(tree.id):
        if set(answers) <= set(old.nodes):
            return old
    return None


def build_plan(tree: Tree, answers: Mapping[str, Any], now: datetime) -> CallPlan:
    older = _made_with(tree, answers)
    if older is not None:
        return CallPlan.of_v1(plan_v1.build(older, answers, now))
    lookup = ans.lookup(tree, answers, now)

    def fill(template: str) -> str:
        return clean(render(template, lookup)).strip()

    found = situations.read(tree, answers)
    options = rank_options(tree, answers, now)
    wording = adapt.Wording(tree, answers, fill)
    return CallPlan(
        customer=wording.text("customer") or "the customer",
        phone=wording.text("phone"),
        job=wording.text("job"),
        feelings=wording.text("feelings") or adapt.feelings(found),
        steps=tuple(
            Step(k, lines, said) for k, lines, said in adapt.steps(wording, found, options)
        ),
        options=options,
        facts=wording.lines("facts"),
        questions=tuple(
            q for q in (wording.text("open_question"), *wording.lines("questions")) if q
        ),
        followup=followup_due(tree, answers, now),
        situations=tuple(sorted(found.flags)),
        level=found.level,
    )
