"""`calm sync`: share the case book with your team through git."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from calmcli.cli.params import AsJson

app = typer.Typer(
    help=(
        "Share the case book with your team through a private git repository: send your "
        "changes and receive theirs (calm sync), set it up (calm sync init), or see where "
        "things stand (calm sync status)."
    ),
    invoke_without_command=True,
)


@app.callback()
def sync(ctx: typer.Context) -> None:
    """Send your changes and receive your team's: commit what is left, pull with rebase (cases
    merged entry by entry), rebuild what changed, push."""
    if ctx.invoked_subcommand is not None:
        return
    from calmcli.casebook import sync as core
    from calmcli.cli.output import busy
    from calmcli.cli.views.team import show_sync

    def step(text: str) -> None:
        from calmcli.cli.output import err

        err().print(text, style="dim", markup=False)

    show_sync(core.sync(step, on_wait=busy))


@app.command(short_help="Make the case book a git repository, joining a remote")
def init(
    remote: Annotated[
        str | None,
        typer.Argument(
            metavar="[REMOTE]",
            help="A private git repository: git@github.com:you/cases.git, or a folder.",
        ),
    ] = None,
) -> None:
    """Make the case book ($CALM_HOME) a git repository. With REMOTE: join it if it holds a
    team's cases (yours are merged in), or fill it if it is empty. Run it once on each
    machine; run again, it mends the set-up (the merge driver, .gitignore, .gitattributes)."""
    from calmcli.casebook import sync as core
    from calmcli.cli.output import err, say

    def step(text: str) -> None:
        err().print(text, style="dim", markup=False)

    report = core.init(remote, step)
    if report.already:
        say(f"{report.home} is already shared with git"
            + (f" ({report.remote})" if report.remote else "") + ".")  # fmt: skip
    else:
        s = "s" if report.shared != 1 else ""
        say(f"{report.home} is now a git repository ({report.branch}): {report.shared} case{s} "
            "of yours in it.")  # fmt: skip
    if report.joined:
        say(f"Joined {report.remote}: {report.received} case(s) from the team.")
    elif report.pushed:
        say(f"Sent the case book to {report.remote}.")
    for old, new in report.renamed:
        say(f"Renamed {old} to {new}: the team has a different case with that id.")
    for name in report.set_aside:
        say(f"Your {name} differs from the team's: the team's applies; yours is kept in "
            f"{report.home}/before-sync/{name}.")  # fmt: skip
    for note in report.notes:
        say(note, style="dim")
    if not report.remote:
        say("No remote yet: add one with `calm sync init REMOTE` (a private repository).")
    else:
        say("From now on every change is committed; `calm sync` sends and receives.")


@app.command(short_help="Where the shared case book stands (no network)")
def status(as_json: AsJson = False) -> None:
    """Where things stand, as of the last sync: the remote, changes to send and to receive,
    changes not committed, choices to make, conflict copies to merge."""
    from calmcli.casebook import sync as core
    from calmcli.cli.output import say, warn
    from calmcli.cli.views.team import choices_data, show_open_choices
    from calmcli.clock.now import local_now

    st = core.status()
    if as_json:
        payload = {
            "home": st.home,
            "shared": st.shared,
            "git": st.git,
            "remote": st.remote or None,
            "branch": st.branch or None,
            "to_send": st.ahead,
            "to_receive": st.behind,
            "last_sync": st.last_sync or None,
            "uncommitted": st.uncommitted,
            "in_progress": st.in_progress or None,
            "merge_driver": st.driver,
            "conflict_copies": st.copies,
            "choices": [choices_data(c.id, c.customer, c.choices) for c in st.choices],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not st.git:
        warn("git is not installed here: calm's team sync needs it (https://git-scm.com).")
    if not st.shared:
        say(f"{st.home} is not shared with git. Set it up: calm sync init REMOTE")
    else:
        say(f"{st.home}: shared with {st.remote or 'no remote yet'} ({st.branch or 'no branch'})")
        say(f"Last sync: {core.last_sync_text(st, local_now())}")
        if st.remote and st.upstream:
            say(f"To send: {st.ahead} change(s); to receive: {st.behind} (as of the last sync)")
        elif st.remote:
            say(f"To send: {st.ahead} change(s); the remote has nothing of yours yet")
        if not st.driver:
            warn("calm's merge driver is not set up in this clone: run `calm sync init`")
        if st.in_progress:
            warn(f"a git {st.in_progress} is under way; finish or abort it before `calm sync`")
        if st.uncommitted:
            say(f"Not committed yet ({len(st.uncommitted)}; `calm sync` commits them):")
            for name in st.uncommitted[:20]:
                say(f"  {name}")
    if st.copies:
        say(f"Conflict copies from a sync tool ({len(st.copies)}; `calm doctor` merges them):")
        for name in st.copies[:20]:
            say(f"  {name}")
    show_open_choices(st.choices)
    if st.shared and not (st.uncommitted or st.copies or st.choices or st.in_progress):
        say("Nothing waiting here.", style="dim")
