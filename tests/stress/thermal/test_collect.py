"""The cooling test's rows from the sampler's readings: which NVML counter feeds which reason."""

from __future__ import annotations

from dataclasses import replace

from app.core.gpu.records import GpuReading, GpuSetReading, NvidiaStatus
from app.stress.thermal.collect import row_of
from tests.stress.fakes import gpu_info, sample_of

OK = NvidiaStatus("ok", None, None, None)


def test_an_older_gpus_thermal_violation_counter_is_read_as_the_thermal_counter() -> None:
    # a GPU without the per-reason counters (field ids 74, 269–271) still has NVML's
    # NVML_PERF_POLICY_THERMAL violation time: it must reach the analysis as "thermal", and the
    # power violation time stands in for sw_power_cap
    reading = replace(
        GpuReading.unreadable(gpu_info(0), "test"), temperature_c=70.0, thermal_violation_s=12.5, power_violation_s=3.0
    )
    row = row_of(sample_of(GpuSetReading(OK, (reading,)), "gpu"), "gpu0", 5.0)
    assert row is not None
    counters = dict(row.counters_s)
    assert counters["thermal"] == 12.5
    assert counters["sw_power_cap"] == 3.0
    assert counters["sw_thermal_slowdown"] is None
