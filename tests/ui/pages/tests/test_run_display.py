"""What the Tests page shows while a test runs and when it ends (issue 9: problems 4, 10, 16 and the
page's part of 17), with a scripted runner."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtWidgets import QHeaderView

from app.core.records import CpuReading
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.stress.records import THERMAL_SCHEMA, Progress, WorkloadStatus
from tests.ui.pages.tests.fakes import FakeRunner, progress, thermal_result

GUARD_STOP = (
    "cooldown phase, 170 of 470 s; the safety guard stopped the load at 170 s: GPU 0 at 90 °C ≥ max operating 90 °C"
)


def _finish(qtbot, page, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: not page.running, timeout=timeout)


def test_the_phase_line_shows_the_workloads_numbers_in_words_and_units(qtbot, make_page, tmp_path) -> None:
    hold = threading.Event()
    status = WorkloadStatus(True, metrics={"seq_write_bytes_per_s": 2.988e9, "rand_read_iops": 44280.0})
    step = Progress("load", 20.0, 300.0, status, "0 errors, seq_write_bytes_per_s 2.988e+09, rand_read_iops 4.428e+04")
    page = make_page(FakeRunner(steps=[step], hold=hold))
    page.choices.choose("disk")
    page.choices.folder.setText(str(tmp_path))
    page.start()
    qtbot.waitUntil(lambda: "Sequential" in page.phase_label.text(), timeout=5000)
    assert page.phase_label.text() == "Phase: load · Sequential write 3.0 GB/s · Random 4 KiB reads 44280 IOPS"
    hold.set()
    _finish(qtbot, page)


def test_the_guards_stop_shows_at_once_with_the_cooldown_as_the_time_left(qtbot, make_page) -> None:
    """The trial: the guard stopped the load at 2.8 min and the page kept saying "load phase … 9 min
    left" without a word."""
    hold = threading.Event()
    status = WorkloadStatus(False, metrics={"tflops": 79.7})
    steps = [progress("load", 160.0, 1260.0, tflops=79.7), Progress("cooldown", 170.0, 470.0, status, GUARD_STOP)]
    page = make_page(FakeRunner(result=thermal_result(), steps=steps, hold=hold))
    page.choices.choose("thermal")
    page.start()
    qtbot.waitUntil(lambda: "Safety stop" in page.message.text(), timeout=5000)
    assert "the safety guard stopped the load at 170 s: GPU 0 at 90 °C ≥ max operating 90 °C" in page.message.text()
    assert page.progress.format().startswith("cooldown · 5 min 00 s left")
    assert "the safety guard stopped the load" in page.phase_label.text()
    hold.set()
    _finish(qtbot, page)


def test_throughput_stops_with_the_load_and_is_not_carried_into_the_cooldown(qtbot, make_page) -> None:
    hold = threading.Event()
    stopped = WorkloadStatus(False, metrics={"tflops": 79.7})  # the workload's last status, after its stop
    steps = [
        progress("load", 60.0, 840.0, tflops=79.7),
        progress("load", 90.0, 840.0, tflops=79.6),
        Progress("cooldown", 700.0, 840.0, stopped, "cooldown phase, 700 of 840 s"),
    ]
    page = make_page(FakeRunner(result=thermal_result(), steps=steps, hold=hold, step_s=0.3))
    page.choices.choose("thermal")
    page.start()
    qtbot.waitUntil(lambda: "cooldown" in page.progress.format(), timeout=5000)
    qtbot.wait(300)
    x, y = page.plots.throughput.data("tflops")
    assert list(x) == [1.0, 1.5] and list(y) == [79.7, 79.6]  # minutes: no point at 700 s
    assert "79.7" not in page.plots.throughput.title.text()
    assert "no load in the cooldown phase" in page.plots.throughput.title.text()
    hold.set()
    _finish(qtbot, page)


def test_a_new_phase_is_shaded_at_once_however_fast_progress_comes(qtbot, make_page) -> None:
    """At 60× progress comes many times a second: a phase that began between two redraws waited for
    the next one (the trial saw the shading a simulated minute late)."""
    hold = threading.Event()
    steps = [progress("idle", 59.0, 840.0), progress("load", 61.0, 840.0)]
    page = make_page(FakeRunner(result=thermal_result(), steps=steps, hold=hold))  # no pause between them
    page.choices.choose("thermal")
    page.start()
    qtbot.waitUntil(runner_emitted(page), timeout=5000)
    qtbot.waitUntil(lambda: len(page.plots.temperature.regions) == 2, timeout=2000)
    assert [r.phase for r in page.plots.temperature.regions] == ["idle", "load"]
    hold.set()
    _finish(qtbot, page)


def runner_emitted(page):
    return lambda: page.progress.format().startswith("load")


