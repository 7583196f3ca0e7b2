"""The time series a cooling test collects: one row per sample of the device under test.

Times are seconds on the engine's clock since the test began (simulated seconds at a time scale),
so the analysis reads the same whether the run took 20 minutes or 12 seconds. Every value may be
missing (`None`): a GeForce card without a fan reading, a CPU without a power sensor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Values = tuple[float | None, ...]


@dataclass(frozen=True)
class ThermalSeries:
    """The device's readings during one cooling test, and the workload's throughput beside them."""

    times_s: tuple[float, ...]
    temperature_c: Values
    sm_clock_mhz: Values = ()
    power_w: Values = ()
    power_limit_w: Values = ()
    fan_percent: Values = ()
    clock_event_reasons: tuple[tuple[str, ...] | None, ...] = ()
    # cumulative seconds a reason held the clocks down (NVML's counters), by reason, one per row
    reason_counters_s: Mapping[str, Values] = field(default_factory=dict)
    throughput_times_s: tuple[float, ...] = ()  # the workload's polls, on the same clock
    throughput: Values = ()  # e.g. TFLOPS or GFLOPS at each poll
    compute_processes: Values = ()  # compute processes on the GPU at each row (NVML's process list)

    def column(self, values: Sequence[float | None]) -> Values:
        """`values` padded with `None` to one per row (a series the source never reported is all `None`)."""
        return tuple(values) + (None,) * (len(self.times_s) - len(values))


@dataclass(frozen=True)
class ThermalLimits:
    """The device's published thresholds (NVML's, or the catalog's for a simulated GPU)."""

    slowdown_c: float | None = None
    max_operating_c: float | None = None
    target_c: float | None = None  # GPU Boost's target temperature, where the fan curve aims
