"""The page's real runner: the right workload from the factory, the guard, the session, the store.

The factory, runner, cooling test and store are other developers' modules (placeholders on this
branch), so they are replaced here by recorders; what is checked is what the page hands them.
"""

from __future__ import annotations

import json
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app.stress.runner
import app.stress.store
import app.stress.thermal.run
from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import AlertSettings
from app.stress.guard import SafetyGuard
from app.stress.thermal.run import ThermalPlan
from app.ui.pages.tests.engine_runner import EngineRunner, StressRequest, ThermalRequest
from tests.ui.pages.tests.fakes import stress_result, thermal_result


@pytest.fixture
def live() -> Iterator[LiveSession]:
    session = LiveSession(Engine(EngineOptions(demo="")), AlertSettings(enabled=()))
    yield session
    session.stop()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Record what reaches the factory, the runner, the cooling test and the store."""
    seen: dict[str, list[Any]] = {"factory": [], "stress": [], "thermal": [], "saved": []}
    factory = types.ModuleType("app.stress.factory")

    def make_workload(*args: Any) -> object:
        seen["factory"].append(args)
        return ("workload", args[0])

    factory.make_workload = make_workload  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.stress.factory", factory)

    def run_stress(*args: Any) -> object:
        seen["stress"].append(args)
        args[5](None)  # progress reaches the page's listener
        return stress_result("pass", kind="disk", device="/data")

    def run_thermal(*args: Any) -> object:
        seen["thermal"].append(args)
        return thermal_result("pass", device=args[0].device)

    def save_result(document: dict[str, Any]) -> Path:
        seen["saved"].append(json.loads(json.dumps(document)))  # it must be plain JSON
        return Path("/data/tests/result.json")

    monkeypatch.setattr(app.stress.runner, "run_stress", run_stress)
    monkeypatch.setattr(app.stress.thermal.run, "run_thermal", run_thermal)
    monkeypatch.setattr(app.stress.store, "save_result", save_result)
    return seen


def test_a_stress_request_gets_its_workload_guard_session_and_is_stored(live, calls) -> None:
    cancel, progress_seen = threading.Event(), []
    finished = EngineRunner(live).run(StressRequest("disk", 600.0, folder=Path("/data")), cancel, progress_seen.append)
    assert calls["factory"] == [("disk", live.engine, None, Path("/data"), None)]
    ((workload, duration_s, session, guard, given_cancel, _listener),) = calls["stress"]
    assert (workload, duration_s, session, given_cancel) == (("workload", "disk"), 600.0, live, cancel)
    assert isinstance(guard, SafetyGuard) and guard.inventory is live.engine.inventory()
    assert progress_seen == [None]
    assert finished.saved_to == Path("/data/tests/result.json") and finished.save_problem is None
    (document,) = calls["saved"]
    assert document["schema"] == "aiwm.stress/1"
    expected = {"kind": "disk", "device": "/data", "duration_s": 300.0, "verdict": "pass", "errors": 0}
    assert {k: document[k] for k in expected} == expected
    assert document["abort_reason"] is None and document["metrics"]["tflops"] == 71.24


@pytest.mark.parametrize(("device", "kind", "index"), [("gpu1", "gpu", 1), ("cpu", "cpu", None)])
def test_a_cooling_request_loads_the_gpu_or_the_cpu_and_is_stored_as_thermal(live, calls, device, kind, index) -> None:
    plan = ThermalPlan(device=device, load_s=300.0)
    finished = EngineRunner(live).run(ThermalRequest(plan), threading.Event(), lambda _p: None)
    assert calls["factory"] == [(kind, live.engine, index, None, None)]
    ((given_plan, _workload, session, guard, _cancel, _listener),) = calls["thermal"]
    assert (given_plan, session) == (plan, live) and isinstance(guard, SafetyGuard)
    (document,) = calls["saved"]
    assert document["schema"] == "aiwm.thermal/1" and document["device"] == device
    assert document["phases"][1] == {"phase": "load", "start_s": 60.0, "end_s": 660.0}
    assert finished.result.device == device


def test_a_result_that_cannot_be_stored_is_still_returned_with_the_reason(live, calls, monkeypatch) -> None:
    def full_disk(_document: dict[str, Any]) -> Path:
        raise OSError(28, "No space left on device", "/data/tests/result.json")

    monkeypatch.setattr(app.stress.store, "save_result", full_disk)
    finished = EngineRunner(live).run(StressRequest("cpu", 60.0), threading.Event(), lambda _p: None)
    assert finished.result.verdict == "pass"
    assert finished.saved_to is None
    assert finished.save_problem == "No space left on device: /data/tests/result.json"


def test_past_results_are_both_kinds_from_the_store(live, monkeypatch) -> None:
    asked = []

    def past_results(schema: str, device: str | None = None) -> list[dict[str, Any]]:
        asked.append((schema, device))
        return [{"schema": schema}]

    monkeypatch.setattr(app.stress.store, "past_results", past_results)
    documents = EngineRunner(live).past_results()
    assert asked == [("aiwm.stress/1", None), ("aiwm.thermal/1", None)]
    assert documents == [{"schema": "aiwm.stress/1"}, {"schema": "aiwm.thermal/1"}]
