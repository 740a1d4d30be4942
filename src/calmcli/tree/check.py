"""Whole-tree checks: ids, references, reachability, loops with no way out, conditions, templates
and the plan's references. A JSON Schema cannot express these (they need the whole tree), so
docs/trees.md lists them as checked by calm only.

They run on every tree calm loads, also on one with problems in its parts (then on what could be
read), so one run of `calm tree check` reports everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calmcli.files import yamlsafe
from calmcli.tree import roles
from calmcli.tree.flow import Flow
from calmcli.tree.kinds import DateNode, Node
from calmcli.tree.model import NOT_SITUATIONS, REQUIRED_SECTIONS, Tree
from calmcli.tree.parts import END, Condition
from calmcli.tree.problems import Collector, P, Problem
from calmcli.tree.ratings import RatingsNode
from calmcli.tree.spec import NODE_TYPES, Avoid, PlanOption
from calmcli.tree.templates import TemplateError, placeholders


def check_tree(
    tree: Tree, doc: yamlsafe.Document, *, file_name: str | None = None
) -> list[Problem]:
    """The tree's whole-tree problems; `file_name` is given for a tree found by its file name."""
    return _Checker(tree, doc, file_name).run()


def _raw_list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


class _Checker:
    def __init__(self, tree: Tree, doc: yamlsafe.Document, file_name: str | None) -> None:
        self.tree = tree
        self.doc = doc
        self.file_name = file_name
        self.found = Collector(doc)
        self.raw_nodes = _raw_list(doc.data, "nodes")
        self.at: dict[str, int] = {}
        """Where each node id first appears in the file's `nodes`."""
        for i, raw in enumerate(self.raw_nodes):
            node_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(node_id, str) and node_id:
                self.at.setdefault(node_id, i)
        self.flow = Flow({n: tree.successors(n) for n in tree.nodes}, tree.start)
        self.questions = {n for n, node in tree.nodes.items() if node.is_question}

    def problem(self, path: P, message: str) -> None:
        self.found.add(path, message)

    def path(self, node_id: str) -> P:
        return ("nodes", self.at[node_id]) if node_id in self.at else ("nodes",)

    def run(self) -> list[Problem]:
        self.ids()
        tree = self.tree
        if tree.start not in tree.nodes:
            self.problem(("start",), f"'start' names no node: {tree.start!r}")
            return self.found.problems
        self.references()
        self.reachability()
        self.templates()
        self.plan()
        self.roles()
        if tree.builtin and tree.id not in NOT_SITUATIONS:
            have = {s.id for s in tree.sections}
            missing = [s for s in REQUIRED_SECTIONS if s not in have]
            if missing:
                self.problem(("sections",), f"built-in trees need sections: {', '.join(missing)}")
        if self.file_name is not None:
            stem = self.file_name.rsplit(".", 1)[0]
            if tree.id and tree.id != stem:
                self.problem(
                    ("id",),
                    f"the file is named {self.file_name}, but the tree's id is {tree.id!r}: calm "
                    f"finds trees in this folder by file name, so rename the file to "
                    f"{tree.id}.yaml or change the id",
                )
        return self.found.problems

    def ids(self) -> None:
        seen: set[str] = set()
        for i, raw in enumerate(self.raw_nodes):
            node_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(node_id, str) or not node_id:
                continue
            if node_id in seen:
                self.problem(("nodes", i, "id"), f"duplicate node id {node_id!r}")
            elif node_id == END:
                self.problem(("nodes", i, "id"), "'end' is reserved for finishing the interview")
            seen.add(node_id)
        sections: set[str] = set()
        for i, raw in enumerate(_raw_list(self.doc.data, "sections")):
            section_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(section_id, str) and section_id in sections:
                self.problem(("sections", i), f"duplicate section id {section_id!r}")
            if isinstance(section_id, str):
                sections.add(section_id)
        known = {s.id for s in self.tree.sections}
        for node_id, node in self.tree.nodes.items():
            raw = self.raw_nodes[self.at[node_id]] if node_id in self.at else {}
            given = isinstance(raw, dict) and isinstance(raw.get("section"), str)
            if given and node.section not in known:
                self.problem((*self.path(node_id), "section"), f"unknown section {node.section!r}")

    def target(self, path: P, goto: str | None) -> None:
        if goto and goto != END and goto not in self.tree.nodes:
            self.problem(path, f"goes to {goto!r}, but no node has that id")

    def references(self) -> None:
        for node_id, node in self.tree.nodes.items():
            path = self.path(node_id)
            for i, choice in enumerate(node.choices):
                self.target((*path, "choices", i, "next"), choice.next)
            if isinstance(node, RatingsNode):
                for sub, cond in node.conditions():

                    def before(answer: str, here: str = node_id) -> bool:
                        return self.flow.is_before(answer, here)

                    self.condition((*path, *sub), cond, before)
            plain = isinstance(node.next, str)
            for i, rule in enumerate(node.rules):
                rpath = (*path, "next") if plain else (*path, "next", i)
                self.target(rpath if plain else (*rpath, "goto"), rule.goto)
                if rule.cond is not None:

                    def asked(answer: str, here: str = node_id) -> bool:
                        return answer == here or self.flow.is_before(answer, here)

                    self.condition((*rpath, "if"), rule.cond, asked)

    def condition(self, path: P, cond: Condition, asked: Callable[[str], bool]) -> None:
        for child in cond.children:
            self.condition(path, child, asked)
        answer = cond.answer
        if answer is None:
            return
        node = self.tree.nodes.get(answer)
        if node is None:
            self.problem(path, f"condition reads {answer!r}, but no node has that id")
        elif not node.is_question:
            self.problem(path, f"condition reads {answer!r}, a note with no answer")
        elif not asked(answer):
            self.problem(path, f"condition reads {answer!r}, which is never asked before here")
        elif cond.op not in node.operators:
            fitting = " or ".join(k.kind for k in NODE_TYPES if cond.op in k.operators)
            if fitting:  # else no operator fits anything: a broken condition, reported already
                message = f"{cond.op!r} needs a {fitting} question; {answer!r} is {node.kind}"
                self.problem(path, message)

    def reachability(self) -> None:
        for node_id in self.tree.nodes:
            if not self.flow.reached(node_id):
                self.problem(self.path(node_id), "unreachable: no path from the start leads here")
            elif not self.flow.finishes(node_id):
                message = "no way out: every path from here loops without ending"
                self.problem(self.path(node_id), message)

    def templates(self) -> None:
        for node_id, node in self.tree.nodes.items():
            base = self.path(node_id)

            def asked(answer: str, here: str = node_id) -> bool:
                return self.flow.is_before(answer, here)

            for sub, text in node.templates():
                self.template((*base, *sub), text, asked)
        plan = self.tree.plan
        for key in plan.TEXTS:
            said = plan.text(key)
            if said:
                self.template(("plan", key), said, lambda _: True)
        for key in plan.LINES:
            for i, item in enumerate(getattr(plan, key)):
                path: P = ("plan", key, i) if isinstance(item, str) else ("plan", key, i, "say")
                self.template(path, item if isinstance(item, str) else item.say, lambda _: True)
        for key in Avoid.KEYS:
            said = getattr(plan.avoid, key)
            if said:
                self.template(("plan", "avoid", key), said, lambda _: True)

    def template(self, path: P, text: str, asked: Callable[[str], bool]) -> None:
        try:
            found = placeholders(text)
        except TemplateError as exc:
            self.problem(path, f"template: {exc}")
            return
        for ph in found:
            name = ph.name
            if name not in self.tree.nodes:
                self.problem(path, f"template names {{{name}}}, but no node has that id")
            elif name not in self.questions:
                self.problem(path, f"template names {{{name}}}, a note with no answer")
            elif not asked(name):
                self.problem(path, f"template names {{{name}}}, which is never asked before here")

    def plan(self) -> None:
        plan = self.tree.plan
        for key in plan.LINES:
            for i, line in enumerate(plan.lines(key)):
                if line.cond is not None:
                    self.condition(("plan", key, i, "if"), line.cond, lambda _: True)
        for i, option in enumerate(plan.options):
            for field, fits in PlanOption.fits.items():
                ref = getattr(option, field)
                if ref is not None:
                    self.reference(("plan", "options", i, field), field, ref, fits)
            rated = self.tree.nodes.get(option.ratings or "")
            if isinstance(rated, RatingsNode):
                row = option.row or option.option
                if rated.rows is None:
                    if option.row is not None:
                        message = f"{option.ratings!r} has no rows, so 'row' cannot name one"
                        self.problem(("plan", "options", i, "row"), message)
                elif row not in {r.id for r in rated.rows}:
                    message = f"{option.ratings!r} has no row {row!r} (name it with 'row')"
                    self.problem(("plan", "options", i), message)
        if plan.followup is not None:
            self.reference(("plan", "followup"), "followup", plan.followup, (DateNode,))

    def roles(self) -> None:
        """A role fits the node's kind and is held by one node; `replaces` names no node here."""
        holder: dict[str, str] = {}
        for node_id, node in self.tree.nodes.items():
            path = self.path(node_id)
            role = node.role_name
            if role is not None:
                if node.kind not in roles.FITS[role]:
                    kinds = " or ".join(roles.FITS[role])
                    message = f"role {role!r} needs a {kinds} question; {node_id!r} is {node.kind}"
                    self.problem((*path, "role"), message)
                elif role in holder:
                    self.problem(
                        (*path, "role"), f"role {role!r} is already held by {holder[role]!r}"
                    )
                holder.setdefault(role, node_id)
            for old in getattr(node, "replaces", ()):
                if old in self.tree.nodes:
                    message = f"replaces {old!r}, but this tree still has a node with that id"
                    self.problem((*path, "replaces"), message)

    def reference(self, path: P, field: str, ref: str, fits: tuple[type[Node], ...]) -> None:
        if not ref:
            return  # left out: reported where it was read
        node = self.tree.nodes.get(ref)
        if node is None:
            self.problem(path, f"{field} names {ref!r}, but no node has that id")
        elif not isinstance(node, fits):
            kinds = " or ".join(k.kind for k in fits)
            self.problem(path, f"{field} must name a {kinds} question")
