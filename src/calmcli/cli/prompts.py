"""The one adapter between the interview engine and the prompts (imported only by commands
that ask).

Each kind of question names a `widget`; `QuestionaryPrompter.WIDGETS` maps it to the method
that asks it, so a new widget is one more method and one more entry. Every prompt gets the same
extra key: Ctrl-B goes back to the previous question. Choices and scales answer with one key
(their number). Optional questions are skipped with an empty answer (or the "skip" choice).
Ctrl-C raises KeyboardInterrupt; the caller keeps the draft.

Plain mode (`--plain`, CALM_PLAIN=1) asks every question as a line of text: choices are
numbered and answered by number, nothing is redrawn or animated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import questionary
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from calmcli.cli import plainprompts, widgets
from calmcli.cli.output import is_plain, lit
from calmcli.domain.interview import BACK, Question, ReviewRow
from calmcli.textsafe import clean, one_line
from calmcli.tree.kinds import QuestionNode

KEYS_HINT = "Keys: Ctrl-B goes back a question · Ctrl-C stops"
KEPT = " (your answers are kept)"
SKIP = "__calm_skip__"
CONFIRM = "__calm_confirm__"
FINISH_NEW = "Looks right: make the call plan"

ask = widgets.ask
shorten = widgets.shorten
STYLE = widgets.QSTYLE


class Asker:
    """Small one-off prompts for the after-call commands (`log`, `followup done`). A choice is
    numbered (one key picks it); plain mode asks each as a line of text."""

    def confirm(self, message: str, default: bool) -> bool:
        if is_plain():
            return bool(plainprompts.yes_no(message, default, back=False))
        return bool(widgets.ask(questionary.confirm(message, default=default, style=STYLE)))

    def select(self, message: str, choices: list[tuple[str, str]]) -> str:
        return str(pick(message, [(label, value) for value, label in choices]))

    def text(self, message: str, default: str = "") -> str:
        if is_plain():
            return str(plainprompts.line(message, default) or "")
        return str(widgets.ask(questionary.text(message, default=default, style=STYLE)) or "")


def pick(message: str, options: list[tuple[str, Any]]) -> Any:
    """One of `options` (label, value), numbered so one key picks it (plain mode: typed)."""
    if is_plain():
        from calmcli.cli import plainprompts

        return plainprompts.pick(message, options)
    keys = {str(i + 1): i for i in range(len(options))} if len(options) <= 9 else {}
    question = questionary.select(
        message,
        choices=[
            questionary.Choice(clean(label), value, shortcut_key=str(i + 1) if keys else None)
            for i, (label, value) in enumerate(options)
        ],
        use_shortcuts=bool(keys),
        instruction=f"(1-{len(keys)}, or arrows and Enter)" if keys else "(arrows, Enter)",
        style=STYLE,
    )
    return widgets.ask(question, picks=keys)


def number_keys(menu: list[tuple[str, Any]]) -> dict[str, int]:
    """The key that answers each row at once: a scale's own digits (its labels start with
    them), else 1-9 down the list; none for a list longer than nine."""
    values = [value for _, value in menu]
    if all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 9 for v in values):
        return {str(v): i for i, v in enumerate(values)}
    return {str(i + 1): i for i in range(len(menu))} if len(menu) <= 9 else {}


class QuestionaryPrompter:
    """Asks an interview's questions in the terminal. `breathing_seconds` (0: none) is offered
    with the notes before the first question; `finish` is the review's row that confirms;
    `kept` says the answers survive Ctrl-C (they do in `calm new`, as a draft)."""

    interactive = True

    def __init__(
        self,
        console: Console,
        *,
        breathing_seconds: int = 32,
        finish: str = FINISH_NEW,
        plain: bool | None = None,
        kept: bool = True,
    ) -> None:
        self.console = console
        self.breathing_seconds = breathing_seconds
        self.finish = finish
        self.kept = kept
        self.plain = is_plain() if plain is None else plain
        self.section = ""
        self.pending: list[Question] = []
        self.asked = False
        self.last_pick: str | None = None
        self.WIDGETS: dict[str, Callable[[Question, QuestionNode], Any]] = {
            "text": self._text,
            "confirm": self._confirm,
            "select": self._select,
            "checkbox": self._checkbox,
            "ratings": self._ratings,
        }

    # -- notes -------------------------------------------------------------------------------

    def note(self, q: Question) -> None:
        """Notes wait for the next question, so the ones before the first question can be shown
        together as one short screen."""
        self.pending.append(q)

    def _flush_notes(self) -> None:
        notes, self.pending = self.pending, []
        for i, q in enumerate(notes):
            self._section(q.section)
            body = lit(q.prompt, "cyan")
            if q.help:
                body.append(lit("\n" + q.help, "dim"))
            if i or self.asked:
                self.console.print()
            self.console.print(Padding(body, (0, 0, 0, 2)))
        if notes and not self.asked:
            self._get_ready()

    def _get_ready(self) -> None:
        """The end of the preparation: one key to start, or another for the breathing pause."""
        from calmcli.domain import breathe

        options: list[tuple[str, str, Any]] = [("enter", "start", "go")]
        if self.breathing_seconds:
            options.append(
                ("b", f"breathe first ({breathe.describe(self.breathing_seconds)})", "b")
            )
        self.console.print()
        if widgets.ask(widgets.keys(options)) == "b":
            from calmcli.cli.views.breathing import run_breathing

            run_breathing(self.console, self.breathing_seconds, animate=not self.plain)

    def _section(self, title: str) -> None:
        if title != self.section:
            self.section = title
            self.console.print(Rule(lit(title, "bold magenta"), align="left"))

    # -- questions ---------------------------------------------------------------------------

    def ask(self, q: Question) -> Any:
        self._flush_notes()
        if not self.asked:
            self.asked = True
            self.console.print(lit(KEYS_HINT + (KEPT if self.kept else ""), "dim"))
        self._section(q.section)
        if q.help:
            self.console.print(lit(q.help, "dim"))
        if q.error:
            self.console.print(lit(f"✗ {q.error}", "bold red"))
        node = q.node
        if not isinstance(node, QuestionNode):  # pragma: no cover - the engine shows notes
            raise AssertionError(node.id)
        answer = self.WIDGETS[node.widget](q, node)
        return None if answer == SKIP else answer

    def _text(self, q: Question, node: QuestionNode) -> Any:
        hints = [*node.hints]
        if node.multiline:
            hints += ["Esc then Enter: done"]
            hints += ["Enter: new line" + ("" if node.required else " (on nothing yet: skip)")]
        else:
            hints += ["Enter: done" + ("" if node.required else " (empty: skip)")]
        hints = [*dict.fromkeys([*hints, "Ctrl-B: back"])]
        if self.plain:
            return plainprompts.text(self.console, q, node, hints)
        question = widgets.text(
            q.prompt,
            default="" if q.default is None else str(q.default),
            multiline=node.multiline,
            skippable=not node.required,
            hints=hints,
            check=q.check,
            echo=q.preview,
        )
        answer = widgets.ask(question, back=True)
        if answer is not BACK:
            self._answered(q.prompt, q.preview(answer) or "(skipped)")
        return answer

    def _answered(self, prompt: str, shown: str) -> None:
        """The answered question on one line, the answer shortened to what fits."""
        line = Text.assemble(("?", "bold cyan"), " ", lit(one_line(prompt), "bold"), " ")
        room = self.console.width - line.cell_len
        if room < 20:
            line.append("\n  ")
            room = self.console.width - 2
        line.append_text(lit(shorten(shown, room), "bold yellow"))
        self.console.print(line, overflow="ellipsis", no_wrap=True)

    def _menu(self, node: QuestionNode) -> tuple[list[tuple[str, Any]], dict[str, int]]:
        """A choice or scale's rows (with "(skip)" when it is optional) and the key for each."""
        menu = [(clean(label), value) for label, value in node.menu()]
        keys = number_keys(menu)
        if not node.required:
            if "s" not in keys:
                keys["s"] = len(menu)
            menu.append(("(skip)", SKIP))
        return menu, keys

    def _fit(self, prompt: str, instruction: str) -> str:
        """The question as a list shows it: when the keys it takes would not fit beside it on
        one line, they go on the line under it, whole, instead of wrapping mid-word."""
        message = clean(prompt)
        if len(one_line(message)) + len(instruction) + 4 > self.console.width:
            return message + "\n "
        return message

    def _select(self, q: Question, node: QuestionNode) -> Any:
        menu, keys = self._menu(node)
        if self.plain:
            return plainprompts.numbered(self.console, q, menu, keys)
        numbered = any(not menu[row][0].startswith(key) for key, row in keys.items() if key != "s")
        choices = [
            questionary.Choice(label, value, shortcut_key=str(i + 1) if numbered else None)
            for i, (label, value) in enumerate(menu)
        ]
        if numbered and "s" in keys:
            choices[-1].shortcut_key = "s"
        values = [value for _, value in menu]
        digits = [k for k in keys if k != "s"]
        how = f"{digits[0]}-{digits[-1]}{', s: skip' if 's' in keys else ''}, " if digits else ""
        instruction = f"({how}or arrows and Enter)"
        question = questionary.select(
            self._fit(q.prompt, instruction),
            choices=choices,
            default=q.default if q.default in values else None,
            use_shortcuts=numbered,
            instruction=instruction,
            style=STYLE,
        )
        answer = self._asked(question, picks=keys)
        if answer is not BACK:
            self._answered(q.prompt, next(label for label, v in menu if v == answer))
        return answer

    def _confirm(self, q: Question, node: QuestionNode) -> Any:
        default = bool(q.default) if q.default is not None else True
        if self.plain:
            return plainprompts.yes_no(q.prompt, default)
        question = questionary.confirm(clean(q.prompt), default=default, style=STYLE)
        answer = self._asked(question)
        if answer is not BACK:
            self._answered(q.prompt, "Yes" if answer else "No")
        return answer

    def _checkbox(self, q: Question, node: QuestionNode) -> Any:
        chosen = q.default if isinstance(q.default, list) else []
        menu = [(clean(label), value) for label, value in node.menu()]
        if self.plain:
            return plainprompts.checkbox(self.console, q, menu, chosen)
        ticks = {str(i + 1): i for i in range(len(menu))} if len(menu) <= 9 else {}
        how = f"1-{len(ticks)} or Space: tick" if ticks else "Space: tick"
        instruction = f"({how}, Enter: done)"
        question = questionary.checkbox(
            self._fit(q.prompt, instruction),
            choices=[
                questionary.Choice(
                    label,
                    value,
                    checked=value in chosen,
                    shortcut_key=str(i + 1) if ticks else None,
                )
                for i, (label, value) in enumerate(menu)
            ],
            validate=lambda picked: q.check(list(picked)) or True,
            instruction=instruction,
            style=STYLE,
        )
        answer = self._asked(question, ticks=ticks)
        if answer is not BACK:
            self._answered(q.prompt, q.preview(answer) or "(none)")
        return answer

    def _ratings(self, q: Question, node: QuestionNode) -> Any:
        """Several scales in one grid: a digit rates and moves on (cli/ratings_prompt)."""
        from calmcli.cli.ratings_prompt import ratings
        from calmcli.tree.ratings import RatingsNode

        assert isinstance(node, RatingsNode)
        if self.plain:
            return plainprompts.ratings(self.console, q, node)
        answer = self._asked(ratings(q, node, "Ctrl-B: back", STYLE))
        if answer is not BACK:
            self._answered(q.prompt, q.preview(answer) or "(none)")
        return answer

    def _asked(
        self,
        question: questionary.Question,
        picks: dict[str, int] | None = None,
        ticks: dict[str, int] | None = None,
    ) -> Any:
        """Ask, then erase the prompt: `_answered` puts the answer on one line instead (a list
        answered where it was drawn can wrap across lines)."""
        question.application.erase_when_done = True
        return widgets.ask(question, back=True, picks=picks, ticks=ticks)

    # -- the review --------------------------------------------------------------------------

    def review(self, rows: list[ReviewRow]) -> str | None:
        """Every answer once, in a list to move through: Enter on one changes it, Enter on the
        first row confirms. After a change the pointer is back on the row that was changed."""
        self._flush_notes()
        self.section = ""
        width = self.console.width
        asked = max((len(one_line(r.prompt)) for r in rows), default=0)
        left = max(12, min(asked, (width - 6) * 11 // 20))
        right = max(8, width - 6 - left - 2)
        menu = [(self.finish, CONFIRM)] + [
            (f"{shorten(r.prompt, left):<{left}}  {shorten(r.answer, right)}", r.node_id)
            for r in rows
        ]
        if self.plain:
            picked = plainprompts.review(self.console, menu)
        else:
            default = self.last_pick if self.last_pick in {r.node_id for r in rows} else CONFIRM
            question = questionary.select(
                "Check your answers",
                choices=[questionary.Choice(label, value) for label, value in menu],
                default=default,
                instruction="(Enter on an answer changes it)",
                style=STYLE,
            )
            question.application.erase_when_done = True  # the list goes once a row is picked
            picked = widgets.ask(question)
        self.last_pick = None if picked == CONFIRM else picked
        return self.last_pick
