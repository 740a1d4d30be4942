"""atomic_write: the file is either the old one or the new one, and failures say so plainly."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from calmcli.errors import CalmError
from calmcli.files.atomic import atomic_write


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_and_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "reminder.ics"
    atomic_write(target, b"BEGIN:VCALENDAR\r\n")
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert leftovers(target.parent) == []


def test_str_is_written_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    atomic_write(target, "Zoë 😀 שלום\n")
    assert target.read_bytes() == "Zoë 😀 שלום\n".encode()


def test_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old content that is much longer than the new content\n")
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert leftovers(tmp_path) == []


def test_new_file_honours_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "shared.ics", b"x")
        os.umask(0o077)
        atomic_write(tmp_path / "private.ics", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.ics").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.ics").stat().st_mode) == 0o600


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failed_rename_keeps_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CalmError) as caught:
        atomic_write(target, b"new")
    assert caught.value.message == f"could not write {target}: No space left on device"
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_failed_fsync_keeps_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old")

    def broken_disk(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_disk)
    with pytest.raises(CalmError, match="could not write .*Input/output error"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_interrupt_is_not_swallowed_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old")

    def ctrl_c(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_target_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "reminder.ics"
    (target / "inside").mkdir(parents=True)
    with pytest.raises(CalmError, match=re.escape(f"could not write {target}")):
        atomic_write(target, b"new")
    assert (target / "inside").is_dir()
    assert leftovers(tmp_path) == []


_READ_ONLY_WRITE = """
import os
import sys
from pathlib import Path
from calmcli.errors import CalmError
from calmcli.files.atomic import atomic_write
if os.geteuid() == 0:  # root writes anywhere: become `nobody` (after Python has started)
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
try:
    atomic_write(Path(sys.argv[1]), b"new")
except CalmError as exc:
    print(exc.message)
    sys.exit(3)
"""


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_folder_keeps_old_file() -> None:
    """A folder the user may not write to. Root may write anywhere, so the write runs in a child
    process which, when it runs as root (CI, containers), first drops to the `nobody` user."""
    import subprocess
    import sys
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="calm-ro-", dir="/tmp"))
    try:
        base.chmod(0o755)
        folder = base / "followups"
        folder.mkdir()
        target = folder / "reminder.ics"
        target.write_bytes(b"old")
        folder.chmod(0o555)
        src = Path(__file__).resolve().parents[1] / "src"
        done = subprocess.run(
            [sys.executable, "-c", _READ_ONLY_WRITE, str(target)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(src)},
            cwd="/",
            check=False,
        )
        assert done.returncode == 3, done.stderr
        assert re.search("could not write .*Permission denied", done.stdout), done.stdout
        assert target.read_bytes() == b"old"
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)
        import shutil

        shutil.rmtree(base)


def test_unencodable_text_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "reminder.ics"
    target.write_bytes(b"old")
    with pytest.raises(CalmError, match="could not write"):
        atomic_write(target, "bad \udc80 surrogate")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
