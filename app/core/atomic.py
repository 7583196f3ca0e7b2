"""The one way the program writes a whole file: to a temporary name, then moved into place.

A failed or interrupted write never leaves a half-written file where the user's old one was.
A file the user names (a CSV export) is only ever created, never put over an existing one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from app.core.errors import UserError


@contextlib.contextmanager
def atomic_text_writer(path: Path, newline: str | None = None, *, replace: bool = True) -> Iterator[TextIO]:
    """Yield a text file that appears at `path` only when the block ends without an error.

    With `replace=False` an existing `path` (file, symlink, device) is left alone and the write
    fails with a `UserError`, even if the path appeared while the file was being written. The new
    file gets the permissions of any other file the user creates (0666 less the umask).
    """
    if not replace:
        refuse_existing(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; a CSV is shared like any other file
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp_name, path)
        else:
            _move_without_replacing(Path(tmp_name), path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _move_without_replacing(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` unless something already has it (a hard link cannot replace)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        refuse_existing(path)
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise UserError(f"cannot write {path}: {error.strerror}") from None
        refuse_existing(path)  # a file system without hard links (FAT, some network shares)
        os.rename(tmp, path)
        return
    os.unlink(tmp)


def refuse_existing(path: Path) -> None:
    """Fail with a one-line `UserError` if anything (even a dangling symlink) has the name `path`."""
    if os.path.lexists(path):
        raise UserError(f"{path} already exists; choose a new file name (nothing was overwritten)")


def current_umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere it can only be read by setting it."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("Umask:"))
        return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(path: Path) -> None:
    """Fail with a one-line `UserError` now if `path` could not be created later."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise UserError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UserError(f"cannot write {path}: folder {folder} is not writable")
