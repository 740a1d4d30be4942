"""Naming an interrupted interview (a draft) for `calm new --resume` and `--discard`, and
listing them for `--drafts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calmcli.errors import BadInput

if TYPE_CHECKING:
    from calmcli.store.drafts import Draft


def _drafts() -> list[Draft]:
    from calmcli.cli.output import warn
    from calmcli.store import drafts as store

    found, warnings = store.list_drafts()
    for line in warnings:
        warn(f"skipped: {line}")
    return found


def pick_draft(ref: str | None, *, interactive: bool, doing: str = "continue") -> Draft:
    """The draft `ref` names (its id or the start of it), the only one, or one picked from a
    list on a terminal; BadInput naming the drafts otherwise."""
    from calmcli.clock.now import local_now

    found = _drafts()
    if ref:
        match = [d for d in found if d.id == ref or d.id.startswith(ref)]
        if len(match) == 1:
            return match[0]
        known = ", ".join(d.id for d in found) or "none"
        what = "matches several drafts" if match else "is not a draft"
        raise BadInput(f"{ref!r} {what} (drafts: {known})")
    if not found:
        raise BadInput("there is no interrupted interview; start one with `calm new`")
    if len(found) == 1 and (doing == "continue" or interactive):
        return found[0]
    from calmcli.cli.views.drafts import draft_line

    now = local_now()
    if not interactive:
        option = "--resume" if doing == "continue" else "--discard"
        listing = [f"{d.id}  {draft_line(d, now)}" for d in found]
        raise BadInput(f"name the draft: calm new {option} DRAFT", details=listing)
    from calmcli.cli.prompts import pick

    picked = pick(f"Which interview to {doing}?", [(draft_line(d, now), d.id) for d in found])
    return next(d for d in found if d.id == picked)


def show_drafts() -> None:
    from calmcli.cli.output import out
    from calmcli.cli.views.drafts import drafts_list
    from calmcli.clock.now import local_now

    out().print(drafts_list(_drafts(), local_now()))


def discard(ref: str | None, *, interactive: bool) -> None:
    """Throw away one draft: the one named, or one picked and confirmed on a terminal."""
    from calmcli.cli.output import say
    from calmcli.cli.views.drafts import plural, whose
    from calmcli.store import drafts as store

    draft = pick_draft(ref, interactive=interactive, doing="throw away")
    what = f"the interview for {whose(draft)} ({plural(len(draft.answers), 'answer')})"
    if not ref:
        import questionary

        from calmcli.cli.prompts import STYLE, ask

        if not ask(questionary.confirm(f"Throw away {what}?", default=False, style=STYLE)):
            say("Kept it.")
            return
    store.delete_draft(draft.id)
    say(f"Threw away {what}.")
