"""A prompter that answers from a script, so interview tests run without a terminal.

Each step is `(node_id, answer)`: the engine must be asking `node_id` next, and gets `answer`
(which may be `BACK`, or `DEFAULT` for "pressed Enter": the question's default); or
`("review", None | node_id)`: the engine must be showing the review, and gets None (confirm) or
the id of the answer to change. Anything else the engine does, or
running past the end of the script, fails the test with a message saying what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from calmcli.domain.interview import Question, ReviewRow

REVIEW = "review"


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()
"""A scripted answer meaning "accept what is offered": the prompter returns the default."""


@dataclass(frozen=True)
class Asked:
    """What one prompt showed: the node, the filled-in texts, the default and the error."""

    node_id: str
    prompt: str
    help: str
    section: str
    default: Any
    error: str | None
    can_go_back: bool


class ScriptedPrompter:
    interactive = True

    def __init__(self, steps: Iterable[tuple[str, Any]]) -> None:
        self.steps: list[tuple[str, Any]] = list(steps)
        self.pos = 0
        self.asked: list[Asked] = []
        self.notes: list[str] = []
        self.note_prompts: list[str] = []
        self.reviews: list[list[ReviewRow]] = []

    # -- the Prompter protocol -------------------------------------------------------------

    def note(self, question: Question) -> None:
        self.notes.append(question.node.id)
        self.note_prompts.append(question.prompt)

    def ask(self, question: Question) -> Any:
        self.asked.append(
            Asked(
                question.node.id,
                question.prompt,
                question.help,
                question.section,
                question.default,
                question.error,
                question.can_go_back,
            )
        )
        expected, answer = self._next(f"the question {question.node.id!r}")
        if expected != question.node.id:
            raise AssertionError(
                f"step {self.pos}: the engine asked {question.node.id!r} "
                f"({question.prompt!r}, error={question.error!r}) but the script expected "
                f"{expected!r}; asked so far: {self.asked_ids}"
            )
        return question.default if answer is DEFAULT else answer

    def review(self, rows: list[ReviewRow]) -> str | None:
        self.reviews.append(list(rows))
        expected, choice = self._next("the review")
        if expected != REVIEW:
            raise AssertionError(
                f"step {self.pos}: the engine showed the review but the script expected "
                f"the question {expected!r}; asked so far: {self.asked_ids}"
            )
        return choice

    # -- helpers ---------------------------------------------------------------------------

    def _next(self, what: str) -> tuple[str, Any]:
        if self.pos >= len(self.steps):
            raise AssertionError(
                f"the script ran out after {len(self.steps)} steps, but the engine went on to "
                f"{what}; asked so far: {self.asked_ids}"
            )
        step = self.steps[self.pos]
        self.pos += 1
        return step

    @property
    def asked_ids(self) -> list[str]:
        return [a.node_id for a in self.asked]

    @property
    def done(self) -> bool:
        """True when every scripted step was used."""
        return self.pos == len(self.steps)

    def last(self, node_id: str) -> Asked:
        """The most recent prompt for `node_id`."""
        for a in reversed(self.asked):
            if a.node_id == node_id:
                return a
        raise AssertionError(f"{node_id!r} was never asked; asked: {self.asked_ids}")

    def all_for(self, node_id: str) -> list[Asked]:
        return [a for a in self.asked if a.node_id == node_id]
