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
        hint = BACK_HINT if q.can_go_back else ""
        if node.kind in ("text", "longtext", "date"):
            extra = []
            if not node.required:
                extra.append("Enter: skip")
            if node.kind == "longtext":
                extra.append("Esc then Enter: done")
            if node.kind == "date":
                extra.append("e.g. tomorrow 9am, fri, +3d")
            instruction = " · ".join([*extra, hint] if hint else extra)
            question = questionary.text(
                q.prompt,
                default="" if q.default is None else str(q.default),
                validate=lambda t: q.check(t) or True,
                multiline=node.kind == "longtext",
                instruction=f"({instruction})" if instruction else None,
                style=STYLE,
            )
        elif node.kind == "yesno":
            question = questionary.confirm(
                q.prompt,
                default=bool(q.default) if q.default is not None else True,
                instruction=f"(y/n{', ' + hint if hint else ''}) ",
                style=STYLE,
            )
        elif node.kind in ("choice", "scale"):
            if node.kind == "choice":
                choices = [questionary.Choice(c.label, c.value) for c in node.choices]
            else:
                choices = [
                    questionary.Choice(
                        f"{n}" + (f"  {node.labels[n]}" if n in node.labels else ""), n
                    )
                    for n in range(node.min, node.max + 1)
                ]
            if not node.required:
                choices.append(questionary.Choice("(skip)", SKIP))
            values = [c.value for c in choices]
            question = questionary.select(
                q.prompt,
                choices=choices,
                default=q.default if q.default in values else None,
                instruction=f"(arrows, Enter{', ' + hint if hint else ''})",
                style=STYLE,
            )
        elif node.kind == "multi":
            chosen = q.default if isinstance(q.default, list) else []
            question = questionary.checkbox(
                q.prompt,
                choices=[
                    questionary.Choice(c.label, c.value, checked=c.value in chosen)
                    for c in node.choices
                ],
                validate=lambda picked: q.check(list(picked)) or True,
                instruction=f"(Space: pick, Enter: done{', ' + hint if hint else ''})",
                style=STYLE,
            )
        else:  # pragma: no cover - the loader only lets known kinds through
            raise AssertionError(node.kind)
        answer = ask(question, back=True)
        return None if answer == SKIP else answer

    def review(self, rows: list[ReviewRow]) -> str | None:
        self.section = ""
        self.console.print(Rule(Text("Check your answers", style="bold magenta"), align="left"))
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column("question", style="dim", max_width=48, overflow="fold")
        table.add_column("answer", overflow="fold")
        for row in rows:
            table.add_row(row.prompt, row.answer)
        self.console.print(table)
        choices = [questionary.Choice("Looks right: make the call plan", CONFIRM)]
        for row in rows:
            answer = " ".join(row.answer.split())
            short = answer if len(answer) <= 30 else answer[:29] + "…"
            prompt = " ".join(row.prompt.split())
            prompt = prompt if len(prompt) <= 44 else prompt[:43] + "…"
            choices.append(questionary.Choice(f"Change: {prompt} ({short})", row.node_id))
        picked = ask(
            questionary.select(
                "All correct?", choices=choices, instruction="(arrows, Enter)", style=STYLE
            )
        )
        return None if picked == CONFIRM else picked
