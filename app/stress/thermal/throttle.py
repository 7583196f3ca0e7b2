"""Throttle time during the load, per reason: NVML's cumulative counters where the GPU has them,
else the share of samples whose clock-event bitmask had the reason (research §7).

Counter keys are bitmask reason names (`sw_power_cap`, `hw_thermal_slowdown`, …) or `thermal`,
NVML's `NVML_PERF_POLICY_THERMAL` violation counter, which covers every thermal slowdown at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.gpu.clock_reasons import REASONS
from app.stress.records import PhaseSpan
from app.stress.thermal.series import ThermalSeries

THERMAL_COUNTER = "thermal"
# DCGM fails a diagnostic on these (failureMask in DcgmRecorder::CheckForClocksEvent)
FAILURE_REASONS = frozenset(r.name for r in REASONS if r.is_fault)
# settings and idleness: the clocks are not held down by a limit
NOT_LIMITS = frozenset({"gpu_idle", "applications_clocks_setting", "display_clock_setting", "sync_boost"})


@dataclass(frozen=True)
class ReasonShare:
    percent: float
    source: str  # "counter" (NVML's nanosecond counter) or "sampled" (bitmask samples)


@dataclass(frozen=True)
class ThrottleBreakdown:
    total_percent: float | None
    total_source: str | None
    by_reason: dict[str, ReasonShare] = field(default_factory=dict)
    first_seen_s: dict[str, float] = field(default_factory=dict)  # seconds into the load

    def as_details(self) -> dict[str, object]:
        return {
            "total_percent": self.total_percent,
            "total_source": self.total_source,
            "by_reason": {k: {"percent": v.percent, "source": v.source} for k, v in self.by_reason.items()},
        }


def throttle_breakdown(series: ThermalSeries, load_rows: Sequence[int], load: PhaseSpan) -> ThrottleBreakdown:
    """Per-reason throttle percentages of the load phase, their total, and when each reason first showed."""
    by_reason, first_seen = _sampled(series, load_rows, load)
    total = _sampled_total(series, load_rows)
    for name, values in series.reason_counters_s.items():
        share = counter_percent(series.times_s, values, load_rows)
        if share is not None:
            by_reason[name] = ReasonShare(share, "counter")
            moved = _first_increase(series.times_s, values, load_rows)
            if moved is not None and share > 0:
                first_seen.setdefault(name, moved - load.start_s)
    if total is not None:
        return ThrottleBreakdown(total, "sampled", by_reason, first_seen)
    counted = [s.percent for n, s in by_reason.items() if s.source == "counter" and n not in NOT_LIMITS]
    if counted:  # the union of overlapping counters is at least the largest of them
        return ThrottleBreakdown(max(counted), "counters (lower bound)", by_reason, first_seen)
    return ThrottleBreakdown(None, None, by_reason, first_seen)


def counter_percent(times_s: Sequence[float], values: Sequence[float | None], rows: Sequence[int]) -> float | None:
    """Δcounter / Δtime × 100 between the first and last rows that have a counter value."""
    read = [i for i in rows if i < len(values) and values[i] is not None]
    if len(read) < 2 or times_s[read[-1]] <= times_s[read[0]]:
        return None
    first, last = values[read[0]], values[read[-1]]
    assert first is not None and last is not None
    # a counter read a little after its sample's tick can run ahead of the tick times: clamp to 0..100 %
    return min(100.0, max(0.0, last - first) / (times_s[read[-1]] - times_s[read[0]]) * 100.0)


def _first_increase(times_s: Sequence[float], values: Sequence[float | None], rows: Sequence[int]) -> float | None:
    read = [i for i in rows if i < len(values) and values[i] is not None]
    for before, after in itertools.pairwise(read):
        if values[after] > values[before]:  # type: ignore[operator]
            return times_s[after]
    return None


def _reason_rows(series: ThermalSeries, rows: Sequence[int]) -> list[tuple[int, tuple[str, ...]]]:
    reasons = series.clock_event_reasons
    return [(i, r) for i in rows if i < len(reasons) and (r := reasons[i]) is not None]


def _sampled(
    series: ThermalSeries, load_rows: Sequence[int], load: PhaseSpan
) -> tuple[dict[str, ReasonShare], dict[str, float]]:
    read = _reason_rows(series, load_rows)
    shares: dict[str, ReasonShare] = {}
    first_seen: dict[str, float] = {}
    for name in sorted({n for _, names in read for n in names} - {"gpu_idle"}):
        hits = [i for i, names in read if name in names]
        shares[name] = ReasonShare(len(hits) / len(read) * 100.0, "sampled")
        first_seen[name] = series.times_s[hits[0]] - load.start_s
    return shares, first_seen


def _sampled_total(series: ThermalSeries, load_rows: Sequence[int]) -> float | None:
    read = _reason_rows(series, load_rows)
    if not read:
        return None
    limited = [i for i, names in read if set(names) - NOT_LIMITS]
    return len(limited) / len(read) * 100.0
