"""Which nodes a walk can reach, which can finish, and which can come before which.

All in time linear in the size of the tree (plus bit operations): "can X come before Y" is asked
for every template and condition, and a walk per question made checking a 10,000-node tree take
over a minute. Ancestors are kept as bit sets (Python ints), one per strongly connected
component, filled in topological order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from calmcli.tree.parts import END


class Flow:
    """`succ` maps each node to the nodes (or END, or a dangling id) that can follow it."""

    def __init__(self, succ: Mapping[str, Iterable[str]], start: str) -> None:
        self.ids = list(succ)
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        n = len(self.ids)
        self.edges: list[list[int]] = [[] for _ in range(n)]
        self.exits: set[int] = set()
        """Nodes that can end the walk: they lead to END or to an id no node has."""
        for node_id, targets in succ.items():
            i = self.index[node_id]
            for t in targets:
                if t in self.index:  # a node (even one wrongly named "end", reported as such)
                    self.edges[i].append(self.index[t])
                if t == END or t not in self.index:
                    self.exits.add(i)  # the end, or an id no node has (reported on its own)
        first = {self.index[start]} if start in self.index else set()
        self.reachable = self._bits(self._forward(first))
        self.can_finish = self._backward(self.exits)
        self._component: list[int] = [0] * n
        self._ancestors = self._ancestor_bits()

    def reached(self, node_id: str) -> bool:
        return bool(self.reachable >> self.index[node_id] & 1)

    def finishes(self, node_id: str) -> bool:
        return self.index[node_id] in self.can_finish

    def before(self, node_id: str) -> int:
        """Bits of the nodes that come before `node_id` on some path from the start."""
        i = self.index[node_id]
        return self._ancestors[self._component[i]] & self.reachable

    def is_before(self, earlier: str, node_id: str) -> bool:
        j = self.index.get(earlier)
        return j is not None and bool(self.before(node_id) >> j & 1)

    # -- the work ---------------------------------------------------------------------------------

    @staticmethod
    def _bits(nodes: Iterable[int]) -> int:
        out = 0
        for i in nodes:
            out |= 1 << i
        return out

    def _forward(self, first: set[int]) -> set[int]:
        seen, todo = set(first), deque(first)
        while todo:
            for j in self.edges[todo.popleft()]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return seen

    def _backward(self, first: set[int]) -> set[int]:
        preds: list[list[int]] = [[] for _ in self.ids]
        for i, targets in enumerate(self.edges):
            for j in targets:
                preds[j].append(i)
        seen, todo = set(first), deque(first)
        while todo:
            for j in preds[todo.popleft()]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return seen

    def _ancestor_bits(self) -> list[int]:
        components = self._components()
        for c, members in enumerate(components):
            for i in members:
                self._component[i] = c
        ancestors = [0] * len(components)
        # Tarjan finds components in reverse topological order: walk them the other way, so a
        # component's ancestors are complete before they are passed on.
        for c in range(len(components) - 1, -1, -1):
            members = components[c]
            inside = self._bits(members)
            cyclic = len(members) > 1 or members[0] in self.edges[members[0]]
            if cyclic:
                ancestors[c] |= inside
            passed = ancestors[c] | inside
            for i in members:
                for j in self.edges[i]:
                    d = self._component[j]
                    if d != c:
                        ancestors[d] |= passed
        return ancestors

    def _components(self) -> list[list[int]]:
        """Strongly connected components (Tarjan's algorithm, without recursion)."""
        n = len(self.ids)
        index = [-1] * n
        low = [0] * n
        on_stack = [False] * n
        stack: list[int] = []
        out: list[list[int]] = []
        counter = 0
        for root in range(n):
            if index[root] != -1:
                continue
            work = [(root, 0)]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack[root] = True
            while work:
                v, k = work[-1]
                if k < len(self.edges[v]):
                    work[-1] = (v, k + 1)
                    w = self.edges[v][k]
                    if index[w] == -1:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack[w] = True
                        work.append((w, 0))
                    elif on_stack[w]:
                        low[v] = min(low[v], index[w])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        members.append(w)
                        if w == v:
                            break
                    out.append(members)
        return out
