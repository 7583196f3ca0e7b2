"""The disk test's scratch folder: `.aiwm-stress-<pid>-<random>` inside the folder the user chose.

Every file of a run lives in it, so removing it removes everything. The pid in its name is the
process that owns the run: a folder whose owner is no longer alive is a leftover of a crashed run,
and the next run removes it before it starts.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import psutil

from app.core.units import format_bytes

PREFIX = ".aiwm-stress-"
_NAME = re.compile(r"^\.aiwm-stress-(\d+)-[0-9a-f]+$")
GIB = 1 << 30
MARGIN_BYTES = GIB  # free space that must remain after the test's files ...
MARGIN_FRACTION = 0.10  # ... or this share of the filesystem, whichever is more


@dataclass(frozen=True)
class SpaceCheck:
    """Whether the test's files fit and what stays free."""

    fits: bool
    free_bytes: int
    needed_bytes: int
    margin_bytes: int

    def refusal(self, folder: Path) -> str:
        return (
            f"not enough free space in {folder}: {_size(self.free_bytes)} free; the test writes"
            f" {_size(self.needed_bytes)} and leaves at least {_size(self.margin_bytes)} free"
            " (1 GiB or 10 % of the filesystem, whichever is more)"
        )


def _size(size_bytes: int) -> str:
    """ "1.00 GiB (1073741824 bytes)": readable, and exact."""
    return f"{format_bytes(size_bytes)} ({size_bytes} bytes)"


def check_free_space(folder: Path, needed_bytes: int) -> SpaceCheck:
    """Does `needed_bytes` fit in `folder` and still leave the margin free?"""
    usage = shutil.disk_usage(folder)
    margin = max(MARGIN_BYTES, int(usage.total * MARGIN_FRACTION))
    return SpaceCheck(usage.free - needed_bytes >= margin, usage.free, needed_bytes, margin)


def make_scratch_folder(parent: Path) -> Path:
    """Create this run's folder (owned by this process) inside `parent`."""
    folder = parent / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o700)
    return folder


def remove_leftovers(parent: Path) -> list[Path]:
    """Remove the scratch folders of runs whose owning process is gone; returns what was removed."""
    removed = []
    for entry in parent.iterdir():
        match = _NAME.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() and not psutil.pid_exists(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def filesystem_type(folder: Path) -> str | None:
    """The type of the filesystem holding `folder` ("ext4", "tmpfs"), from the mount table."""
    resolved = str(folder.resolve())
    best: tuple[int, str] | None = None
    for part in psutil.disk_partitions(all=True):
        mount = part.mountpoint.rstrip(os.sep) or os.sep
        inside = resolved == mount or resolved.startswith(mount.rstrip(os.sep) + os.sep)
        if inside and (best is None or len(mount) > best[0]):
            best = (len(mount), part.fstype)
    return best[1] if best else None
