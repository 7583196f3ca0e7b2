"""The cooling test: idle baseline, load, cooldown on the engine's clock; then the analysis, the
verdict and the comparison with this machine's earlier runs (research/stress-and-thermal.md §10.4).

Durations are engine-clock seconds, so with a simulated GPU at `--time-scale 100` a 20-minute
test takes 12 s. The loop waits in engine-clock steps (at most `POLL_CLOCK_S`, at most
`POLL_REAL_S` of real time), and the guard wakes it at once: so the load stops, and the throughput
is read, at the same simulated moments whatever the time scale (issue 9, problem 5).

The idle phase lasts at least `idle_s` and then until the temperature is calm (its slope over the
last minute under 0.5 °C/min), at most `idle_settle_max_s` longer: a card still cooling from an
earlier job has no idle baseline yet. Cancel works at any moment: the workload is stopped and the
verdict is "aborted", unless the load was already over (a cancelled cooldown keeps the load's
verdict). When the guard trips during the load, the load stops, the cooldown still runs (it is
what the card needs) and the verdict is "fail": a cooler that lets the card reach the guard's
limit has failed the test. A guard tripping during the idle phase aborts the test before any load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.clock import iso_utc
from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.sampling.live import LiveSession
from app.stress.guard import SafetyGuard
from app.stress.records import Phase, PhaseSpan, Progress, ThermalResult, Workload, WorkloadStatus
from app.stress.thermal.collect import Collector, gpu_index
from app.stress.thermal.judge import Outcome, judge
from app.stress.thermal.settle import idle_slope_c_per_min, is_calm

POLL_REAL_S = 0.25  # at most this long between polls in real time (a cancel is seen within it)
POLL_CLOCK_S = 1.0  # ... and at most this long on the engine's clock (the sampler's 1-s tick)
MIN_WAIT_REAL_S = 0.001  # a floor, so a very high time scale does not spin
PROGRESS_REAL_S = 1.0  # progress at most this far apart in real time ...
PROGRESS_CLOCK_S = 5.0  # ... and on the engine's clock, and at once when a phase begins
THROUGHPUT_KEYS = ("tflops", "gflops")
GUARD_STOP_WORDS = "the safety guard stopped the load"  # in every progress message after the guard's stop


@dataclass(frozen=True)
class ThermalPlan:
    """What to run: the device ("gpu0" or "cpu") and each phase's length in engine-clock seconds."""

    device: str = "gpu0"  # or "cpu"
    idle_s: float = 60.0
    load_s: float = 600.0
    cooldown_s: float = 300.0  # research §10.4: 3–5 min; a healthy RTX 4090 needs ~200 s to reach idle + 5 °C
    # the idle phase waits this much longer at most for a calm temperature: a card 35 °C above its
    # idle with a 90-s time constant needs ln(35 / 0.75) ≈ 3.8 τ ≈ 350 s to cool to a 0.5 °C/min
    # slope (within 0.75 °C); Tom's Hardware lets cards idle 15 minutes (research §8)
    idle_settle_max_s: float = 600.0

    @property
    def total_s(self) -> float:
        return self.idle_s + self.load_s + self.cooldown_s


@dataclass
class _State:
    """The run as it goes: phases done, the workload's throughput and final status, why it ended early."""

    spans: list[PhaseSpan] = field(default_factory=list)
    throughput: list[tuple[float, float | None]] = field(default_factory=list)
    status: WorkloadStatus = field(default_factory=lambda: WorkloadStatus(running=False))
    cancelled_in: Phase | None = None
    guard_stop: tuple[Phase, str] | None = None
    guard_stop_s: float | None = None
    truth: dict[str, float] | None = None
    idle_extra_s: float = 0.0  # how much longer than planned the idle phase waited to settle
    last_progress_real_s: float = -1e9
    last_progress_clock_s: float = -1e9


