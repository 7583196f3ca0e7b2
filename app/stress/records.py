"""The stress tests' records: what a workload reports while it runs and what a finished test is.

Immutable, passed between the worker processes' pipes, the runner thread, the CLI, the window
and the report. Units are in the names; a metric that could not be measured is `None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

STRESS_SCHEMA = "aiwm.stress/1"
THERMAL_SCHEMA = "aiwm.thermal/1"

Kind = Literal["gpu", "vram", "cpu", "ram", "disk"]
KINDS: tuple[Kind, ...] = ("gpu", "vram", "cpu", "ram", "disk")
Verdict = Literal["pass", "warn", "fail", "inconclusive", "aborted"]


@dataclass(frozen=True)
class WorkloadStatus:
    """A workload's state at one poll: how far it got, what it measured so far, what went wrong."""

    running: bool
    iterations: int = 0
    errors: int = 0  # computation or pattern mismatches found so far
    metrics: Mapping[str, float | None] = field(default_factory=dict)  # e.g. {"tflops": 71.2}
    details: Mapping[str, object] = field(default_factory=dict)  # first failing address, per-core errors
    failure: str | None = None  # the workload itself failed (worker crashed, CUDA error): why
    # The workload could not go on for a reason outside the hardware under test (another program
    # filled the disk): the test is aborted with this reason, not failed.
    abort_reason: str | None = None


class Workload(Protocol):
    """One stress workload. Runs in worker process(es) so a crash or a GPU hang cannot take the
    caller down; every method returns at once (the runner polls)."""

    kind: Kind
    device: str | None  # "gpu0" (NVML index), "cpu", a folder for disk

    def start(self) -> None:
        """Start the worker(s); returns at once."""
        ...

    def poll(self) -> WorkloadStatus:
        """The latest status, without blocking."""
        ...

    def stop(self) -> WorkloadStatus:
        """Stop the worker(s), wait for them (briefly, then kill), remove every file the workload
        made, and return the final status. Safe to call more than once and after a crash."""
        ...


@dataclass(frozen=True)
class StressResult:
    """One finished (or aborted) stress test: the `aiwm.stress/1` document."""

    kind: Kind
    device: str | None
    started_at: str  # UTC ISO-8601
    duration_s: float  # how long the load actually ran
    verdict: Verdict
    errors: int
    abort_reason: str | None
    metrics: Mapping[str, float | None]
    reasons: tuple[str, ...] = ()  # why the verdict, with numbers
    details: Mapping[str, object] = field(default_factory=dict)
    simulated: bool = False


Phase = Literal["idle", "load", "cooldown", "done"]


@dataclass(frozen=True)
class Progress:
    """What the runner tells its caller about once a second: for a progress bar and live numbers."""

    phase: Phase
    elapsed_s: float  # since the test began
    total_s: float  # planned length of the whole test
    status: WorkloadStatus
    message: str = ""


@dataclass(frozen=True)
class PhaseSpan:
    """One phase of a cooling test on the run's clock (monotonic seconds since it began)."""

    phase: Phase
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ThermalResult:
    """One cooling test: the `aiwm.thermal/1` document."""

    device: str  # "gpu0" or "cpu"
    started_at: str
    verdict: Verdict
    reasons: tuple[str, ...]
    metrics: Mapping[str, float | None]  # idle_c, peak_c, steady_c, time_to_steady_s, ... (the keys)
    phases: tuple[PhaseSpan, ...]
    abort_reason: str | None = None
    baseline_comparison: tuple[str, ...] = ()  # "steady temperature 6 °C higher than your baseline of ..."
    simulated: bool = False
    simulated_truth: Mapping[str, float] | None = None  # time_constant_s, steady_c of the simulator
    details: Mapping[str, object] = field(default_factory=dict)  # throttle per reason, fan response, fit, power
