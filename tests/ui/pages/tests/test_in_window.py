"""The Tests page inside the real window: in the sidebar, fed by the live session, cancelled on leaving or closing."""

from __future__ import annotations

import threading

import pytest

from app.ui.pages.tests.entry import TestsEntry
from app.ui.pages.tests.page import TestsPage
from tests.ui.pages.tests.fakes import FakeRunner, progress


def _tests_page(window) -> TestsPage:
    entry = next(p for p in window.page_list if isinstance(p, TestsEntry))
    return entry.view


def _open_tests_page(window) -> TestsPage:
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    window.sidebar.setCurrentRow(titles.index("Tests"))
    page = _tests_page(window)
    assert window.pages.currentWidget() is page
    return page


def test_the_tests_page_is_in_the_sidebar_after_the_dashboard(qtbot, make_window) -> None:
    window = make_window()
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles[0] == "Dashboard" and "Tests" in titles
    page = _open_tests_page(window)
    assert page.isVisible() and page.simulated_label.isVisible()


def test_live_graphs_are_fed_from_the_sessions_samples_during_a_run(qtbot, make_window) -> None:
    window = make_window(time_scale=60.0)
    page = _open_tests_page(window)
    hold = threading.Event()
    page.runner = FakeRunner(steps=[progress("load", 1.0, 300.0)], hold=hold)
    page.start()
    curve = "gpu0.temperature_c"

    def drawn() -> int:
        window.redraw_now()
        return page.plots.temperature.data(curve)[0].size

    qtbot.waitUntil(lambda: drawn() >= 3, timeout=10_000)
    x, y = page.plots.temperature.data(curve)
    assert (x >= 0).all(), "only samples since the test began"
    newest = next(g for g in window.state.latest("gpu").gpus if g.index == 0).temperature_c
    assert y[-1] == pytest.approx(newest, abs=1e-4)  # the history keeps float32
    hold.set()
    qtbot.waitUntil(lambda: not page.running, timeout=5000)


def test_leaving_the_page_cancels_the_running_test(qtbot, make_window) -> None:
    window = make_window()
    page = _open_tests_page(window)
    runner = FakeRunner(hold=threading.Event())
    page.runner = runner
    page.start()
    window.sidebar.setCurrentRow(0)
    assert runner.cancels[0].is_set()
    qtbot.waitUntil(lambda: not page.running, timeout=5000)
    assert page.card.verdict.text() == "ABORTED"


def test_hiding_the_window_to_the_tray_keeps_the_test_running(qtbot, make_window) -> None:
    window = make_window()
    page = _open_tests_page(window)
    hold = threading.Event()
    runner = FakeRunner(hold=hold)
    page.runner = runner
    page.start()
    window.hide()  # what close-to-tray does: the session keeps sampling
    assert not runner.cancels[0].is_set()
    window.show()
    hold.set()
    qtbot.waitUntil(lambda: not page.running, timeout=5000)
    assert page.card.verdict.text() == "PASS"


def test_closing_the_window_cancels_the_test_and_waits_for_its_workload_to_stop(qtbot, make_window) -> None:
    window = make_window()
    page = _open_tests_page(window)
    runner = FakeRunner(hold=threading.Event(), stop_s=0.3)
    page.runner = runner
    page.start()
    window.close()
    assert runner.cancels[0].is_set()
    assert runner.stopped.is_set(), "close returned only after the runner had stopped its workload"


def test_a_real_cooling_test_shows_the_guards_stop_at_once_and_keeps_its_findings(qtbot, make_window) -> None:
    """End to end in the window at 200×: the degraded RTX 4090 reaches its 90 °C max operating
    temperature, the real guard stops the load, and the page says so during the cooldown; the card
    then shows FAIL with the safety stop and the thermal slowdown (issue 9, problem 10)."""
    from app.stress.thermal.run import ThermalPlan
    from app.ui.pages.tests.engine_runner import ThermalRequest

    window = make_window(demo="rtx4090-degraded", time_scale=200.0)
    page = _open_tests_page(window)
    plan = ThermalPlan("gpu0", idle_s=30.0, load_s=900.0, cooldown_s=200.0)
    page.choices.request = lambda: ThermalRequest(plan)  # type: ignore[method-assign]
    assert page.start()
    qtbot.waitUntil(lambda: "Safety stop" in page.message.text(), timeout=20_000)
    assert page.running and page.progress.format().startswith("cooldown")
    assert "max operating 90 °C" in page.message.text()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert page.card.verdict.text() == "FAIL"
    reasons = page.card.reasons.text()
    assert "SAFETY_STOP" in reasons and "THERMAL_SLOWDOWN" in reasons
    assert page.card.metric_values["steady_c"].text().startswith("n/a (the safety guard stopped the load after")
