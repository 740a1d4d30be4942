"""Whole-tree checks: references, reachability, loops with no way out, and template names.

`check_document` is the single way a tree gets loaded, so every tree calm runs has passed these.
"""

from __future__ import annotations

from collections import deque

from calmcli.files import yamlsafe
from calmcli.tree.loader import P, Problem, TreeInvalid, _Reader, read_tree
from calmcli.tree.model import END, NOT_SITUATIONS, REQUIRED_SECTIONS, Condition, Tree
from calmcli.tree.templates import placeholders


def check_document(doc: yamlsafe.Document, *, builtin: bool = False) -> Tree:
    tree, reader = read_tree(doc, builtin=builtin)
    if tree is not None:
        _Checker(tree, reader).run()
    if reader.problems or tree is None:
        problems = reader.problems or [Problem(1, 1, "tree", "no usable tree here", doc.source)]
        raise TreeInvalid(doc.source, problems)
    return tree


class _Checker:
    def __init__(self, tree: Tree, reader: _Reader) -> None:
        self.tree = tree
        self.reader = reader
        self.reverse: dict[str, set[str]] = {n: set() for n in tree.nodes}
        self.reverse[END] = set()
        for node_id in tree.nodes:
            for succ in tree.successors(node_id):
                if succ in self.reverse:
                    self.reverse[succ].add(node_id)
        self.reachable = self._walk(tree.start, forward=True) if tree.start in tree.nodes else set()

    def problem(self, where: str, path: P, message: str) -> None:
        self.reader.where = where
        self.reader.problem(path, message)

    def _walk(self, first: str, *, forward: bool) -> set[str]:
        seen: set[str] = set()
        todo = deque([first])
        while todo:
            cur = todo.popleft()
            nxt = (
                self.tree.successors(cur)
                if forward and cur in self.tree.nodes
                else self.reverse.get(cur, set())
                if not forward
                else set()
            )
            for n in nxt:
                if n not in seen and (n in self.tree.nodes or n == END):
                    seen.add(n)
                    todo.append(n)
        return seen | ({first} if forward else set())

    def before(self, node_id: str) -> set[str]:
        """Nodes that come before `node_id` on some path from the start."""
        return self._walk(node_id, forward=False) & self.reachable

    def run(self) -> None:
        tree = self.tree
        if tree.start not in tree.nodes:
            self.problem("tree", ("start",), f"'start' names no node: {tree.start!r}")
            return
        self.references()
        self.flow()
        self.templates()
        self.plan()
        if tree.builtin and tree.id not in NOT_SITUATIONS:
            have = {s.id for s in tree.sections}
            missing = [s for s in REQUIRED_SECTIONS if s not in have]
            if missing:
                self.problem(
                    "tree", ("sections",), f"built-in trees need sections: {', '.join(missing)}"
                )

    def target(self, where: str, path: P, goto: str | None) -> None:
        if goto and goto != END and goto not in self.tree.nodes:
            self.problem(where, path, f"goes to {goto!r}, but no node has that id")

    def references(self) -> None:
        for node_id, node in self.tree.nodes.items():
            path = self.reader.node_paths[node_id]
            raw = self.reader.doc.data["nodes"][path[1]]
            for i, choice in enumerate(node.choices):
                self.target(node_id, (*path, "choices", i, "next"), choice.next)
            next_raw = raw.get("next")
            for i, rule in enumerate(node.rules):
                rpath = (*path, "next") if isinstance(next_raw, str) else (*path, "next", i)
                self.target(
                    node_id, rpath if isinstance(next_raw, str) else (*rpath, "goto"), rule.goto
                )
                if rule.cond is not None:
                    allowed = self.before(node_id) | {node_id}
                    self.condition(node_id, (*rpath, "if"), rule.cond, allowed)

    def condition(self, where: str, path: P, cond: Condition, allowed: set[str]) -> None:
        for child in cond.children:
            self.condition(where, path, child, allowed)
        if cond.answer is None:
            return
        node = self.tree.nodes.get(cond.answer)
        if node is None:
            self.problem(where, path, f"condition reads {cond.answer!r}, but no node has that id")
        elif not node.is_question:
            self.problem(where, path, f"condition reads {cond.answer!r}, a note with no answer")
        elif cond.answer not in allowed:
            self.problem(
                where, path, f"condition reads {cond.answer!r}, which is never asked before here"
            )
        elif cond.op == "includes" and node.kind != "multi":
            self.problem(
                where, path, f"'includes' needs a multi question; {cond.answer!r} is {node.kind}"
            )
        elif cond.op in ("at_least", "at_most") and node.kind != "scale":
            self.problem(
                where, path, f"{cond.op!r} needs a scale question; {cond.answer!r} is {node.kind}"
            )

    def flow(self) -> None:
        # A dangling target is reported on its own; count it as an exit so the nodes before
        # it are not also accused of looping.
        exits = {END}
        for node_id in self.tree.nodes:
            if any(t != END and t not in self.tree.nodes for t in self.tree.successors(node_id)):
                exits.add(node_id)
        can_finish: set[str] = set()
        for first in exits:
            can_finish |= self._walk(first, forward=False) | {first}
        for node_id in self.tree.nodes:
            path = self.reader.node_paths[node_id]
            if node_id not in self.reachable:
                self.problem(node_id, path, "unreachable: no path from the start leads here")
            elif node_id not in can_finish:
                self.problem(node_id, path, "no way out: every path from here loops without ending")

    def templates(self) -> None:
        questions = {n for n, node in self.tree.nodes.items() if node.is_question}
        for where, path, template in self.reader.template_paths:
            in_plan = path[0] == "plan"
            if not in_plan and where not in self.tree.nodes:
                continue  # a node dropped for another problem, already reported
            allowed = questions if in_plan else self.before(where) & questions
            for ph in placeholders(template):
                if ph.name not in self.tree.nodes:
                    self.problem(
                        where, path, f"template names {{{ph.name}}}, but no node has that id"
                    )
                elif ph.name not in questions:
                    self.problem(
                        where, path, f"template names {{{ph.name}}}, a note with no answer"
                    )
                elif ph.name not in allowed:
                    self.problem(
                        where,
                        path,
                        f"template names {{{ph.name}}}, which is never asked before here",
                    )

    def plan(self) -> None:
        plan = self.tree.plan
        nodes = self.tree.nodes
        questions = {n for n, node in nodes.items() if node.is_question}
        for key in ("facts", "questions"):
            for i, line in enumerate(getattr(plan, key)):
                if line.cond is not None:
                    self.condition("plan", ("plan", key, i, "if"), line.cond, questions)
        kinds = {"option": ("text", "longtext", "choice"), "feasibility": ("scale",)}
        kinds |= {"cost": ("scale",), "speed": ("scale",)}
        for i, option in enumerate(plan.options):
            for field, want in kinds.items():
                ref = getattr(option, field)
                path: P = ("plan", "options", i, field)
                if ref not in nodes:
                    self.problem("plan", path, f"{field} names {ref!r}, but no node has that id")
                elif nodes[ref].kind not in want:
                    self.problem("plan", path, f"{field} must name a {' or '.join(want)} question")
        if plan.followup is not None:
            ref = plan.followup
            if ref not in nodes:
                self.problem(
                    "plan", ("plan", "followup"), f"followup names {ref!r}, but no node has that id"
                )
            elif nodes[ref].kind != "date":
                self.problem("plan", ("plan", "followup"), "followup must name a date question")
