"""The prompt for a ratings question: a small grid answered from the keyboard alone.

Arrows move, a digit rates the box under the cursor and moves on, Backspace (or 0 on a scale
that starts at 1) clears it, Enter checks the answer and finishes. Without rows each scale is a
line (how strongly they feel each feeling); with rows each row is a thing rated on every scale
(each option: easy to do, cost to you, how soon). Under the grid, a line says what the ends of
the current scale mean, and which end is better, and the last line the keys it takes (on a
line of its own, so a narrow terminal never squeezes them beside the question). Once answered
the prompt is erased: the caller shows the answer on one line, as for every other question.
"""

from __future__ import annotations

import textwrap
from typing import Any

import questionary
from prompt_toolkit.application import Application
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import FormattedTextControl, HSplit, Layout, Window

from calmcli.cli.widgets import shorten
from calmcli.domain.interview import Question
from calmcli.textsafe import clean, one_line
from calmcli.tree.ratings import RatingScale, RatingsNode, shown


class Grid:
    """What the prompt shows and edits: the visible rows and scales, and the ratings so far."""

    def __init__(self, node: RatingsNode, default: Any) -> None:
        self.node = node
        self.rows = shown(node.rows) if node.rows is not None else None
        self.scales = shown(node.scales)
        self.values: dict[tuple[str, str], int] = {}
        if isinstance(default, dict):
            for r, s in self.cells():
                got = default.get(r, {}).get(s) if self.rows is not None else default.get(s)
                if isinstance(got, int) and not isinstance(got, bool):
                    self.values[(r, s)] = got
        self.at = 0
        self.error = ""

    def cells(self) -> list[tuple[str, str]]:
        if self.rows is None:
            return [("", s.id) for s in self.scales]
        return [(r.id, s.id) for r in self.rows for s in self.scales]

    @property
    def width(self) -> int:
        return 1 if self.rows is None else len(self.scales)

    def scale(self) -> RatingScale:
        return self.scales[self.at % self.width] if self.rows is not None else self.scales[self.at]

    def move(self, rows: int = 0, cols: int = 0) -> None:
        count = len(self.cells())
        if self.rows is None:
            self.at = max(0, min(count - 1, self.at + rows + cols))
            return
        row, col = divmod(self.at, self.width)
        row = max(0, min(len(self.rows) - 1, row + rows))
        col = max(0, min(self.width - 1, col + cols))
        self.at = row * self.width + col

    def rate(self, digit: int) -> None:
        lo, hi = self.node.range_of(self.scale())
        key = self.cells()[self.at]
        if digit == 0 and lo > 0:
            self.values.pop(key, None)
        elif lo <= digit <= hi:
            self.values[key] = digit
            self.at = min(self.at + 1, len(self.cells()) - 1)
        else:
            self.error = f"{clean(self.scale().label)}: {lo} to {hi}"
            return
        self.error = ""

    def clear(self) -> None:
        self.values.pop(self.cells()[self.at], None)

    def answer(self) -> dict[str, Any]:
        if self.rows is None:
            return {s: v for (_, s), v in self.values.items()}
        out: dict[str, dict[str, int]] = {}
        for (r, s), v in self.values.items():
            out.setdefault(r, {})[s] = v
        return out

    # -- drawing ---------------------------------------------------------------------------

    def lines(self, columns: int) -> StyleAndTextTuples:
        out: StyleAndTextTuples = []
        cells = self.cells()
        if self.rows is None:
            width = max(len(one_line(s.label)) for s in self.scales) + 2
            for i, scale in enumerate(self.scales):
                mark = "› " if i == self.at else "  "
                value = self.values.get(cells[i])
                out.append(("class:pointer" if i == self.at else "", mark))
                out.append(("", shorten(scale.label, max(8, columns - 12)).ljust(width)))
                box = f"[{value}]" if value is not None else "[ ]"
                out.append(("reverse" if i == self.at else "class:answer", box))
                if value is not None:
                    out.append(("class:instruction", "  " + one_line(self.node.word(scale, value))))
                out.append(("", "\n"))
        else:
            heads = [one_line(s.label) for s in self.scales]
            room = max(12, columns - sum(len(h) + 2 for h in heads) - 4)
            labels = [one_line(r.label) for r in self.rows]
            width = min(room, max(len(x) for x in labels))
            out.append(("class:instruction", "  " + " " * width + "  " + "  ".join(heads) + "\n"))
            for r, label in enumerate(labels):
                out.append(("", "  " + shorten(label, width).ljust(width) + "  "))
                for c, head in enumerate(heads):
                    i = r * self.width + c
                    value = self.values.get(cells[i])
                    box = (f"[{value}]" if value is not None else "[ ]").center(len(head))
                    out.append(("reverse" if i == self.at else "class:answer", box))
                    out.append(("", "  "))
                out.append(("", "\n"))
        said = textwrap.wrap(self.ends(), max(20, columns - 1), subsequent_indent="    ")
        out.append(("class:instruction", "\n".join(said) + "\n"))  # wrapped between words
        if self.error:
            out.append(("fg:ansired bold", f"✗ {self.error}\n"))
        return out

    def ends(self) -> str:
        """What the ends of the current scale mean: "cost to you: 1 = ... 5 = ... (lower is
        better)"."""
        scale = self.scale()
        lo, hi = self.node.range_of(scale)
        words = self.node.words_of(scale)
        said = f"{lo} = {words[lo]} … {hi} = {words[hi]}" if lo in words and hi in words else ""
        better = {"high": " (higher is better)", "low": " (lower is better)"}.get(
            scale.good or "", ""
        )
        return f"  {one_line(scale.label)}: {said or f'{lo} to {hi}'}{better}"


