"""Temperatures from Linux hwmon: the CPU package sensor and NVMe drive sensors with thresholds."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.records import DriveTemperature, DriveTemperatureReading
from app.core.sysfs import SYSFS, millidegrees_c, physical_disks, read_text

# hwmon driver names of CPU package sensors (Linux Documentation/hwmon/*.rst).
_CPU_CHIPS = ("coretemp", "k10temp", "zenpower", "cpu_thermal", "soc_thermal")
# Preferred labels: Intel "Package id 0"; AMD "Tdie" (the measured die) before "Tctl", the control
# value that some Ryzen and Threadripper parts report with an offset (Documentation/hwmon/k10temp.rst).
_CPU_LABELS = ("Package id 0", "Tdie", "Tctl")
_NVME_BLOCK = re.compile(r"^(nvme\d+)n\d+$")


def cpu_temperature_c(sysfs: Path = SYSFS) -> float | None:
    """The CPU package temperature, or `None` where no known sensor is exposed (VMs, Windows)."""
    for chip in _hwmon_chips(sysfs):
        if read_text(chip / "name") in _CPU_CHIPS:
            return _labelled_temperature(chip) or millidegrees_c(chip / "temp1_input")
    return None


def _hwmon_chips(sysfs: Path) -> list[Path]:
    folder = sysfs / "class" / "hwmon"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _labelled_temperature(chip: Path) -> float | None:
    labels = {read_text(p): p for p in chip.glob("temp*_label")}
    for wanted in _CPU_LABELS:
        label_file = labels.get(wanted)
        if label_file is not None:
            return millidegrees_c(label_file.with_name(label_file.name.replace("_label", "_input")))
    return None


def nvme_hwmon_dir(controller: str, sysfs: Path = SYSFS) -> Path | None:
    """The hwmon folder of an NVMe controller: under the class device (newer kernels) or its PCI device."""
    base = sysfs / "class" / "nvme" / controller
    for pattern in ("hwmon*", "device/hwmon/hwmon*"):
        found = sorted(base.glob(pattern))
        if found:
            return found[0]
    return None


def nvme_temperature(block_name: str, sysfs: Path = SYSFS) -> DriveTemperature | None:
    """Composite temperature with the warning (`temp1_max`) and critical (`temp1_crit`) thresholds."""
    match = _NVME_BLOCK.match(block_name)
    hwmon = nvme_hwmon_dir(match.group(1), sysfs) if match else None
    if hwmon is None:
        return None
    return DriveTemperature(
        name=block_name,
        temperature_c=millidegrees_c(hwmon / "temp1_input"),
        warning_c=millidegrees_c(hwmon / "temp1_max"),
        critical_c=millidegrees_c(hwmon / "temp1_crit"),
    )


class NvmeTemperatureSource:
    """NVMe temperatures without root, from sysfs; drives without a sensor are left out."""

    name = "nvme_temperature"

    def __init__(self, interval_s: float = 5.0, sysfs: Path = SYSFS) -> None:
        self.interval_s = interval_s
        self._sysfs = sysfs
        self._drives = [d for d in physical_disks(sysfs) if _NVME_BLOCK.match(d)]

    def read(self) -> DriveTemperatureReading:
        found = (nvme_temperature(name, self._sysfs) for name in self._drives)
        return DriveTemperatureReading(tuple(d for d in found if d is not None))

    def close(self) -> None:
        """Nothing held."""
