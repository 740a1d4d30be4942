"""The options of a call plan, best first, each with its ratings in words.

An option is rated in a ratings question (its row, or the whole question), whose scales say
which end is good (`good: high` for easy or fast, `good: low` for cost); or, in trees written
before ratings questions, on three scale questions (feasibility, cost, speed). Every scale that
says which end is good counts the same; ties keep the tree's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmcli.domain import answers as ans
from calmcli.textsafe import clean
from calmcli.tree.kinds import ScaleNode
from calmcli.tree.model import Tree
from calmcli.tree.ratings import RatingsNode, shown
from calmcli.tree.spec import PlanOption


@dataclass(frozen=True)
class RankedOption:
    text: str
    words: tuple[str, ...]
    """The ratings as the plan says them: "fairly easy", "costs you a little", ..."""
    score: float
    top: bool = False


def said(options: tuple[RankedOption, ...]) -> list[str]:
    """Each option's ratings in words as the plan prints them. A later option says only how it
    differs from the first ("doable, costs you a lot; otherwise the same"), so two options rated
    alike never print the same words twice."""
    out: list[str] = []
    first = options[0].words if options else ()
    for i, option in enumerate(options):
        if i == 0 or len(option.words) != len(first):
            out.append(", ".join(option.words))
            continue
        differ = [w for w, top in zip(option.words, first, strict=True) if w != top]
        if not differ:
            out.append("rated the same")
        elif len(differ) < len(first):
            out.append(", ".join(differ) + "; otherwise the same")
        else:
            out.append(", ".join(differ))
    return out


def rank_options(
    tree: Tree, answers: Mapping[str, Any], now: datetime | None = None
) -> tuple[RankedOption, ...]:
    found: list[RankedOption] = []
    for spec in tree.plan.options:
        value = answers.get(spec.option)
        if value in (None, ""):
            continue
        text = clean(tree.node(spec.option).display(value)).strip()
        if not text:
            continue
        if spec.ratings is not None:
            words, score = _rated(tree, spec, answers, now)
        else:
            words, score = _three_scales(tree, spec, answers)
        found.append(RankedOption(text, words, round(score, 3)))
    ranked = sorted(found, key=lambda o: -o.score)
    return tuple(RankedOption(o.text, o.words, o.score, top=(i == 0)) for i, o in enumerate(ranked))


def _rated(
    tree: Tree, spec: PlanOption, answers: Mapping[str, Any], now: datetime | None
) -> tuple[tuple[str, ...], float]:
    node = ans.shown(tree, tree.node(spec.ratings or ""), answers, now)
    value = answers.get(node.id)
    if not isinstance(node, RatingsNode) or not isinstance(value, Mapping):
        return (), 0.0
    cells = value.get(spec.row or spec.option) if node.rows is not None else value
    if not isinstance(cells, Mapping):
        return (), 0.0
    words: list[str] = []
    units: list[float] = []
    for scale in shown(node.scales):
        point = cells.get(scale.id)
        if not isinstance(point, int) or isinstance(point, bool):
            continue
        words.append(clean(node.word(scale, point)))
        lo, hi = node.range_of(scale)
        unit = (point - lo) / (hi - lo) if hi > lo else 0.5
        if scale.good is not None:
            units.append(unit if scale.good == "high" else 1 - unit)
    return tuple(words), (sum(units) / len(units) if units else 0.5)


def _three_scales(
    tree: Tree, spec: PlanOption, answers: Mapping[str, Any]
) -> tuple[tuple[str, ...], float]:
    if spec.scales is None:
        return (), 0.5
    said = ("easy to do", "cost to you", "speed")
    words: list[str] = []
    units: list[float] = []
    for (node_id, word), good in zip(zip(spec.scales, said, strict=True), (1, -1, 1), strict=True):
        node = tree.node(node_id)
        point = answers.get(node_id)
        if not isinstance(node, ScaleNode) or not isinstance(point, int):
            units.append(0.5)
            continue
        words.append(f"{word} {point}/{node.max}")
        unit = node.unit(point)
        units.append(unit if good > 0 else 1 - unit)
    return tuple(words), sum(units) / len(units)
