"""The metric catalog covers every metric the engine emits, once, with units that match the names."""

from __future__ import annotations

import time

import pytest

from app.core import metric_catalog
from app.core.engine import Engine, EngineOptions
from app.core.gpu.clock_reasons import REASONS
from app.core.metric_catalog import CATALOG, lookup
from app.core.records import (
    CpuReading,
    DiskIoReading,
    DiskRate,
    DriveTemperature,
    DriveTemperatureReading,
    NetRate,
    NetworkReading,
    SmartHealth,
    SmartReading,
)
from tests.conftest import DATA

# The unit a name's suffix promises (ARCHITECTURE.md: units in names), longest suffix first.
SUFFIX_UNITS = (
    ("_bytes_per_s", "B/s"),
    ("_percent", "%"),
    ("_bytes", "B"),
    ("_mhz", "MHz"),
    ("_c", "°C"),
    ("_w", "W"),
    ("_s", "s"),
    ("_mj", "mJ"),
)


def emitted_by_engine(demo: str, seconds: float = 2.5) -> set[str]:
    """Every metric name the engine's sources emit over a few ticks (host on the recorded sysfs tree)."""
    names: set[str] = set()
    with Engine(EngineOptions(demo=demo, sysfs=DATA / "sysfs_workstation", interval_s=0.25)) as engine:
        sampler = engine.sampler()
        sampler.subscribe(lambda sample: names.update(sample.metrics()))
        sampler.start()
        time.sleep(seconds)
        sampler.stop()
    return names


def test_every_metric_the_engine_emits_is_in_the_catalog() -> None:
    names = emitted_by_engine("rtx4090,a100-80gb")
    assert {"gpu1.temperature_c", "cpu.util_percent", "mem.used_bytes"} <= names
    assert sorted(n for n in names if lookup(n) is None) == []


def test_records_with_every_value_and_odd_device_names_are_covered() -> None:
    """Readings a live run here may not produce: NVMe temperatures, SMART, VLAN interfaces, many cores."""
    readings = [
        CpuReading(12.5, tuple(float(i) for i in range(128)), 3100.0, 1.25, 55.0),
        DiskIoReading((DiskRate("nvme0n1", 1.0, 2.0), DiskRate("sda", 0.0, 0.0))),
        NetworkReading((NetRate("eth0.100", 1.0, 2.0), NetRate("enp65s0f1np1", 0.0, 0.0))),
        DriveTemperatureReading((DriveTemperature("nvme0n1", 41.0, 84.0, 85.0),)),
        SmartReading((SmartHealth("nvme0n1", True, 3.0, 0, 41.0, 0.0, 0.0),)),
    ]
    names = {name for reading in readings for name in reading.metrics()}
    assert "cpu.core127.util_percent" in names and "net.eth0.100.rx_bytes_per_s" in names
    assert sorted(n for n in names if lookup(n) is None) == []


def test_a_name_the_catalog_lacks_is_reported_missing() -> None:
    for name in ("gpu0.hotspot_c", "cpu.coreX.util_percent", "gpu0.clock_event.made_up", "disk.sda.read_bytes"):
        assert lookup(name) is None, name


def test_each_name_matches_exactly_one_entry() -> None:
    samples = [
        "cpu.util_percent",
        "cpu.core7.util_percent",
        "disk.nvme0n1.temperature_c",
        "disk.nvme0n1.read_bytes_per_s",
        "net.eth0.100.tx_bytes_per_s",
        "gpu3.pcie_rx_bytes_per_s",
        "gpu3.power_violation_s",
        "gpu12.clock_event.sw_power_cap",
    ]
    for name in samples:
        assert [s.pattern for s in CATALOG if s.regex.match(name)] == [lookup(name).pattern], name  # type: ignore[union-attr]


def test_patterns_are_unique_and_every_clock_event_reason_has_one() -> None:
    patterns = [s.pattern for s in CATALOG]
    assert len(patterns) == len(set(patterns))
    assert {f"gpu{{gpu}}.clock_event.{r.name}" for r in REASONS} <= set(patterns)


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.pattern)
def test_the_unit_matches_the_name(spec: metric_catalog.MetricSpec) -> None:
    """A name with a unit suffix has that unit; a unitless metric says so in its description."""
    promised = next((unit for suffix, unit in SUFFIX_UNITS if spec.pattern.endswith(suffix)), None)
    if promised is None:
        assert spec.unitless and spec.description.startswith("Unitless"), spec.pattern
    else:
        assert spec.unit == promised
    assert spec.kind in ("gauge", "counter") and spec.label and spec.description.endswith((".", ")"))


