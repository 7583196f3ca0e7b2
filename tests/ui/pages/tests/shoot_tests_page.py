"""Screenshots of the Tests page in the real window: a cooling test mid-run, then its result card.

Run by test_screenshots.py in a subprocess on Xvfb: `python -m tests.ui.pages.tests.shoot_tests_page
THEME RUNNING.png RESULT.png`. The cooling run is scripted here (the real runner is another
developer's, not on this branch): it holds full load on simulated GPU 0 through the backend, as the
real cooling test does, so the graphs show the simulated card's own curves at a time scale of 60.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.clock import iso_utc
from app.core.engine import Engine, EngineOptions
from app.core.gpu.simulated_backend import SimulatedBackend
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.stress.records import PhaseSpan, Progress, ThermalResult, WorkloadStatus
from app.ui import theme as themes
from app.ui.launch import save_screenshot
from app.ui.main_window import MainWindow
from app.ui.pages.tests.engine_runner import Finished, TestRequest, ThermalRequest
from app.ui.pages.tests.entry import TestsEntry

TIME_SCALE = 60.0
MID_RUN_S = 4 * 60.0  # engine seconds into the run: three minutes into the load
PEAK_TFLOPS = 82.58  # RTX 4090 FP32, for a plausible throughput curve
BASELINE = {
    "schema": "aiwm.thermal/1",
    "device": "gpu0",
    "started_at": "2026-11-02T09:12:00Z",
    "verdict": "pass",
    "metrics": {"steady_c": 74.0},
    "simulated": True,
}


class ScriptedCoolingRun:
    """Idle, full load, cooldown on simulated GPU 0, on the engine's clock; a result from what it read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self, request: TestRequest, cancel: threading.Event, on_progress: Callable[[Progress], None]) -> Finished:
        assert isinstance(request, ThermalRequest)
        plan, clock, backend = request.plan, self.engine.clock, self.engine.gpu_backend
        assert isinstance(backend, SimulatedBackend)
        total_s, start = plan.idle_s + plan.load_s + plan.cooldown_s, clock.monotonic()
        temps: dict[str, list[tuple[float, float, float]]] = {"idle": [], "load": [], "cooldown": []}
        loaded = False
        backend.hold_load(0, 0.0)  # idle means idle, not the demo's own changing load
        while (elapsed := clock.monotonic() - start) < total_s and not cancel.is_set():
            phase = "idle" if elapsed < plan.idle_s else "load" if elapsed < plan.idle_s + plan.load_s else "cooldown"
            if (phase == "load") != loaded:
                loaded = phase == "load"
                backend.hold_load(0, 1.0 if loaded else 0.0)
            gpu = backend.read().gpus[0]
            temps[phase].append((elapsed, gpu.temperature_c or 0.0, gpu.power_w or 0.0))
            tflops = PEAK_TFLOPS * (gpu.sm_clock_mhz or 0.0) / 2520.0 if loaded else 0.0
            on_progress(Progress(phase, elapsed, total_s, WorkloadStatus(True, metrics={"tflops": tflops})))  # type: ignore[arg-type]
            time.sleep(clock.to_real_s(1.0))
        backend.release_load(0)
        return Finished(self._result(plan, temps, start), Path("~/.local/share/aiwm/tests/thermal/run.json"))

    def _result(self, plan: Any, temps: dict[str, list[tuple[float, float, float]]], start: float) -> ThermalResult:
        idle = [t for _, t, _ in temps["idle"]]
        last_minute = [(t, p) for s, t, p in temps["load"] if s >= plan.idle_s + plan.load_s - 60.0]
        steady = sum(t for t, _ in last_minute) / len(last_minute)
        power = sum(p for _, p in last_minute) / len(last_minute)
        limit = self.engine.inventory().gpus[0].power_enforced_w or 450.0
        idle_c = sum(idle) / len(idle)
        phases = (
            PhaseSpan("idle", 0.0, plan.idle_s),
            PhaseSpan("load", plan.idle_s, plan.idle_s + plan.load_s),
            PhaseSpan("cooldown", plan.idle_s + plan.load_s, plan.idle_s + plan.load_s + plan.cooldown_s),
        )
        return ThermalResult(
            device="gpu0",
            started_at=iso_utc(self.engine.clock.to_wall(start)),
            verdict="pass",
            reasons=(f"steady at {steady:.0f} °C under {power:.0f} W; no thermal slowdown",),
            metrics={
                "idle_c": idle_c,
                "peak_c": max(t for _, t, _ in temps["load"]),
                "steady_c": steady,
                "time_constant_s": None,
                "power_fraction": power / limit,
                "c_per_w": (steady - idle_c) / power if power else None,
            },
            phases=phases,
            baseline_comparison=(f"steady temperature {steady - 74.0:+.0f} °C against your baseline of 2026-11-02",),
            simulated=True,
        )

    def past_results(self) -> list[dict[str, Any]]:
        return [BASELINE]


def main(theme_name: str, running_png: Path, result_png: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme = themes.resolve(theme_name)
    themes.apply(app, theme)  # type: ignore[arg-type]
    live = LiveSession(Engine(EngineOptions(demo="", time_scale=TIME_SCALE)), Settings().alerts)
    window = MainWindow(live, Settings(), theme)
    window.resize(1920, 1080)
    live.start()
    window.show()
    page = next(p for p in window.page_list if isinstance(p, TestsEntry)).view
    page.runner = ScriptedCoolingRun(live.engine)
    window.sidebar.setCurrentRow(window.page_list.index(next(p for p in window.page_list if isinstance(p, TestsEntry))))
    page.choices.choose("thermal")
    page.choices.presets["Quick"].click()
    problems: list[str] = []

    def shoot(path: Path) -> None:
        window.redraw_now()
        app.processEvents()
        if (problem := save_screenshot(window, path)) is not None:
            problems.append(f"{path}: {problem}")

    def mid_run() -> None:
        if page.run is not None and live.engine.clock.monotonic() - started >= MID_RUN_S:
            poll.stop()
            shoot(running_png)

    def finished(_finished: object) -> None:
        shoot(result_png)
        window.close()
        app.quit()

    page.run_finished.connect(finished)
    started = live.engine.clock.monotonic()
    page.start()
    poll = QTimer()
    poll.timeout.connect(mid_run)
    poll.start(50)
    app.exec()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
