"""git's merge driver for case files: `python -m calmcli.cli.mergedriver BASE OURS THEIRS PATH`.

git runs this (as `calm sync init` set it up in `.git/config`) when a case changed on both
sides of a merge or a rebase. It writes the merged case over OURS and exits 0; a file it cannot
merge (one side not a case calm can read, two different cases under one id) exits 1, which
git reports as a conflict and `calm sync` as a message. What it did is noted in the clone's
`.git/calm/` for `calm sync` to report; nothing is printed on success.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def _log(name: str, line: str) -> None:
    folder = Path(os.environ.get("GIT_DIR") or ".git") / "calm"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / name).open("a", encoding="utf-8") as fh:
            fh.write(line.replace("\n", " ") + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m calmcli.cli.mergedriver BASE OURS THEIRS PATH", file=sys.stderr)
        return 2
    base, ours, theirs, name = argv
    from calmcli.errors import CalmError
    from calmcli.store.merge import merge_files

    try:
        merged = merge_files(Path(base), Path(ours), Path(theirs), name)
    except CalmError as exc:
        print(f"calm: cannot merge {name}: {exc.message}", file=sys.stderr)
        _log("problems", f"{name}\t{exc.message}")
        return 1
    except Exception as exc:  # a bug must not leave git with half a file: a conflict instead
        print(f"calm: cannot merge {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        _log("problems", f"{name}\t{type(exc).__name__}: {exc}")
        return 1
    _log("merged", f"{merged.data.get('id')}\t{len(merged.conflicts)}\t{len(merged.renumbered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
