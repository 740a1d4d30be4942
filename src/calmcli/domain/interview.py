"""The interview engine: walks a tree, asking through a `Prompter`, with going back, branching,
review-and-edit and answers given in advance. It does no terminal I/O itself, so tests drive it
with a scripted prompter and the CLI with questionary.

State is three maps. `answers` holds the answers on the path walked so far, in order; `prefill`
holds answers given in advance (an answers file, a resumed draft, or the answers after the one
being edited in review), accepted without asking when the walk reaches them; `memory` holds
answers the user walked back past, offered again as defaults. Answers on branches no longer
taken are therefore never part of the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from calmcli.clock import dates
from calmcli.domain import answers as ans
from calmcli.errors import BadInput
from calmcli.tree.kinds import Node, QuestionNode
from calmcli.tree.model import END, Tree
from calmcli.tree.templates import render


class _Back:
    def __repr__(self) -> str:
        return "BACK"


BACK: Any = _Back()
"""What a prompter returns when the user asks to go back to the previous question."""


class NoAnswer(Exception):
    """Raised by a prompter that cannot ask (no terminal, `--no-input`) and has no default."""


@dataclass(frozen=True)
class Question:
    """One prompt, ready to show: texts already filled from earlier answers."""

    node: Node
    prompt: str
    help: str
    section: str
    default: Any
    error: str | None
    can_go_back: bool
    check: Callable[[Any], str | None]
    preview: Callable[[Any], str | None] = lambda raw: None
    """What a raw answer would be stored as, in words ("Thu 3 Dec 09:00" for "thu"), or None
    when it would be refused."""


@dataclass(frozen=True)
class ReviewRow:
    node_id: str
    section: str
    prompt: str
    answer: str


class Prompter(Protocol):
    def note(self, question: Question) -> None: ...

    def ask(self, question: Question) -> Any: ...

    def review(self, rows: list[ReviewRow]) -> str | None: ...


class Interview:
    def __init__(
        self,
        tree: Tree,
        *,
        now: Callable[[], datetime] = dates.local_now,
        prefill: dict[str, Any] | None = None,
        seen_notes: set[str] | None = None,
        on_change: Callable[[Interview], None] | None = None,
    ) -> None:
        self.tree = tree
        self.now = now
        self.answers: dict[str, Any] = {}
        self.path: list[str] = []
        self.prefill: dict[str, Any] = dict(prefill or {})
        self.memory: dict[str, Any] = {}
        self.suggested: dict[str, Any] = {}
        self.seen_notes: set[str] = set(seen_notes or ())
        self.on_change = on_change
        self.problems: list[ans.AnswerProblem] = []

    # -- the walk --------------------------------------------------------------------------

    def run(self, prompter: Prompter) -> dict[str, Any]:
        """Walk to the end, then review until the user confirms; return the answers."""
        self.walk(prompter)
        self._raise_problems()
        while (node_id := prompter.review(self.review_rows())) is not None:
            self.edit(node_id)
            self.walk(prompter)
        return dict(self.answers)

    def walk(self, prompter: Prompter) -> None:
        cur = self.tree.next_id(self.path[-1], self.answers) if self.path else self.tree.start
        steps = 0
        while cur != END:
            steps += 1
            if steps > 20 * len(self.tree.nodes) + 100:
                raise BadInput(f"{self.tree.source}: the interview keeps looping at {cur!r}")
            node = self.tree.node(cur)
            if not isinstance(node, QuestionNode):
                if cur not in self.seen_notes:
                    prompter.note(self.question(node, None, None))
                    self.seen_notes.add(cur)
                    self._changed()
                self.path.append(cur)
            else:
                value = self.obtain(node, prompter)
                if value is BACK:
                    cur = self._rewind()
                    continue
                self.answers[cur] = value
                self.path.append(cur)
                self._changed()
            cur = self.tree.next_id(cur, self.answers)

    def obtain(self, node: QuestionNode, prompter: Prompter) -> Any:
        """An accepted value for `node`: prefilled, or asked until valid; BACK to go back."""
        bound = ans.shown(self.tree, node, self.answers, self.now())
        if isinstance(bound, QuestionNode):
            node = bound
        error: str | None = None
        default = self.memory.get(node.id, self.suggested.get(node.id))
        if default is not None:
            default = node.offer(default, self.now())
        if node.id in self.prefill:
            raw = self.prefill.pop(node.id)
            try:
                return self._accepted(node, raw)
            except ans.Invalid as exc:
                error, default = str(exc), raw
        if default is None:
            default = self.default_for(node)
        while True:
            question = self.question(node, default, error)
            try:
                raw = prompter.ask(question)
            except NoAnswer:
                message = f"{error or 'missing answer'} ({question.prompt})"
                self.problems.append(ans.AnswerProblem(node.id, message))
                return None
            if raw is BACK:
                if self._previous_question() is not None:
                    return BACK
                error = "This is the first question; there is nothing to go back to."
                continue
            try:
                return self._accepted(node, raw)
            except ans.Invalid as exc:
                if getattr(prompter, "interactive", True) is False:
                    self.problems.append(ans.AnswerProblem(node.id, f"{exc} (got {raw!r})"))
                    return None
                error, default = str(exc), raw

    def _accepted(self, node: QuestionNode, raw: Any) -> Any:
        value = ans.accept(node, raw, self.now())
        self.memory.pop(node.id, None)
        return value

    def suggest(self, node_id: str, value: Any) -> None:
        """Offer `value` as the default when `node_id` is asked (a known customer's phone). A
        suggestion is never an answer: it is not kept in a draft and a prefill beats it. None
        takes a suggestion back."""
        if value is None:
            self.suggested.pop(node_id, None)
        else:
            self.suggested[node_id] = value

    # -- going back and editing ---------------------------------------------------------------

    def _previous_question(self) -> int | None:
        for i in range(len(self.path) - 1, -1, -1):
            if self.tree.node(self.path[i]).is_question:
                return i
        return None

    def _rewind(self) -> str:
        """Drop the path back to the previous question; its answer becomes the default."""
        i = self._previous_question()
        assert i is not None
        node_id = self.path[i]
        for dropped in self.path[i:]:
            if dropped in self.answers:
                self.memory[dropped] = self.answers.pop(dropped)
        del self.path[i:]
        self._changed()
        return node_id

    def edit(self, node_id: str) -> None:
        """Re-ask `node_id`; answers after it are kept and reused while their branch still holds.

        In a loop (the node was asked more than once) the walk restarts at its first asking and
        every later answer is offered as a default instead: one stored answer per node cannot
        say which pass through the loop it belonged to.
        """
        if node_id not in self.path:
            raise BadInput(f"{node_id!r} was not asked in this interview")
        i = self.path.index(node_id)
        looped = self.path.count(node_id) > 1
        for later in self.path[i + 1 :]:
            if later in self.answers and later != node_id and later not in self.prefill:
                (self.memory if looped else self.prefill)[later] = self.answers[later]
        if node_id in self.answers:
            self.memory[node_id] = self.answers[node_id]
        for dropped in self.path[i:]:
            self.answers.pop(dropped, None)
        del self.path[i:]
        self._changed()

    # -- what the prompter sees ----------------------------------------------------------------

    def fill(self, template: str, *, holes: bool = False) -> str:
        """A text filled from the answers. An answer not given (and without a fallback) reads
        as its name in brackets, "(customer name)", never as a hole; with `holes` (a default
        value) it is left out."""
        lookup = ans.lookup(self.tree, self.answers, self.now())
        if holes:
            return render(template, lookup)
        return render(template, lookup, missing=lambda name: f"({name.replace('_', ' ')})")

    def default_for(self, node: QuestionNode) -> Any:
        default = node.default
        if isinstance(default, str):
            return node.offer(self.fill(default, holes=True), self.now())
        return default

    def question(self, node: Node, default: Any, error: str | None) -> Question:
        section = self.tree.section(node.section)
        return Question(
            node=node,
            prompt=self.fill(node.prompt),
            help=self.fill(node.help),
            section=section.title if section else node.section,
            default=default,
            error=error,
            can_go_back=self._previous_question() is not None,
            check=lambda raw: self._check(node, raw),
            preview=lambda raw: self._preview(node, raw),
        )

    def _check(self, node: Node, raw: Any) -> str | None:
        try:
            ans.accept(node, raw, self.now())
        except ans.Invalid as exc:
            return str(exc)
        return None

    def _preview(self, node: Node, raw: Any) -> str | None:
        try:
            value = ans.accept(node, raw, self.now())
        except ans.Invalid:
            return None
        return ans.display(node, value, self.now()) if value is not None else None

    def review_rows(self) -> list[ReviewRow]:
        rows = []
        for node_id in self.path:
            node = self.tree.node(node_id)
            if node.is_question:
                section = self.tree.section(node.section)
                node = ans.shown(self.tree, node, self.answers, self.now())
                shown = ans.display(node, self.answers.get(node_id), self.now())
                rows.append(
                    ReviewRow(
                        node_id,
                        section.title if section else node.section,
                        self.fill(node.prompt),
                        shown if shown else "(skipped)",
                    )
                )
        return rows

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    def _raise_problems(self) -> None:
        if self.problems:
            raise MissingAnswers(self.tree.id, self.problems)


class MissingAnswers(BadInput):
    """Answers a run without prompts could not get; `problems` names each question."""

    def __init__(self, tree_id: str, problems: list[ans.AnswerProblem]) -> None:
        n = len(problems)
        super().__init__(
            f"{n} answer{'s' if n > 1 else ''} missing or invalid for tree {tree_id!r}; "
            "give them in the --answers file",
            details=[str(p) for p in problems],
        )
        self.problems = problems


class NonInteractive:
    """The prompter for `--no-input`: defaults are taken, anything else is reported missing."""

    interactive = False

    def note(self, question: Question) -> None:
        return None

    def ask(self, question: Question) -> Any:
        required = isinstance(question.node, QuestionNode) and question.node.required
        if question.error or (question.default is None and required):
            raise NoAnswer(question.node.id)
        return question.default

    def review(self, rows: list[ReviewRow]) -> str | None:
        return None
