"""The window with simulated GPUs: values on screen, alerts, windows, pause, recording, replay, settings."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import replace

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuReading, GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.sampling.sample import Sample
from app.core.sessions.reader import Session
from app.core.settings import AlertSettings, Settings, load_settings
from app.ui.pages.base import PageContext
from app.ui.pages.registry import PAGES, DashboardEntry

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)


def _wait_for_values(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: all(p.tiles["temperature"].value.text() != "n/a" for p in window.dashboard.gpu_panels), timeout=10_000
    )


def test_window_shows_every_gpu_and_says_simulated(qtbot, make_window) -> None:
    window = make_window(time_scale=1.0)
    _wait_for_values(qtbot, window)
    panels = window.dashboard.gpu_panels
    assert [p.info.name for p in panels] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]
    assert window.simulated_banner.isVisible() and "SIMULATED" in window.simulated_banner.text()
    # The CPU's use is a rate: it needs two readings, so a loaded machine can show the GPUs a tick
    # before the host's first value. Wait for both, redrawing as the 1 Hz timer would.
    host_cpu = window.dashboard.host_panel.plots[0].curves[0]
    qtbot.waitUntil(lambda: (window.redraw_now(), host_cpu.y.size > 0)[1], timeout=10_000)
    window._dirty = True
    window._on_redraw_due()  # samples queue on this thread: none arrives before the checks below
    for panel in panels:
        gpu = next(g for g in window.state.latest("gpu").gpus if g.index == panel.info.index)
        assert panel.tiles["temperature"].value.text() == f"{gpu.temperature_c:.0f} °C"
        assert panel.tiles["vram"].value.text().endswith("GiB")
        for tile in panel.tiles.values():  # the whole value is visible: nothing cut off
            assert tile.value.width() >= tile.value.fontMetrics().horizontalAdvance(tile.value.text())
        assert panel.pcie.text().startswith("PCIe Gen")
        assert all(plot.curves[0].y.size > 0 for plot in panel.plots)
    assert window.dashboard.host_panel.plots[0].curves[0].y.size > 0


def test_at_a_time_scale_the_window_shows_only_simulated_sources_and_says_why(qtbot, make_window) -> None:
    window = make_window(time_scale=60.0)
    _wait_for_values(qtbot, window)
    qtbot.wait(1100)
    assert set(window.live.sampler.source_names) == {"gpu", "gpu_pcie"}
    assert window.state.history.series("cpu.util_percent", 600).values.size == 0
    assert window.dashboard.host_panel.plots[0].curves[0].y.size == 0, "no real host reading on the simulated clock"
    assert not window.dashboard.host_panel.isVisible(), "no empty host graphs: the banner says why"
    text = window.simulated_banner.text()
    assert "SIMULATED" in text and "at 60x time" in text and "host runs in real time" in text


def test_clock_event_chips_show_share_and_explain_themselves(qtbot, make_window) -> None:
    window = make_window(demo="rtx4090", time_scale=120.0)
    panel = window.dashboard.gpu_panels[0]
    qtbot.waitUntil(lambda: panel.chips._chips["sw_power_cap"].isVisible(), timeout=15_000)
    chip = panel.chips._chips["sw_power_cap"]
    assert chip.text().startswith("sw power cap") and chip.text().endswith("%")
    assert "power limit" in chip.toolTip() and "What to do" in chip.toolTip()


def _hot_samples(start: float, seconds: int, load: float, gpu: SimulatedGpu) -> list[Sample]:
    gpu.set_load(load)
    out = []
    for t in range(seconds):
        gpu.advance_to(start + t)
        out.append(Sample("gpu", 1.0, 1_800_000_000.0 + start + t, 0, 0, GpuSetReading(STATUS, (gpu.reading(),))))
    return out


def test_alerts_show_in_a_banner_and_clear(qtbot, make_window, tmp_path) -> None:
    window = make_window(demo="rtx4090", start=False)
    window.files.start_recording(tmp_path / "alerts.aiwm")
    profile = default_catalog()["rtx4090-degraded"]
    gpu = SimulatedGpu(replace(profile, thermal=replace(profile.thermal, ambient_c=55.0)), 0, start_s=0.0)
    for sample in _hot_samples(0, 900, 1.0, gpu):
        window.live.handle(sample)
    window._on_redraw_due()
    assert window.alert_banner.isVisible()
    assert "slowdown" in window.alert_banner.text()
    for sample in _hot_samples(900, 900, 0.0, gpu):
        window.live.handle(sample)
    window._on_redraw_due()
    assert not window.alert_banner.isVisible() and not window.live.alerts.active
    with qtbot.waitSignal(window.files.recording_saved, timeout=10_000):
        window.files.record_action.setChecked(False)
    with Session(tmp_path / "alerts.aiwm") as session:
        kinds = [kind for _, kind, _ in session.events()]
    assert "alert_fired" in kinds and "alert_cleared" in kinds


def test_time_window_buttons_set_every_plot(qtbot, make_window) -> None:
    window = make_window()
    window.dashboard.set_window(3600.0)
    for plot in window.dashboard.plots():
        low, high = plot._plot.getPlotItem().getViewBox().viewRange()[0]
        # The axis spans the data collected so far (a fresh window is not an empty hour), at most 1 h.
        assert plot.window_s == 3600.0 and high == 0.0 and -3600.0 <= low < 0.0
    assert load_settings().window_s == 3600.0, "the chosen window is remembered"


def test_pause_and_minimise_stop_redrawing_but_not_sampling(qtbot, make_window) -> None:
    window = make_window()
    _wait_for_values(qtbot, window)
    window.dashboard.pause_button.setChecked(True)
    assert not window.painting
    drawn = window.dashboard.gpu_panels[0].plots[0].curves[0].y.size
    samples = window.state.history.series("gpu0.util_percent", 600).values.size
    qtbot.wait(1500)
    assert window.dashboard.gpu_panels[0].plots[0].curves[0].y.size == drawn
    assert window.state.history.series("gpu0.util_percent", 600).values.size > samples
    window.dashboard.pause_button.setChecked(False)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isMinimized(), timeout=2000)
    assert not window.painting


def test_crosshair_shows_values_at_the_hovered_time(qtbot, make_window) -> None:
    window = make_window()
    _wait_for_values(qtbot, window)
    qtbot.wait(1200)
    window.dashboard._on_plot_hovered(-30.0)
    for plot in window.dashboard.plots():
        assert "at 30 s ago" in plot._label.text()
        assert plot._cursor.isVisible()
    window.dashboard._on_plot_hovered(float("nan"))
    assert all(not p._cursor.isVisible() for p in window.dashboard.plots())


def test_pcie_link_below_its_maximum_under_load_is_flagged(qtbot, make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    gpu = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
    gpu.set_load(1.0)
    gpu.advance_to(10.0)
    reading = replace(gpu.reading(), pcie_gen=3, pcie_width=8)
    window.live.handle(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (reading,))))
    window._on_redraw_due()
    text = window.dashboard.gpu_panels[0].pcie.text()
    assert "Gen3 ×8 (max Gen4 ×16)" in text and "below its maximum under load" in text


def test_a_lost_gpu_shows_lost_and_the_window_keeps_going(qtbot, make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    info = window.state.gpus[0]
    lost = GpuReading.lost_gpu(info, "GPU is lost")
    window.live.handle(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (lost,))))
    window._on_redraw_due()
    assert window.dashboard.gpu_panels[0].tiles["temperature"].value.text() == "LOST"
    assert "lost" in window.alert_banner.text()


def test_recording_from_the_window_writes_a_session(qtbot, make_window, tmp_path) -> None:
    window = make_window(time_scale=30.0)
    path = tmp_path / "from-window.aiwm"
    assert window.files.start_recording(path)
    qtbot.wait(1500)
    with qtbot.waitSignal(window.files.recording_saved, timeout=10_000):
        window.files.record_action.setChecked(False)
    with Session(path) as session:
        assert session.simulated
        assert sum(1 for s in session.samples() if s.source == "gpu") >= 10
    with qtbot.waitSignal(window.files.exported, timeout=10_000):
        window.files.export_session(path, tmp_path / "from-window.csv")
    assert (tmp_path / "from-window.csv").read_text().startswith("time,simulated,")


def test_replay_shows_a_session_with_a_time_slider(qtbot, make_window, tmp_path) -> None:
    path = tmp_path / "replay.aiwm"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "record",
            "--out",
            str(path),
            "--duration",
            "300",
            "--demo",
            "a100-80gb",
            "--time-scale",
            "100",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    window = make_window(start=False)
    window.simulated_banner.hide()
    window.open_session(path)
    qtbot.waitUntil(lambda: window.replay is not None, timeout=15_000)
    page = window._replay_page
    assert window.pages.currentWidget() is page and window.replay_bar.isVisible()
    assert window.simulated_banner.isVisible(), "a simulated session says so in replay too"
    assert [p.info.name for p in page.gpu_panels] == ["NVIDIA A100-SXM4-80GB [SIMULATED]"]
    late = page.gpu_panels[0].tiles["temperature"].value.text()
    window.replay_bar.slider.setValue(5)
    early = page.gpu_panels[0].tiles["temperature"].value.text()
    assert early != late and "Replay of replay.aiwm" in window.replay_bar.label.text()
    window.back_to_live()
    assert window.pages.currentWidget() is window.dashboard and not window.replay_bar.isVisible()


def test_a_corrupt_session_is_refused_with_a_message(qtbot, make_window, tmp_path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("app.ui.main_window.QMessageBox.warning", lambda *args: shown.append(args[2]))
    bad = tmp_path / "bad.aiwm"
    bad.write_bytes(b"\x00" * 1000)
    window = make_window(start=False)
    window.open_session(bad).join(10)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "not a readable aiwm session file" in shown[0] and window.replay is None


def test_settings_persist_between_runs(qtbot, make_window) -> None:
    window = make_window(start=False)
    wanted = Settings("dark", 60.0, True, AlertSettings(vram_percent=90.0, enabled=("vram_full",)))
    window.apply_settings(wanted)
    assert load_settings() == wanted
    assert window.live.alerts.settings.vram_percent == 90.0


def test_without_a_display_the_gui_explains_and_exits_2(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AIWM_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "app"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_closing_stops_sampling_and_timers(qtbot, make_window) -> None:
    window = make_window()
    _wait_for_values(qtbot, window)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 3.0
    assert not window.live.sampler.running and not window.redraw_timer.isActive()


def test_keyboard_picks_the_window_and_pauses(qtbot, make_window) -> None:
    window = make_window(start=False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window.dashboard, "1")
    assert window.dashboard.window_s == 60.0
    qtbot.keyClick(window.dashboard, "4")
    assert window.dashboard.window_s == 86400.0
    qtbot.keyClick(window.dashboard, " ")
    assert window.dashboard.paused and window.dashboard.pause_button.text() == "Resume"


def test_saving_a_recording_whose_close_blocks_does_not_block_the_window(qtbot, make_window, tmp_path) -> None:
    window = make_window(start=False)
    assert window.files.start_recording(tmp_path / "slow.aiwm")
    recorder = window.live.recorder
    release = threading.Event()
    real_close = recorder.close

    def slow_close() -> None:  # a writer thread stuck on a slow disk
        release.wait(10)
        real_close()

    recorder.close = slow_close
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    window.files.record_action.setChecked(False)
    assert time.monotonic() - started < 1.0, "the GUI thread returned while the file is still being closed"
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=3000)
    assert window.statusBar().currentMessage() == f"Saving {recorder.path}…"
    with qtbot.waitSignal(window.files.recording_saved, timeout=10_000):
        release.set()
    timer.stop()
    assert window.statusBar().currentMessage().startswith(f"Recording saved to {recorder.path}: ")
    with Session(recorder.path) as session:
        assert session.simulated


def test_exporting_csv_runs_off_the_gui_thread_and_reports_when_done(qtbot, make_window, tmp_path, monkeypatch) -> None:
    release = threading.Event()
    threads: list[str] = []

    def slow_export(source, target):
        threads.append(threading.current_thread().name)
        release.wait(10)
        return 12, 34

    monkeypatch.setattr("app.ui.session_files.export_csv", slow_export)
    window = make_window(start=False)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    window.files.export_session(tmp_path / "a.aiwm", tmp_path / "a.csv")
    assert time.monotonic() - started < 1.0
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=3000)
    with qtbot.waitSignal(window.files.exported, timeout=10_000) as done:
        release.set()
    timer.stop()
    assert done.args == [tmp_path / "a.csv"]
    assert threads == ["aiwm-csv-export"]
    assert window.statusBar().currentMessage() == f"Wrote 12 rows × 34 metrics to {tmp_path / 'a.csv'}"


def test_a_failed_export_is_shown_as_a_message(qtbot, make_window, tmp_path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("app.ui.session_files.QMessageBox.warning", lambda *args: shown.append(args[2]))
    window = make_window(start=False)
    window.files.export_session(tmp_path / "missing.aiwm", tmp_path / "out.csv").join(10)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "missing.aiwm" in shown[0]
    assert not (tmp_path / "out.csv").exists()


class _CountingPage:
    """A page as a next issue would add one: it counts the refreshes it gets."""

    title = "Counting"

    def __init__(self, context: PageContext) -> None:
        self.widget = QLabel(f"{len(context.inventory.gpus)} GPUs")
        self.paused = False
        self.refreshed: list[float] = []

    def refresh(self, state, end_s: float) -> None:
        self.refreshed.append(end_s)


def test_a_registered_page_gets_a_sidebar_entry_and_new_samples_while_shown(qtbot, make_window, monkeypatch) -> None:
    monkeypatch.setattr("app.ui.main_window.PAGES", (DashboardEntry, _CountingPage))
    window = make_window()
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == ["Dashboard", "Counting"]
    page = window.page_list[1]
    assert isinstance(page, _CountingPage) and page.widget.text() == "2 GPUs"
    qtbot.wait(1200)
    assert page.refreshed == [], "a page that is not shown is not redrawn"
    window.sidebar.setCurrentRow(1)
    assert window.pages.currentWidget() is page.widget
    qtbot.waitUntil(lambda: len(page.refreshed) >= 2, timeout=5000)
    assert page.refreshed == sorted(page.refreshed)
    window.sidebar.setCurrentRow(0)
    assert window.pages.currentWidget() is window.dashboard


def test_the_dashboard_is_registered_as_the_first_page() -> None:
    assert PAGES[0] is DashboardEntry and DashboardEntry.title == "Dashboard"
