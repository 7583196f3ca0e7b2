"""Host sources read from recorded sysfs trees and smartctl JSON in tests/data, not this machine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.inventory import read_disks, read_infiniband
from app.core.proc import CommandResult
from app.core.procfs import cpu_core_times, disk_bytes, load_1m, meminfo_kib, network_bytes
from app.core.sources.host import CpuSource, DiskIoSource, MemorySource, NetworkSource
from app.core.sources.hwmon import NvmeTemperatureSource, cpu_temperature_c, nvme_temperature
from app.core.sources.rates import RateTracker
from app.core.sources.smart import SmartSource, parse_smartctl_json
from app.core.sysfs import physical_disks
from tests.conftest import DATA

WORKSTATION = DATA / "sysfs_workstation"
AMD = DATA / "sysfs_amd"
PROC = DATA / "procfs_workstation"  # see its README.md for the hand-worked answers
PROC_128 = DATA / "procfs_128cores"


class Snapshots:
    """A /proc root in a temporary folder that a test moves from one recorded snapshot to the next."""

    def __init__(self, recorded: Path, root: Path) -> None:
        self.recorded, self.root = recorded, root

    def show(self, name: str) -> None:
        shutil.copytree(self.recorded / name, self.root, dirs_exist_ok=True)


class FakeMonotonic:
    """`time.monotonic` stand-in: the snapshots were taken a known interval apart."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def proc(tmp_path: Path) -> Snapshots:
    snapshots = Snapshots(PROC, tmp_path / "proc")
    snapshots.show("t0")
    return snapshots


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


def test_memory_from_one_meminfo_read() -> None:
    reading = MemorySource(procfs=PROC / "t0").read()
    assert (reading.total_bytes, reading.available_bytes) == (65536000 * 1024, 40000000 * 1024)
    assert reading.used_bytes == (65536000 - 40000000) * 1024
    assert (reading.swap_total_bytes, reading.swap_used_bytes) == (8388604 * 1024, 388604 * 1024)


def test_cpu_busy_per_core_from_recorded_proc_stat_counts_iowait_as_idle_and_guest_once(proc: Snapshots) -> None:
    source = CpuSource(sysfs=WORKSTATION, procfs=proc.root)
    first = source.read()
    assert (first.per_core_percent, first.util_percent) == ((), None)
    proc.show("t1")
    second = source.read()
    # README: cpu0 170/200, cpu1 20/200, cpu2 only idle + iowait, cpu3 170/200 (guest is inside user).
    assert second.per_core_percent == pytest.approx((85.0, 10.0, 0.0, 85.0), abs=1e-9)
    assert second.util_percent == pytest.approx(45.0, abs=1e-9)
    assert second.load_1m == 3.61


def test_cpu_busy_of_128_cores_from_recorded_proc_stat(tmp_path: Path) -> None:
    snapshots = Snapshots(PROC_128, tmp_path / "proc")
    snapshots.show("t0")
    source = CpuSource(sysfs=WORKSTATION, procfs=snapshots.root)
    source.read()
    snapshots.show("t1")
    reading = source.read()
    assert len(reading.per_core_percent) == 128
    cores = reading.per_core_percent
    # README: core k is (7 k mod 101) % busy.
    assert (cores[0], cores[1], cores[15], cores[100], cores[127]) == pytest.approx((0.0, 7.0, 4.0, 94.0, 81.0))
    assert reading.util_percent == pytest.approx(6295 / 128)


def test_cores_appearing_between_reads_give_no_per_core_figures_for_that_read(proc: Snapshots) -> None:
    source = CpuSource(sysfs=WORKSTATION, procfs=proc.root)
    source.read()
    shutil.copytree(PROC_128 / "t1", proc.root, dirs_exist_ok=True)  # 4 cores became 128 (CPU hotplug)
    assert source.read().per_core_percent == ()


def test_disk_rates_from_recorded_diskstats_leave_out_partitions_loop_and_device_mapper(proc: Snapshots) -> None:
    clock = FakeMonotonic()
    source = DiskIoSource(sysfs=WORKSTATION, procfs=proc.root, monotonic=clock)
    first = source.read()
    assert [(d.name, d.read_bytes_per_s, d.write_bytes_per_s) for d in first.disks] == [
        ("nvme0n1", None, None),
        ("sda", None, None),
        ("sdb", None, None),
    ]
    proc.show("t1")
    clock.now_s += 2.0
    # README: 409600 and 20480 sectors of 512 B on nvme0n1, 4096 written on sda, 2000 read on sdb, in 2 s.
    assert [(d.name, d.read_bytes_per_s, d.write_bytes_per_s) for d in source.read().disks] == [
        ("nvme0n1", 104857600.0, 5242880.0),
        ("sda", 0.0, 1048576.0),
        ("sdb", 512000.0, 0.0),
    ]


