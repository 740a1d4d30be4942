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
        help="Tree files (or names) to check. Default: the built-ins and every tree of yours.",
    ),
) -> None:
    """Check tree files; print every problem as file:line:column: node: message.

    A tree's name (see `calm tree list`) stands for its file. Exits 0 when every file is
    valid and 2 otherwise.
    """
    from calmcli.tree import registry

    if files:
        named = (
            {e.name: e.path for e in registry.entries()}
            if any(not f.exists() and f.name == str(f) for f in files)
            else {}
        )
        paths = [named.get(str(f), f) if not f.exists() else f for f in files]
        listed = [registry.entry(f, builtin=registry.is_builtin(f)) for f in paths]
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


@app.command(short_help="Copy a tree to a new one of yours, to change")
def copy(
    name: str = typer.Argument(
        ..., metavar="TREE", help="The tree to copy (see `calm tree list`)."
    ),
    new: str = typer.Argument(..., metavar="NEW", help="Your tree's name: a-z, 0-9, - and _."),
) -> None:
    """Copy a tree into $CALM_HOME/trees/NEW.yaml, with its id set to NEW, ready to change.

    A tree of yours with a built-in's name is used instead of the built-in.
    """
    import re

    from calmcli.files import paths
    from calmcli.files.atomic import atomic_write
    from calmcli.tree import registry
    from calmcli.tree.parts import MAX_ID_LENGTH

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", new) or len(new) > MAX_ID_LENGTH:
        raise BadInput(
            f"{clean(new)[:60]!r} cannot name a tree: use a-z, 0-9, - and _ (not first), "
            "such as roof-leak"
        )
    found = {e.name: e for e in registry.entries()}
    if name not in found:
        names = ", ".join(found)
        raise BadInput(f"no tree named {clean(name)[:60]!r} (trees: {names})")
    target = paths.trees_dir() / f"{new}.yaml"
    if target.exists():
        raise BadInput(f"{target} already exists: change that one, or pick another name")
    text = found[name].path.read_text(encoding="utf-8")
    copied, renamed = re.subn(r"^id:[^\n]*$", f"id: {new}", text, count=1, flags=re.MULTILINE)
    if not renamed:
        raise BadInput(f"{found[name].path}: no top-level 'id:' line to rename")
    atomic_write(target, copied.encode("utf-8"))
    registry.load_path(target)  # the copy is a valid tree, or this says why
    replaces = f" (it replaces the built-in {new!r})" if new in found and new != name else ""
    say(f"Copied {name} to {target}{replaces}.")
    say(f"Change it with your editor, then: calm tree check {target}")
    say(f"Use it with: calm new --tree {new}")
