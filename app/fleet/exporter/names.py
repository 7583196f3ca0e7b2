"""Prometheus names for the metric catalog's metrics: DCGM's field name where it has one, `aiwm_` otherwise.

The catalog's `dcgm` column is the one table of names: a catalog metric that names a DCGM field is
served under that exact field name, scaled to DCGM's unit by `dcgm_scale`, so NVIDIA's Grafana
dashboards and any query written for dcgm-exporter work unchanged (the catalog names a field only
where our value has the field's meaning and unit). Every other metric gets an `aiwm_` name made
from its catalog pattern, with the unit spelled as Prometheus asks (base units: `_celsius`,
`_seconds`, `_watts`, `_hertz`) and the pattern's placeholders as labels named like
node_exporter's (`cpu`, `device`). The clock-event flags, one bit each of DCGM's reasons mask, are
one `aiwm_` family with a `reason` label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from app.core.metric_catalog import Kind, MetricSpec, lookup

# The fields dcgm-exporter collects by default, from its etc/default-counters.csv
# (github.com/NVIDIA/dcgm-exporter at d5e5f51, 2026-05-12). Every catalog field keeps its DCGM name;
# this list only tells, in the help text, which ones a stock dcgm-exporter also serves.
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


# A DCGM field name; the catalog's clock-event rows name one bit of a mask in words instead.
_DCGM_FIELD = re.compile(r"DCGM_FI_[A-Z0-9_]+")


@cache
def prom_name(spec: MetricSpec) -> PromName:
    """The Prometheus name of a catalog family (cached: the catalog is fixed)."""
    if spec.dcgm is not None and _DCGM_FIELD.fullmatch(spec.dcgm):
        kind: ExpositionKind = "gauge" if spec.kind == "gauge" else "unknown"
        default = "" if spec.dcgm in DCGM_DEFAULT_FIELDS else "; not in dcgm-exporter's default counters"
        return PromName(spec.dcgm, kind, f"{spec.description} ({_dcgm_unit(spec)}{default})", spec.dcgm_scale)
    if spec.pattern.startswith(_CLOCK_EVENT_PREFIX):
        reason = spec.pattern.removeprefix(_CLOCK_EVENT_PREFIX)
        help_text = "1 while this clock-event reason is active, else 0 (NVML clock-event reasons)."
        return PromName(CLOCK_EVENT_FAMILY, "gauge", help_text, 1.0, (("reason", reason),))
    base, scale = _base_unit_name(_pattern_words(spec.pattern))
    return PromName(f"aiwm_{base}", spec.kind, spec.description, scale)


def _dcgm_unit(spec: MetricSpec) -> str:
    """The unit DCGM uses for a field: MiB where we count bytes, ns where we count seconds."""
    return {"B": "MiB", "s": "ns"}.get(spec.unit, spec.unit)


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
