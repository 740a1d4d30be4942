"""`calm list`, `calm show` and `calm export`: the cases themselves."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from calmcli.cli.output import out, warn
from calmcli.cli.params import AsJson, CaseArg
from calmcli.errors import BadInput

if TYPE_CHECKING:
    pass


def list_cases(
    open_only: Annotated[bool, typer.Option("--open", help="Only open cases.")] = False,
    closed_only: Annotated[bool, typer.Option("--closed", help="Only closed cases.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="SPAN|DATE", help="Created within 30d, 2w, or since a date."
        ),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option("--customer", "-c", metavar="NAME", help="Customer name contains this."),
    ] = None,
    as_json: AsJson = False,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only your cases (your name: calm config).")
    ] = False,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Only NAME's cases.")
    ] = None,
) -> None:
    """List cases, newest first."""
    from calmcli.casebook import listing
    from calmcli.cli.progress import rebuild_progress
    from calmcli.clock.now import local_now

    if open_only and closed_only:
        raise BadInput("--open and --closed exclude each other; give one or neither")
    if mine and owner is not None:
        raise BadInput("--mine and --owner exclude each other; give one")
    if mine:
        from calmcli.casebook.team import my_name

        owner = my_name()
    now = local_now()
    cutoff = listing.since_cutoff(since, now) if since else None
    with rebuild_progress() as progress:
        before = listing.checked_cases(progress)
    for warning in before.warnings:
        warn(f"skipped {warning}")
    status = "open" if open_only else "closed" if closed_only else None
    found = listing.Found([], [])
    if as_json:
        objects = listing.select_json(
            found, status=status, since=cutoff, customer=customer, owner=owner
        )
        with closing(objects):
            _json_lines(objects)
    else:
        from calmcli.cli.output import paged_lines
        from calmcli.cli.views.rows import case_lines

        rows = listing.select(found, status=status, since=cutoff, customer=customer, owner=owner)
        with closing(rows):
            shown = paged_lines(case_lines(rows, now, out().width))
        if not shown:
            out().print("No cases match.", markup=False)
    for warning in found.warnings:  # files that changed as they were listed
        warn(f"skipped {warning}")
    listing.repair(found.changed)


def _json_lines(objects: Iterable[str]) -> None:
    """A JSON list written as it is read: one case at a time, so memory stays flat."""
    chunk: list[str] = ["["]
    count = 0
    for item in objects:
        chunk.append(("\n  " if count == 0 else ",\n  ") + item)
        count += 1
        if len(chunk) >= 1000:  # written in batches: one write per case costs more than JSON
            sys.stdout.write("".join(chunk))
            chunk = []
    chunk.append("\n]\n" if count else "]\n")
    sys.stdout.write("".join(chunk))


def show(case_ref: CaseArg) -> None:
    """Show a case: its call plan, what was agreed, the check-ins and the history."""
    from calmcli.casebook.find import resolve
    from calmcli.casebook.save import plan_of
    from calmcli.cli.output import paged
    from calmcli.cli.views.case import case_view

    case = resolve(case_ref)
    with paged() as console:
        console.print(*case_view(case, plan_of(case)))


def export(
    case_ref: CaseArg,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="md|ics|json",
            help="md (call plan and history), ics (reminder) or json.",
        ),
    ] = "md",
) -> None:
    """Print a case as Markdown, an iCalendar reminder, or JSON (redirect it to keep it)."""
    from calmcli.casebook.find import resolve

    if fmt not in ("md", "ics", "json"):
        raise BadInput(f"--format must be md, ics or json, not {fmt!r}")
    case = resolve(case_ref)
    if fmt == "json":
        from calmcli.store.cases import to_data

        print(json.dumps(to_data(case), ensure_ascii=False, indent=2))
    elif fmt == "ics":
        from calmcli.domain.reminders import reminder_for

        sys.stdout.buffer.write(reminder_for(case))
    else:
        from calmcli.casebook.save import plan_of
        from calmcli.clock.now import local_now
        from calmcli.domain.crib import crib_sheet

        print(crib_sheet(case, plan_of(case), local_now()), end="")
