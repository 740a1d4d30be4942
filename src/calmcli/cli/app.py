"""The `calm` command line: a thin layer that parses options, calls the core and prints results.

Each command module under `cli/commands/` holds one command or one group. `CalmGroup.invoke`
hands every error to the one boundary (`cli.boundary.handle`), which prints it and picks the
exit code.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from calmcli import __version__
from calmcli.cli.boundary import handle, say_rebuilt
from calmcli.cli.commands import assign as assign_cmd
from calmcli.cli.commands import calendar as calendar_cmd
from calmcli.cli.commands import cases as cases_cmd
from calmcli.cli.commands import config as config_cmd
from calmcli.cli.commands import delay as delay_cmd
from calmcli.cli.commands import doctor as doctor_cmd
from calmcli.cli.commands import followup as followup_cmd
from calmcli.cli.commands import item as item_cmd
from calmcli.cli.commands import learn as learn_cmd
from calmcli.cli.commands import log as log_cmd
from calmcli.cli.commands import message as message_cmd
from calmcli.cli.commands import new as new_cmd
from calmcli.cli.commands import resolve as resolve_cmd
from calmcli.cli.commands import sync as sync_cmd
from calmcli.cli.commands import tree as tree_cmd


class CalmGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # usage errors and exits: Click's own handling and exit codes
        except (Exception, KeyboardInterrupt) as exc:
            raise typer.Exit(handle(exc)) from None
        finally:
            say_rebuilt()


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
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Short helps are written to fit `calm --help` at 80 columns, where Click would cut the
# docstrings' first sentences short with "...".
app.command(
    "new", help=new_cmd.HELP, short_help="Prepare for the call back: a plan and a reminder"
)(new_cmd.new)
app.add_typer(followup_cmd.app, name="followup", short_help="Check-ins that are due; done; snooze")
app.command("log", short_help="After the call: what was agreed, the next check-in")(log_cmd.log)
app.add_typer(item_cmd.app, name="item", short_help="A case's promises: list, done, move, drop")
app.command("delay", short_help="The agreed fix slipped: move it, tell the customer")(
    delay_cmd.delay
)
app.command("message", short_help="A text or an email to send the customer")(message_cmd.message)
app.command("list", short_help="List cases, newest first")(cases_cmd.list_cases)
app.command("show", short_help="A case: its plan, what was agreed, its history")(cases_cmd.show)
app.command("export", short_help="Print a case as Markdown, iCalendar or JSON")(cases_cmd.export)
app.command("review", short_help="Look back on a case: root cause, one lesson")(learn_cmd.review)
app.command("patterns", short_help="What keeps coming back, and its lessons")(learn_cmd.patterns)
app.command("breathe", short_help="A guided box-breathing timer")(learn_cmd.breathe)
app.add_typer(tree_cmd.app, name="tree", short_help="List, draw and check interview trees")
app.add_typer(config_cmd.app, name="config", short_help="Your settings and your team's")
app.add_typer(
    calendar_cmd.app, name="calendar", short_help="Your phone's calendar (CalDAV), or a feed"
)
app.add_typer(sync_cmd.app, name="sync", short_help="Share the case book with your team (git)")
app.command("assign", short_help="Give a case to someone on the team")(assign_cmd.assign)
app.command("resolve", short_help="Choose when two people changed the same thing")(
    resolve_cmd.resolve
)
app.command("doctor", short_help="Merge conflict copies and conflict markers")(doctor_cmd.doctor)


def _plain_argument_names() -> None:
    """Typer writes a required argument as `{CASE}` in the usage line and adds its type in
    the list (`CASE <str>`). Every argument of calm's has a metavar that says what to type,
    so show that alone: `calm show CASE`, `calm new [DRAFT]`."""
    from typer.core import TyperArgument

    if not hasattr(TyperArgument, "_usage_display_name"):  # older Typer: already plain
        return
    typed = TyperArgument.display_type_rich

    def usage(self: TyperArgument) -> str:
        name = self.metavar or (self.name or "").upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type(self: TyperArgument, ctx: Any) -> str | None:
        return None if self.metavar else typed(self, ctx)

    TyperArgument._usage_display_name = usage  # type: ignore[method-assign]
    TyperArgument.display_type_rich = display_type  # type: ignore[method-assign,assignment]


_plain_argument_names()


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
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="No boxes, animation or redrawing; numbered choices (also CALM_PLAIN=1).",
        ),
    ] = False,
) -> None:
    """Data lives in $CALM_HOME (see `calm tree list` for trees)."""
    if plain:
        import os

        from calmcli.cli import output

        os.environ["CALM_PLAIN"] = "1"
        output.out.cache_clear()
        output.err.cache_clear()
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def run() -> int:
    app(prog_name="calm")
    return 0
