"""A window started with --minimized (or minimised later) shows the current values the moment it is restored."""

from __future__ import annotations

from dataclasses import replace

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.sampling.sample import Sample

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)


def _gpu_sample_at(temperature_c: float) -> Sample:
    gpu = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0)
    reading = replace(gpu.reading(), temperature_c=temperature_c)
    return Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (reading,)))


def test_restoring_a_minimised_window_draws_the_newest_values_at_once(qtbot, make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=2000)
    tile = window.dashboard.gpu_panels[0].tiles["temperature"]
    window.live.handle(_gpu_sample_at(47.0))
    window._on_redraw_due()  # the 1 Hz tick while minimised: the sample is taken, nothing is drawn
    assert tile.value.text() == "n/a" and window.state.latest("gpu") is not None
    window.redraw_timer.stop()  # from here on only the restore itself can redraw
    window.showNormal()
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=2000)
    assert tile.value.text() == "47 °C"
    assert window.dashboard.gpu_panels[0].plots[1].curves[0].y.tolist() == [47.0]


def test_showing_a_window_hidden_in_the_tray_draws_the_newest_values_at_once(qtbot, make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    window.hide()
    tile = window.dashboard.gpu_panels[0].tiles["temperature"]
    window.live.handle(_gpu_sample_at(52.0))
    window._on_redraw_due()
    assert tile.value.text() == "n/a"
    window.redraw_timer.stop()
    window.show()
    assert tile.value.text() == "52 °C"
