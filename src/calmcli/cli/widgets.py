"""Prompt widgets questionary lacks, built on prompt_toolkit and returned as questionary
Questions, and `ask`, which runs any of them with calm's own keys (Ctrl-B, Ctrl-C, one key
per row of a list).

- `text`: one line or several. The typing gets the whole width: a long answer starts on the
  line under the question and wraps there; the keys it takes sit in a toolbar under it, beside
  what calm understood (for a date). Once answered the prompt is erased, so the caller prints
  the answer shortened to one line.
- `keys`: one line of choices, each answered by a single key ("Enter: start · b: breathe").
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.application import Application
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition, is_done, to_filter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.layout.processors import (
    Processor,
    Transformation,
    TransformationInput,
    explode_text_fragments,
)
from prompt_toolkit.lexers import SimpleLexer
from prompt_toolkit.shortcuts.prompt import PromptSession
from prompt_toolkit.styles import Style, merge_styles
from prompt_toolkit.utils import get_cwidth
from prompt_toolkit.validation import ValidationError, Validator
from questionary.prompts.common import InquirerControl

from calmcli.domain.interview import BACK
from calmcli.textsafe import clean, one_line

BACK_KEY = "c-b"
QSTYLE = questionary.Style([("qmark", "fg:ansicyan bold"), ("instruction", "fg:ansibrightblack")])
"""The style of calm's questionary prompts."""

ROOM = 30
"""Columns a one-line answer needs beside its question; with fewer it starts on the next line."""

STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansiyellow bold"),
        ("instruction", "fg:ansibrightblack"),
        ("echo", "fg:ansigreen"),
        ("bottom-toolbar", "noreverse"),
        ("bottom-toolbar.text", ""),
        ("validation-toolbar", "fg:ansired bold"),
    ]
)


def ask(
    question: questionary.Question,
    *,
    back: bool = False,
    picks: dict[str, int] | None = None,
    ticks: dict[str, int] | None = None,
) -> Any:
    """Show a prompt and return the answer; Ctrl-C or `kill -INT` raise KeyboardInterrupt, and
    with `back` Ctrl-B returns BACK. `picks` maps a key to the row of a list it answers at once;
    `ticks` a key to the row of a list of tick boxes it ticks or unticks (the rows show it)."""
    keys = KeyBindings()

    @keys.add(Keys.SIGINT)  # prompt_toolkit turns a SIGINT into this key; select lacks it
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    if back:

        @keys.add(BACK_KEY, eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=BACK)

    app = question.application
    if picks:
        rows = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
        for key, row in picks.items():

            def pick(event: Any, row: int = row) -> None:
                rows.pointed_at = row
                rows.is_answered = True
                event.app.exit(result=rows.get_pointed_at().value)

            keys.add(key, eager=True)(pick)
    if ticks:
        boxes = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
        boxes.use_shortcuts = True  # each row shows its key: "○ 1) a repair"
        for key, row in ticks.items():

            def tick(event: Any, row: int = row) -> None:
                boxes.pointed_at = row
                value = boxes.choices[row].value
                if value in boxes.selected_options:
                    boxes.selected_options.remove(value)
                else:
                    boxes.selected_options.append(value)

            keys.add(key, eager=True)(tick)
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
    return question.unsafe_ask()


def shorten(text: str, room: int) -> str:
    """One line of at most `room` characters, cut at a space where one is near the end."""
    text = one_line(text)
    if len(text) <= room:
        return text
    cut = text[: max(1, room - 1)]
    space = cut.rfind(" ")
    if text[len(cut)] != " " and space > len(cut) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + "…"


def columns() -> int:
    return max(20, shutil.get_terminal_size((80, 24)).columns)


class _Check(Validator):
    def __init__(self, check: Callable[[str], str | None]) -> None:
        self.check = check

    def validate(self, document: Document) -> None:
        problem = self.check(document.text)
        if problem:
            raise ValidationError(message=clean(problem), cursor_position=len(document.text))


