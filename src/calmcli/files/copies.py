"""What file-sync tools call the copies they make, so calm can tell a copy from a case.

When two machines change the same file before a sync tool has passed the change on, the tool
keeps both: the file itself and a *conflict copy* beside it. While it is still copying a file,
it writes a *partial* file first. calm recognises both by name (standard library only: the
index's fast path reads this), merges a conflict copy into its case (`calm doctor`), and never
deletes a partial file: the sync tool finishes or removes it.
"""

from __future__ import annotations

import re

__all__ = ["copy_of", "is_partial"]

_COPY_PATTERNS = (
    # Syncthing: <id>.sync-conflict-20261125-101502-ABCDEFG.yaml
    re.compile(r"(?P<stem>.+?)\.sync-conflict-[0-9]{8}-[0-9]{6}(?:-[A-Za-z0-9]+)?(?P<ext>\.[^.]+)"),
    # Dropbox, Nextcloud, ownCloud: <id> (conflicted copy 2026-11-25).yaml,
    # <id> (Sam's conflicted copy 2026-11-25).yaml, <id> (conflicted copy 2026-11-25 101502).yaml
    re.compile(r"(?P<stem>.+?) \([^()]*conflicted copy[^()]*\)(?P<ext>\.[^.]+)", re.IGNORECASE),
    # Google Drive, a second download, a copy made by hand: <id> (1).yaml
    re.compile(r"(?P<stem>.+?) \((?:[0-9]{1,3}|copy(?: [0-9]{1,3})?)\)(?P<ext>\.[^.]+)"),
)

_PARTIAL_PATTERNS = (
    re.compile(r"\.syncthing\..+\.tmp"),  # Syncthing, while a file is coming in
    re.compile(r"~syncthing~.+\.tmp"),  # Syncthing on Windows
    re.compile(r"\.~.+"),  # Dropbox and LibreOffice partial writes
    re.compile(r".+\.~[0-9]+"),  # Nextcloud, ownCloud
    re.compile(r".+\.(?:!sync|part|partial|crdownload|download)"),  # Resilio, browsers, others
)


def copy_of(name: str) -> str | None:
    """The name of the file `name` is a sync tool's conflict copy of, or None.

    `2026-11-25-dana.sync-conflict-20261125-101502-ABCDEFG.yaml` -> `2026-11-25-dana.yaml`.
    """
    if " (" not in name and ".sync-conflict-" not in name:  # what every pattern needs
        return None  # (a cold index asks this of 100,000 names: three regexes cost 0.2 s)
    for pattern in _COPY_PATTERNS:
        match = pattern.fullmatch(name)
        if match:
            return match["stem"] + match["ext"]
    return None


def is_partial(name: str) -> bool:
    """A file a sync tool is still writing (or left part way): never read, never deleted."""
    return any(pattern.fullmatch(name) for pattern in _PARTIAL_PATTERNS)
