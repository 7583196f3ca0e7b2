"""The runner with fake workloads: each way a test ends, its verdict and reasons, and that the
workload is always stopped and the guard always unsubscribed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest

from app.core.gpu.records import GpuReading, GpuSetReading, NvidiaStatus
from app.stress.guard import SafetyGuard
from app.stress.records import Progress, StressResult, WorkloadStatus
from app.stress.runner import run_stress
from tests.stress.fakes import FakeSession, ScriptedWorkload, gpu_info, inventory, sample_of

RUNNING = WorkloadStatus(running=True, iterations=3, metrics={"gflops": 410.0})


def _run(
    workload: ScriptedWorkload,
    duration_s: float = 0.6,
    session: FakeSession | None = None,
    guard: SafetyGuard | None = None,
    cancel: threading.Event | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> StressResult:
    cancel = cancel or threading.Event()
    return run_stress(workload, duration_s, session, guard, cancel, on_progress)  # type: ignore[arg-type]


def test_clean_run_passes_with_its_metrics_and_stops_the_workload() -> None:
    workload = ScriptedWorkload([RUNNING])
    result = _run(workload)
    assert result.verdict == "pass"
    assert result.errors == 0
    assert result.metrics == {"gflops": 410.0}
    assert result.abort_reason is None
    assert result.reasons[0].startswith("0 errors in 0.6 s")
    assert (workload.starts, workload.stops) == (1, 1)


def test_errors_found_make_the_test_fail_with_their_count() -> None:
    workload = ScriptedWorkload([RUNNING, replace(RUNNING, errors=3)])
    result = _run(workload)
    assert result.verdict == "fail"
    assert result.errors == 3
    assert result.reasons[0].startswith("3 errors found")
    assert workload.stops == 1


def test_errors_reported_only_by_the_final_stop_still_fail() -> None:
    class LateErrors(ScriptedWorkload):
        def stop(self) -> WorkloadStatus:
            self.stops += 1
            return WorkloadStatus(running=False, iterations=4, errors=1)

    result = _run(LateErrors([RUNNING]), 0.3)
    assert (result.verdict, result.errors) == ("fail", 1)


def test_a_crashing_workload_fails_quickly_with_the_reason_and_is_still_stopped() -> None:
    workload = ScriptedWorkload([RUNNING], poll_error_after=1)
    began = time.monotonic()
    result = _run(workload, 30.0)
    assert time.monotonic() - began < 2.0
    assert result.verdict == "fail"
    assert "RuntimeError: worker pipe closed" in result.reasons[0]
    assert workload.stops == 1


def test_a_workload_that_cannot_start_fails_and_is_stopped() -> None:
    workload = ScriptedWorkload(start_error=OSError("no CUDA device"))
    result = _run(workload, 30.0)
    assert result.verdict == "fail"
    assert "OSError: no CUDA device" in result.reasons[0]
    assert (workload.polls, workload.stops) == (0, 1)


def test_a_workload_reporting_its_own_failure_fails_with_that_reason() -> None:
    workload = ScriptedWorkload([RUNNING, replace(RUNNING, running=False, failure="worker 3 died (signal 9)")])
    result = _run(workload, 30.0)
    assert result.verdict == "fail"
    assert result.reasons == ("the workload failed: worker 3 died (signal 9)",)


def test_cancel_mid_run_aborts_within_a_second_and_stops_the_workload() -> None:
    workload = ScriptedWorkload([RUNNING])
    cancel = threading.Event()
    cancelled_at: list[float] = []
    timer = threading.Timer(0.5, lambda: (cancelled_at.append(time.monotonic()), cancel.set()))
    timer.start()
    result = _run(workload, 600.0, cancel=cancel)
    returned_after_cancel_s = time.monotonic() - cancelled_at[0]
    timer.join()
    assert result.verdict == "aborted"
    assert result.abort_reason.startswith("cancelled after 0.")
    assert result.duration_s < 1.5
    assert workload.stops == 1
    assert returned_after_cancel_s < 1.0


def test_guard_reason_aborts_the_test_records_why_and_unsubscribes() -> None:
    session = FakeSession()
    guard = SafetyGuard(inventory([gpu_info(0)]))
    hot = replace(GpuReading.unreadable(gpu_info(0), "test"), temperature_c=95.0)
    timer = session.feed_later(0.3, sample_of(GpuSetReading(NvidiaStatus("ok", None, None, None), (hot,))))
    workload = ScriptedWorkload([RUNNING], kind="gpu", device="gpu0")
    began = time.monotonic()
    result = _run(workload, 600.0, session=session, guard=guard)
    timer.join()
    assert time.monotonic() - began < 1.5
    assert result.verdict == "aborted"
    assert result.abort_reason == "safety guard: GPU 0 at 95 °C ≥ slowdown 96 °C − 2 °C margin"
    assert result.details["guards_active"][0] == "GPU 0 below slowdown 96 °C − 2 °C and max operating 90 °C"
    assert session.ever_subscribed == 1 and session.listeners == []
    assert workload.stops == 1


def test_errors_win_over_an_abort_and_the_abort_is_still_recorded() -> None:
    cancel = threading.Event()
    cancel.set()
    result = _run(ScriptedWorkload([replace(RUNNING, errors=2)]), 10.0, cancel=cancel)
    assert result.verdict == "fail"
    assert result.abort_reason.startswith("cancelled after")


def test_duration_is_kept_on_the_engines_scaled_clock() -> None:
    session = FakeSession(time_scale=50.0)
    began = time.monotonic()
    result = _run(ScriptedWorkload([RUNNING]), 20.0, session=session)
    real_s = time.monotonic() - began
    assert 0.35 <= real_s < 1.5  # 20 simulated seconds at 50× are 0.4 real seconds
    assert 20.0 <= result.duration_s < 22.0
    assert result.details["time_scale"] == 50.0


def test_progress_is_reported_about_once_a_second() -> None:
    seen: list[Progress] = []
    _run(ScriptedWorkload([RUNNING]), 2.6, on_progress=seen.append)
    assert 2 <= len(seen) <= 4
    assert all(p.phase == "load" and p.total_s == 2.6 for p in seen)
    assert seen[-1].message == "0 errors, Achieved 410.0 GFLOPS"  # words and units, as the result shows them


@pytest.mark.parametrize(
    ("percent", "verdict"),
    [
        (71.3, "pass"),  # DCGM targeted_stress: pass at ≥ 0.95 × (0.75 × peak) = 71.25 % of peak
        (71.2, "warn"),
        (48.0, "warn"),
    ],
)
def test_gpu_burn_far_below_its_peak_is_a_warning_with_the_numbers(percent: float, verdict: str) -> None:
    metrics = {"tflops": 82.6 * percent / 100, "peak_tflops": 82.6, "percent_of_peak": percent}
    workload = ScriptedWorkload([replace(RUNNING, metrics=metrics)], kind="gpu", device="gpu0")
    result = _run(workload, 0.3)
    assert result.verdict == verdict
    if verdict == "warn":
        assert f"= {percent:.1f} % of the 82.6 TFLOPS FP32 peak, below 71.25 %" in result.reasons[0]


def test_gpu_with_unknown_peak_passes_and_says_percent_of_peak_is_not_known() -> None:
    metrics = {"tflops": None, "peak_tflops": None, "percent_of_peak": None}
    result = _run(ScriptedWorkload([replace(RUNNING, metrics=metrics)], kind="gpu", device="gpu0"), 0.3)
    assert result.verdict == "pass"
    assert "percent of peak n/a: no FP32 peak is known for this GPU" in result.reasons


def test_a_workload_that_did_not_finish_one_pass_is_inconclusive_and_names_what_is_missing() -> None:
    partial = {"seq_write_bytes_per_s": 1.9e8, "rand_read_iops": None, "small_files_per_s": None}
    result = _run(ScriptedWorkload([WorkloadStatus(running=True, iterations=0, metrics=partial)], kind="disk"), 0.3)
    assert result.verdict == "inconclusive"
    assert result.reasons[0].startswith("the workload did not complete one full pass in 0.3 s")
    assert result.reasons[1].startswith("not measured: Random 4 KiB reads, Small files (a longer --duration")


def test_a_workload_that_finishes_its_passes_early_ends_the_test_then() -> None:
    done = WorkloadStatus(running=False, iterations=5, metrics={"seq_write_bytes_per_s": 1.2e9})
    began = time.monotonic()
    result = _run(ScriptedWorkload([RUNNING, done]), 60.0)
    assert time.monotonic() - began < 2.0
    assert result.verdict == "pass"
    assert result.duration_s < 2.0


def test_no_session_means_the_guard_saw_nothing_and_the_result_says_so() -> None:
    result = _run(ScriptedWorkload([RUNNING]), 0.3, guard=SafetyGuard(inventory([gpu_info(0)])))
    inactive = result.details["guards_inactive"]
    assert result.details["guards_active"] == []
    assert "available RAM above 6.4 GiB (not watched: no live session, so the guard saw no readings)" in inactive
    assert (
        "GPU 0 below slowdown 96 °C − 2 °C and max operating 90 °C (not watched: no live session, so the guard saw"
        " no readings)" in inactive
    )


def test_zero_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        _run(ScriptedWorkload(), 0.0)


def test_a_workload_that_cannot_go_on_is_aborted_with_its_reason_not_failed() -> None:
    full = WorkloadStatus(running=False, iterations=0, abort_reason="the disk filled up (another program wrote to it)")
    workload = ScriptedWorkload([RUNNING, full], kind="disk", device="/data")
    began = time.monotonic()
    result = _run(workload, 60.0)
    assert time.monotonic() - began < 2.0  # ended at once, not at the planned duration
    assert (result.verdict, result.errors) == ("aborted", 0)
    assert result.abort_reason == "the disk filled up (another program wrote to it)"
    assert result.reasons == ("aborted: the disk filled up (another program wrote to it)",)
    assert workload.stops == 1


def test_started_at_is_the_real_utc_time_even_on_a_time_scaled_clock() -> None:
    """A 1000× clock made 0.1 real s ago reads 100 s ahead of the wall; the file must not (T9 #20)."""
    session = FakeSession(time_scale=1000.0)
    time.sleep(0.1)
    before = time.time()
    result = _run(ScriptedWorkload([RUNNING]), 1.0, session=session)
    after = time.time()
    started = datetime.fromisoformat(result.started_at.replace("Z", "+00:00")).timestamp()
    assert before - 0.002 <= started <= after


def test_only_a_simulated_workload_is_labelled_simulated_not_a_host_test_beside_demo_gpus() -> None:
    """T9 #2: `stress cpu --demo` loads the real CPU; the engine's simulated GPUs do not make it simulated."""
    result = _run(ScriptedWorkload([RUNNING]), 0.3, session=FakeSession(simulated=True))
    assert result.simulated is False and "simulated" not in result.details

    class SimulatedGpu(ScriptedWorkload):
        simulated = True

    gpu = _run(SimulatedGpu([RUNNING], kind="gpu", device="gpu0"), 0.3, session=FakeSession(simulated=True))
    assert gpu.simulated is True and gpu.details["simulated"] is True


def test_at_a_time_scale_each_guard_is_listed_once_active_only_if_its_readings_are_sampled() -> None:
    """T9 #18: at a time scale only the simulated GPUs are sampled, so the RAM and NVMe guards are
    inactive (and said so), never also listed as active."""
    session = FakeSession(time_scale=100.0, simulated=True)
    session.simulated_only = True
    guard = SafetyGuard(inventory([gpu_info(0)]))
    result = _run(ScriptedWorkload([RUNNING], kind="gpu", device="gpu0"), 5.0, session=session, guard=guard)
    why = "not watched: at time scale 100 only the simulated GPUs are sampled"
    assert result.details["guards_active"] == ["GPU 0 below slowdown 96 °C − 2 °C and max operating 90 °C"]
    assert result.details["guards_inactive"] == [
        "CPU: no critical temperature is known (the OS reports none); its temperature is not guarded",
        f"NVMe drives below their critical temperature (where the drive reports one) ({why})",
        f"available RAM above 6.4 GiB ({why})",
    ]
    real = _run(ScriptedWorkload([RUNNING]), 0.3, session=FakeSession(), guard=guard)
    assert real.details["guards_active"] == [
        "GPU 0 below slowdown 96 °C − 2 °C and max operating 90 °C",
        "NVMe drives below their critical temperature (where the drive reports one)",
        "available RAM above 6.4 GiB",
    ]
    assert real.details["guards_inactive"] == [
        "CPU: no critical temperature is known (the OS reports none); its temperature is not guarded"
    ]
