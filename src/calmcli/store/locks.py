"""One lock per `CALM_HOME`, the same for every process on the machine.

The lock is `flock` on the cases folder itself: no lock file to put anywhere, nothing that a
sync tool or git could carry to another machine, and the same lock for every process that sees
the folder (through a symlink, under sudo, with other cache settings), because it belongs to
the folder, not to a path. Updates hold it for the few milliseconds of read, change and write.
Where `flock` is missing (Windows) or refused (some network file systems), a lock file in a
hidden folder of `CALM_HOME` stands in.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from calmcli.errors import CalmError
from calmcli.files import paths

PATIENCE = 1.0
"""Seconds of waiting before the user is told the case is busy (and then once a second)."""
GIVE_UP = 60.0
POLL = 0.02


@contextlib.contextmanager
def case_book_lock(
    on_wait: Callable[[], None] | None = None,
    *,
    patience: float = PATIENCE,
    give_up: float = GIVE_UP,
) -> Iterator[None]:
    """Hold the home's lock for the block; `on_wait` is called while another calm holds it."""
    folder = paths.cases_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalmError(f"could not create {folder}: {exc.strerror or exc}") from None
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _file_lock(on_wait, patience, give_up):
            yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            _wait_for(
                lambda: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB), on_wait, patience, give_up
            )
        except OSError as exc:
            if isinstance(exc, BlockingIOError):
                raise
            with _file_lock(on_wait, patience, give_up):  # flock refused here: a lock file
                yield
            return
        yield
    finally:
        os.close(fd)  # releases the flock


def _wait_for(
    take: Callable[[], object],
    on_wait: Callable[[], None] | None,
    patience: float,
    give_up: float,
) -> None:
    start = time.monotonic()
    told = start
    while True:
        try:
            take()
            return
        except BlockingIOError:
            pass
        now = time.monotonic()
        if now - start >= give_up:
            raise CalmError(f"the cases stayed busy for {give_up:.0f} s; is another calm stuck?")
        if on_wait is not None and now - told >= patience:
            told = now
            on_wait()
        time.sleep(POLL)


@contextlib.contextmanager
def _file_lock(
    on_wait: Callable[[], None] | None, patience: float, give_up: float
) -> Iterator[None]:
    from filelock import FileLock, Timeout

    folder = paths.calm_home() / ".locks"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalmError(f"could not create {folder}: {exc.strerror or exc}") from None
    lock = FileLock(str(Path(folder) / "cases.lock"))

    def take() -> None:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise BlockingIOError from None
        except OSError as exc:  # a folder where the lock file should be, a read-only home
            raise CalmError(f"cannot lock {lock.lock_file}: {exc.strerror or exc}") from None

    _wait_for(take, on_wait, patience, give_up)
    try:
        yield
    finally:
        lock.release()
