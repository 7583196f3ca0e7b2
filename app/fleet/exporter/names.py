"""Prometheus names for the metric catalog's metrics: dcgm-exporter's where it has one, `aiwm_` otherwise.

A catalog metric is served under its DCGM field name when dcgm-exporter serves that field by
default, so NVIDIA's Grafana dashboard works unchanged; every other metric gets an `aiwm_` name
made from its catalog pattern, with the unit spelled as Prometheus asks (base units: `_celsius`,
`_seconds`, `_watts`, `_hertz`) and the pattern's placeholders as labels named like
node_exporter's (`cpu`, `device`). No second table of names: the catalog is the one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from app.core.metric_catalog import Kind, MetricSpec, lookup

# The fields dcgm-exporter collects by default, from its etc/default-counters.csv
# (github.com/NVIDIA/dcgm-exporter at d5e5f51, 2026-05-12). Only these keep their DCGM name: a
# field the default file comments out (the violation counters) or leaves out (fan, P-state, PCIe
# link) is one a dcgm-exporter user does not see either, so it is served as an aiwm_ metric.
DCGM_DEFAULT_FIELDS: dict[str, Kind] = {
    "DCGM_FI_DEV_SM_CLOCK": "gauge",
    "DCGM_FI_DEV_MEM_CLOCK": "gauge",
    "DCGM_FI_DEV_MEMORY_TEMP": "gauge",
    "DCGM_FI_DEV_GPU_TEMP": "gauge",
    "DCGM_FI_DEV_POWER_USAGE": "gauge",
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": "counter",
    "DCGM_FI_DEV_PCIE_REPLAY_COUNTER": "counter",
    "DCGM_FI_DEV_GPU_UTIL": "gauge",
    "DCGM_FI_DEV_MEM_COPY_UTIL": "gauge",
    "DCGM_FI_DEV_ENC_UTIL": "gauge",
    "DCGM_FI_DEV_DEC_UTIL": "gauge",
    "DCGM_FI_DEV_XID_ERRORS": "gauge",
    "DCGM_FI_DEV_FB_FREE": "gauge",
    "DCGM_FI_DEV_FB_USED": "gauge",
}

# How a family is typed in the exposition. "unknown" (written `untyped`) serves a DCGM counter under
# its exact name: prometheus_client writes every counter with `_total` appended, and dcgm-exporter's
# counters (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION) have no such suffix, so dashboards would miss them.
ExpositionKind = Literal["gauge", "counter", "unknown"]

# Catalog placeholder -> label name, as node_exporter names the same things
# (node_cpu_seconds_total{cpu=}, node_disk_read_bytes_total{device=}, node_network_*{device=}).
# `gpu` gets dcgm-exporter's whole label set instead (labels.py).
_PLACEHOLDER_LABELS = {"core": "cpu", "disk": "device", "nic": "device"}

# Our unit suffix -> Prometheus's base-unit suffix and the factor to it.
_UNIT_SUFFIXES = (
    ("_bytes_per_s", "_bytes_per_second", 1.0),
    ("_mhz", "_hertz", 1e6),
    ("_c", "_celsius", 1.0),
    ("_w", "_watts", 1.0),
    ("_s", "_seconds", 1.0),
)

CLOCK_EVENT_FAMILY = "aiwm_gpu_clock_event_active"
_CLOCK_EVENT_PREFIX = "gpu{gpu}.clock_event."


@dataclass(frozen=True)
class PromName:
    """How one catalog family is served: its name, type, help text, the factor from our unit, and
    any label that is fixed for the whole pattern (a clock-event reason)."""

    name: str
    kind: ExpositionKind
    help: str
    scale: float
    fixed_labels: tuple[tuple[str, str], ...] = ()

    @property
    def is_dcgm(self) -> bool:
        return self.name.startswith("DCGM_")


@cache
def prom_name(spec: MetricSpec) -> PromName:
    """The Prometheus name of a catalog family (cached: the catalog is fixed)."""
    if spec.dcgm is not None and spec.dcgm in DCGM_DEFAULT_FIELDS:
        kind: ExpositionKind = "gauge" if DCGM_DEFAULT_FIELDS[spec.dcgm] == "gauge" else "unknown"
        return PromName(spec.dcgm, kind, f"{spec.description} ({_dcgm_unit(spec)})", spec.dcgm_scale)
    if spec.pattern.startswith(_CLOCK_EVENT_PREFIX):
        reason = spec.pattern.removeprefix(_CLOCK_EVENT_PREFIX)
        help_text = "1 while this clock-event reason is active, else 0 (NVML clock-event reasons)."
        return PromName(CLOCK_EVENT_FAMILY, "gauge", help_text, 1.0, (("reason", reason),))
    base, scale = _base_unit_name(_pattern_words(spec.pattern))
    return PromName(f"aiwm_{base}", spec.kind, spec.description, scale)


def _dcgm_unit(spec: MetricSpec) -> str:
    """The unit dcgm-exporter uses for a field (MiB where we count bytes)."""
    return "MiB" if spec.unit == "B" else spec.unit


def _pattern_words(pattern: str) -> str:
    """`disk.{disk}.read_bytes_per_s` -> `disk_read_bytes_per_s`; `gpu{gpu}.power_w` -> `gpu_power_w`."""
    without_placeholders = re.sub(r"\.?\{\w+\}", "", pattern)
    return without_placeholders.replace(".", "_")


def _base_unit_name(words: str) -> tuple[str, float]:
    for ours, theirs, scale in _UNIT_SUFFIXES:
        if words.endswith(ours):
            return words.removesuffix(ours) + theirs, scale
    return words, 1.0


def catalog_name(metric: str) -> tuple[PromName, dict[str, str]] | None:
    """A flat metric name (`gpu0.temperature_c`) as its Prometheus name and its placeholder values
    (`{"gpu": "0"}`, `{"device": "nvme0n1"}`); None for a name the catalog lacks."""
    spec = lookup(metric)
    if spec is None:
        return None
    match = spec.regex.match(metric)
    groups = match.groupdict() if match is not None else {}
    labels = {_PLACEHOLDER_LABELS.get(key, key): value for key, value in groups.items()}
    return prom_name(spec), labels
