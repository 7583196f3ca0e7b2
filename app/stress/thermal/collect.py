"""Collects the device's readings from the live session's samples and checks the guard on each.

Runs on the sampler thread (a `LiveSession` listener), so it only appends under a lock. The
guard sees every sample (CPU, memory, drives too, not just the device under test); a guard that
raises stops the test as if it had tripped: a safety check that cannot check is not passed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.core.clock import Clock
from app.core.gpu.records import GpuReading, GpuSetReading
from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.stress.guard import SafetyGuard
from app.stress.thermal.series import ThermalSeries

# NVML's cumulative counters on GpuReading, named by the reason they count (research §7): the
# per-reason clock-event counters (field ids 74, 269, 270, 271) first, the older violation
# counters (NVML_PERF_POLICY_POWER / _THERMAL) where a GPU lacks them.
COUNTER_FIELDS: dict[str, tuple[str, ...]] = {
    "sw_power_cap": ("throttle_sw_power_cap_s", "power_violation_s"),
    "sw_thermal_slowdown": ("throttle_sw_thermal_s",),
    "hw_thermal_slowdown": ("throttle_hw_thermal_s",),
    "hw_power_brake": ("throttle_hw_power_brake_s",),
    "thermal": ("thermal_violation_s",),
}


def _counter(gpu: GpuReading, attributes: tuple[str, ...]) -> float | None:
    """The first of `attributes` the GPU reports."""
    return next((value for a in attributes if (value := getattr(gpu, a, None)) is not None), None)


@dataclass(frozen=True)
class Row:
    time_s: float
    temperature_c: float | None
    sm_clock_mhz: float | None = None
    power_w: float | None = None
    power_limit_w: float | None = None
    fan_percent: float | None = None
    clock_event_reasons: tuple[str, ...] | None = None
    counters_s: tuple[tuple[str, float | None], ...] = ()
    compute_processes: float | None = None


def gpu_index(device: str) -> int | None:
    """1 for "gpu1"; `None` for "cpu"."""
    return int(device[3:]) if device.startswith("gpu") and device[3:].isdigit() else None


def row_of(sample: Sample, device: str, time_s: float) -> Row | None:
    """The device's row in one sample, or `None` when the sample is not about it."""
    reading, index = sample.reading, gpu_index(device)
    if index is not None and isinstance(reading, GpuSetReading):
        gpu = next((g for g in reading.gpus if g.index == index), None)
        return None if gpu is None else _gpu_row(gpu, time_s)
    if device == "cpu" and isinstance(reading, CpuReading):
        return Row(time_s, reading.temperature_c, sm_clock_mhz=reading.freq_mhz)
    return None


def _gpu_row(gpu: GpuReading, time_s: float) -> Row:
    return Row(
        time_s,
        gpu.temperature_c,
        gpu.sm_clock_mhz,
        gpu.power_w,
        gpu.power_limit_w,
        gpu.fan_percent,
        gpu.clock_event_reasons,
        tuple((name, _counter(gpu, attributes)) for name, attributes in COUNTER_FIELDS.items()),
        float(sum("compute" in p.kind for p in gpu.processes)),
    )


class Collector:
    """The rows of one device, in sample order, and the first reason the guard gave to stop."""

    def __init__(
        self,
        device: str,
        guard: SafetyGuard | None,
        clock: Clock,
        start_s: float,
        wake: threading.Event | None = None,
    ) -> None:
        self.device = device
        self._wake = wake  # set once, when the guard first says stop, so the test stops at once
        self._guard = guard
        self._clock = clock
        self._start_s = start_s
        self._lock = threading.Lock()
        self._rows: list[Row] = []
        self._stop_reason: str | None = None

    def on_sample(self, sample: Sample) -> None:
        """Keep the device's row and ask the guard (on the sampler thread).

        The row is timed when it arrives, not at its tick: at a high time scale a tick is read
        engine-seconds after it was due, so a reading due before the load began can already show the
        load. Timed on arrival, every row of a phase was read after the phase began (real time: ms apart).
        """
        row = row_of(sample, self.device, self._clock.monotonic() - self._start_s)
        reason = self._check(sample)
        with self._lock:
            if row is not None:
                self._rows.append(row)
            first_stop = reason is not None and self._stop_reason is None
            if first_stop:
                self._stop_reason = reason
        if first_stop and self._wake is not None:
            self._wake.set()

    def _check(self, sample: Sample) -> str | None:
        if self._guard is None:
            return None
        try:
            return self._guard.check(sample)
        except Exception as error:  # any failure of the guard stops the load
            return f"the safety guard failed ({type(error).__name__}: {error}), so the load was stopped"

    @property
    def stop_reason(self) -> str | None:
        with self._lock:
            return self._stop_reason

    def series(self, throughput: list[tuple[float, float | None]]) -> ThermalSeries:
        """Everything collected so far, as one series, with the workload's throughput beside it."""
        with self._lock:
            rows = sorted(self._rows, key=lambda r: r.time_s)
        names = [name for name, _ in rows[0].counters_s] if rows else []
        return ThermalSeries(
            times_s=tuple(r.time_s for r in rows),
            temperature_c=tuple(r.temperature_c for r in rows),
            sm_clock_mhz=tuple(r.sm_clock_mhz for r in rows),
            power_w=tuple(r.power_w for r in rows),
            power_limit_w=tuple(r.power_limit_w for r in rows),
            fan_percent=tuple(r.fan_percent for r in rows),
            clock_event_reasons=tuple(r.clock_event_reasons for r in rows),
            reason_counters_s={n: tuple(dict(r.counters_s).get(n) for r in rows) for n in names},
            throughput_times_s=tuple(t for t, _ in throughput),
            throughput=tuple(v for _, v in throughput),
            compute_processes=tuple(r.compute_processes for r in rows),
        )