def test_a_disk_test_shows_its_own_throughput_and_no_cpu_graphs(qtbot, make_page, tmp_path) -> None:
    page = make_page(FakeRunner(steps=[progress("load", 10.0, 300.0, seq_write_bytes_per_s=2.9e9)]))
    page.choices.choose("disk")
    page.choices.folder.setText(str(tmp_path))
    page.start()
    _finish(qtbot, page)
    plots = page.plots
    assert not plots.temperature.isVisible() and not plots.clock.isVisible() and not plots.power.isVisible()
    assert plots.throughput.isVisible()
    assert set(plots.throughput.curves) == {"seq_write_bytes_per_s", "seq_read_bytes_per_s"}
    assert "CPU" not in plots.power.title.text() and "cpu" not in "".join(plots.clock.curves)


def test_a_steady_cpu_clock_is_drawn_from_zero_not_magnified(qtbot, make_page) -> None:
    # the trial's CPU clock graph spanned 2595.7–2596.6 MHz, making 1 MHz of noise fill the plot
    hold = threading.Event()
    page = make_page(FakeRunner(hold=hold))
    page.choices.choose("cpu")
    page.start()
    start = page.run.start_wall_s
    state = MonitorState((), AlertSettings(enabled=()))
    for offset, mhz in ((10.0, 2595.7), (20.0, 2596.6), (30.0, 2596.1)):
        reading = CpuReading(
            util_percent=100.0, per_core_percent=(100.0,), freq_mhz=mhz, temperature_c=None, load_1m=None
        )
        state.add(Sample("cpu", 1.0, start + offset, 0.0, 0.0, reading))
    page.refresh(state, start + 30.0)
    low, high = page.plots.clock.y_range()
    assert low == 0.0 and 2596.6 < high < 2596.6 * 1.1
    assert np.allclose(page.plots.clock.data("cpu.freq_mhz")[1], [2595.7, 2596.6, 2596.1])
    hold.set()
    _finish(qtbot, page)


def test_a_cooling_results_n_a_shows_its_own_reason(qtbot, make_page) -> None:
    reason = "the temperature had not settled when the load stopped after 300 s; the fitted curve projects 77.8 °C"
    result = thermal_result("inconclusive", metrics={"steady_c": None}, details={"missing": {"steady_c": reason}})
    page = make_page(FakeRunner(result=result))
    page.choices.choose("thermal")
    page.start()
    _finish(qtbot, page)
    assert page.card.metric_values["steady_c"].text() == f"n/a ({reason})"


def test_the_card_says_when_cancel_was_pressed(qtbot, make_page) -> None:
    # the workload may take seconds to stop; the card says when the user asked
    runner = FakeRunner(steps=[progress("load", 5.0, 300.0)], hold=threading.Event(), stop_s=0.3)
    page = make_page(runner)
    page.start()
    qtbot.waitUntil(runner.emitted.is_set, timeout=5000)
    page.cancel_button.click()
    _finish(qtbot, page)
    assert "Cancel pressed 0 s into the test" in page.card.problems.text()


def test_verdicts_are_in_capitals_and_the_start_time_is_readable(qtbot, make_page) -> None:
    page = make_page(FakeRunner(result=thermal_result("warn", started_at="2026-11-28T14:00:00.123Z")))
    page.choices.choose("thermal")
    page.start()
    _finish(qtbot, page)
    assert page.progress.format() == "WARN" and page.phase_label.text() == "Finished: WARN"
    assert "started 2026-11-28 14:00:00 UTC" in page.card.heading.text()
    assert "T14:00" not in page.card.heading.text()


def test_the_past_runs_result_column_is_never_cut(qtbot, make_page) -> None:
    documents = [
        {
            "schema": THERMAL_SCHEMA,
            "device": "gpu0",
            "started_at": "2026-11-02T09:00:00Z",
            "verdict": "inconclusive",
            "metrics": {"steady_c": None, "peak_c": 78.4},
            "simulated": True,
        },
        {
            "schema": "aiwm.stress/1",
            "kind": "disk",
            "device": "/a/rather/long/folder/name/for/the/disk/test/that/goes/on",
            "started_at": "2026-11-01T10:00:00Z",
            "verdict": "pass",
            "metrics": {"seq_read_bytes_per_s": 2.98e9},
        },
    ]
    page = make_page(FakeRunner(documents=documents))
    table = page.past_runs
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=5000)
    assert table.item(0, 3).text() == "peak 78 °C"  # no steady temperature: the peak instead of "n/a"
    header = table.horizontalHeader()
    assert header.sectionResizeMode(3) == QHeaderView.ResizeMode.ResizeToContents
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
    for row in range(2):
        needed = table.fontMetrics().horizontalAdvance(table.item(row, 3).text())
        assert table.columnWidth(3) >= needed
        assert table.item(row, 1).toolTip() == table.item(row, 1).text()


def test_the_cooling_choice_says_how_long_the_idle_may_wait_and_that_short_loads_are_inconclusive(make_page) -> None:
    page = make_page()
    page.choices.choose("thermal")
    note = page.choices.thermal_note.text()
    assert note.startswith("plus 1 min idle before (up to 10 min more while the card is still cooling)")
    assert "a load too short to settle (most cards need 6 to 10 min) is inconclusive" in note
