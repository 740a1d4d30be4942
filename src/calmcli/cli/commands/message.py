"""`calm message`: a text or an email to send the customer, drafted from the case."""

from __future__ import annotations

from typing import Annotated

import typer

from calmcli.cli.params import CaseArg


def message(
    case_ref: CaseArg,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="confirm|update|delay|thanks",
            help="Which message. Default: what the case's moment calls for.",
        ),
    ] = None,
    email: Annotated[bool, typer.Option("--email", help="The email, with a subject.")] = False,
    sent: Annotated[
        bool, typer.Option("--sent", help="Record that you sent it, in the case's history.")
    ] = False,
) -> None:
    """Print a message to send the customer: what was agreed, by when, what happens next, and
    how to reach you, signed with your name and business (`calm config`)."""
    from calmcli.casebook import promises
    from calmcli.casebook.find import resolve
    from calmcli.cli.output import busy, say, warn
    from calmcli.cli.views.promises import show_draft
    from calmcli.domain.messages import missing_signature

    case = resolve(case_ref)
    draft = promises.message(case, kind)
    if sent:
        promises.mark_sent(case.id, draft.kind, on_wait=busy)
        say(f"Recorded: the {draft.kind} message to {case.customer} was sent.")
        return
    show_draft(draft, case.id, email=email)
    missing = missing_signature(promises.settings())
    if missing:
        keys = " and ".join(", ".join(missing).rsplit(", ", 1))
        warn(f"Tip: set your {keys} once, and every message is signed: "
             f"calm config set {missing[0]} ...")  # fmt: skip
