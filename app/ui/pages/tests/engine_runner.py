"""What the Tests page asks of the engine: run one test, keep its result, list earlier results.

The page talks to a `Runner`; `EngineRunner` is the real one over the window's live session
(the workload factory, the safety guard, the runner or cooling test, the results store). Tests of
the page give it a fake. Everything here runs on a worker thread, never on the GUI thread.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.core.sampling.live import LiveSession
from app.stress.records import STRESS_SCHEMA, THERMAL_SCHEMA, Kind, Progress, StressResult, ThermalResult
from app.stress.thermal.run import ThermalPlan
from app.ui.background import describe_os_error

ProgressListener = Callable[[Progress], None]


@dataclass(frozen=True)
class StressRequest:
    """One stress test as the user chose it: a workload kind, its length, the GPU or the folder."""

    kind: Kind
    duration_s: float
    gpu_index: int | None = None  # gpu and vram only: the NVML index of the chosen GPU
    folder: Path | None = None  # disk only


@dataclass(frozen=True)
class ThermalRequest:
    """One cooling test: idle baseline, load, cooldown on a GPU ("gpu0") or the CPU ("cpu")."""

    plan: ThermalPlan


TestRequest = StressRequest | ThermalRequest


@dataclass(frozen=True)
class Finished:
    """A test that returned: its result, and where it was stored (or why it could not be)."""

    result: StressResult | ThermalResult
    saved_to: Path | None = None
    save_problem: str | None = None


class Runner(Protocol):
    """Runs tests for the page (on a worker thread) and reads the stored results."""

    def run(self, request: TestRequest, cancel: threading.Event, on_progress: ProgressListener) -> Finished:
        """Run one test until it ends, is cancelled (`cancel` set) or is stopped by the guard."""
        ...

    def past_results(self) -> list[Mapping[str, Any]]:
        """Earlier stress and cooling results of this machine (`aiwm.stress/1`, `aiwm.thermal/1`)."""
        ...


class EngineRunner:
    """The real runner: workloads from `app.stress.factory`, guarded by `SafetyGuard`, results stored."""

    def __init__(self, live: LiveSession) -> None:
        self.live = live

    def run(self, request: TestRequest, cancel: threading.Event, on_progress: ProgressListener) -> Finished:
        # Imported here: the factory loads the workloads' modules, which the window needs only
        # once a test starts (and the factory arrives with the runner's own change).
        from app.stress import store
        from app.stress.guard import SafetyGuard
        from app.stress.runner import run_stress
        from app.stress.thermal.run import run_thermal

        factory: Any = importlib.import_module("app.stress.factory")
        engine = self.live.engine
        guard = SafetyGuard(engine.inventory())
        result: StressResult | ThermalResult
        if isinstance(request, ThermalRequest):
            device = request.plan.device
            kind: Kind = "cpu" if device == "cpu" else "gpu"
            index = None if device == "cpu" else int(device.removeprefix("gpu"))
            workload = factory.make_workload(kind, engine, index, None, None)
            result = run_thermal(request.plan, workload, self.live, guard, cancel, on_progress)
        else:
            workload = factory.make_workload(request.kind, engine, request.gpu_index, request.folder, None)
            result = run_stress(workload, request.duration_s, self.live, guard, cancel, on_progress)
        try:
            saved_to = store.save_result(result_document(result))
        except Exception as error:  # the result is still shown; only keeping it failed
            return Finished(result, None, _describe(error))
        return Finished(result, saved_to)

    def past_results(self) -> list[Mapping[str, Any]]:
        from app.stress import store

        return [*store.past_results(STRESS_SCHEMA), *store.past_results(THERMAL_SCHEMA)]


def result_document(result: StressResult | ThermalResult) -> dict[str, Any]:
    """The `aiwm.stress/1` or `aiwm.thermal/1` document of a result, as `aiwm stress` / `aiwm thermal` save it."""
    from app.stress.documents import stress_document
    from app.stress.thermal.document import thermal_document

    return thermal_document(result) if isinstance(result, ThermalResult) else stress_document(result)


def _describe(error: Exception) -> str:
    if isinstance(error, OSError):
        return describe_os_error(error)
    return str(error) or type(error).__name__
