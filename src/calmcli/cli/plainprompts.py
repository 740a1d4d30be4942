"""Plain mode's prompts (`--plain`, CALM_PLAIN=1): every question a line of text, read the
way a screen reader reads it. A list is printed numbered and answered by typing a number (a
scale's points are their own numbers); yes/no by y or n; several choices by their numbers
separated by spaces; ratings as names and numbers ("frustrated 4, let down 3"), or a line of
numbers for each option rated. Nothing is redrawn and the typed answer stays on screen as typed.
Ctrl-B still goes back.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from calmcli.cli import widgets
from calmcli.cli.output import lit, out
from calmcli.clock.dates import local_now
from calmcli.domain.interview import BACK, Question
from calmcli.textsafe import clean
from calmcli.tree.kinds import Invalid, QuestionNode
from calmcli.tree.ratings import RatingScale, RatingsNode, shown


def _line(question: str, check: Any, default: str = "", back: bool = True) -> Any:
    return widgets.ask(
        widgets.text(question, default=default, check=check, toolbar=False), back=back
    )


def text(console: Console, q: Question, node: QuestionNode, hints: list[str]) -> Any:
    console.print(lit("(" + " · ".join(hints) + ")", "dim"))
    default = "" if q.default is None else str(q.default)
    question = widgets.text(
        q.prompt,
        default=default,
        multiline=node.multiline,
        skippable=not node.required,
        check=q.check,
        toolbar=False,
    )
    return widgets.ask(question, back=True)


def numbered(
    console: Console, q: Question, menu: list[tuple[str, Any]], keys: dict[str, int]
) -> Any:
    """A choice or scale: the rows numbered (a scale's rows already start with their number)."""
    if not keys:
        keys = {str(i + 1): i for i in range(len(menu))}
    for key, row in keys.items():
        label = clean(menu[row][0])
        console.print(lit(f"  {label if label.startswith(key) else f'{key}. {label}'}"))
    first = next((k for k, r in keys.items() if menu[r][1] == q.default), "")
    console.print(lit("(type a number, then Enter · Ctrl-B: back)", "dim"))

    def check(typed: str) -> str | None:
        typed = typed.strip() or first
        return None if typed in keys else f"type one of: {', '.join(keys)}"

    typed = _line(q.prompt, check, default=first)
    return typed if typed is BACK else menu[keys[typed.strip() or first]][1]


def yes_no(prompt: str, default: bool, *, back: bool = True) -> Any:
    """y or n (Enter: the default); BACK on Ctrl-B when `back`."""

    def check(typed: str) -> str | None:
        ok = typed.strip().casefold() in ("", "y", "yes", "n", "no")
        return None if ok else "type y or n"

    typed = _line(f"{prompt} ({'Y/n' if default else 'y/N'})", check, back=back)
    if typed is BACK:
        return BACK
    return default if not typed.strip() else typed.strip().casefold().startswith("y")


def line(prompt: str, default: str = "") -> str:
    """A line of text, the default already typed in."""
    return str(_line(prompt, None, default=default, back=False) or "")


def checkbox(console: Console, q: Question, menu: list[tuple[str, Any]], chosen: list[Any]) -> Any:
    for i, (label, _) in enumerate(menu, 1):
        console.print(lit(f"  {i}. {label}"))

    def picked(typed: str) -> list[Any] | None:
        parts = typed.replace(",", " ").split()
        if not all(p.isdigit() and 1 <= int(p) <= len(menu) for p in parts):
            return None
        return [menu[int(p) - 1][1] for p in parts]

    def check(typed: str) -> str | None:
        values = picked(typed)
        if values is None:
            return f"type numbers from 1 to {len(menu)}, separated by spaces"
        return q.check(values)

    default = " ".join(str(i) for i, (_, v) in enumerate(menu, 1) if v in chosen)
    typed = _line(f"{q.prompt} (numbers, separated by spaces)", check, default=default)
    return typed if typed is BACK else picked(typed)


def _ends(node: RatingsNode, scale: RatingScale) -> str:
    lo, hi = node.range_of(scale)
    words = node.words_of(scale)
    said = f"{lo} = {words[lo]} … {hi} = {words[hi]}" if lo in words and hi in words else ""
    better = {"high": " (higher is better)", "low": " (lower is better)"}.get(scale.good or "", "")
    return f"{said or f'{lo} to {hi}'}{better}"


def ratings(console: Console, q: Question, node: RatingsNode) -> Any:
    """A ratings question as lines of text. Without rows, one line naming each thing that fits
    with its rating ("frustrated 4, let down 3"); with rows (options), one line a row, its
    ratings in the scales' order ("5 2 4"). Ctrl-B on a row goes back to the row before, and on
    the first to the question before."""
    scales = shown(node.scales)
    if node.rows is None:
        ends = {_ends(node, s) for s in scales}
        if len(ends) == 1:  # one range for all (the feelings): the names, then what it means
            names = ", ".join(clean(s.label) for s in scales)
            console.print(lit(f"  {names}: {ends.pop()}"))
        else:
            for scale in scales:
                console.print(lit(f"  {clean(scale.label)}: {_ends(node, scale)}"))
        top = node.range_of(scales[0])[1]
        like = f"{clean(scales[0].label)} {top}" + (
            f", {clean(scales[1].label)} {node.range_of(scales[1])[0]}" if len(scales) > 1 else ""
        )
        console.print(lit(f'(each that fits and its rating, like "{like}" · Ctrl-B: back)', "dim"))
        given = q.default if isinstance(q.default, dict) else {}
        labels = {s.id: clean(s.label) for s in scales}
        default = ", ".join(f"{labels[k]} {v}" for k, v in given.items() if k in labels)
        return _line(q.prompt, q.check, default=default)
    for scale in scales:
        console.print(lit(f"  {clean(scale.label)}: {_ends(node, scale)}"))
    like = " ".join(str(node.range_of(s)[i % 2]) for i, s in enumerate(scales))
    console.print(lit(f'(the ratings in that order, like "{like}" · Ctrl-B: back)', "dim"))
    labels = {f"{s.id}:": f"{clean(s.label)}:" for s in scales}
    rows = shown(node.rows)
    given = q.default if isinstance(q.default, dict) else {}
    typed: dict[str, str] = {}
    for row in rows:
        found = given.get(row.id)
        had: dict[str, Any] = found if isinstance(found, dict) else {}
        if all(s.id in had for s in scales):
            typed[row.id] = " ".join(str(had[s.id]) for s in scales)
        else:  # some rated: each named, so none is taken for another
            named = [f"{clean(s.label)} {had[s.id]}" for s in scales if s.id in had]
            typed[row.id] = ", ".join(named)
    i = 0
    while rows:
        row = rows[i]

        def check(text: str, row_id: str = row.id) -> str | None:
            try:
                node.coerce({row_id: text}, local_now())
            except Invalid as exc:  # said of this row, its scales by their labels
                scale, _, rest = str(exc).removeprefix(f"{row_id}: ").partition(" ")
                return f"{labels.get(scale, scale)} {rest}".strip()
            return None

        got = _line(f"{q.prompt} {clean(row.label)}:", check, default=typed[row.id])
        if got is BACK:
            if i == 0:
                return BACK
            i -= 1
            continue
        typed[row.id] = str(got).strip()
        i += 1
        if i == len(rows):
            answer = {r: t for r, t in typed.items() if t}
            problem = q.check(answer)
            if not problem:
                return answer
            console.print(lit(f"✗ {problem}", "bold red"))  # then the rows again, as typed
            i = 0
    return {}


def review(console: Console, menu: list[tuple[str, Any]]) -> Any:
    """The review: 0 (or Enter) keeps the answers, a number changes that one."""
    console.print(lit("Check your answers. 0 keeps them; a number changes one."))
    keys = {str(i): i for i in range(len(menu))}
    wide = len(str(len(menu) - 1))
    for key, (label, _) in zip(keys, menu, strict=True):
        console.print(lit(f"  {key:>{wide}}. {label}"))  # the labels in one column

    def check(typed: str) -> str | None:
        return None if typed.strip() in keys or not typed.strip() else "type a number"

    typed = _line("Number", check, default="0", back=False)
    return menu[keys[typed.strip() or "0"]][1]


def pick(message: str, options: list[tuple[str, Any]]) -> Any:
    """One of `options` (label, value), by its number."""
    numbered_rows = {str(i + 1): i for i in range(len(options))}
    for key, row in numbered_rows.items():
        out().print(lit(f"  {key}. {options[row][0]}"))

    def check(typed: str) -> str | None:
        ok = typed.strip() in numbered_rows
        return None if ok else f"type a number from 1 to {len(options)}"

    typed = _line(message, check, back=False)
    return options[numbered_rows[typed.strip()]][1]