class WordWrap(Processor):
    """Wrap typed lines between words, not inside them: before a word that would cross the
    right edge, pad the row with spaces so the word starts the next one. (prompt_toolkit wraps
    at any character.) `indent` is the width of what precedes line 0 on its first row."""

    def __init__(self, indent: int = 0) -> None:
        self.indent = indent

    def apply_transformation(self, ti: TransformationInput) -> Transformation:
        width = ti.width
        fragments = explode_text_fragments(ti.fragments)
        chars = [f[1] for f in fragments]
        col = self.indent if ti.lineno == 0 else 0
        pads: list[tuple[int, int]] = []  # (position in fragments, spaces before it)
        i = 0
        while i < len(chars):
            end = i
            while end < len(chars) and not chars[end].isspace():
                end += 1
            if end > i:  # a word: chars[i:end], with the space after it if there is one
                size = sum(get_cwidth(c) for c in chars[i:end])
                spaced = size + (end < len(chars))
                if col > 0 and col + spaced > width >= spaced:
                    pads.append((i, width - col))
                    col = 0
                for c in chars[i:end]:
                    cw = get_cwidth(c)
                    col = (0 if col + cw > width else col) + cw
                i = end
            else:
                col = (0 if col + 1 > width else col) + 1
                i += 1
        if not pads:
            return Transformation(ti.fragments)
        out: StyleAndTextTuples = []
        last = 0
        for at, spaces in pads:
            out += fragments[last:at]
            out.append((fragments[at][0], " " * spaces))
            last = at
        out += fragments[last:]

        shift = dict(pads)
        display: list[int] = []  # display position of each source position (and the end)
        source: list[int] = []  # source position of each display position
        for pos in range(len(chars) + 1):
            for _ in range(shift.get(pos, 0)):
                source.append(pos)
            display.append(len(source))
            source.append(pos)

        def to_display(pos: int) -> int:
            return display[min(pos, len(display) - 1)] + max(0, pos - len(display) + 1)

        def to_source(pos: int) -> int:
            return source[min(pos, len(source) - 1)] + max(0, pos - len(source) + 1)

        return Transformation(out, to_display, to_source)


def text(
    message: str,
    *,
    default: str = "",
    multiline: bool = False,
    skippable: bool = False,
    hints: Sequence[str] = (),
    check: Callable[[str], str | None] | None = None,
    echo: Callable[[str], str | None] | None = None,
    toolbar: bool = True,
) -> questionary.Question:
    """A text prompt. `check` returns a problem or None; `echo` says what the text typed so far
    means (a date in words) or None; with `skippable`, Enter on an empty long answer skips it.
    Without `toolbar` (plain mode) the caller shows the hints itself and nothing is redrawn."""
    below = multiline or len(message) + 3 > columns() - ROOM
    prompt: StyleAndTextTuples = [
        ("class:qmark", "?"),
        ("class:question", f" {clean(message)}"),
        ("", "\n" if below else " "),
    ]

    def bar() -> StyleAndTextTuples:
        parts: StyleAndTextTuples = [("class:instruction", " · ".join(hints))]
        typed = session.default_buffer.text
        understood = echo(typed) if echo and typed.strip() else None
        if understood and understood != typed.strip():
            echoed = f"→ {understood}"
            room = len(echoed) + 3 + len(" · ".join(hints)) <= columns()
            parts[:0] = [("class:echo", echoed), ("", "   " if room else "\n")]  # keys kept whole
        return parts

    bindings = KeyBindings()
    if multiline and skippable:
        empty = Condition(lambda: not session.default_buffer.text.strip())

        @bindings.add("enter", filter=empty)
        def _skip(event: Any) -> None:
            event.current_buffer.validate_and_handle()

    session: PromptSession[str] = PromptSession(
        prompt,
        input_processors=[WordWrap(0 if below else get_cwidth(clean(message)) + 3)],
        multiline=multiline,
        prompt_continuation="",
        wrap_lines=True,
        validator=_Check(check) if check else None,
        key_bindings=bindings,
        lexer=SimpleLexer("class:answer"),
        style=merge_styles([STYLE]),
        erase_when_done=toolbar,
        include_default_pygments_style=False,
    )
    session.default_buffer.reset(Document(default))
    # The typing area is as tall as what is typed, so the keys line stays right under it
    # (by default it would stretch to the foot of the terminal).
    session.app.layout.current_window.dont_extend_height = to_filter(True)
    if toolbar and (hints or echo):
        # prompt_toolkit's own bottom toolbar hides until the terminal has answered a cursor
        # position request, which some never do: this line is always drawn while asking.
        hint = Window(
            FormattedTextControl(bar),
            dont_extend_height=True,
            wrap_lines=True,
            style="class:bottom-toolbar",
        )
        layout = session.app.layout.container
        assert isinstance(layout, HSplit)
        layout.children.append(ConditionalContainer(hint, filter=~is_done))
    return questionary.Question(session.app)


def keys(parts: Sequence[tuple[str, str, Any]], message: str = "") -> questionary.Question:
    """One line of choices, each answered by one key: `parts` are (key, what it does, value),
    where a key is a character, "enter" or "escape"."""
    bindings = KeyBindings()
    line: StyleAndTextTuples = []
    if message:
        line += [("class:qmark", "?"), ("class:question", f" {message} ")]
    for i, (key, label, value) in enumerate(parts):
        shown = "Enter" if key == "enter" else "Esc" if key == "escape" else key
        line += [("", "  ·  " if i else ""), ("bold", shown), ("class:instruction", f": {label}")]

        def done(event: Any, value: Any = value) -> None:
            event.app.exit(result=value)

        bindings.add(key, eager=True)(done)
        if len(key) == 1 and key.isalpha():
            bindings.add(key.upper(), eager=True)(done)

    @bindings.add("c-c")
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    app: Application[Any] = Application(
        layout=Layout(Window(FormattedTextControl(line), height=1, always_hide_cursor=True)),
        key_bindings=bindings,
        style=STYLE,
        full_screen=False,
    )
    return questionary.Question(app)
