"""The Tests page with a fake runner: progress, cancel, the result card, phases, errors, responsiveness."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from app.core.engine import Engine, EngineOptions
from app.core.errors import UserError
from app.core.gpu.records import GpuSetReading
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.stress.records import THERMAL_SCHEMA, WorkloadStatus
from app.ui.pages.tests.engine_runner import StressRequest, ThermalRequest
from app.ui.theme import LIGHT
from tests.ui.pages.tests.fakes import FakeRunner, progress, stress_result, thermal_result


def _finish(qtbot, page, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: not page.running, timeout=timeout)


def test_progress_bar_and_phase_label_follow_the_runners_progress(qtbot, make_page) -> None:
    hold = threading.Event()
    runner = FakeRunner(steps=[progress("load", 150.0, 300.0, tflops=70.0)], hold=hold)
    page = make_page(runner)
    assert page.start()
    qtbot.waitUntil(lambda: page.progress.value() == 500, timeout=5000)  # 150 of 300 s: half of 1000 steps
    assert page.progress.format() == "load · 2 min 30 s left · SIMULATED"
    assert page.phase_label.text() == "Phase: load · Achieved 70.0 TFLOPS"
    hold.set()
    _finish(qtbot, page)
    assert page.progress.value() == 1000 and page.progress.format() == "PASS"


def test_the_runners_planned_total_wins_over_the_pages_estimate(qtbot, make_page) -> None:
    hold = threading.Event()
    # A 5-minute cooling test is 60 + 300 + 180 = 540 s by the page's plan; this runner says 600 s.
    page = make_page(FakeRunner(result=thermal_result(), steps=[progress("load", 300.0, 600.0)], hold=hold))
    page.choices.choose("thermal")
    page.start()
    qtbot.waitUntil(lambda: page.progress.value() == 500, timeout=5000)
    assert page.progress.format().startswith("load · 5 min 00 s left")
    hold.set()
    _finish(qtbot, page)


def test_errors_found_during_the_run_show_in_the_phase_line(qtbot, make_page) -> None:
    hold = threading.Event()
    step = replace(progress("load", 10.0, 300.0), status=WorkloadStatus(True, errors=3), message="FP32 burn")
    page = make_page(FakeRunner(steps=[step], hold=hold))
    page.start()
    qtbot.waitUntil(lambda: "error" in page.phase_label.text(), timeout=5000)
    assert page.phase_label.text() == "Phase: load · 3 errors found so far"  # the runner's own words left out
    hold.set()
    _finish(qtbot, page)


def test_start_is_disabled_while_a_test_runs_and_a_second_start_is_refused(qtbot, make_page) -> None:
    hold = threading.Event()
    runner = FakeRunner(hold=hold)
    page = make_page(runner)
    assert page.start()
    assert not page.start_button.isEnabled() and not page.choices.isEnabled()
    assert page.cancel_button.isEnabled()
    assert not page.start(), "one test at a time"
    hold.set()
    _finish(qtbot, page)
    assert len(runner.requests) == 1
    assert page.start_button.isEnabled() and not page.cancel_button.isEnabled()


def test_cancel_sets_the_event_says_cancelling_until_the_runner_returns_then_shows_aborted(qtbot, make_page) -> None:
    runner = FakeRunner(steps=[progress("load", 5.0, 300.0)], hold=threading.Event(), stop_s=0.5)
    page = make_page(runner)
    page.start()
    qtbot.waitUntil(runner.emitted.is_set, timeout=5000)
    page.cancel_button.click()
    assert runner.cancels[0].is_set()
    assert page.cancel_button.text() == "Cancelling…" and not page.cancel_button.isEnabled()
    assert page.running, "the runner is still stopping its workload"
    _finish(qtbot, page)
    assert page.card.verdict.text() == "ABORTED"
    assert "Stopped: cancelled by the user" in page.card.problems.text()
    assert page.cancel_button.text() == "Cancel" and page.start_button.isEnabled()


def test_result_card_shows_a_pass_in_green_with_metrics_and_their_units(qtbot, make_page) -> None:
    page = make_page(FakeRunner(result=stress_result("pass", reasons=("86 % of the catalog peak",))))
    page.start()
    _finish(qtbot, page)
    card = page.card
    assert card.verdict.text() == "PASS" and LIGHT.ok in card.verdict.styleSheet()
    assert "86 % of the catalog peak" in card.reasons.text()
    assert {key: label.text() for key, label in card.metric_values.items()} == {
        "tflops": "71.2 TFLOPS",
        "peak_tflops": "82.6 TFLOPS",
        "percent_of_peak": "86 %",
    }
    assert "Errors found: 0" in card.problems.text()


def test_result_card_shows_a_fail_in_red_with_every_reason_and_the_error_count(qtbot, make_page) -> None:
    reasons = ("3 results differed from the first launch", "GPU 0 ran at 41 % of its FP32 peak")
    result = stress_result("fail", errors=3, reasons=reasons, metrics={"tflops": 33.9, "percent_of_peak": None})
    page = make_page(FakeRunner(result=result))
    page.start()
    _finish(qtbot, page)
    card = page.card
    assert card.verdict.text() == "FAIL" and LIGHT.critical in card.verdict.styleSheet()
    assert all(reason in card.reasons.text() for reason in reasons)
    assert "Errors found: 3" in card.problems.text()
    assert card.metric_values["percent_of_peak"].text() == "n/a (not measured in this run; the result gives no reason)"


def test_a_missing_metric_shows_the_results_own_reason(qtbot, make_page) -> None:
    details = {"missing": {"percent_of_peak": "the catalog has no FP32 peak for this GPU"}}
    result = stress_result("pass", metrics={"tflops": 12.0, "percent_of_peak": None}, details=details)
    page = make_page(FakeRunner(result=result))
    page.start()
    _finish(qtbot, page)
    assert page.card.metric_values["percent_of_peak"].text() == "n/a (the catalog has no FP32 peak for this GPU)"


def test_an_aborted_run_shows_the_guards_reason(qtbot, make_page) -> None:
    reason = "GPU 0 at 95 °C ≥ slowdown 96 °C − 2 °C margin"
    result = stress_result("aborted", abort_reason=reason, metrics={"tflops": None})
    page = make_page(FakeRunner(result=result))
    page.start()
    _finish(qtbot, page)
    assert page.card.verdict.text() == "ABORTED"
    assert f"Stopped: {reason}" in page.card.problems.text()
    assert page.card.metric_values["tflops"].text() == "n/a (the test stopped before this was measured)"


def test_a_thermal_result_shows_its_baseline_comparison_and_simulated(qtbot, make_page) -> None:
    line = "steady temperature 6 °C higher than your baseline of 2026-11-02"
    result = thermal_result("warn", baseline_comparison=(line,), simulated=True)
    page = make_page(FakeRunner(result=result))
    page.choices.choose("thermal")
    page.start()
    _finish(qtbot, page)
    card = page.card
    assert card.verdict.text() == "WARN" and LIGHT.warning in card.verdict.styleSheet()
    assert line in card.baseline.text()
    assert "SIMULATED" in card.heading.text() and "Cooling test on gpu0" in card.heading.text()
    assert card.metric_values["power_fraction"].text() == "92 %"
    assert card.metric_values["steady_c"].text() == "78 °C"


def test_cooling_phases_are_shaded_while_it_runs_and_from_the_results_phase_spans(qtbot, make_page) -> None:
    hold = threading.Event()
    steps = [progress("idle", 30.0, 840.0), progress("idle", 59.0, 840.0), progress("load", 61.0, 840.0)]
    page = make_page(FakeRunner(result=thermal_result(), steps=steps, hold=hold, step_s=0.3))  # drawn each step
    page.choices.choose("thermal")
    page.start()
    qtbot.waitUntil(lambda: len(page.plots.temperature.regions) == 2, timeout=5000)
    # Seen from progress: idle from the start to the first load report at 61 s (1.0167 min).
    for plot in page.plots.plots:
        assert [tuple(round(v, 4) for v in r.getRegion()) for r in plot.regions] == [(0.0, 1.0167), (1.0167, 1.0167)]
    hold.set()
    _finish(qtbot, page)
    # The result's spans: idle 0-60 s, load 60-660 s, cooldown 660-840 s, in minutes.
    for plot in page.plots.plots:
        assert [r.getRegion() for r in plot.regions] == [(0.0, 1.0), (1.0, 11.0), (11.0, 14.0)]
        colours = [r.brush.color().name() for r in plot.regions]
        assert len(set(colours)) == 3, "each phase has its own shade"
    assert page.plots.legend.isVisible() and "idle" in page.plots.legend.text()


def test_a_stress_test_is_not_shaded(qtbot, make_page) -> None:
    page = make_page(FakeRunner(steps=[progress("load", 10.0, 300.0)]))
    page.start()
    _finish(qtbot, page)
    assert all(not plot.regions for plot in page.plots.plots)
    assert not page.plots.legend.isVisible()


def test_throughput_is_drawn_from_the_workloads_metrics_in_each_progress(qtbot, make_page) -> None:
    hold = threading.Event()
    steps = [
        progress("load", 30.0, 300.0, tflops=70.0),
        progress("load", 60.0, 300.0, tflops=None),
        progress("load", 90.0, 300.0, tflops=71.5),
    ]
    runner = FakeRunner(steps=steps, hold=hold, step_s=0.3)  # the graphs are drawn at most every 0.25 s
    page = make_page(runner)
    page.start()
    qtbot.waitUntil(lambda: page.plots.throughput.data("tflops")[0].size == 2, timeout=5000)
    x, y = page.plots.throughput.data("tflops")
    assert list(x) == [0.5, 1.5] and list(y) == [70.0, 71.5]  # minutes; the missing value is left out
    assert "71.5 TFLOPS" in page.plots.throughput.title.text()
    hold.set()
    _finish(qtbot, page)


def test_sensor_graphs_follow_the_sessions_samples_for_the_chosen_gpu(qtbot, make_page) -> None:
    hold = threading.Event()
    page = make_page(FakeRunner(hold=hold))
    page.choices.device.setCurrentIndex(1)  # GPU 1
    page.start()
    start = page.run.start_wall_s
    state = MonitorState(page._context.inventory.gpus, AlertSettings(enabled=()))
    with Engine(EngineOptions(demo="")) as engine:
        reading = engine.gpu_backend.read()
    values = [(-5.0, 99.0, 9.0), (30.0, 60.0, 300.0), (90.0, 70.0, 320.0)]  # before the start: not shown
    for offset_s, temperature, power in values:
        gpus = tuple(replace(g, temperature_c=temperature + g.index, power_w=power) for g in reading.gpus)
        state.add(Sample("gpu", 1.0, start + offset_s, 0.0, 0.0, GpuSetReading(reading.nvidia, gpus)))
    page.refresh(state, start + 90.0)
    x, y = page.plots.temperature.data("gpu1.temperature_c")
    assert list(x) == [0.5, 1.5] and list(y) == [61.0, 71.0]
    assert list(page.plots.power.data("gpu1.power_w")[1]) == [300.0, 320.0]
    assert "71 °C" in page.plots.temperature.title.text() and "SIMULATED" in page.plots.temperature.title.text()
    hold.set()
    _finish(qtbot, page)


def test_the_gui_stays_responsive_during_a_slow_run(qtbot, make_page) -> None:
    runner = FakeRunner(steps=[progress("load", float(s), 2.0) for s in range(2)], step_s=0.6)
    page = make_page(runner)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    began = time.monotonic()
    page.start()
    returned_s = time.monotonic() - began
    _finish(qtbot, page)
    timer.stop()
    assert returned_s < 0.2, "Start returns at once; the run is on a worker thread"
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 20 and max(gaps) < 0.5, "the event loop kept turning while the runner slept 1.2 s"


def test_a_runner_that_raises_shows_the_message_and_the_page_can_start_again(qtbot, make_page) -> None:
    error = UserError("no NVIDIA GPU: the driver is not loaded (try --demo)")
    page = make_page(FakeRunner(error=error))
    page.start()
    _finish(qtbot, page)
    assert page.card.verdict.text() == "COULD NOT RUN"
    assert "no NVIDIA GPU: the driver is not loaded (try --demo)" in page.card.problems.text()
    assert page.start_button.isEnabled()


def test_a_bug_in_the_runner_is_shown_and_not_swallowed(qtbot, make_page, caplog) -> None:
    page = make_page(FakeRunner(error=NotImplementedError()))
    page.start()
    _finish(qtbot, page)
    assert "unexpected error (NotImplementedError" in page.card.problems.text()


def test_a_disk_test_without_a_folder_is_refused_with_one_line(qtbot, make_page, tmp_path: Path) -> None:
    runner = FakeRunner()
    page = make_page(runner)
    page.choices.choose("disk")
    assert not page.start()
    assert page.message.text() == "choose a folder on the disk to test (Choose…)"
    page.choices.folder.setText(str(tmp_path / "missing"))
    assert not page.start()
    assert page.message.text() == f"{tmp_path / 'missing'} is not a folder"
    assert runner.requests == []
    page.choices.folder.setText(str(tmp_path))
    assert page.start()
    _finish(qtbot, page)
    assert runner.requests == [StressRequest("disk", 300.0, folder=tmp_path)]


@pytest.mark.parametrize(
    ("kind", "device_row", "preset", "expected"),
    [
        ("gpu", 1, "Standard", StressRequest("gpu", 600.0, gpu_index=1)),
        ("vram", 0, "Extended", StressRequest("vram", 1800.0, gpu_index=0)),
        ("cpu", None, "Quick", StressRequest("cpu", 300.0)),
        ("ram", None, "Standard", StressRequest("ram", 600.0)),
    ],
)
def test_the_chosen_test_device_and_preset_reach_the_runner(qtbot, make_page, kind, device_row, preset, expected):
    runner = FakeRunner()
    page = make_page(runner)
    page.choices.choose(kind)
    if device_row is not None:
        page.choices.device.setCurrentIndex(device_row)
    page.choices.presets[preset].click()
    page.start()
    _finish(qtbot, page)
    assert runner.requests == [expected]


def test_the_cooling_test_runs_on_a_gpu_or_the_cpu_for_the_chosen_minutes(qtbot, make_page) -> None:
    runner = FakeRunner(result=thermal_result())
    page = make_page(runner)
    page.choices.choose("thermal")
    assert [page.choices.device.itemText(i) for i in range(page.choices.device.count())] == [
        "GPU 0: NVIDIA GeForce RTX 4090 (SIMULATED)",
        "GPU 1: NVIDIA GeForce RTX 3090 (SIMULATED)",
        "CPU",
    ]
    page.choices.device.setCurrentIndex(2)
    page.choices.minutes.setValue(7)
    page.start()
    _finish(qtbot, page)
    (request,) = runner.requests
    assert isinstance(request, ThermalRequest)
    assert (request.plan.device, request.plan.load_s) == ("cpu", 420.0)
    assert page.plots.temperature.curves.keys() == {"cpu.temperature_c"}
    assert "the CPU's power is not sampled" in page.plots.power.title.text()


def test_without_a_gpu_the_gpu_tests_are_disabled_and_say_why(qtbot, make_page, demo_inventory) -> None:
    from app.core.gpu.records import NvidiaStatus

    no_gpu = replace(demo_inventory, gpus=(), nvidia=NvidiaStatus("NVIDIA driver not loaded", None, None, None))
    page = make_page(inventory=no_gpu)
    buttons = {b.objectName(): b for b in page.choices.buttons.buttons()}
    assert not buttons["test_gpu"].isEnabled() and not buttons["test_vram"].isEnabled()
    assert "Not available:" in buttons["test_gpu"].toolTip()
    assert page.choices.kind == "cpu"
    page.choices.choose("thermal")
    assert [page.choices.device.itemText(i) for i in range(page.choices.device.count())] == ["CPU"]
    assert not page.simulated_label.isVisible()


def test_past_runs_are_listed_newest_first_with_verdict_and_simulated(qtbot, make_page) -> None:
    documents = [
        {
            "schema": "aiwm.stress/1",
            "kind": "cpu",
            "device": "cpu",
            "started_at": "2026-11-01T10:00:00Z",
            "verdict": "pass",
            "metrics": {"gflops": 812.4},
            "simulated": False,
        },
        {
            "schema": THERMAL_SCHEMA,
            "device": "gpu0",
            "started_at": "2026-11-02T09:00:00Z",
            "verdict": "warn",
            "metrics": {"steady_c": 84.0},
            "simulated": True,
        },
        {
            "schema": "aiwm.stress/1",
            "kind": "disk",
            "started_at": "2026-10-30T08:00:00Z",
            "verdict": "fail",
            "metrics": {},
        },
    ]
    page = make_page(FakeRunner(documents=documents))
    table = page.past_runs
    qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=5000)
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(3)]
    assert rows == [
        ["2026-11-02 09:00", "Cooling test · gpu0 (SIMULATED)", "WARN", "steady 84 °C"],
        ["2026-11-01 10:00", "CPU · cpu", "PASS", "812.4 GFLOPS"],
        ["2026-10-30 08:00", "Disk", "FAIL", "read n/a"],
    ]
    assert table.item(0, 2).foreground().color().name() == LIGHT.warning


def test_past_runs_that_cannot_be_read_say_why(qtbot, make_page) -> None:
    class Unreadable(FakeRunner):
        def past_results(self):
            raise PermissionError(13, "Permission denied", "/data/tests")

    page = make_page(Unreadable())
    qtbot.waitUntil(lambda: page.past_note.text() != "", timeout=5000)
    assert page.past_note.text() == "Past results could not be read: Permission denied: /data/tests"


def test_a_finished_run_reloads_the_past_runs(qtbot, make_page) -> None:
    runner = FakeRunner()
    page = make_page(runner)
    qtbot.waitUntil(lambda: page.past_note.text() == "No stored results yet.", timeout=5000)
    runner.documents.append(
        {
            "schema": "aiwm.stress/1",
            "kind": "gpu",
            "device": "gpu0",
            "verdict": "pass",
            "started_at": "2026-11-28T14:00:00Z",
            "metrics": {"tflops": 71.24},
        }
    )
    page.start()
    _finish(qtbot, page)
    qtbot.waitUntil(lambda: page.past_runs.rowCount() == 1, timeout=5000)
    assert page.past_runs.item(0, 3).text() == "71.2 TFLOPS"
