"""The one adapter between the interview engine and questionary (imported only by `calm new`).

Every prompt gets the same extra key: Ctrl-B goes back to the previous question. Optional
questions can be skipped with an empty answer (or the "skip" choice). Ctrl-C raises
KeyboardInterrupt; the caller keeps the draft.
"""

from __future__ import annotations

from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from calmcli.cli.output import lit
from calmcli.domain.interview import BACK, Question, ReviewRow
from calmcli.textsafe import clean, one_line
from calmcli.tree.kinds import QuestionNode

BACK_KEY = "c-b"
BACK_HINT = "Ctrl-B: back"
SKIP = "__calm_skip__"
CONFIRM = "__calm_confirm__"

STYLE = questionary.Style([("qmark", "fg:ansicyan bold"), ("instruction", "fg:ansibrightblack")])


def ask(question: questionary.Question, *, back: bool = False) -> Any:
    """Show a prompt and return the answer; Ctrl-C or `kill -INT` raise KeyboardInterrupt, and
    with `back` Ctrl-B returns BACK."""
    keys = KeyBindings()

    @keys.add(Keys.SIGINT)  # prompt_toolkit turns a SIGINT into this key; select lacks it
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    if back:

        @keys.add(BACK_KEY, eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=BACK)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
    return question.unsafe_ask()


class Asker:
    """Small one-off prompts for the after-call commands (`log`, `followup done`)."""

    def confirm(self, message: str, default: bool) -> bool:
        return bool(ask(questionary.confirm(message, default=default, style=STYLE)))

    def select(self, message: str, choices: list[tuple[str, str]]) -> str:
        options = [questionary.Choice(label, value) for value, label in choices]
        return str(ask(questionary.select(message, choices=options, style=STYLE)))

    def text(self, message: str, default: str = "") -> str:
        return str(ask(questionary.text(message, default=default, style=STYLE)) or "")


class QuestionaryPrompter:
    interactive = True

    def __init__(self, console: Console, *, breathing_seconds: int = 32) -> None:
        self.console = console
        self.breathing_seconds = breathing_seconds
        self.section = ""

    def _section(self, title: str) -> None:
        if title != self.section:
            self.section = title
            self.console.print(Rule(lit(title, "bold magenta"), align="left"))

    def note(self, q: Question) -> None:
        self._section(q.section)
        body = lit(q.prompt)
        if q.help:
            body.append(lit("\n" + q.help, "dim"))
        self.console.print(Panel(body, border_style="cyan", expand=False))
        if q.node.id == "breathe":
            self.offer_breathing()

    def offer_breathing(self) -> None:
        choice = ask(
            questionary.select(
                "Take a short breathing pause first?",
                choices=[
                    questionary.Choice(f"Yes, breathe with me ({self.breathing_seconds} s)", "yes"),
                    questionary.Choice("Skip, I'm ready", "no"),
                ],
                style=STYLE,
            )
        )
        if choice == "yes":
            from calmcli.cli.views.breathing import run_breathing

            run_breathing(self.console, self.breathing_seconds)

    def ask(self, q: Question) -> Any:
        self._section(q.section)
        if q.help:
            self.console.print(lit(q.help, "dim"))
        if q.error:
            self.console.print(lit(f"✗ {q.error}", "bold red"))
        node = q.node
        if not isinstance(node, QuestionNode):  # pragma: no cover - the engine shows notes
            raise AssertionError(node.id)
        hint = BACK_HINT if q.can_go_back else ""
        widgets = {
            "text": self._text,
            "confirm": self._confirm,
            "select": self._select,
            "checkbox": self._checkbox,
            "ratings": self._ratings,
        }
        answer = ask(widgets[node.widget](q, node, hint), back=True)
        return None if answer == SKIP else answer

    def _text(self, q: Question, node: QuestionNode, hint: str) -> questionary.Question:
        extra = [*(() if node.required else ("Enter: skip",)), *node.hints]
        instruction = " · ".join([*extra, hint] if hint else extra)
        return questionary.text(
            clean(q.prompt),
            default="" if q.default is None else str(q.default),
            validate=lambda t: q.check(t) or True,
            multiline=node.multiline,
            instruction=f"({instruction})" if instruction else None,
            style=STYLE,
        )

    def _confirm(self, q: Question, node: QuestionNode, hint: str) -> questionary.Question:
        return questionary.confirm(
            clean(q.prompt),
            default=bool(q.default) if q.default is not None else True,
            instruction=f"(y/n{', ' + hint if hint else ''}) ",
            style=STYLE,
        )

    def _select(self, q: Question, node: QuestionNode, hint: str) -> questionary.Question:
        choices = [questionary.Choice(clean(label), value) for label, value in node.menu()]
        if not node.required:
            choices.append(questionary.Choice("(skip)", SKIP))
        values = [c.value for c in choices]
        return questionary.select(
            clean(q.prompt),
            choices=choices,
            default=q.default if q.default in values else None,
            instruction=f"(arrows, Enter{', ' + hint if hint else ''})",
            style=STYLE,
        )

    def _checkbox(self, q: Question, node: QuestionNode, hint: str) -> questionary.Question:
        chosen = q.default if isinstance(q.default, list) else []
        return questionary.checkbox(
            clean(q.prompt),
            choices=[
                questionary.Choice(clean(label), value, checked=value in chosen)
                for label, value in node.menu()
            ],
            validate=lambda picked: q.check(list(picked)) or True,
            instruction=f"(Space: pick, Enter: done{', ' + hint if hint else ''})",
            style=STYLE,
        )

    def _ratings(self, q: Question, node: QuestionNode, hint: str) -> questionary.Question:
        from calmcli.cli.ratings_prompt import ratings
        from calmcli.tree.ratings import RatingsNode

        assert isinstance(node, RatingsNode)
        return ratings(q, node, hint, STYLE)

    def review(self, rows: list[ReviewRow]) -> str | None:
        self.section = ""
        self.console.print(Rule(Text("Check your answers", style="bold magenta"), align="left"))
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column("question", style="dim", max_width=48, overflow="fold")
        table.add_column("answer", overflow="fold")
        for row in rows:
            table.add_row(lit(row.prompt), lit(row.answer))
        self.console.print(table)
        choices = [questionary.Choice("Looks right: make the call plan", CONFIRM)]
        for row in rows:
            answer = one_line(row.answer)
            short = answer if len(answer) <= 30 else answer[:29] + "…"
            prompt = one_line(row.prompt)
            prompt = prompt if len(prompt) <= 44 else prompt[:43] + "…"
            choices.append(questionary.Choice(f"Change: {prompt} ({short})", row.node_id))
        picked = ask(
            questionary.select(
                "All correct?", choices=choices, instruction="(arrows, Enter)", style=STYLE
            )
        )
        return None if picked == CONFIRM else picked
