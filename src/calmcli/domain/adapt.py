"""Which steps a call plan takes, in which order: the rules that make the plan fit the call.

- Something unsafe now: the plan opens with making it safe (the action and a time).
- Nobody got back to them, or it came back after a fix: that is owned first, and stands in for
  the general apology.
- Feelings at 4-5: a reminder for the call itself, to let them finish and not correct yet.
- Feelings at 1-2: a light plan: the brief apology, one question, no escalation, fewer warnings.
- A date that matters: named beside what they want (each option says if it meets it).
- A threat of a review or a solicitor: a calm boundary.
- Someone to bring in: said only when someone is, with who and when.
- Always: the few mistakes that matter most for this call, and what to ask at the check-in.

The wording comes from the tree's `plan`; the defaults below serve trees that leave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from calmcli.domain.ranking import RankedOption
from calmcli.domain.situation import Situation
from calmcli.tree.model import Tree
from calmcli.tree.spec import Avoid

KINDS = (
    "safety", "own", "heated", "reflect", "apology", "wants", "ask", "offer", "threat",
    "escalate", "avoid", "extra", "followup",
)  # fmt: skip

DEFAULTS: dict[str, tuple[str, ...]] = {
    "customer": ("{customer_name|the customer}",),
    "apology": ("I'm sorry about how this has turned out, and for the trouble it's caused you.",),
    "safety": ("Make it safe first: say what you will do, and by when.",),
    "ignored": ("I'm sorry nobody got back to you. That shouldn't have happened.",),
    "repeat": ("I'm sorry it's come back after we said it was fixed. That's on us.",),
    "heated": ("Let them finish. Don't explain or correct anything yet.",),
    "threat": (
        "Stay calm and don't argue the point.",
        "Apologise for how it turned out; admit nothing beyond that.",
        "Say who will take it from here, and when.",
    ),
    "choose": ("Which of these would suit you better?",),
    "ask": ("Would that work for you?",),
    "at_followup": (
        "Is it all sorted now?",
        "How did you feel we handled it?",
        "Thank them for telling you.",
    ),
}
AVOID_WORDS = {
    "interrupting": "interrupting",
    "assuming": "assuming you know what they mean",
    "dismissing": "playing it down",
    "defensive": "explaining or defending too soon",
    "blaming": "blaming anyone",
    "overpromising": "promising what you can't keep",
    "forgetting": "forgetting the follow-up",
}


class Wording:
    """The tree's plan wording, filled from the answers (defaults where the tree is silent)."""

    def __init__(self, tree: Tree, answers: Mapping[str, Any], fill: Callable[[str], str]):
        self.plan = tree.plan
        self.answers = answers
        self.fill = fill

    def text(self, key: str) -> str:
        template = self.plan.text(key) if key in self.plan.TEXTS else None
        if template is None:
            template = DEFAULTS.get(key, ("",))[0]
        return self.fill(template)

    def lines(self, key: str) -> tuple[str, ...]:
        said = [
            self.fill(line.say)
            for line in self.plan.lines(key)
            if line.cond is None or line.cond.holds(self.answers)
        ]
        if not self.plan.lines(key):
            said = [self.fill(t) for t in DEFAULTS.get(key, ())]
        return tuple(s for s in said if s)

    def avoid(self, key: str) -> str:
        template = getattr(self.plan.avoid, key)
        return self.fill(template) if template else AVOID_WORDS[key]


def feelings(found: Situation) -> str:
    """How they feel, in a few words: "frustrated (4/5); also let down"."""
    if not found.feelings:
        return f"{found.level}/5" if found.level is not None else ""
    main = found.feelings[0] + (f" ({found.level}/5)" if found.level is not None else "")
    others = found.feelings[1:]
    return main + (f"; also {', '.join(others)}" if others else "")


Steps = list[tuple[str, tuple[str, ...], bool]]


def steps(words: Wording, found: Situation, options: tuple[RankedOption, ...]) -> Steps:
    out: Steps = []

    def add(kind: str, lines: tuple[str, ...] | list[str], said: bool = False) -> None:
        lines = tuple(x for x in lines if x)
        if lines:
            out.append((kind, lines, said))

    if found.has("danger"):
        add("safety", words.lines("safety"))
    own = (words.lines("ignored") if found.has("ignored") else ()) + (
        words.lines("repeat") if found.has("repeat") else ()
    )
    add("own", own, said=True)
    if found.heated:
        add("heated", words.lines("heated"))
    add("reflect", [words.text("reflect")], said=True)
    if not own:
        apology = words.text("brief_apology") if found.mild else words.text("apology")
        add("apology", [apology], said=True)
    deadline = words.text("deadline") if found.has("deadline") else ""
    add("wants", [words.text("wants"), deadline])
    limit = 1 if found.mild else 2
    questions = [q for q in (words.text("open_question"), *words.lines("questions")) if q]
    add("ask", questions[:limit])
    if options:
        add("offer", [words.text("choose" if len(options) > 1 else "ask")], said=True)
    if found.has("threat"):
        add("threat", words.lines("threat"))
    if found.has("escalate") and (not found.mild or found.has("threat") or found.has("danger")):
        add("escalate", [words.text("escalate")])
    add("avoid", [words.avoid(key) for key in mistakes(found)])
    if not found.mild:
        add("extra", [words.text("extra")])
    add("followup", words.lines("at_followup"))
    return out


def mistakes(found: Situation) -> list[str]:
    """The three or four mistakes that matter most on this call, most important first."""
    has, level = found.has, found.level or 3
    feels = {f.casefold() for f in found.feelings[:3]}
    score = {key: 0.0 for key in Avoid.KEYS}
    score["interrupting"] += 2 * (level >= 3) + 3 * (level >= 4) + has("danger")
    score["assuming"] += 1 + 2 * has("danger") + 3 * any("confused" in f for f in feels)
    score["dismissing"] += 3 * (level <= 2) + 2 * has("repeat") + has("danger")
    score["defensive"] += 1 + 3 * (level >= 4) + 3 * has("threat") + 2 * has("repeat")
    score["defensive"] += has("ignored")
    score["blaming"] += 3 * has("threat") + has("repeat") + has("deadline")
    score["overpromising"] += 1 + 3 * has("deadline") + 2 * has("danger") + 2 * has("ignored")
    score["overpromising"] += 2 * any("trust" in f for f in feels)
    score["forgetting"] += 1 + 3 * has("ignored") + 2 * any("ignored" in f for f in feels)
    order = sorted(Avoid.KEYS, key=lambda k: (-score[k], Avoid.KEYS.index(k)))
    return order[: 3 if level <= 2 else 4]
