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


def test_every_dcgm_name_served_is_one_dcgm_exporter_serves_by_default_with_its_type() -> None:
    served = {prom_name(spec) for spec in CATALOG if prom_name(spec).is_dcgm}
    assert served  # the GPU families above at least
    for prom in served:
        assert prom.name in DCGM_DEFAULT_COUNTERS, prom.name
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


def test_fields_dcgm_exporter_leaves_out_by_default_get_aiwm_names() -> None:
    # Fan, P-state, the power limit, PCIe link and the violation counters are not in the default CSV.
    for ours, expected in (
        ("gpu0.fan_percent", "aiwm_gpu_fan_percent"),
        ("gpu0.pstate", "aiwm_gpu_pstate"),
        ("gpu0.power_limit_w", "aiwm_gpu_power_limit_watts"),
        ("gpu0.pcie_gen", "aiwm_gpu_pcie_gen"),
        ("gpu0.pcie_width_max", "aiwm_gpu_pcie_width_max"),
        ("gpu0.power_violation_s", "aiwm_gpu_power_violation_seconds"),
        ("gpu0.throttle_hw_thermal_s", "aiwm_gpu_throttle_hw_thermal_seconds"),
    ):
        found = catalog_name(ours)
        assert found is not None and found[0].name == expected, ours


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
    assert kinds["aiwm_gpu_thermal_violation_seconds"] == "counter"
    assert kinds["aiwm_gpu_pcie_gen"] == "gauge"
    assert kinds["aiwm_mem_available_bytes"] == "gauge"


def test_every_family_has_a_valid_prometheus_name_and_only_clock_events_share_one() -> None:
    names = [prom_name(spec).name for spec in CATALOG]
    for name in names:
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name), name
        assert name.startswith(("DCGM_FI_DEV_", "aiwm_")), name
    shared = {name for name in names if names.count(name) > 1}
    assert shared == {CLOCK_EVENT_FAMILY}


def test_a_name_outside_the_catalog_has_no_prometheus_name() -> None:
    assert catalog_name("gpu0.hotspot_temperature_c") is None
