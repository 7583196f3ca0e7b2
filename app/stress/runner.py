"""Runs one stress workload under the safety guard: start, poll, stop, and a verdict with reasons.

The load runs in the workload's own worker(s); this loop only polls it about four times a
second, listens to the live session's samples for the guard, and ends the test at its duration
(on the engine's clock, so a time-scaled simulated run is timed in simulated seconds), on a
cancel, on the guard's word or on a failure of the workload. The workload is always stopped.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.core.clock import Clock, SystemClock, iso_utc
from app.core.sampling.live import LiveSession
from app.core.sampling.sample import Sample
from app.stress.guard import SafetyGuard
from app.stress.metric_text import label, plural, value_text
from app.stress.records import Progress, StressResult, Workload, WorkloadStatus
from app.stress.verdict import Outcome, judge

POLL_S = 0.25  # real seconds between polls: a cancel is seen within this
PROGRESS_S = 1.0  # real seconds between progress reports


class GuardWatch:
    """The guard as a live-session listener (called on the sampler thread): keeps the first reason
    to stop and sets `wake`, so a waiting loop ends at once. The cooling test uses it too."""

    def __init__(self, guard: SafetyGuard, wake: threading.Event) -> None:
        self._guard = guard
        self._wake = wake
        self.reason: str | None = None

    def __call__(self, sample: Sample) -> None:
        if self.reason is not None:
            return
        reason = self._guard.check(sample)
        if reason is not None:
            self.reason = reason
            self._wake.set()


@dataclass
class _Run:
    """What the loop has seen so far."""

    clock: Clock
    started_s: float
    duration_s: float
    status: WorkloadStatus
    failure: str | None = None
    abort_reason: str | None = None  # the workload could not go on (another program filled the disk)
    ended_s: float | None = None  # when the load ended, before the workload was stopped

    def elapsed_s(self) -> float:
        end = self.ended_s if self.ended_s is not None else self.clock.monotonic()
        return end - self.started_s


def run_stress(
    workload: Workload,
    duration_s: float,
    session: LiveSession | None,
    guard: SafetyGuard | None,
    cancel: threading.Event,
    on_progress: Callable[[Progress], None] | None = None,
) -> StressResult:
    """Run `workload` for `duration_s` (or until cancelled, failed or stopped by the guard)."""
    if not duration_s > 0:
        raise ValueError(f"duration must be positive, not {duration_s}")
    clock = session.engine.clock if session is not None else SystemClock()
    wake = threading.Event()
    watch = GuardWatch(guard, wake) if guard is not None else None
    if session is not None and watch is not None:
        session.subscribe(on_sample=watch)
    run = _Run(clock, clock.monotonic(), duration_s, WorkloadStatus(running=False))
    started_at = iso_utc(time.time())  # real UTC: a time-scaled engine clock runs ahead of the wall
    try:
        run.failure = _call_workload(workload.start)
        if run.failure is None:
            _poll_until_done(workload, run, cancel, wake, watch, on_progress)
    finally:
        run.ended_s = clock.monotonic()
        final = _stop(workload, run)
        if session is not None and watch is not None:
            session.unsubscribe(on_sample=watch)
    return _result(workload, run, final, started_at, cancel, watch, guard, session)


def _call_workload(action: Callable[[], object]) -> str | None:
    """Run a workload method; a crash of it is the workload's failure, said in one line."""
    try:
        action()
    except Exception as error:
        return f"the workload crashed: {type(error).__name__}: {error}"
    return None


def _poll_until_done(
    workload: Workload,
    run: _Run,
    cancel: threading.Event,
    wake: threading.Event,
    watch: GuardWatch | None,
    on_progress: Callable[[Progress], None] | None,
) -> None:
    next_progress = time.monotonic()
    while True:
        try:
            run.status = workload.poll()
        except Exception as error:
            run.failure = f"the workload crashed: {type(error).__name__}: {error}"
            return
        if run.status.failure is not None:
            run.failure = run.status.failure
            return
        if run.status.abort_reason is not None:
            run.abort_reason = run.status.abort_reason
            return
        elapsed = run.elapsed_s()
        if cancel.is_set() or (watch is not None and watch.reason) or elapsed >= run.duration_s:
            return
        if not run.status.running and run.status.iterations > 0:
            return  # the workload finished its passes before the time was up
        if on_progress is not None and time.monotonic() >= next_progress:
            on_progress(Progress("load", elapsed, run.duration_s, run.status, _progress_words(run.status)))
            next_progress = time.monotonic() + PROGRESS_S
        remaining_real = run.clock.to_real_s(run.duration_s - elapsed)
        if cancel.wait(min(POLL_S, max(remaining_real, 0.0))) or wake.is_set():
            continue  # checked at the top of the loop after one more poll


