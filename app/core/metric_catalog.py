"""The metric catalog: every metric the engine emits, with its unit, kind, meaning and precision.

One table that the window's titles and tooltips, the CSV export, `aiwm metrics` and later the
report and the Prometheus exporter all read, so a metric means the same everywhere. A test
(`tests/core/test_metric_catalog.py`) fails when any source emits a name this table lacks.

Names carry their unit where one applies (`_c`, `_w`, `_mhz`, `_bytes`, `_bytes_per_s`,
`_percent`, `_s`). A few are unitless by nature and say so here (unit `"1"`): the load average,
the P-state, the PCIe generation and width, and the 0/1 clock-event flags.

Equivalents: `dcgm` names dcgm-exporter's field (docs.nvidia.com/datacenter/dcgm, its
default-counters.csv) and `dcgm_scale` the factor from our value to DCGM's unit (DCGM reports
framebuffer use in MiB and violation time in ns: the current dcgm_fields.h says "Power
Violation time in ns"; DCGM 2.x headers and dcgm-exporter's older docs said µs).
`node_exporter` names the node_exporter series the value is read or derived from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from app.core.gpu.clock_reasons import REASONS

Kind = Literal["gauge", "counter"]

# Placeholders in a pattern and what they match: indices are digits, device names anything but
# the separator before the metric's own name (a NIC can be `eth0.100`, so names may hold dots).
_PLACEHOLDERS = {
    "{gpu}": r"(?P<gpu>\d+)",
    "{core}": r"(?P<core>\d+)",
    "{disk}": r"(?P<disk>.+)",
    "{nic}": r"(?P<nic>.+)",
}


@dataclass(frozen=True)
class MetricSpec:
    """One family of metrics: `pattern` with placeholders such as `gpu{gpu}.temperature_c`."""

    pattern: str
    unit: str  # "°C", "%", "W", "MHz", "B", "B/s", "s", or "1" for a unitless number
    kind: Kind  # gauge: a level now; counter: only grows (the rate is what matters)
    label: str  # short title for plots and tables
    description: str
    decimals: int  # digits after the point the sensor delivers (CSV, display)
    dcgm: str | None = None
    dcgm_scale: float = 1.0
    node_exporter: str | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    # The table is built when the module is imported, before mutmut can switch a mutant on, so
    # mutants of the two builders below would only ever run unmutated; the tests check the built
    # table's patterns and fields instead (tests/core/test_metric_catalog.py).
    def __post_init__(self) -> None:
        text = re.escape(self.pattern)  # pragma: no mutate
        for placeholder, group in _PLACEHOLDERS.items():  # pragma: no mutate
            text = text.replace(re.escape(placeholder), group)  # pragma: no mutate
        object.__setattr__(self, "regex", re.compile(text + r"\Z"))  # pragma: no mutate

    @property
    def unitless(self) -> bool:
        return self.unit == "1"


def _gpu(
    name: str,
    unit: str,
    label: str,
    description: str,
    decimals: int,
    dcgm: str | None = None,
    dcgm_scale: float = 1.0,  # pragma: no mutate
) -> MetricSpec:
    """A per-GPU gauge: `gpu{gpu}.` before its name."""
    kind: Kind = "gauge"  # pragma: no mutate
    pattern = f"gpu{{gpu}}.{name}"  # pragma: no mutate
    return MetricSpec(pattern, unit, kind, label, description, decimals, dcgm, dcgm_scale)  # pragma: no mutate


_HOST = (
    MetricSpec(
        "cpu.util_percent",
        "%",
        "gauge",
        "CPU use",
        "Busy share of all cores since the last reading (100 % = every core busy).",
        1,
        node_exporter="node_cpu_seconds_total (rate, mode!=idle,iowait)",
    ),
    MetricSpec(
        "cpu.core{core}.util_percent",
        "%",
        "gauge",
        "Core use",
        "Busy share of one logical core since the last reading.",
        1,
        node_exporter="node_cpu_seconds_total{cpu=...} (rate)",
    ),
    MetricSpec(
        "cpu.freq_mhz",
        "MHz",
        "gauge",
        "CPU clock",
        "Current CPU clock (mean over cores, as the OS reports it).",
        0,
        node_exporter="node_cpu_scaling_frequency_hertz",
    ),
    MetricSpec(
        "cpu.load_1m",
        "1",
        "gauge",
        "Load (1 min)",
        "Unitless: runnable and uninterruptible tasks averaged over "
        "one minute (/proc/loadavg); compare with the number of cores.",
        2,
        node_exporter="node_load1",
    ),
    MetricSpec(
        "cpu.temperature_c",
        "°C",
        "gauge",
        "CPU temperature",
        "CPU package temperature (coretemp Package id 0, k10temp Tdie/Tctl).",
        1,
        node_exporter="node_hwmon_temp_celsius",
    ),
    MetricSpec(
        "mem.used_bytes",
        "B",
        "gauge",
        "RAM used",
        "RAM in use: total minus available (what predicts swapping).",
        0,
        node_exporter="node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes",
    ),
    MetricSpec(
        "mem.available_bytes",
        "B",
        "gauge",
        "RAM available",
        "RAM that programs can still get without swapping.",
        0,
        node_exporter="node_memory_MemAvailable_bytes",
    ),
    MetricSpec(
        "mem.swap_used_bytes",
        "B",
        "gauge",
        "Swap used",
        "Swap space in use; any while a GPU job runs slows it down.",
        0,
        node_exporter="node_memory_SwapTotal_bytes - node_memory_SwapFree_bytes",
    ),
    MetricSpec(
        "disk.{disk}.read_bytes_per_s",
        "B/s",
        "gauge",
        "Disk read",
        "Bytes read per second from one physical disk.",
        0,
        node_exporter="node_disk_read_bytes_total (rate)",
    ),
    MetricSpec(
        "disk.{disk}.write_bytes_per_s",
        "B/s",
        "gauge",
        "Disk write",
        "Bytes written per second to one physical disk.",
        0,
        node_exporter="node_disk_written_bytes_total (rate)",
    ),
    MetricSpec(
        "disk.{disk}.temperature_c",
        "°C",
        "gauge",
        "Drive temperature",
        "NVMe composite temperature (hwmon).",
        1,
        node_exporter="node_hwmon_temp_celsius",
    ),
    MetricSpec(
        "smart.{disk}.wear_percent",
        "%",
        "gauge",
        "Drive wear",
        "SMART Percentage Used: share of the drive's rated endurance used (may exceed 100).",
        0,
    ),
    MetricSpec(
        "smart.{disk}.critical_warning",
        "1",
        "gauge",
        "SMART critical warning",
        "Unitless: the NVMe critical warning bit field (0 = none).",
        0,
    ),
    MetricSpec(
        "smart.{disk}.passed",
        "1",
        "gauge",
        "SMART health passed",
        "Unitless: 1 when the drive's own SMART health self-assessment passed, 0 when it failed "
        "(smartctl's smart_status.passed; served by aiwm serve).",
        0,
    ),
    MetricSpec(
        "net.{nic}.rx_bytes_per_s",
        "B/s",
        "gauge",
        "Network receive",
        "Bytes received per second on one interface.",
        0,
        node_exporter="node_network_receive_bytes_total (rate)",
    ),
    MetricSpec(
        "net.{nic}.tx_bytes_per_s",
        "B/s",
        "gauge",
        "Network transmit",
        "Bytes sent per second on one interface.",
        0,
        node_exporter="node_network_transmit_bytes_total (rate)",
    ),
)

_GPU = (
    _gpu(
        "util_percent",
        "%",
        "GPU use",
        "Share of the last sample period in which a kernel ran.",
        0,
        "DCGM_FI_DEV_GPU_UTIL",
    ),
    _gpu(
        "mem_util_percent",
        "%",
        "Memory bus use",
        "Share of the last sample period in which VRAM was read or written.",
        0,
        "DCGM_FI_DEV_MEM_COPY_UTIL",
    ),
    _gpu(
        "vram_used_bytes",
        "B",
        "VRAM used",
        "GPU memory in use by all processes.",
        0,
        "DCGM_FI_DEV_FB_USED",
        dcgm_scale=1 / 2**20,
    ),
    _gpu("temperature_c", "°C", "GPU temperature", "GPU core temperature.", 0, "DCGM_FI_DEV_GPU_TEMP"),
    _gpu(
        "power_w", "W", "Power", "Board power draw (a 1 s average on Ampere and newer).", 3, "DCGM_FI_DEV_POWER_USAGE"
    ),
    _gpu(
        "power_limit_w",
        "W",
        "Power limit",
        "The power limit the driver enforces now.",
        3,
        "DCGM_FI_DEV_ENFORCED_POWER_LIMIT",
    ),
    _gpu("sm_clock_mhz", "MHz", "SM clock", "Streaming-multiprocessor clock.", 0, "DCGM_FI_DEV_SM_CLOCK"),
    _gpu("mem_clock_mhz", "MHz", "Memory clock", "VRAM clock.", 0, "DCGM_FI_DEV_MEM_CLOCK"),
    _gpu(
        "fan_percent",
        "%",
        "Fan",
        "Fan duty the driver asks for (mean of the fans; not a measured speed).",
        0,
        "DCGM_FI_DEV_FAN_SPEED",
    ),
    _gpu(
        "pstate",
        "1",
        "P-state",
        "Unitless: performance state, 0 (P0, fastest) to 15 (slowest).",
        0,
        "DCGM_FI_DEV_PSTATE",
    ),
    MetricSpec(
        "gpu{gpu}.power_violation_s",
        "s",
        "counter",
        "Power-capped time",
        "Cumulative time the power limit held clocks down, since the driver loaded.",
        6,
        "DCGM_FI_DEV_POWER_VIOLATION",
        dcgm_scale=1e9,
    ),
    MetricSpec(
        "gpu{gpu}.thermal_violation_s",
        "s",
        "counter",
        "Thermally capped time",
        "Cumulative time temperature held clocks down, since the driver loaded.",
        6,
        "DCGM_FI_DEV_THERMAL_VIOLATION",
        dcgm_scale=1e9,
    ),
    *(
        MetricSpec(f"gpu{{gpu}}.throttle_{name}_s", "s", "counter", label, description, 6)
        for name, label, description in (
            (
                "sw_power_cap",
                "Power-cap time",
                "Cumulative time the software power cap held clocks down (NVML field 74).",
            ),
            (
                "sw_thermal",
                "SW thermal slowdown time",
                "Cumulative time the driver slowed clocks to stay below max operating temperature (NVML field 269).",
            ),
            (
                "hw_thermal",
                "HW thermal slowdown time",
                "Cumulative time the hardware halved clocks or more at the slowdown temperature (NVML field 270).",
            ),
            (
                "hw_power_brake",
                "HW power brake time",
                "Cumulative time an external power brake halved clocks or more (NVML field 271).",
            ),
        )
    ),
    MetricSpec(
        "gpu{gpu}.energy_mj",
        "mJ",
        "counter",
        "Energy",
        "Energy the board drew since the driver loaded (NVML, Volta and newer); its rate is the power.",
        0,
        "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
    ),
    MetricSpec(
        "gpu{gpu}.pcie_replay_count",
        "1",
        "counter",
        "PCIe replays",
        "Unitless: PCIe link retries since the driver loaded; growth means a marginal slot, riser or cable.",
        0,
        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER",
    ),
    _gpu(
        "memory_temperature_c",
        "°C",
        "Memory temperature",
        "GPU memory temperature (HBM on datacenter cards; GeForce cards do not report it).",
        0,
        "DCGM_FI_DEV_MEMORY_TEMP",
    ),
    _gpu(
        "last_xid",
        "1",
        "Last XID",
        "Unitless: code of the last XID error the driver reported since aiwm began watching (0: none).",
        0,
        "DCGM_FI_DEV_XID_ERRORS",
    ),
    _gpu(
        "pcie_gen",
        "1",
        "PCIe generation",
        "Unitless: the PCIe generation the link runs at now (drops at idle to save power).",
        0,
        "DCGM_FI_DEV_PCIE_LINK_GEN",
    ),
    _gpu(
        "pcie_width",
        "1",
        "PCIe width",
        "Unitless: lanes the PCIe link runs with now (×16, ×8, …).",
        0,
        "DCGM_FI_DEV_PCIE_LINK_WIDTH",
    ),
    _gpu(
        "pcie_gen_max",
        "1",
        "PCIe generation (max)",
        "Unitless: the highest PCIe generation the GPU and its slot support (the inventory's; served by aiwm serve).",
        0,
    ),
    _gpu(
        "pcie_width_max",
        "1",
        "PCIe width (max)",
        "Unitless: the most lanes the GPU and its slot support (the inventory's; served by aiwm serve).",
        0,
    ),
    _gpu(
        "vram_free_bytes",
        "B",
        "VRAM free",
        "GPU memory not in use: total minus used (served by aiwm serve; includes the driver's reserve).",
        0,
        "DCGM_FI_DEV_FB_FREE",
        dcgm_scale=1 / 2**20,
    ),
    _gpu(
        "pcie_rx_bytes_per_s",
        "B/s",
        "PCIe receive",
        "Bytes per second the GPU receives over PCIe (NVML's 20 ms sample, KB/s resolution).",
        0,
        "DCGM_FI_PROF_PCIE_RX_BYTES",
    ),
    _gpu(
        "pcie_tx_bytes_per_s",
        "B/s",
        "PCIe transmit",
        "Bytes per second the GPU sends over PCIe (NVML's 20 ms sample, KB/s resolution).",
        0,
        "DCGM_FI_PROF_PCIE_TX_BYTES",
    ),
)

_CLOCK_EVENTS = tuple(
    _gpu(
        f"clock_event.{reason.name}",
        "1",
        f"Clock event: {reason.name}",
        f"Unitless: 1 while this clock-event reason is active, else 0 (a bucket's mean is the share of time). "
        f"{reason.meaning}",
        0,
        "DCGM_FI_DEV_CLOCKS_EVENT_REASONS (one bit of the mask)",
    )
    for reason in REASONS
)

CATALOG: tuple[MetricSpec, ...] = _HOST + _GPU + _CLOCK_EVENTS


@cache
def lookup(name: str) -> MetricSpec | None:
    """The catalog entry a metric name belongs to, or None for a name the catalog lacks."""
    return next((spec for spec in CATALOG if spec.regex.match(name)), None)


def decimals(name: str) -> int | None:
    """Digits after the point this metric's sensor delivers; None for a metric the catalog lacks."""
    spec = lookup(name)
    return None if spec is None else spec.decimals


def unit(name: str) -> str | None:
    spec = lookup(name)
    return None if spec is None else spec.unit


def explain(name: str) -> str:
    """One line for a tooltip or a table: what the metric is, its unit and its DCGM name where one exists."""
    spec = lookup(name)
    if spec is None:
        return f"{name}: not in the metric catalog"
    unit = "unitless" if spec.unitless else spec.unit
    dcgm = f"; dcgm-exporter {spec.dcgm}" if spec.dcgm else ""
    return f"{spec.label} ({unit}): {spec.description} [{name}{dcgm}]"


def catalog_document() -> dict[str, Any]:
    """The catalog as the `aiwm.metrics/1` JSON document (`aiwm metrics --json`)."""
    return {
        "schema": "aiwm.metrics/1",
        "metrics": [
            {
                "pattern": s.pattern,
                "unit": s.unit,
                "kind": s.kind,
                "label": s.label,
                "description": s.description,
                "decimals": s.decimals,
                "dcgm": s.dcgm,
                "dcgm_scale": s.dcgm_scale,
                "node_exporter": s.node_exporter,
            }
            for s in CATALOG
        ],
    }
