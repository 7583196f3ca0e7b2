"""Served names against dcgm-exporter's published ones, and the aiwm_ names' shape.

DCGM rows copied as facts from etc/default-counters.csv of github.com/NVIDIA/dcgm-exporter
(commit d5e5f51, 2026-05-12): field, Prometheus type, unit from the help text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from app.core.metric_catalog import CATALOG, MetricSpec
from app.fleet.exporter.names import CLOCK_EVENT_FAMILY, catalog_name, prom_name

DCGM_DEFAULT_COUNTERS = {
    "DCGM_FI_DEV_SM_CLOCK": ("gauge", "MHz"),
    "DCGM_FI_DEV_MEM_CLOCK": ("gauge", "MHz"),
    "DCGM_FI_DEV_MEMORY_TEMP": ("gauge", "C"),
    "DCGM_FI_DEV_GPU_TEMP": ("gauge", "C"),
    "DCGM_FI_DEV_POWER_USAGE": ("gauge", "W"),
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": ("counter", "mJ"),
    "DCGM_FI_DEV_PCIE_REPLAY_COUNTER": ("counter", "retries"),
    "DCGM_FI_DEV_GPU_UTIL": ("gauge", "%"),
    "DCGM_FI_DEV_MEM_COPY_UTIL": ("gauge", "%"),
    "DCGM_FI_DEV_XID_ERRORS": ("gauge", "last XID"),
    "DCGM_FI_DEV_FB_FREE": ("gauge", "MiB"),
    "DCGM_FI_DEV_FB_USED": ("gauge", "MiB"),
}

# Our value in our unit -> the value dcgm-exporter would show, worked out by hand.
HAND_CONVERTED = [
    ("gpu0.temperature_c", 71.0, "DCGM_FI_DEV_GPU_TEMP", 71.0),
    ("gpu0.power_w", 350.25, "DCGM_FI_DEV_POWER_USAGE", 350.25),
    ("gpu0.util_percent", 88.0, "DCGM_FI_DEV_GPU_UTIL", 88.0),
    ("gpu0.mem_util_percent", 12.0, "DCGM_FI_DEV_MEM_COPY_UTIL", 12.0),
    ("gpu0.vram_used_bytes", 1_073_741_824.0, "DCGM_FI_DEV_FB_USED", 1024.0),  # 1 GiB = 1024 MiB
    ("gpu0.vram_free_bytes", 3_145_728.0, "DCGM_FI_DEV_FB_FREE", 3.0),  # 3 MiB
    ("gpu0.sm_clock_mhz", 1980.0, "DCGM_FI_DEV_SM_CLOCK", 1980.0),
    ("gpu0.mem_clock_mhz", 9751.0, "DCGM_FI_DEV_MEM_CLOCK", 9751.0),
]


@pytest.mark.parametrize(("ours", "value", "dcgm", "expected"), HAND_CONVERTED, ids=[row[2] for row in HAND_CONVERTED])
def test_gpu_metrics_take_dcgm_exporters_name_and_unit(ours: str, value: float, dcgm: str, expected: float) -> None:
    found = catalog_name(ours)
    assert found is not None
    prom, labels = found
    assert prom.name == dcgm
    assert prom.kind == DCGM_DEFAULT_COUNTERS[dcgm][0] == "gauge"
    assert value * prom.scale == pytest.approx(expected)
    assert labels == {"gpu": "0"}


def test_every_dcgm_name_dcgm_exporter_serves_by_default_has_its_type() -> None:
    served = {prom_name(spec) for spec in CATALOG if prom_name(spec).is_dcgm}
    defaults = {prom for prom in served if prom.name in DCGM_DEFAULT_COUNTERS}
    assert {prom.name for prom in defaults} == set(DCGM_DEFAULT_COUNTERS) - {
        "DCGM_FI_DEV_ENC_UTIL",
        "DCGM_FI_DEV_DEC_UTIL",
    }
    for prom in defaults:
        expected = "gauge" if DCGM_DEFAULT_COUNTERS[prom.name][0] == "gauge" else "unknown"
        assert prom.kind == expected, prom.name


def test_a_dcgm_counter_keeps_its_exact_name_without_total() -> None:
    # dcgm-exporter serves the energy counter as DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (in mJ);
    # prometheus_client would write a counter as ..._total, which NVIDIA's dashboards do not query.
    spec = MetricSpec(
        "gpu{gpu}.energy_j", "J", "counter", "Energy", "Energy since the driver loaded.", 3,
        "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", dcgm_scale=1000.0,
    )  # fmt: skip
    prom = prom_name(spec)
    family = Metric(prom.name, prom.help, prom.kind)
    family.add_sample(prom.name, {"gpu": "0"}, 12.5 * prom.scale)
    registry = CollectorRegistry()
    registry.register(_Fixed([family]))
    text = generate_latest(registry).decode()
    assert 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0"} 12500.0' in text  # 12.5 J = 12500 mJ
    assert "_total" not in text


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


# DCGM fields outside dcgm-exporter's default CSV, with their unit, as DCGM's dcgmlib/dcgm_fields.h
# (github.com/NVIDIA/DCGM, 2023 header) documents them: 164 DCGM_FI_DEV_ENFORCED_POWER_LIMIT
# "Effective power limit that the driver enforces after taking into account all limiters" (W;
# NVML's nvmlDeviceGetEnforcedPowerLimit, which is what aiwm reads; 160 DCGM_FI_DEV_POWER_MGMT_LIMIT
# is the management limit, a different value), 191 DCGM_FI_DEV_FAN_SPEED "Fan speed for the device
# in percent 0-100", 190 DCGM_FI_DEV_PSTATE "Performance state (P-State) 0-15. 0=highest",
# 237/238 DCGM_FI_DEV_PCIE_LINK_GEN / _WIDTH "PCIe Current Link Generation / Width", 240/241
# DCGM_FI_DEV_POWER_VIOLATION / _THERMAL_VIOLATION "Power (Thermal) Violation time in ns" (NVML's
# nvmlViolationTime_t.violationTime is in ns too; DCGM 2.x headers said usec).
DCGM_BEYOND_DEFAULTS = (
    # ours, value in our unit, DCGM name, value in DCGM's unit (hand-computed)
    ("gpu0.power_limit_w", 450.0, "DCGM_FI_DEV_ENFORCED_POWER_LIMIT", 450.0),
    ("gpu0.fan_percent", 37.5, "DCGM_FI_DEV_FAN_SPEED", 37.5),
    ("gpu0.pstate", 2.0, "DCGM_FI_DEV_PSTATE", 2.0),
    ("gpu0.pcie_gen", 4.0, "DCGM_FI_DEV_PCIE_LINK_GEN", 4.0),
    ("gpu0.pcie_width", 16.0, "DCGM_FI_DEV_PCIE_LINK_WIDTH", 16.0),
    ("gpu0.power_violation_s", 1.5, "DCGM_FI_DEV_POWER_VIOLATION", 1_500_000_000.0),  # 1.5 s = 1.5e9 ns
    ("gpu0.thermal_violation_s", 0.002, "DCGM_FI_DEV_THERMAL_VIOLATION", 2_000_000.0),  # 2 ms = 2e6 ns
)


@pytest.mark.parametrize(("ours", "value", "dcgm", "served"), DCGM_BEYOND_DEFAULTS)
def test_fields_beyond_dcgm_exporters_defaults_keep_their_dcgm_name_in_dcgms_unit(
    ours: str, value: float, dcgm: str, served: float
) -> None:
    found = catalog_name(ours)
    assert found is not None
    prom, _ = found
    assert prom.name == dcgm
    assert value * prom.scale == pytest.approx(served, rel=1e-12)


def test_the_violation_counters_are_served_without_a_total_suffix_as_dcgm_names_them() -> None:
    for ours in ("gpu0.power_violation_s", "gpu0.thermal_violation_s"):
        found = catalog_name(ours)
        assert found is not None and found[0].kind == "unknown", ours


def test_what_dcgm_has_no_field_for_keeps_an_aiwm_name() -> None:
    # The per-reason throttle times and the clock-event flags are NVML's, not DCGM fields; the
    # catalog names no DCGM field for the PCIe maxima either, so they stay aiwm_ and the two agree.
    for ours, expected in (
        ("gpu0.pcie_width_max", "aiwm_gpu_pcie_width_max"),
        ("gpu0.pcie_gen_max", "aiwm_gpu_pcie_gen_max"),
        ("gpu0.throttle_hw_thermal_s", "aiwm_gpu_throttle_hw_thermal_seconds"),
        ("gpu0.clock_event.sw_power_cap", CLOCK_EVENT_FAMILY),
    ):
        found = catalog_name(ours)
        assert found is not None and found[0].name == expected, ours


def test_every_catalog_dcgm_field_is_the_served_name() -> None:
    """Names come from the catalog: a row naming a DCGM field is served under exactly that name."""
    for spec in CATALOG:
        if spec.dcgm is not None and spec.dcgm.startswith("DCGM_FI_") and " " not in spec.dcgm:
            assert prom_name(spec).name == spec.dcgm, spec.pattern
        else:
            assert prom_name(spec).name.startswith("aiwm_"), spec.pattern


def test_host_names_use_base_units_and_node_exporter_label_names() -> None:
    cases = {
        "cpu.freq_mhz": ("aiwm_cpu_freq_hertz", 1e6, {}),
        "cpu.core7.util_percent": ("aiwm_cpu_core_util_percent", 1.0, {"cpu": "7"}),
        "disk.nvme0n1.temperature_c": ("aiwm_disk_temperature_celsius", 1.0, {"device": "nvme0n1"}),
        "net.eth0.100.rx_bytes_per_s": ("aiwm_net_rx_bytes_per_second", 1.0, {"device": "eth0.100"}),
        "smart.sda.wear_percent": ("aiwm_smart_wear_percent", 1.0, {"device": "sda"}),
        "mem.used_bytes": ("aiwm_mem_used_bytes", 1.0, {}),
    }
    for ours, (name, scale, labels) in cases.items():
        found = catalog_name(ours)
        assert found is not None, ours
        assert (found[0].name, found[0].scale, found[1]) == (name, scale, labels), ours


def test_throttle_times_are_counters_and_levels_are_gauges() -> None:
    kinds = {prom_name(spec).name: prom_name(spec).kind for spec in CATALOG}
    assert kinds["aiwm_gpu_throttle_sw_power_cap_seconds"] == "counter"
    assert kinds["DCGM_FI_DEV_THERMAL_VIOLATION"] == "unknown"
    assert kinds["DCGM_FI_DEV_PCIE_LINK_GEN"] == "gauge"
    assert kinds["aiwm_mem_available_bytes"] == "gauge"


def test_every_family_has_a_valid_prometheus_name_and_only_clock_events_share_one() -> None:
    names = [prom_name(spec).name for spec in CATALOG]
    for name in names:
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name), name
        assert name.startswith(("DCGM_FI_DEV_", "DCGM_FI_PROF_", "aiwm_")), name
    shared = {name for name in names if names.count(name) > 1}
    assert shared == {CLOCK_EVENT_FAMILY}


def test_a_name_outside_the_catalog_has_no_prometheus_name() -> None:
    assert catalog_name("gpu0.hotspot_temperature_c") is None
