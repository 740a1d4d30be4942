"""Run `calm` with the final save of `calm new` held open, so a signal can land inside it.

`python save_window.py ARGS...` is `calm ARGS...`, except that after the case file has been
created and before its derived files are written, it prints `@@SAVING@@` and sleeps for
`CALM_SAVE_WINDOW` seconds (default 30). `test_interrupt.py` sends its signal when the marker
appears: the window calm always has, between the first and the last file of a new case, made
wide enough to hit every time.

With `CALM_SIGNAL_AT=after-review` it instead sends itself SIGTERM the moment the review is
confirmed (before the save begins), and with `CALM_SIGNAL_AT=after-save` the moment the case is
saved (before the plan is shown): the two edges of the save, hit exactly rather than by timing.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from calmcli.casebook import save
from calmcli.cli import newcase as new
from calmcli.domain.interview import Interview

AT = os.environ.get("CALM_SIGNAL_AT", "")


def _terminate_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


if AT == "after-review":
    _real_run = Interview.run

    def _run_then_signal(self, prompter):  # type: ignore[no-untyped-def]
        answers = _real_run(self, prompter)
        _terminate_self()
        return answers

    Interview.run = _run_then_signal  # type: ignore[method-assign]
elif AT == "after-save":
    _real_show = new._show

    def _signal_then_show(created):  # type: ignore[no-untyped-def]
        _terminate_self()
        _real_show(created)

    new._show = _signal_then_show
else:
    _real_atomic_write = save.atomic_write

    def _slow_atomic_write(path, data):  # type: ignore[no-untyped-def]
        sys.stdout.write("\n@@SAVING@@\n")
        sys.stdout.flush()
        time.sleep(float(os.environ.get("CALM_SAVE_WINDOW", "30")))
        _real_atomic_write(path, data)

    save.atomic_write = _slow_atomic_write

if __name__ == "__main__":
    from calmcli.cli.entry import main

    main()
