"""Run `calm` as if the disk were full: `python enospc.py ARGS...` is `calm ARGS...`, except that
flushing a file to disk fails with ENOSPC ("No space left on device").

`CALM_ENOSPC=all` (the default) fails every file; `CALM_ENOSPC=.md` (or `.ics`, `.yaml`, several
comma-separated) only the temp files written for targets with that suffix, e.g. the plan of a
new case after its case file was written. Used when a real small tmpfs cannot be mounted, and to
hit one file of several exactly.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_real_fsync = os.fsync
_only = [s for s in os.environ.get("CALM_ENOSPC", "all").split(",") if s and s != "all"]


def _target(fd: int) -> str:
    try:
        return Path(f"/proc/self/fd/{fd}").readlink().name
    except OSError:
        return ""


def _fsync(fd: int) -> None:
    if stat.S_ISREG(os.fstat(fd).st_mode):
        name = _target(fd)
        if not _only or any(f"{suffix}." in name for suffix in _only):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    _real_fsync(fd)


os.fsync = _fsync

if __name__ == "__main__":
    from calmcli.cli.entry import main

    main()