def test_network_rates_from_recorded_net_dev_leave_out_loopback(proc: Snapshots) -> None:
    clock = FakeMonotonic()
    source = NetworkSource(procfs=proc.root, monotonic=clock)
    source.read()
    proc.show("t1")
    clock.now_s += 2.0
    # README: eno1 25000000 B in, 1000000 B out; wlp3s0 2000 B out; in 2 s.
    assert [(n.name, n.rx_bytes_per_s, n.tx_bytes_per_s) for n in source.read().interfaces] == [
        ("eno1", 12500000.0, 500000.0),
        ("wlp3s0", 0.0, 1000.0),
    ]


def test_proc_parsers_read_the_recorded_counters_as_written() -> None:
    assert cpu_core_times(PROC / "t0") == [
        (100000 + 500 + 20000 + 800000 + 3000 + 1000, 803000),
        (95000 + 600 + 22000 + 810000 + 2900 + 1200, 812900),
        (98000 + 400 + 21000 + 805000 + 3100 + 1100, 808100),
        (109780 + 600 + 22236 + 882080 + 3016 + 1120, 885096),
    ]
    disks = disk_bytes(PROC / "t0")
    assert disks is not None
    assert disks["sdb"] == (12002116 * 512, 88120 * 512)
    assert set(disks) == {"loop0", "nvme0n1", "nvme0n1p1", "nvme0n1p2", "sda", "sda1", "sdb", "sdb1", "dm-0"}
    assert network_bytes(PROC / "t0") == {
        "lo": (9216534821, 9216534821),
        "eno1": (48211035521, 3021445102),
        "wlp3s0": (1022331, 220114),
    }
    assert (meminfo_kib(PROC / "t0") or {})["HugePages_Total"] == 0
    assert load_1m(PROC / "t0") == 3.52


def test_missing_or_garbled_proc_files_read_as_none(tmp_path: Path) -> None:
    assert (cpu_core_times(tmp_path), disk_bytes(tmp_path), network_bytes(tmp_path)) == (None, None, None)
    assert (meminfo_kib(tmp_path), load_1m(tmp_path)) == (None, None)
    (tmp_path / "loadavg").write_text("not a number\n")
    assert load_1m(tmp_path) is None
    (tmp_path / "loadavg").write_text("")
    assert load_1m(tmp_path) is None


def test_without_proc_files_the_sources_fall_back_to_psutil(tmp_path: Path) -> None:
    cpu, disks, network = CpuSource(procfs=tmp_path), DiskIoSource(procfs=tmp_path), NetworkSource(procfs=tmp_path)
    for source in (cpu, disks, network):
        source.read()
    assert len(cpu.read().per_core_percent) >= 1
    memory = MemorySource(procfs=tmp_path).read()
    assert memory.total_bytes > 0 and memory.used_bytes == memory.total_bytes - memory.available_bytes
    assert all(n.name != "lo" for n in network.read().interfaces)


def _write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_cpu_temperature_prefers_the_package_sensor_over_core_sensors(tmp_path: Path) -> None:
    chip = "class/hwmon/hwmon0/"
    sysfs = _write_tree(
        tmp_path,
        {
            chip + "name": "coretemp\n",
            chip + "temp1_label": "Core 0\n",
            chip + "temp1_input": "48000\n",
            chip + "temp2_label": "Package id 0\n",
            chip + "temp2_input": "63500\n",
        },
    )
    assert cpu_temperature_c(sysfs) == 63.5


def test_amd_cpu_temperature_prefers_tdie_over_an_offset_tctl(tmp_path: Path) -> None:
    # A Threadripper 2950X reports Tctl 27 degC above the die (Documentation/hwmon/k10temp.rst).
    chip = "class/hwmon/hwmon2/"
    sysfs = _write_tree(
        tmp_path,
        {
            chip + "name": "k10temp\n",
            chip + "temp1_label": "Tctl\n",
            chip + "temp1_input": "82000\n",
            chip + "temp2_label": "Tdie\n",
            chip + "temp2_input": "55000\n",
        },
    )
    assert cpu_temperature_c(sysfs) == 55.0


def test_an_unlabelled_cpu_chip_reads_temp1_and_other_chips_are_ignored(tmp_path: Path) -> None:
    sysfs = _write_tree(
        tmp_path,
        {
            "class/hwmon/hwmon0/name": "acpitz\n",
            "class/hwmon/hwmon0/temp1_input": "27800\n",
            "class/hwmon/hwmon1/name": "cpu_thermal\n",
            "class/hwmon/hwmon1/temp1_input": "52312\n",
        },
    )
    assert cpu_temperature_c(sysfs) == 52.312


def test_sata_disks_have_no_nvme_temperature() -> None:
    assert nvme_temperature("sda", WORKSTATION) is None


def test_the_cpu_reading_carries_the_package_temperature(proc: Snapshots) -> None:
    reading = CpuSource(sysfs=WORKSTATION, procfs=proc.root).read()
    assert (reading.temperature_c, reading.missing) == (61.0, ())


def test_identical_snapshots_read_as_idle_cores_not_an_error(proc: Snapshots) -> None:
    source = CpuSource(sysfs=WORKSTATION, procfs=proc.root)
    source.read()
    assert source.read().per_core_percent == (0.0, 0.0, 0.0, 0.0)


