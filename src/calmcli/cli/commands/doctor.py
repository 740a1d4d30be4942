"""`calm doctor`: merge what sync tools and interrupted merges leave behind."""

from __future__ import annotations

from typing import Annotated

import typer


def doctor(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Only say what would be merged.")
    ] = False,
) -> None:
    """Merge every conflict copy a sync tool left (Syncthing's .sync-conflict-…, Dropbox's
    "conflicted copy", "(1)") into its case, and every case left holding git's conflict
    markers, the same way `calm sync` merges; then remove the copy. Files a sync tool is still
    writing are left alone."""
    from calmcli.casebook import team
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.team import show_choices

    found = team.doctor(dry_run=dry_run, on_wait=busy, on_problem=warn)
    would = "Would merge" if dry_run else "Merged"
    for copy, case_id in found.merged:
        say(f"{would} {copy} into {case_id}" + ("" if dry_run else "; the copy is gone."))
    for case_id in found.mended:
        say(f"{would} the two sides of {case_id} (it held conflict markers).")
    for name in found.removed:
        say(f"{'Would remove' if dry_run else 'Removed'} {name}: a copy of a crib sheet, which "
            "calm rebuilds from its case.")  # fmt: skip
    for name, why in found.left:
        warn(f"left {name} as it is: {why}")
    for name in found.partial:
        say(f"{name}: a sync tool is still writing it (or stopped part way); left alone.",
            style="dim")  # fmt: skip
    if found.choices:
        say("")
        say("Choices to make (calm resolve CASE):", style="bold")
        for case, choices in found.choices:
            show_choices(case.id, case.customer, choices)
    if not (found.merged or found.mended or found.left or found.partial or found.choices
            or found.removed):  # fmt: skip
        say("Nothing to mend: no conflict copies, no conflict markers, no choices to make.")
