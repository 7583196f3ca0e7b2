"""Parsers for the Linux /proc files the host sources read each tick; an absent file reads as `None`.

Every function takes the procfs root as a path (like `app.core.sysfs`), so tests point it at
recorded snapshots in `tests/data` and get numbers they can check by hand. Field layouts follow
the kernel's Documentation/filesystems/proc.rst and Documentation/admin-guide/iostats.rst.
"""

from __future__ import annotations

from pathlib import Path

PROCFS = Path("/proc")
# /proc/diskstats counts 512-byte sectors whatever the device's own sector size (iostats.rst).
DISKSTATS_SECTOR_BYTES = 512
# /proc/stat fields that make up a core's time. guest and guest_nice are left out: the kernel
# already counts guest time inside user and nice, so adding them would count it twice.
_STAT_TIME_FIELDS = 8  # user nice system idle iowait irq softirq steal
_STAT_IDLE, _STAT_IOWAIT = 3, 4
# /proc/net/dev: after "name:", 8 receive columns then 8 transmit columns; bytes come first in each.
_NET_RX_BYTES, _NET_TX_BYTES = 0, 8
# /proc/diskstats: major minor name, then reads completed, reads merged, sectors read, ms reading,
# writes completed, writes merged, sectors written, ...
_DISK_NAME, _DISK_SECTORS_READ, _DISK_SECTORS_WRITTEN = 2, 5, 9


def _read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None


def cpu_core_times(procfs: Path = PROCFS) -> list[tuple[int, int]] | None:
    """(total, idle) clock ticks of each core, cpu0 first; idle includes time waiting for I/O."""
    lines = _read_lines(procfs / "stat")
    if lines is None:
        return None
    cores = []
    for line in lines:
        label, *values = line.split()
        if label.startswith("cpu") and label != "cpu":
            ticks = [int(v) for v in values[:_STAT_TIME_FIELDS]]
            cores.append((sum(ticks), ticks[_STAT_IDLE] + ticks[_STAT_IOWAIT]))
    return cores


def disk_bytes(procfs: Path = PROCFS) -> dict[str, tuple[int, int]] | None:
    """Bytes read and written so far per block device (partitions included; callers choose)."""
    lines = _read_lines(procfs / "diskstats")
    if lines is None:
        return None
    out = {}
    for line in lines:
        fields = line.split()
        if len(fields) > _DISK_SECTORS_WRITTEN:
            out[fields[_DISK_NAME]] = (
                int(fields[_DISK_SECTORS_READ]) * DISKSTATS_SECTOR_BYTES,
                int(fields[_DISK_SECTORS_WRITTEN]) * DISKSTATS_SECTOR_BYTES,
            )
    return out


def network_bytes(procfs: Path = PROCFS) -> dict[str, tuple[int, int]] | None:
    """Bytes received and sent so far per network interface (loopback included; callers choose)."""
    lines = _read_lines(procfs / "net" / "dev")
    if lines is None:
        return None
    out = {}
    for line in lines:
        name, colon, rest = line.partition(":")
        values = rest.split()
        if colon and len(values) > _NET_TX_BYTES and values[0].isdigit():
            out[name.strip()] = (int(values[_NET_RX_BYTES]), int(values[_NET_TX_BYTES]))
    return out


def meminfo_kib(procfs: Path = PROCFS) -> dict[str, int] | None:
    """`/proc/meminfo` as {field: kibibytes}."""
    lines = _read_lines(procfs / "meminfo")
    if lines is None:
        return None
    out = {}
    for line in lines:
        name, _, rest = line.partition(":")
        value = rest.split()
        if value and value[0].isdigit():
            out[name] = int(value[0])
    return out


def load_1m(procfs: Path = PROCFS) -> float | None:
    """The one-minute load average from `/proc/loadavg`."""
    lines = _read_lines(procfs / "loadavg")
    try:
        return float(lines[0].split()[0]) if lines else None
    except (IndexError, ValueError):
        return None
