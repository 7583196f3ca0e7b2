"""Throttle time during the load, per reason: NVML's cumulative counters where the GPU has them,
else the share of samples whose clock-event bitmask had the reason (research §7).

Counter keys are bitmask reason names (`sw_power_cap`, `hw_thermal_slowdown`, …) or `thermal`,
NVML's `NVML_PERF_POLICY_THERMAL` violation counter, which covers every thermal slowdown at once
(it is listed only where the GPU has no per-reason thermal counter, so one event is one entry).

Two totals, kept apart because only one of them is a fault (DCGM's failure mask): the share of
the load that a fault held the clocks down (thermal slowdowns, hardware slowdown, power brake:
`total_percent`, the `throttle_percent` metric), and the share held at the power limit
(`power_capped_percent`), which is how a card under full load normally runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.gpu.clock_reasons import REASONS
from app.stress.records import PhaseSpan
from app.stress.thermal.series import ThermalSeries

THERMAL_COUNTER = "thermal"
POWER_CAP = "sw_power_cap"
# DCGM fails a diagnostic on these (failureMask in DcgmRecorder::CheckForClocksEvent)
FAILURE_REASONS = frozenset(r.name for r in REASONS if r.is_fault)
PER_REASON_THERMAL = ("sw_thermal_slowdown", "hw_thermal_slowdown")
# settings and idleness: the clocks are not held down by a limit
NOT_LIMITS = frozenset({"gpu_idle", "applications_clocks_setting", "display_clock_setting", "sync_boost"})


@dataclass(frozen=True)
class ReasonShare:
    percent: float
    source: str  # "counter" (NVML's nanosecond counter) or "sampled" (bitmask samples)


@dataclass(frozen=True)
class ThrottleBreakdown:
    total_percent: float | None  # held down by a fault (not the power cap)
    total_source: str | None
    by_reason: dict[str, ReasonShare] = field(default_factory=dict)
    first_seen_s: dict[str, float] = field(default_factory=dict)  # seconds into the load
    power_capped_percent: float | None = None

    def as_details(self) -> dict[str, object]:
        capped = self.by_reason.get(POWER_CAP)
        return {
            "total_percent": self.total_percent,
            "total_source": self.total_source,
            "total_means": "share of the load a fault held the clocks down (thermal, HW slowdown, power brake)",
            "power_capped_percent": self.power_capped_percent,
            "power_capped_source": capped.source if capped is not None else None,
            "by_reason": {k: {"percent": v.percent, "source": v.source} for k, v in self.by_reason.items()},
        }


def throttle_breakdown(series: ThermalSeries, load_rows: Sequence[int], load: PhaseSpan) -> ThrottleBreakdown:
    """Per-reason throttle percentages of the load phase, the fault and power-cap totals, and when
    each reason first showed."""
    by_reason, first_seen = _sampled(series, load_rows, load)
    counters = _counters(series)
    for name, values in counters.items():
        share = counter_percent(series.times_s, values, load_rows)
        if share is not None:
            by_reason[name] = ReasonShare(share, "counter")
            moved = _first_increase(series.times_s, values, load_rows)
            if moved is not None and share > 0:
                first_seen.setdefault(name, moved - load.start_s)
    total, source = _fault_total(series, load_rows, counters)
    capped = by_reason.get(POWER_CAP)
    power_capped = capped.percent if capped is not None else (0.0 if _reason_rows(series, load_rows) else None)
    return ThrottleBreakdown(total, source, by_reason, first_seen, power_capped)


def _counters(series: ThermalSeries) -> dict[str, tuple[float | None, ...]]:
    """The counters the GPU reports; NVML's all-thermal counter only where no per-reason one exists."""
    read = {name: values for name, values in series.reason_counters_s.items() if any(v is not None for v in values)}
    if any(name in read for name in PER_REASON_THERMAL):
        read.pop(THERMAL_COUNTER, None)
    return read


def counter_percent(times_s: Sequence[float], values: Sequence[float | None], rows: Sequence[int]) -> float | None:
    """Δcounter / Δtime × 100 between the first and last rows that have a counter value."""
    read = [i for i in rows if i < len(values) and values[i] is not None]
    if len(read) < 2 or times_s[read[-1]] <= times_s[read[0]]:
        return None
    first, last = values[read[0]], values[read[-1]]
    assert first is not None and last is not None
    # a counter read a little after its sample's tick can run ahead of the tick times: clamp to 0..100 %
    return min(100.0, max(0.0, last - first) / (times_s[read[-1]] - times_s[read[0]]) * 100.0)


def _fault_total(
    series: ThermalSeries, load_rows: Sequence[int], counters: dict[str, tuple[float | None, ...]]
) -> tuple[float | None, str | None]:
    """The share of the load a fault held the clocks down, and how it was measured."""
    fault_counters = {n: v for n, v in counters.items() if n in FAILURE_REASONS or n == THERMAL_COUNTER}
    if not fault_counters:
        read = _reason_rows(series, load_rows)
        if not read:
            return None, None
        return sum(bool(set(names) & FAILURE_REASONS) for _, names in read) / len(read) * 100.0, "sampled"
    return _counted_total(series, load_rows, fault_counters)


def _counted_total(
    series: ThermalSeries, load_rows: Sequence[int], fault_counters: dict[str, tuple[float | None, ...]]
) -> tuple[float | None, str | None]:
    """Per interval between two readings, the largest share any fault's counter moved (the reasons
    can overlap, so at least their union), or the whole interval when the bitmask at its end shows
    a fault that has no counter; summed over the load."""
    covered = set(fault_counters) | (set(PER_REASON_THERMAL) if THERMAL_COUNTER in fault_counters else set())
    uncounted = FAILURE_REASONS - covered  # faults only the bitmask can show
    limited_s = total_s = 0.0
    sources = {"counter"}
    for before, after in itertools.pairwise(load_rows):
        dt = series.times_s[after] - series.times_s[before]
        counted = [s for v in fault_counters.values() if (s := _moved(v, before, after, dt)) is not None]
        bits = series.clock_event_reasons[after] if after < len(series.clock_event_reasons) else None
        flagged = bits is not None and bool(set(bits) & uncounted)
        if not counted and bits is None:
            continue
        if flagged:
            sources.add("sampled")
        limited_s += dt * max([*counted, 1.0 if flagged else 0.0])
        total_s += dt
    if total_s <= 0:
        return None, None
    # not clamped per interval: a row is timed when it arrives, a little after its counters were read,
    # so single intervals read over 100 % and their neighbours under; only the sum is clamped
    share = min(100.0, limited_s / total_s * 100.0)
    return share, " and ".join(s for s in ("counter", "sampled") if s in sources)


def _moved(values: Sequence[float | None], before: int, after: int, dt: float) -> float | None:
    """The share of the interval the counter ran (not clamped above: see `_counted_total`)."""
    first = values[before] if before < len(values) else None
    last = values[after] if after < len(values) else None
    if first is None or last is None or dt <= 0:
        return None
    return max(0.0, (last - first) / dt)


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