def _stop(workload: Workload, run: _Run) -> WorkloadStatus:
    """Stop the workload whatever happened; a crash while stopping is kept as a failure."""
    try:
        return workload.stop()
    except Exception as error:
        run.failure = run.failure or f"the workload crashed while stopping: {type(error).__name__}: {error}"
        return run.status


def _progress_words(status: WorkloadStatus) -> str:
    """ "0 errors, Achieved 350.1 GFLOPS": the measured metrics in words and units, as the result shows them."""
    shown = ", ".join(f"{label(k)} {value_text(k, v)}" for k, v in status.metrics.items() if v is not None)
    return plural(status.errors, "error") + (f", {shown}" if shown else "")


def _result(
    workload: Workload,
    run: _Run,
    final: WorkloadStatus,
    started_at: str,
    cancel: threading.Event,
    watch: GuardWatch | None,
    guard: SafetyGuard | None,
    session: LiveSession | None,
) -> StressResult:
    elapsed = run.elapsed_s()  # how long the load ran, on the engine's clock, stopping not counted
    metrics = {**run.status.metrics, **final.metrics}
    outcome = Outcome(
        kind=workload.kind,
        errors=max(run.status.errors, final.errors),
        failure=run.failure or final.failure,
        cancelled=cancel.is_set(),
        guard_reason=watch.reason if watch is not None else None,
        workload_abort=run.abort_reason or final.abort_reason,
        iterations=max(run.status.iterations, final.iterations),
        elapsed_s=elapsed,
        metrics=metrics,
    )
    verdict, reasons, abort_reason = judge(outcome)
    # Only a simulated GPU's load is simulated: a CPU, RAM or disk test run with --demo is real.
    simulated = bool(getattr(workload, "simulated", False))
    return StressResult(
        kind=workload.kind,
        device=workload.device,
        started_at=started_at,
        duration_s=round(elapsed, 3),
        verdict=verdict,
        errors=outcome.errors,
        abort_reason=abort_reason,
        metrics=metrics,
        reasons=reasons,
        details={**_details(run, final, guard, session, simulated), **_gpu_uuid(workload, session)},
        simulated=simulated,
    )


def _guard_coverage(guard: SafetyGuard | None, session: LiveSession | None) -> tuple[list[str], list[str]]:
    """Which guards watched this run and which could not, each guard in one list only: a guard whose
    readings were not sampled (no session; at a time scale only the simulated GPUs are) is inactive."""
    if guard is None:
        return [], ["no safety guard was used"]
    if session is None:
        unsampled = "no live session, so the guard saw no readings"
        active, inactive = guard.coverage(gpus_unsampled=unsampled, host_unsampled=unsampled)
    elif session.simulated_only:
        scale = session.engine.options.time_scale
        why = f"at time scale {scale:g} only the simulated GPUs are sampled"
        active, inactive = guard.coverage(host_unsampled=why)
    else:
        active, inactive = guard.coverage()
    return list(active), list(inactive)


def _gpu_uuid(workload: Workload, session: LiveSession | None) -> dict[str, str]:
    """{"device_uuid": the tested GPU's UUID}, so a stored result is never taken for another card's
    (the report matches results to GPUs by it); empty for a host workload or an unknown GPU."""
    match = re.fullmatch(r"gpu(\d+)", str(workload.device or ""))
    inventory = getattr(session.engine, "inventory", None) if session is not None else None
    if match is None or inventory is None:
        return {}
    uuid = next((g.uuid for g in inventory().gpus if g.index == int(match.group(1))), None)
    return {"device_uuid": uuid} if uuid else {}


def _details(
    run: _Run, final: WorkloadStatus, guard: SafetyGuard | None, session: LiveSession | None, simulated: bool
) -> dict[str, object]:
    details: dict[str, object] = {**run.status.details, **final.details}
    details["planned_duration_s"] = run.duration_s
    details["iterations"] = max(run.status.iterations, final.iterations)
    details["guards_active"], details["guards_inactive"] = _guard_coverage(guard, session)
    if session is not None:
        details["time_scale"] = session.engine.options.time_scale
        details["sampled_sources"] = session.sources_label
    if simulated:
        details["simulated"] = True
    return details
