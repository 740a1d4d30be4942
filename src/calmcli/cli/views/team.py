"""Team work on screen: choices to make, what `calm sync` and `calm doctor` did, where the
shared case book stands."""

from __future__ import annotations

from typing import Any

from calmcli.cli.output import say
from calmcli.domain.changes import Choice


def show_choices(case_id: str, customer: str, choices: list[Choice] | tuple[Choice, ...]) -> None:
    """`Dana Whitfield (2026-...): the next step ...`, each value numbered, the one in force
    marked."""
    say(f"  {customer} ({case_id}):")
    for n, choice in enumerate(choices, 1):
        lead = f"{n}. " if len(choices) > 1 else ""
        say(f"    {lead}{choice.what}")
        for k, option in enumerate(choice.options, 1):
            mark = "  (in force for now)" if k == 1 else ""
            say(f"      {k}) {option}{mark}")


def choices_data(case_id: str, customer: str, choices: Any) -> dict[str, Any]:
    return {
        "id": case_id,
        "customer": customer,
        "choices": [
            {"field": c.field, "what": c.what, "options": list(c.options), "values": list(c.values)}
            for c in choices
        ],
    }


def show_sync(report: Any) -> None:
    """What `calm sync` did, in words."""
    for words in report.committed:
        say(f"Committed first (changed outside calm): {words}")
    for old, new in report.renamed:
        say(f"Renamed {old} to {new}: another machine has a different case with that id.")
    if report.received == 0 and report.sent == 0 and not report.committed:
        say(f"Up to date with {report.remote} ({report.branch}): nothing to send or receive.")
    else:
        got = f"received {report.received} change{'s' if report.received != 1 else ''}"
        sent = f"sent {report.sent}"
        say(f"Synced with {report.remote} ({report.branch}): {got}, {sent}.")
    if report.merged:
        say(
            f"Merged {len(report.merged)} case{'s' if len(report.merged) != 1 else ''} changed "
            f"here and on another machine: {', '.join(report.merged[:8])}"
            + (" and more" if len(report.merged) > 8 else "")
        )
    if report.changed:
        n = len(report.changed)
        say(f"Rebuilt the crib sheets and reminders of {n} case{'s' if n != 1 else ''}.",
            style="dim")  # fmt: skip
    show_open_choices(report.choices)


def show_open_choices(found: Any) -> None:
    if not found:
        return
    say("")
    say(
        f"{len(found)} case{'s' if len(found) != 1 else ''} with a choice to make (two people "
        "changed the same thing at once; nothing was lost). Choose with `calm resolve CASE`:",
        style="bold",
    )
    for case in found:
        show_choices(case.id, case.customer, case.choices)
