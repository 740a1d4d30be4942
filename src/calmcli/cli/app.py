"""The `calm` command line: a thin layer that parses options, calls the core and prints results.

Each command module under `cli/commands/` holds one command or one group. `CalmGroup.invoke`
hands every error to the one boundary (`cli.boundary.handle`), which prints it and picks the
exit code.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from calmcli import __version__
from calmcli.cli.boundary import handle
from calmcli.cli.commands import cases as cases_cmd
from calmcli.cli.commands import followup as followup_cmd
from calmcli.cli.commands import learn as learn_cmd
from calmcli.cli.commands import log as log_cmd
from calmcli.cli.commands import new as new_cmd
from calmcli.cli.commands import tree as tree_cmd
from calmcli.errors import CalmError


class CalmGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (CalmError, KeyboardInterrupt) as exc:
            raise typer.Exit(handle(exc)) from None


app = typer.Typer(
    cls=CalmGroup,
    name="calm",
    help=(
        "A calm plan for returning an upset customer's call.\n\n"
        "Start with `calm new`: it walks you through what the customer feels, the facts, what "
        "they want and your options, then prints a call plan and sets a follow-up reminder."
    ),
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("new", help=new_cmd.HELP)(new_cmd.new)
app.add_typer(followup_cmd.app, name="followup")
app.command("log")(log_cmd.log)
app.command("list")(cases_cmd.list_cases)
app.command("show")(cases_cmd.show)
app.command("export")(cases_cmd.export)
app.command("review")(learn_cmd.review)
app.command("patterns")(learn_cmd.patterns)
app.command("breathe")(learn_cmd.breathe)
app.add_typer(tree_cmd.app, name="tree")


def _version(value: bool) -> None:
    if value:
        print(f"calm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Data lives in $CALM_HOME (see `calm tree list` for trees)."""
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def run() -> int:
    app(prog_name="calm")
    return 0
