"""A scripted stand-in for the engine's test runner: it reports the `Progress` it is given and
returns the result it is given, so the Tests page can be checked without the real workloads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.stress.records import PhaseSpan, Progress, StressResult, ThermalResult, WorkloadStatus
from app.ui.pages.tests.engine_runner import Finished, TestRequest

STARTED = "2026-11-28T14:00:00Z"


def stress_result(verdict: str = "pass", **changes: Any) -> StressResult:
    values: dict[str, Any] = {
        "kind": "gpu",
        "device": "gpu0",
        "started_at": STARTED,
        "duration_s": 300.0,
        "verdict": verdict,
        "errors": 0,
        "abort_reason": None,
        "metrics": {"tflops": 71.24, "peak_tflops": 82.58, "percent_of_peak": 86.27},
    }
    values.update(changes)
    return StressResult(**values)


THERMAL_PHASES = (PhaseSpan("idle", 0.0, 60.0), PhaseSpan("load", 60.0, 660.0), PhaseSpan("cooldown", 660.0, 840.0))


def thermal_result(verdict: str = "pass", **changes: Any) -> ThermalResult:
    values: dict[str, Any] = {
        "device": "gpu0",
        "started_at": STARTED,
        "verdict": verdict,
        "reasons": ("steady at 78 °C, 10 °C below slowdown",),
        "metrics": {"idle_c": 31.0, "steady_c": 78.0, "power_fraction": 0.92, "c_per_w": None},
        "phases": THERMAL_PHASES,
    }
    values.update(changes)
    return ThermalResult(**values)


def progress(phase: str, elapsed_s: float, total_s: float, **metrics: float | None) -> Progress:
    return Progress(phase, elapsed_s, total_s, WorkloadStatus(True, metrics=metrics))  # type: ignore[arg-type]


@dataclass
class FakeRunner:
    """Emits `steps` (waiting `step_s` between them), then returns `result`, or raises `error`.

    With `hold` set it stays in the run until the hold is released or the run is cancelled, as a
    long test would; a cancelled run returns an aborted result after `stop_s` (the workload stopping).
    """

    result: StressResult | ThermalResult = field(default_factory=stress_result)
    steps: Sequence[Progress] = ()
    step_s: float = 0.0
    hold: threading.Event | None = None
    stop_s: float = 0.0
    error: Exception | None = None
    documents: list[Mapping[str, Any]] = field(default_factory=list)
    requests: list[TestRequest] = field(default_factory=list)
    cancels: list[threading.Event] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)
    emitted: threading.Event = field(default_factory=threading.Event)

    def run(self, request: TestRequest, cancel: threading.Event, on_progress: Callable[[Progress], None]) -> Finished:
        self.requests.append(request)
        self.cancels.append(cancel)
        try:
            for step in self.steps:
                if cancel.is_set():
                    break
                on_progress(step)
                time.sleep(self.step_s)
            self.emitted.set()
            while self.hold is not None and not self.hold.is_set() and not cancel.is_set():
                time.sleep(0.01)
            if self.error is not None:
                raise self.error
            if cancel.is_set():
                time.sleep(self.stop_s)
                return Finished(stress_result("aborted", abort_reason="cancelled by the user"), None, "not stored")
            return Finished(self.result, None, "the fake runner stores nothing")
        finally:
            self.stopped.set()

    def past_results(self) -> list[Mapping[str, Any]]:
        return list(self.documents)