def run_thermal(
    plan: ThermalPlan,
    workload: Workload,
    session: LiveSession,
    guard: SafetyGuard | None,
    cancel: threading.Event,
    on_progress: Callable[[Progress], None] | None = None,
) -> ThermalResult:
    """Idle baseline, load, cooldown; then the analysis, the verdict and the baseline comparison.

    `session` must be running (the caller owns it); the workload is always stopped on return.
    """
    runner = _Runner(plan, workload, session, cancel, on_progress)
    collector = Collector(plan.device, guard, session.engine.clock, runner.start_s, runner.wake)
    runner.collector = collector
    session.subscribe(collector.on_sample)
    try:
        runner.run()
    finally:
        session.unsubscribe(collector.on_sample)
    state = runner.state
    outcome = Outcome(
        series=collector.series(state.throughput),
        phases=tuple(state.spans),
        status=state.status,
        cancelled_in=state.cancelled_in,
        guard_stop=state.guard_stop,
        truth=state.truth,
    )
    return judge(plan.device, runner.started_at, outcome, session.engine)


class _Runner:
    """Walks the phases on the engine's clock, polling the workload and watching cancel and the guard."""

    collector: Collector

    def __init__(
        self,
        plan: ThermalPlan,
        workload: Workload,
        session: LiveSession,
        cancel: threading.Event,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self.plan, self.workload, self.session, self.cancel = plan, workload, session, cancel
        self.on_progress = on_progress
        self.clock = session.engine.clock
        self.wake = threading.Event()  # set by the collector when the guard trips
        self._quiet_simulated_gpu()  # before the start: no row of the baseline may show the demo load
        self.start_s = self.clock.monotonic()
        self.started_at = iso_utc(time.time())  # real UTC: a time-scaled engine clock runs ahead of the wall
        self.state = _State()

    def now_s(self) -> float:
        return self.clock.monotonic() - self.start_s

    def run(self) -> None:
        try:
            if self.plan.idle_s > 0 and not self._phase("idle", self.plan.idle_s, stop_on_guard=True):
                return
            loaded = self._load()
            self._quiet_simulated_gpu()
            if self.state.cancelled_in is None and loaded and self.plan.cooldown_s > 0:
                self._phase("cooldown", self.plan.cooldown_s, stop_on_guard=False)
        finally:
            simulated = self._simulated_gpu()
            if simulated is not None:
                simulated[0].release_load(simulated[1])

    def _simulated_gpu(self) -> tuple[SimulatedBackend, int] | None:
        backend, index = self.session.engine.gpu_backend, gpu_index(self.plan.device)
        if isinstance(backend, SimulatedBackend) and index is not None and index < backend.gpu_count:
            return backend, index
        return None

    def _quiet_simulated_gpu(self) -> None:
        """A simulated GPU runs the demo workload unless told otherwise: hold it idle outside the
        load (the workload's own stop hands it back to the demo), as a real test needs an idle card."""
        simulated = self._simulated_gpu()
        if simulated is not None:
            simulated[0].hold_load(simulated[1], 0.0)

    def _load(self) -> bool:
        """The load phase; always stops the workload. False when cancelled."""
        self.workload.start()
        try:
            finished = self._phase("load", self.plan.load_s, stop_on_guard=True)
            self.state.truth = _simulated_truth(self.session, self.plan.device)
        finally:
            self.state.status = self.workload.stop()
        self._note_throughput(self.state.status)
        return finished or self.state.cancelled_in is None

    def _phase(self, phase: Phase, length_s: float, stop_on_guard: bool) -> bool:
        """Wait out one phase; False when it ended early (cancel, the guard, a failed workload)."""
        begin = self.now_s()
        self._progress(phase, force=True)
        try:
            while (left := self._left_s(phase, begin, length_s)) > 0:
                if self.cancel.is_set():
                    self.state.cancelled_in = phase
                    return False
                if stop_on_guard and self._guard_stopped(phase):
                    return False
                if phase == "load" and self._poll_failed():
                    return False
                self._progress(phase)
                self.wake.wait(self._wait_real_s(left))
            return True
        finally:
            self.state.spans.append(PhaseSpan(phase, begin, self.now_s()))

    def _left_s(self, phase: Phase, begin_s: float, length_s: float) -> float:
        """Engine-clock seconds left in the phase; the idle phase goes on while it is not calm."""
        now = self.now_s()
        left = begin_s + length_s - now
        if left > 0 or phase != "idle":
            return left
        overrun = now - (begin_s + length_s)
        if overrun >= self.plan.idle_settle_max_s or self._idle_calm(begin_s, now):
            return 0.0
        self.state.idle_extra_s = overrun
        return min(POLL_CLOCK_S, self.plan.idle_settle_max_s - overrun)

    def _idle_calm(self, begin_s: float, now_s: float) -> bool:
        series = self.collector.series([])
        return is_calm(idle_slope_c_per_min(series.times_s, series.temperature_c, begin_s, now_s))

    def _guard_stopped(self, phase: Phase) -> bool:
        reason = self.collector.stop_reason
        if reason is None:
            return False
        self.state.guard_stop = (phase, reason)
        self.state.guard_stop_s = self.now_s()
        self.wake.clear()  # the collector sets it once; the cooldown waits its steps again
        return True

    def _wait_real_s(self, left_s: float) -> float:
        step_s = min(left_s, POLL_CLOCK_S)
        return max(MIN_WAIT_REAL_S, min(POLL_REAL_S, self.clock.to_real_s(step_s)))

    def _poll_failed(self) -> bool:
        status = self.workload.poll()
        self.state.status = status
        self._note_throughput(status)
        return status.failure is not None

    def _note_throughput(self, status: WorkloadStatus) -> None:
        value = next((status.metrics[k] for k in THROUGHPUT_KEYS if k in status.metrics), None)
        if status.running and value is not None:
            self.state.throughput.append((self.now_s(), value))

    def _total_s(self) -> float:
        """The test's length as it now stands: the plan, plus the idle's wait to settle, less the
        load the guard cut short."""
        plan = self.plan
        if self.state.guard_stop_s is not None:
            return self.state.guard_stop_s + plan.cooldown_s
        return plan.total_s + self.state.idle_extra_s

    def _progress(self, phase: Phase, force: bool = False) -> None:
        real_now, clock_now = time.monotonic(), self.now_s()
        if self.on_progress is None:
            return
        state = self.state
        due = (
            real_now - state.last_progress_real_s >= PROGRESS_REAL_S
            or clock_now - state.last_progress_clock_s >= PROGRESS_CLOCK_S
        )
        if not (force or due):
            return
        state.last_progress_real_s, state.last_progress_clock_s = real_now, clock_now
        total = self._total_s()
        self.on_progress(Progress(phase, clock_now, total, state.status, self._message(phase, clock_now, total)))

    def _message(self, phase: Phase, now_s: float, total_s: float) -> str:
        words = f"{phase} phase, {now_s:.0f} of {total_s:.0f} s"
        if phase == "idle" and self.state.idle_extra_s > 0:
            words += "; waiting for the idle temperature to settle (under 0.5 °C/min over a minute)"
        if self.state.guard_stop is not None:
            stopped_at = self.state.guard_stop_s or 0.0
            words += f"; {GUARD_STOP_WORDS} at {stopped_at:.0f} s: {self.state.guard_stop[1]}"
        return words


def _simulated_truth(session: LiveSession, device: str) -> dict[str, float] | None:
    """The simulator's answer key at the end of the load: its steady temperature and closed-loop τ."""
    from app.stress.thermal.truth import simulated_truth

    backend, index = session.engine.gpu_backend, gpu_index(device)
    if not isinstance(backend, SimulatedBackend) or index is None or index >= backend.gpu_count:
        return None
    backend.read()  # advances the model to now
    gpu = backend.gpus[index]
    return simulated_truth(gpu.profile.thermal, gpu.power_w)