def test_unitless_metrics_named_by_the_issue_are_declared_unitless() -> None:
    for name in ("cpu.load_1m", "gpu0.pstate", "gpu0.pcie_gen", "gpu0.pcie_width", "gpu0.clock_event.gpu_idle"):
        assert metric_catalog.unit(name) == "1", name


@pytest.mark.parametrize(
    ("name", "digits", "why"),
    [
        # NVML reports power in milliwatts (nvmlDeviceGetPowerUsage, "in milliwatts").
        ("gpu0.power_w", 3, "mW"),
        # NVML temperatures and clocks are whole numbers (unsigned int °C, MHz).
        ("gpu0.temperature_c", 0, "whole °C"),
        ("gpu0.sm_clock_mhz", 0, "whole MHz"),
        # Utilisation rates are whole percent (nvmlUtilization_t: unsigned int gpu, memory).
        ("gpu0.util_percent", 0, "whole %"),
        # Byte counts and byte rates are whole bytes.
        ("mem.used_bytes", 0, "bytes"),
        ("net.eth0.rx_bytes_per_s", 0, "bytes"),
        # /proc/loadavg prints two decimals.
        ("cpu.load_1m", 2, "loadavg"),
    ],
)
def test_decimals_follow_the_sensor(name: str, digits: int, why: str) -> None:
    assert metric_catalog.decimals(name) == digits, why


def test_dcgm_equivalents_and_their_scales() -> None:
    """dcgm-exporter's names and units (default-counters.csv: FB in MiB, violation counters in ns)."""
    assert lookup("gpu0.temperature_c").dcgm == "DCGM_FI_DEV_GPU_TEMP"  # type: ignore[union-attr]
    fb = lookup("gpu0.vram_used_bytes")
    assert fb is not None and fb.dcgm == "DCGM_FI_DEV_FB_USED" and 24 * 2**30 * fb.dcgm_scale == 24 * 1024
    violation = lookup("gpu0.thermal_violation_s")
    assert violation is not None and violation.kind == "counter" and 1.5 * violation.dcgm_scale == 1.5e9
    assert lookup("cpu.load_1m").node_exporter == "node_load1"  # type: ignore[union-attr]


def test_explain_gives_label_unit_meaning_and_dcgm_name() -> None:
    assert metric_catalog.explain("gpu2.power_w") == (
        "Power (W): Board power draw (a 1 s average on Ampere and newer). [gpu2.power_w; dcgm-exporter "
        "DCGM_FI_DEV_POWER_USAGE]"
    )
    assert metric_catalog.explain("cpu.load_1m").startswith("Load (1 min) (unitless): Unitless:")
    assert metric_catalog.explain("x.y") == "x.y: not in the metric catalog"


def test_a_name_outside_the_catalog_has_no_unit_or_precision() -> None:
    assert metric_catalog.decimals("gpu0.hotspot_c") is None and metric_catalog.unit("gpu0.hotspot_c") is None


def test_explain_names_dcgm_only_where_it_has_an_equivalent() -> None:
    assert "dcgm-exporter" not in metric_catalog.explain("cpu.load_1m")
    assert metric_catalog.explain("cpu.load_1m").endswith("[cpu.load_1m]")


def test_every_pattern_compiles_to_an_anchored_match() -> None:
    """A pattern matches its own instances whole, not a longer name that starts or ends the same."""
    assert lookup("gpu0.temperature_c") is not None
    assert lookup("gpu0.temperature_c_max") is None and lookup("xgpu0.temperature_c") is None
    assert lookup("gpu.temperature_c") is None, "the GPU index is digits, at least one"
    assert lookup("cpu.util_percentile") is None


def test_gpu_and_memory_use_map_to_their_own_dcgm_fields() -> None:
    """dcgm-exporter's default-counters.csv: GPU_UTIL is GPU use, MEM_COPY_UTIL the memory bus."""
    assert lookup("gpu0.util_percent").dcgm == "DCGM_FI_DEV_GPU_UTIL"  # type: ignore[union-attr]
    assert lookup("gpu0.mem_util_percent").dcgm == "DCGM_FI_DEV_MEM_COPY_UTIL"  # type: ignore[union-attr]
    assert lookup("gpu0.sm_clock_mhz").dcgm == "DCGM_FI_DEV_SM_CLOCK"  # type: ignore[union-attr]
    assert lookup("gpu0.mem_clock_mhz").dcgm == "DCGM_FI_DEV_MEM_CLOCK"  # type: ignore[union-attr]


def test_no_two_metric_families_claim_the_same_dcgm_field() -> None:
    names = [s.dcgm for s in CATALOG if s.dcgm and not s.dcgm.startswith("DCGM_FI_DEV_CLOCKS_EVENT_REASONS")]
    assert len(names) == len(set(names))