def test_memory_needs_only_the_four_meminfo_fields_it_uses(tmp_path: Path) -> None:
    (tmp_path / "meminfo").write_text(
        "MemTotal:       16000000 kB\nMemAvailable:    4000000 kB\n"
        "SwapTotal:       2000000 kB\nSwapFree:         500000 kB\n"
    )
    reading = MemorySource(procfs=tmp_path).read()
    assert (reading.total_bytes, reading.available_bytes, reading.used_bytes) == (
        16000000 * 1024,
        4000000 * 1024,
        12000000 * 1024,
    )
    assert (reading.swap_total_bytes, reading.swap_used_bytes) == (2000000 * 1024, 1500000 * 1024)


def test_memory_falls_back_to_psutil_with_swap_figures(tmp_path: Path) -> None:
    reading = MemorySource(procfs=tmp_path).read()
    assert isinstance(reading.swap_total_bytes, int) and isinstance(reading.swap_used_bytes, int)


def test_short_or_empty_lines_in_proc_files_are_skipped(tmp_path: Path) -> None:
    _write_tree(
        tmp_path,
        {
            "diskstats": "   8       0 sda 1 2 3 4 5 6\n   8      16 sdb 1 0 8 0 1 0 16\n",
            "meminfo": "MemTotal:       16000000 kB\nDirectMap4k:\n\nHugePages_Free:        0\n",
        },
    )
    assert disk_bytes(tmp_path) == {"sdb": (8 * 512, 16 * 512)}
    assert meminfo_kib(tmp_path) == {"MemTotal": 16000000, "HugePages_Free": 0}


@pytest.mark.parametrize(
    ("source", "interval_s"),
    [
        (CpuSource(), 1.0),
        (MemorySource(), 1.0),
        (DiskIoSource(), 1.0),
        (NetworkSource(), 1.0),
        (NvmeTemperatureSource(), 5.0),
        (SmartSource(), 60.0),
        (CpuSource(2.5), 2.5),
        (MemorySource(2.5), 2.5),
        (DiskIoSource(2.5), 2.5),
        (NetworkSource(2.5), 2.5),
        (NvmeTemperatureSource(2.5), 2.5),
        (SmartSource(2.5), 2.5),
    ],
)
def test_sources_default_to_their_documented_interval_and_keep_a_given_one(source, interval_s: float) -> None:
    # Fast sources every second, NVMe sensors every 5 s, SMART every minute (docs/architecture.md).
    assert source.interval_s == interval_s


def test_two_readings_at_the_same_instant_give_no_rate() -> None:
    tracker = RateTracker()
    tracker.rates(5.0, {"a": (100.0, 10.0)})
    assert tracker.rates(5.0, {"a": (300.0, 20.0)}) == {"a": (None, None)}


def test_smart_problems_keep_the_drive_name() -> None:
    assert parse_smartctl_json("sdc", "not json").name == "sdc"
    assert parse_smartctl_json("sdc", "[]").name == "sdc"
    assert parse_smartctl_json("sdc", "{}").name == "sdc"


def test_smart_document_without_health_data_or_messages_says_so() -> None:
    assert parse_smartctl_json("sdc", "{}").problem == "smartctl reported no health data"
    doc = {"smartctl": {"messages": [{"string": "/dev/sdc: Unknown USB bridge"}, {"string": "[0x152d:0x0578]"}]}}
    assert parse_smartctl_json("sdc", json.dumps(doc)).problem == "/dev/sdc: Unknown USB bridge [0x152d:0x0578]"
    doc = {"smartctl": {"messages": [{"string": "Smartctl open device: /dev/sdc failed: Operation not permitted"}]}}
    assert parse_smartctl_json("sdc", json.dumps(doc)).problem == "smartctl needs root to read this drive"
    doc = {"smartctl": {"messages": [{"severity": "error"}]}}
    assert parse_smartctl_json("sdc", json.dumps(doc)).problem == "smartctl reported no health data"


@pytest.mark.parametrize(
    ("doc", "temperature_c"),
    [
        ({"temperature": {"current": 41}}, 41.0),
        ({"nvme_smart_health_information_log": {"temperature": 38}}, 38.0),
        ({"smart_status": {"passed": True}}, None),
    ],
)
def test_smart_health_from_any_one_of_its_sections(doc: dict[str, object], temperature_c: float | None) -> None:
    health = parse_smartctl_json("nvme0n1", json.dumps(doc))
    assert (health.problem, health.temperature_c) == (None, temperature_c)


def test_smart_source_asks_smartctl_for_json_health_and_attributes() -> None:
    calls: list[list[str]] = []

    def runner(args: list[str]) -> CommandResult:
        calls.append(args)
        return CommandResult(0, "{}", "")

    SmartSource(sysfs=AMD, runner=runner).read()
    assert calls == [["smartctl", "--json", "-H", "-A", "/dev/nvme1n1"]]
