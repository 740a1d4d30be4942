"""Run `calm` with the final save of `calm new` held open, so a signal can land inside it.

`python save_window.py ARGS...` is `calm ARGS...`, except that after the case file has been
created and before its plan and reminder are written, it prints `@@SAVING@@` and sleeps for
`CALM_SAVE_WINDOW` seconds (default 30). `test_interrupt.py` sends its signal when the marker
appears: the window calm always has, between the first and the last file of a new case, made
wide enough to hit every time.
"""

from __future__ import annotations

import os
import sys
import time

from calmcli.casebook import create as intake

_real_atomic_write = intake.atomic_write


def _slow_atomic_write(path, data):  # type: ignore[no-untyped-def]
    sys.stdout.write("\n@@SAVING@@\n")
    sys.stdout.flush()
    time.sleep(float(os.environ.get("CALM_SAVE_WINDOW", "30")))
    _real_atomic_write(path, data)


intake.atomic_write = _slow_atomic_write

if __name__ == "__main__":
    from calmcli.cli.entry import main

    main()
