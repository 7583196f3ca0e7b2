"""Small readers for Linux sysfs files; a file that is absent or unreadable reads as `None`.

Every function takes the sysfs root as a path, so tests point it at a recorded tree in `tests/data`.
"""

from __future__ import annotations

import re
from pathlib import Path

SYSFS = Path("/sys")
_VIRTUAL_BLOCK = re.compile(r"^(loop|ram|zram|dm-|md|sr|fd|nbd)\d*")


def read_text(path: Path) -> str | None:
    """The stripped contents of a sysfs file, or `None` if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def read_int(path: Path) -> int | None:
    """A sysfs file holding one integer, or `None`."""
    text = read_text(path)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def millidegrees_c(path: Path) -> float | None:
    """A hwmon temperature file (millidegrees Celsius) in degrees, or `None`."""
    value = read_int(path)
    return None if value is None else value / 1000.0


def physical_disks(sysfs: Path = SYSFS) -> list[str]:
    """Block devices backed by hardware: not loop, RAM, device-mapper or optical devices."""
    block = sysfs / "block"
    if not block.is_dir():
        return []
    names = [p.name for p in block.iterdir() if not _VIRTUAL_BLOCK.match(p.name)]
    return sorted(n for n in names if (block / n / "device").exists())