def ratings(q: Question, node: RatingsNode, hint: str, style: Any) -> questionary.Question:
    """A questionary Question (so the usual keys for back and Ctrl-C apply) for `node`."""
    grid = Grid(node, q.default)
    keys = KeyBindings()

    @keys.add("up")
    def _up(event: KeyPressEvent) -> None:
        grid.move(rows=-1)

    @keys.add("down")
    def _down(event: KeyPressEvent) -> None:
        grid.move(rows=1)

    @keys.add("left")
    def _left(event: KeyPressEvent) -> None:
        grid.move(cols=-1)

    @keys.add("right")
    @keys.add("tab")
    def _right(event: KeyPressEvent) -> None:
        grid.move(cols=1)

    for digit in "0123456789":

        @keys.add(digit)
        def _rate(event: KeyPressEvent, digit: str = digit) -> None:
            grid.rate(int(digit))

    @keys.add("backspace")
    @keys.add("delete")
    def _clear(event: KeyPressEvent) -> None:
        grid.clear()

    @keys.add("c-c")
    def _stop(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @keys.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        answer = grid.answer()
        problem = q.check(answer)
        if problem:
            grid.error = problem
            return
        event.app.exit(result=answer)

    moves = "↑↓" if grid.rows is None else "arrows"

    def tips() -> str:
        lo, hi = node.range_of(grid.scale())  # the box's own range (0-1 for "in time?")
        said = [moves, f"{lo}-{hi}", "Backspace: clear", "Enter: done", *([hint] if hint else [])]
        return "  " + " · ".join(said)

    head: StyleAndTextTuples = [("class:qmark", "? "), ("class:question", clean(q.prompt))]

    def body() -> StyleAndTextTuples:
        from prompt_toolkit.application import get_app

        keys_line = ("class:instruction", tips())
        return [*grid.lines(get_app().output.get_size().columns), keys_line]

    layout = Layout(
        HSplit(
            [
                Window(FormattedTextControl(head), dont_extend_height=True, wrap_lines=True),
                Window(FormattedTextControl(body), dont_extend_height=True, wrap_lines=True),
            ]
        )
    )
    app: Application[Any] = Application(
        layout=layout, key_bindings=keys, style=style, erase_when_done=True
    )
    return questionary.Question(app)
