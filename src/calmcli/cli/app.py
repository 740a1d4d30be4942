"""The `calm` command line: a thin layer that parses options, calls the core and prints results.

Every user-facing failure is a `CalmError`; `CalmGroup.invoke` is the one place that turns it
(and Ctrl-C) into a message and an exit code.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from calmcli import __version__
from calmcli.cli.commands import cases as cases_cmd
from calmcli.cli.commands import followup as followup_cmd
from calmcli.cli.commands import learn as learn_cmd
from calmcli.cli.commands import new as new_cmd
from calmcli.cli.commands import tree as tree_cmd
from calmcli.cli.output import report
from calmcli.errors import EXIT_INTERRUPTED, CalmError, Interrupted


class CalmGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CalmError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, typer.Abort):
            report(Interrupted("interrupted"))
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=CalmGroup,
    name="calm",
    help=(
        "A calm plan for returning an upset customer's call.\n\n"
        "Start with `calm new`: it walks you through what the customer feels, the facts, what "
        "they want and your options, then prints a call plan and sets a follow-up reminder."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("new", help=new_cmd.HELP)(new_cmd.new)
app.add_typer(followup_cmd.app, name="followup")
app.command("log")(cases_cmd.log)
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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Data lives in $CALM_HOME (see `calm tree list` for trees)."""


def run() -> None:
    app(prog_name="calm")
