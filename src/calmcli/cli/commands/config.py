"""`calm config`: your settings and your team's, where they live, and changing one."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    help="Your settings and your team's: show them, or change one.",
    invoke_without_command=True,
)


@app.callback()
def show(ctx: typer.Context) -> None:
    """Every setting, its value and where it comes from (default, the team's file, yours)."""
    if ctx.invoked_subcommand is not None:
        return
    from calmcli.cli.output import say
    from calmcli.domain.settings import KEYS
    from calmcli.store import config

    settings = config.load()
    say(f"Yours:       {config.personal_path()}")
    say(f"Your team's: {config.team_path()}  (shared with the case book; yours win)")
    say("")
    width = max(len(k) for k in KEYS)
    for name, key in KEYS.items():
        value = settings.get(name)
        if value is None:
            shown = "(calm's own wording)"
        elif isinstance(value, list):
            shown = ", ".join(value)
        else:
            shown = str(value) if value != "" else "(not set)"
        source = settings.source(name).split(" (")[0]
        say(f"{name:<{width}}  {_one_line(shown)}  [{source}]")
        say(f"{'':<{width}}  {key.help}", style="dim")


@app.command("set", short_help="Change one setting")
def set_(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="A setting's name (see `calm config`).")
    ],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="Its new value.")],
    team: Annotated[
        bool | None,
        typer.Option(
            "--team/--personal",
            help="Which file. Default: where the key belongs (yours for name, phone, hours).",
        ),
    ] = None,
) -> None:
    """Change one setting, keeping the file's comments and layout."""
    from calmcli.cli.output import say
    from calmcli.domain.settings import PERSONAL, TEAM
    from calmcli.store import config

    scope = None if team is None else TEAM if team else PERSONAL
    path, stored = config.set_value(key, value, scope)
    shown = ", ".join(stored) if isinstance(stored, list) else stored
    say(f"{key} = {shown}  ({path})")


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:59] + "…"
