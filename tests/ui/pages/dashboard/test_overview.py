"""Eight GPUs and 128 cores: an overview row per GPU, one GPU in full on a click, no scrolling at 1920x1080."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from app.core.gpu.catalog import default_catalog
from app.core.gpu.simulated import SimulatedGpu
from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.ui.pages.dashboard.gpu_overview import GpuRow
from app.ui.theme import LIGHT

EIGHT_A100 = ",".join(["a100-80gb"] * 8)


def _synthetic_128_cores(window) -> None:
    """A CPU reading of 128 logical cores (a dedicated server), fed to the window like the sampler would;
    the sampler is stopped first so the machine's own reading does not replace it."""
    window.live.sampler.stop()
    window.redraw_now()
    end = window.state.history.newest_time()
    reading = CpuReading(50.0, tuple(float(i % 101) for i in range(128)), 2400.0, 64.0, 55.0)
    window._samples.append(Sample("cpu", 1.0, end, 0, 0, reading))


def test_eight_gpus_and_128_cores_fit_at_1920x1080_without_scrolling(qtbot, make_window) -> None:
    window = make_window(demo=EIGHT_A100)
    window.resize(1920, 1080)
    page = window.dashboard
    assert page.overview is not None and len(page.overview.rows) == 8
    qtbot.waitUntil(lambda: all(r.values["temperature"].text() != "n/a" for r in page.overview.rows), timeout=15_000)
    _synthetic_128_cores(window)
    window.redraw_now()
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll.verticalScrollBar().maximum() == 0, "everything fits: nothing below the fold"
    assert scroll.horizontalScrollBar().maximum() == 0
    assert page.host_panel.cores._values[127] == 127 % 101
    assert page.host_panel.cores.height() >= 8 * 16, "128 cores in 8 rows tall enough for their numbers"
    labels = page.host_panel.cores.labels()
    assert labels[127] == "26%" and None not in labels, "every cell wide enough to say '100%'"
    for row in page.overview.rows:
        assert row.isVisible() and row.values["util"].text().endswith("%")
        assert row.sparkline.points(), "a sparkline of the window"


def test_clicking_a_gpu_row_shows_that_gpu_in_full(qtbot, make_window) -> None:
    window = make_window(demo=EIGHT_A100)
    window.resize(1920, 1080)
    page = window.dashboard
    qtbot.waitUntil(lambda: page.overview.rows[5].values["temperature"].text() != "n/a", timeout=15_000)
    window.redraw_now()
    assert [p.info.index for p in page.visible_gpu_panels()] == [0], "GPU 0 in full to begin with"
    qtbot.mouseClick(page.overview.rows[5], Qt.MouseButton.LeftButton)
    shown = page.gpu_panels[5]
    assert page.visible_gpu_panels() == [shown] and shown.isVisible() and not page.gpu_panels[0].isVisible()
    assert shown.tiles["temperature"].value.text().endswith("°C"), "filled at once, not at the next sample"
    assert shown.plots[0].curves[0].x.size > 0
    assert page.overview.rows[0].values["util"].text() != "n/a", "the overview keeps every GPU's values"


def test_an_overview_row_says_why_a_value_is_na(qtbot) -> None:
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    row = GpuRow(simulated.info(), LIGHT)
    qtbot.addWidget(row)
    reading = replace(simulated.reading(), power_w=None, missing=(("power_w", "NVML: not supported"),))
    row.show_reading(reading, 5.0)
    assert row.values["power"].text().startswith("n/a / ")
    assert row.values["power"].toolTip() == "n/a: NVML: not supported"
    assert row.values["temperature"].toolTip() == "", "a value that is there has no n/a reason"


def test_a_gpu_name_from_a_remote_host_is_shown_as_text_not_markup(qtbot) -> None:
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    info = replace(simulated.info(), name="<img src=x>Evil <b>card</b>", simulated=False)
    row = GpuRow(info, LIGHT)
    qtbot.addWidget(row)
    assert "&lt;img src=x&gt;Evil &lt;b&gt;card&lt;/b&gt;" in row.title.text()
    assert "<img" not in row.title.text()
