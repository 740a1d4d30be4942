"""`calm tree ...`: list, show, check and describe the interview trees."""

from __future__ import annotations

from pathlib import Path

import typer

from calmcli.cli.output import err, lit, out, say
from calmcli.errors import BadInput
from calmcli.textsafe import clean

app = typer.Typer(
    help="List, draw and check interview trees (the YAML that drives `calm new`).",
    no_args_is_help=True,
)


@app.command("list", short_help="The built-in trees and yours, with their titles")
def list_() -> None:
    """List the built-in trees and yours (in $CALM_HOME/trees/), with their titles."""
    from rich.table import Table

    from calmcli.tree import registry

    table = Table(box=None, pad_edge=False)
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("source")
    for entry in registry.entries():
        source = entry.source if entry.source == "built-in" else str(entry.path)
        title = entry.title if entry.problem is None else f"(invalid: {entry.problem})"
        table.add_row(lit(entry.name), lit(title), lit(source))
    out().print(table)


@app.command(short_help="Draw a tree: sections, questions, branches")
def show(
    name: str = typer.Argument(
        ..., metavar="TREE", help="A tree name (see `calm tree list`) or a path to a file."
    ),
) -> None:
    """Draw a tree's flow: its sections, questions and branches."""
    from calmcli.cli.views.tree import tree_flow
    from calmcli.tree import registry

    out().print(tree_flow(registry.resolve(name)))


@app.command(short_help="Check tree files; every problem as file:line:column")
def check(
    files: list[Path] = typer.Argument(  # noqa: B008
        None,
        metavar="FILE",
        help="Tree files to check. Default: the built-ins and every tree of yours.",
    ),
) -> None:
    """Check tree files; print every problem as file:line:column: node: message.

    Exits 0 when every file is valid and 2 otherwise.
    """
    from calmcli.tree import registry

    if files:
        listed = [registry.entry(f, builtin=registry.is_builtin(f)) for f in files]
    else:
        listed = registry.entries()
    failed = 0
    for entry in listed:
        if entry.error is not None:
            failed += 1
            for line in entry.error.details or [entry.error.message]:
                err().print(clean(line), markup=False, soft_wrap=True)
        elif entry.tree is not None:
            say(f"ok  {entry.path}  ({entry.tree.id}: {len(entry.tree.nodes)} nodes)")
    if failed:
        raise BadInput(f"{failed} of {len(listed)} tree file(s) have problems")


@app.command(short_help="The tree format's JSON Schema, for editors")
def schema() -> None:
    """Print the JSON Schema of the tree format, for editor completion and checking."""
    from importlib import resources

    print((resources.files("calmcli.tree") / "schema.json").read_text(encoding="utf-8"), end="")
