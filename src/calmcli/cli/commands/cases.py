"""`calm list`, `calm show`, `calm export` and `calm log`: the cases themselves."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from calmcli.cli.output import busy, out, warn
from calmcli.errors import BadInput

CASE_HELP = "Case id, the start of it, or the customer's name."


def list_cases(
    open_only: bool = typer.Option(False, "--open", help="Only open cases."),
    closed_only: bool = typer.Option(False, "--closed", help="Only closed cases."),
    since: str = typer.Option(
        None, "--since", help="Created within this span (30d, 2w) or since a date."
    ),
    customer: str = typer.Option(None, "--customer", "-c", help="Customer name contains this."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List cases, newest first."""
    from calmcli.cli.progress import rebuild_progress
    from calmcli.clock import dates
    from calmcli.store import index

    if open_only and closed_only:
        raise BadInput("--open and --closed exclude each other; give one or neither")
    now = dates.local_now()
    cutoff = _since(since, now) if since else None
    with rebuild_progress() as progress:
        listing = index.refresh(progress)
    for warning in listing.warnings:
        warn(f"skipped {warning}")
    rows = listing.rows
    if open_only or closed_only:
        rows = [r for r in rows if r.status == ("open" if open_only else "closed")]
    if customer:
        rows = [r for r in rows if customer.casefold() in r.customer.casefold()]
    if cutoff is not None:
        rows = [r for r in rows if dates.from_iso(r.created) >= cutoff]
    # By the instant: aware times in one zone compare by wall clock, wrong when clocks go back.
    rows.sort(key=lambda r: dates.from_iso(r.created).timestamp(), reverse=True)
    if as_json:
        fields = ("id", "customer", "phone", "job", "status", "due", "created", "planned", "tree")
        print(
            json.dumps(
                [{f: getattr(r, f) or None for f in fields} for r in rows],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not rows:
        out().print("No cases match.", markup=False)
        return
    from calmcli.cli.views.case import case_lines

    console = out()
    console.print(case_lines(rows, now, console.width), no_wrap=True, overflow="ellipsis")


def _since(text: str, now: Any) -> Any:
    from datetime import datetime

    from calmcli.cli.commands.followup import parse_span
    from calmcli.clock import dates

    try:
        return now - parse_span(text)
    except BadInput:
        pass
    try:
        return datetime.combine(dates.parse_when(text, now).date(), datetime.min.time(), now.tzinfo)
    except BadInput:
        raise BadInput(
            f"can't read --since {text!r}: try 30d, 2w or a date like 2026-11-01"
        ) from None


def show(case_ref: str = typer.Argument(..., metavar="CASE", help=CASE_HELP)) -> None:
    """Show a case: its call plan, what was agreed, the check-ins and the history."""
    from calmcli.casebook import update as caseops
    from calmcli.cli.views.case import case_view

    out().print(*case_view(caseops.resolve(case_ref)))


def export(
    case_ref: str = typer.Argument(..., metavar="CASE", help=CASE_HELP),
    fmt: str = typer.Option(
        "md", "--format", "-f", help="md (call plan and history), ics (reminder) or json."
    ),
) -> None:
    """Print a case as Markdown, an iCalendar reminder, or JSON (redirect to a file to keep it)."""
    from calmcli.casebook import update as caseops
    from calmcli.store import cases as store

    if fmt not in ("md", "ics", "json"):
        raise BadInput(f"--format must be md, ics or json, not {fmt!r}")
    case = caseops.resolve(case_ref)
    if fmt == "json":
        print(json.dumps(case.to_data(), ensure_ascii=False, indent=2))
    elif fmt == "ics":
        sys.stdout.buffer.write(caseops.reminder_for(case))
    else:
        from calmcli.cli.views.case import case_markdown

        try:
            plan_md = store.plan_path(case.id).read_text(encoding="utf-8")
        except OSError:
            plan_md = f"# Case {case.id}\n"
        print(plan_md.rstrip() + "\n\n" + case_markdown(case), end="")


def log(
    case_ref: str = typer.Argument(..., metavar="CASE", help=CASE_HELP),
    option: str = typer.Option(None, "--option", "-o", help="The option you agreed on."),
    actions: list[str] = typer.Option(  # noqa: B008
        None, "--action", "-a", help="A promised action, 'WHAT @ WHEN' (repeat for more)."
    ),
    notes: str = typer.Option(None, "--notes", "-n", help="Anything else worth keeping."),
    next_when: str = typer.Option(
        None, "--next", help="Next check-in. Default: 2 working days, 9am."
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt; use the options given."),
) -> None:
    """After the call: record what was agreed and set the next check-in (rewrites the reminder)."""
    from calmcli.casebook import update as caseops
    from calmcli.clock import dates

    now = dates.local_now()
    case = caseops.resolve(case_ref)
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    parsed = [_action(a, now) for a in actions or []]
    if interactive:
        from calmcli.cli.prompts import Asker

        asker = Asker()
        if option is None:
            option = asker.text("Which option did you agree on?", default=_top(case))
        while not actions:
            what = asker.text("A promised action (Enter: no more)")
            if not what:
                break
            when = asker.text("By when? (e.g. fri 4pm; Enter: no date)")
            parsed.append((what, dates.parse_future(when, now) if when else None))
        if notes is None:
            notes = asker.text("Notes (Enter: none)")
    next_due = (
        dates.parse_future(next_when, now) if next_when is not None else dates.default_followup(now)
    )
    updated = caseops.update(
        case.id,
        lambda c: caseops.log_outcome(
            c, now, option=option or "", actions=parsed, notes=notes or "", next_due=next_due
        ),
        on_wait=busy,
    )
    out().print(
        f"Logged. Next check-in with {updated.customer}: {dates.format_when(next_due, now)}",
        markup=False,
    )
    from calmcli.store import cases as store

    out().print(f"  reminder {store.reminder_path(updated.id)}", markup=False)


def _top(case: Any) -> str:
    planned = case.planned or ""
    for prefix in ("Offer: ", "Agreed: "):
        if planned.startswith(prefix):
            return planned[len(prefix) :]
    return planned


def _action(text: str, now: Any) -> tuple[str, Any]:
    from calmcli.clock import dates

    what, sep, when = text.rpartition("@")
    if not sep:
        return text.strip(), None
    if not what.strip():
        raise BadInput(f"--action {text!r}: say what, then '@ when'")
    return what.strip(), dates.parse_future(when.strip(), now)
