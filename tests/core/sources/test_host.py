"""Host sources read from recorded sysfs trees and smartctl JSON in tests/data, not this machine."""

from __future__ import annotations

import json

import pytest

from app.core.inventory import read_disks, read_infiniband
from app.core.proc import CommandResult
from app.core.sources.host import CpuSource, MemorySource
from app.core.sources.hwmon import NvmeTemperatureSource, cpu_temperature_c, nvme_temperature
from app.core.sources.rates import RateTracker
from app.core.sources.smart import SmartSource, parse_smartctl_json
from app.core.sysfs import physical_disks
from tests.conftest import DATA

WORKSTATION = DATA / "sysfs_workstation"
AMD = DATA / "sysfs_amd"


def test_physical_disks_leave_out_loop_and_device_mapper() -> None:
    assert physical_disks(WORKSTATION) == ["nvme0n1", "sda", "sdb"]


def test_disk_inventory_names_kind_model_and_size() -> None:
    disks = {d.name: d for d in read_disks(WORKSTATION)}
    assert disks["nvme0n1"].kind == "nvme"
    assert disks["sda"].kind == "ssd"
    assert disks["sdb"].kind == "hdd"
    assert disks["sdb"].model == "ST12000NM0008-2H"
    assert disks["nvme0n1"].total_bytes == 3907029168 * 512


def test_cpu_package_temperature_from_intel_coretemp() -> None:
    assert cpu_temperature_c(WORKSTATION) == 61.0


def test_cpu_temperature_from_amd_k10temp_uses_tctl() -> None:
    assert cpu_temperature_c(AMD) == 71.25


def test_no_cpu_sensor_reads_none_with_a_reason(tmp_path) -> None:
    source = CpuSource(sysfs=tmp_path)
    source.read()
    reading = source.read()
    assert reading.temperature_c is None
    assert dict(reading.missing)["temperature_c"].startswith("the OS exposes no CPU temperature")


def test_nvme_composite_temperature_with_warning_and_critical_thresholds() -> None:
    drive = nvme_temperature("nvme0n1", WORKSTATION)
    assert drive is not None
    assert (drive.temperature_c, drive.warning_c, drive.critical_c) == (44.85, 81.85, 84.85)


def test_nvme_hwmon_under_the_pci_device_on_older_kernels() -> None:
    drive = nvme_temperature("nvme1n1", AMD)
    assert drive is not None and drive.temperature_c == 39.85
    assert drive.warning_c is None  # this drive's controller exposes no threshold


def test_nvme_source_metrics_name_the_disk() -> None:
    reading = NvmeTemperatureSource(sysfs=WORKSTATION).read()
    assert reading.metrics() == {"disk.nvme0n1.temperature_c": 44.85}


def test_infiniband_ports_with_rate_and_state() -> None:
    ports = read_infiniband(WORKSTATION)
    assert [(p.device, p.port, p.rate, p.state) for p in ports] == [
        ("mlx5_0", 1, "200 Gb/sec (4X HDR)", "ACTIVE"),
        ("mlx5_0", 2, "10 Gb/sec (4X SDR)", "DOWN"),
    ]


def test_rates_need_two_readings_and_ignore_counter_resets() -> None:
    tracker = RateTracker()
    assert tracker.rates(10.0, {"a": (100.0,)}) == {"a": (None,)}
    assert tracker.rates(12.0, {"a": (300.0,)}) == {"a": (100.0,)}
    assert tracker.rates(13.0, {"a": (50.0,)}) == {"a": (None,)}


def test_cpu_per_core_use_comes_from_the_second_reading() -> None:
    source = CpuSource()
    assert source.read().per_core_percent == ()
    second = source.read()
    assert len(second.per_core_percent) >= 1
    assert all(0.0 <= v <= 100.0 for v in second.per_core_percent)


def test_memory_used_is_total_minus_available() -> None:
    reading = MemorySource().read()
    assert reading.used_bytes == reading.total_bytes - reading.available_bytes


@pytest.mark.parametrize(
    ("fixture", "passed", "used", "warning", "temperature", "warn_minutes", "crit_minutes"),
    [
        ("nvme_ok.json", True, 3.0, 0, 45.0, 12.0, 0.0),
        ("nvme_hot_worn.json", False, 104.0, 2, 83.0, 1350.0, 17.0),
        ("ata_ok.json", True, 7.0, None, 34.0, None, None),
    ],
)
def test_smartctl_json_health_fields(fixture, passed, used, warning, temperature, warn_minutes, crit_minutes) -> None:
    health = parse_smartctl_json("nvme0n1", (DATA / "smartctl" / fixture).read_text())
    assert health.problem is None
    assert (health.passed, health.percentage_used, health.critical_warning) == (passed, used, warning)
    assert (health.temperature_c, health.warning_temp_minutes, health.critical_temp_minutes) == (
        temperature,
        warn_minutes,
        crit_minutes,
    )


def test_smartctl_permission_denied_says_it_needs_root() -> None:
    health = parse_smartctl_json("nvme0n1", (DATA / "smartctl" / "permission_denied.json").read_text())
    assert health.problem == "smartctl needs root to read this drive"
    assert health.percentage_used is None


def test_smartctl_garbage_output_is_a_problem_not_an_exception() -> None:
    assert parse_smartctl_json("sda", "Segmentation fault").problem == "smartctl printed no JSON"
    assert parse_smartctl_json("sda", json.dumps([1, 2])).problem == "smartctl printed no JSON object"


def test_smart_source_runs_smartctl_per_drive_and_reports_a_missing_program() -> None:
    calls: list[list[str]] = []

    def runner(args: list[str]) -> CommandResult:
        calls.append(args)
        if args[-1] == "/dev/sdb":
            return CommandResult(None, "", "", "smartctl did not finish within 10 s")
        return CommandResult(0, (DATA / "smartctl" / "nvme_ok.json").read_text(), "")

    reading = SmartSource(sysfs=WORKSTATION, runner=runner).read()
    assert [c[-1] for c in calls] == ["/dev/nvme0n1", "/dev/sda", "/dev/sdb"]
    by_name = {d.name: d for d in reading.drives}
    assert by_name["sdb"].problem == "smartctl did not finish within 10 s"
    assert reading.metrics()["smart.nvme0n1.wear_percent"] == 3.0


def test_memory_from_one_meminfo_read(tmp_path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(
        "MemTotal:       65536000 kB\nMemFree:         1000000 kB\nMemAvailable:   40000000 kB\n"
        "SwapTotal:       8388604 kB\nSwapFree:        8000000 kB\n"
    )
    reading = MemorySource(meminfo=meminfo).read()
    assert (reading.total_bytes, reading.available_bytes) == (65536000 * 1024, 40000000 * 1024)
    assert reading.used_bytes == (65536000 - 40000000) * 1024
    assert (reading.swap_total_bytes, reading.swap_used_bytes) == (8388604 * 1024, 388604 * 1024)
