"""TimePlot draws less: curves move only when they would move by a pixel, values update every time."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPainter

from app.core.sampling.history import History
from app.core.sampling.sample import Sample
from app.ui.theme import LIGHT
from app.ui.widgets.time_plot import TimePlot
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0


def test_curves_redraw_only_after_a_pixel_of_movement_but_values_always_update(qtbot) -> None:
    plot = TimePlot("Test", LIGHT, (0, 1000), "a test plot")
    qtbot.addWidget(plot)
    plot.add_curve("s.value", "value", lambda v: "n/a" if v is None else f"{v:.0f}")
    plot.resize(400, 200)
    plot.show()
    history = History()
    for i in range(700):
        history.add(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s", float(i))))
    plot.refresh(history, T0 + 600, 600.0)
    drawn = plot.curves[0].item.getData()[1].copy()
    width = plot._plot.getPlotItem().getViewBox().width()
    assert 100 < width < 400
    plot.refresh(history, T0 + 601, 600.0)  # less than a pixel at 600 s over ~350 px
    assert (plot.curves[0].item.getData()[1] == drawn).all()
    assert "<b>601</b>" in plot._label.text(), "the title shows the newest value anyway"
    plot.refresh(history, T0 + 605, 600.0)
    assert plot.curves[0].item.getData()[1][-1] == 605.0
    plot.set_window(60.0)
    plot.refresh(history, T0 + 605.5, 60.0)
    assert plot.curves[0].item.getData()[0][0] >= -60.0, "a new window always redraws"


def _steady_history(seconds: int, value: float = 50.0, spikes: dict[int, float] | None = None) -> History:
    """One sample a second at `value` from T0, with `spikes` {second: value}."""
    history = History()
    for i in range(seconds + 1):
        v = (spikes or {}).get(i, value)
        history.add(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s", v)))
    return history


def _plot(qtbot, y_range: tuple[float, float] | None = (0, 100)) -> TimePlot:
    plot = TimePlot("Test", LIGHT, y_range, "a test plot")
    qtbot.addWidget(plot)
    plot.add_curve("s.value", "value", lambda v: "n/a" if v is None else f"{v:.0f}")
    plot.resize(400, 200)
    plot.show()
    return plot


def test_band_in_the_1h_view_reaches_a_one_sample_spike_that_the_mean_hides(qtbot) -> None:
    # 30 minutes at 50 with one 1-sample spike to 95 twenty minutes before the end.
    plot = _plot(qtbot)
    plot.set_window(3600.0)
    plot.refresh(_steady_history(1800, spikes={600: 95.0}), T0 + 1800, 3600.0)
    curve = plot.curves[0]
    # The spike's 10 s bucket holds 95 and nine 50s: mean (95 + 9 * 50) / 10 = 54.5.
    assert float(np.nanmax(curve.y)) == 54.5, "the mean alone hides the spike"
    high_x, high_y = curve.high.getData()
    peak = int(np.nanargmax(high_y))
    assert high_y[peak] == 95.0 and -1210.0 <= high_x[peak] <= -1190.0, "the band's max reaches it, 20 min ago"
    assert float(np.nanmin(curve.low.getData()[1])) == 50.0
    assert not curve.band.path().isEmpty() and curve.band.brush().color().alpha() < 255, "drawn, translucent"


def test_band_is_empty_in_windows_of_every_sample(qtbot) -> None:
    plot = _plot(qtbot)
    history = _steady_history(1800, spikes={600: 95.0})
    plot.refresh(history, T0 + 1800, 3600.0)
    plot.set_window(600.0)
    plot.refresh(history, T0 + 1800, 600.0)
    assert plot.curves[0].high.getData()[1].size == 0 and plot.curves[0].band.path().isEmpty()


def test_a_fresh_1h_window_shows_the_minutes_collected_not_an_empty_hour(qtbot) -> None:
    plot = _plot(qtbot)
    plot.set_window(3600.0)
    plot.refresh(History(), T0, 3600.0)
    assert plot._plot.getPlotItem().getViewBox().viewRange()[0] == [-60.0, 0.0], "no data yet: the last minute"
    plot.refresh(_steady_history(180), T0 + 180, 3600.0)
    assert plot._plot.getPlotItem().getViewBox().viewRange()[0] == [-300.0, 0.0], "3 min collected: a 5 min axis"
    assert plot.curves[0].x.size == 181, "every sample while it fits in 15 minutes, not 10 s buckets"
    assert plot.curves[0].x[0] == -180.0
    plot.refresh(_steady_history(7200), T0 + 7200, 3600.0)
    assert plot._plot.getPlotItem().getViewBox().viewRange()[0] == [-3600.0, 0.0], "full: the whole window"


def test_each_curve_name_in_the_title_has_its_pens_colour(qtbot) -> None:
    plot = _plot(qtbot)
    plot.add_curve("s.other", "other", lambda v: "n/a")
    plot.refresh(_steady_history(10), T0 + 10, 60.0)
    text = plot._label.text()
    for curve, label in zip(plot.curves, ("value", "other"), strict=True):
        pen = curve.item.opts["pen"].color().name()
        assert f"<span style='color:{pen}'>{label}</span>" in text


def test_top_tick_label_of_a_fixed_range_is_inside_the_plot(qtbot) -> None:
    plot = _plot(qtbot)
    qtbot.wait(10)
    axis = plot._plot.getPlotItem().getAxis("left")
    image = QImage(100, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    _, _, texts = axis.generateDrawSpecs(painter)
    painter.end()
    top = next(rect for rect, _, text in texts if text == "100")
    on_screen = plot._plot.mapFromScene(axis.mapRectToScene(top)).boundingRect()
    assert plot._plot.viewport().rect().contains(on_screen), f"'100' drawn at {on_screen}, clipped"


def test_top_tick_label_of_an_idle_rate_plot_is_inside_the_plot(qtbot) -> None:
    plot = _plot(qtbot, y_range=None)
    plot.refresh(_steady_history(60, value=0.0), T0 + 60, 60.0)  # an idle link: the smallest range
    qtbot.wait(10)
    axis = plot._plot.getPlotItem().getAxis("left")
    image = QImage(100, 300, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    _, _, texts = axis.generateDrawSpecs(painter)
    painter.end()
    top = min((rect for rect, _, _ in texts), key=lambda rect: rect.top())
    on_screen = plot._plot.mapFromScene(axis.mapRectToScene(top)).boundingRect()
    assert plot._plot.viewport().rect().contains(on_screen), f"top label drawn at {on_screen}, clipped"


def test_an_na_in_the_title_says_in_its_tooltip_what_is_missing(qtbot) -> None:
    plot = _plot(qtbot)
    plot.refresh(History(), T0, 60.0)
    assert "n/a" in plot._label.text() and plot._label.toolTip().endswith("value n/a: no reading yet")
    plot.refresh(_steady_history(10, spikes={10: float("nan")}), T0 + 10, 60.0)
    assert plot._label.toolTip().endswith("value n/a: no value in the reading at that time")
    plot.refresh(_steady_history(10), T0 + 10, 60.0)
    assert plot._label.toolTip() == "a test plot", "a value that is there has no n/a reason"


def test_every_dashboard_curve_is_catalogued_and_explained_in_its_tooltip(make_window) -> None:
    """Titles and tooltips read the metric catalog: each plotted metric has an entry and its words."""
    from app.core.metric_catalog import lookup
    from app.ui.widgets.time_plot import TimePlot

    window = make_window(demo="rtx4090")
    plots = window.dashboard.findChildren(TimePlot)
    curves = [(plot, curve.metric) for plot in plots for curve in plot.curves]
    assert len(curves) >= 8
    for plot, metric in curves:
        spec = lookup(metric)
        assert spec is not None, metric
        assert spec.description in plot.toolTip() and metric in plot.toolTip()
    temperature = next(plot for plot, metric in curves if metric == "gpu0.temperature_c")
    assert "DCGM_FI_DEV_GPU_TEMP" in temperature.toolTip()


def test_data_reaching_back_exactly_one_tick_step_fits_in_that_step() -> None:
    from app.ui.widgets.time_plot import _span_for

    assert _span_for(3600.0, 300.0) == 300.0  # 5 minutes collected: a 5-minute axis
    assert _span_for(3600.0, 60.0) == 60.0
    assert _span_for(3600.0, 61.0) == 120.0
    assert _span_for(600.0, 4000.0) == 600.0, "never wider than the chosen window"


def _pixels_of(plot: TimePlot, color: str) -> int:
    """How many pixels of the plot area on screen have exactly `color` (no antialiasing: a curve's pixels do)."""
    image = plot._plot.grab().toImage()
    wanted = QColor(color).rgb()
    return sum(1 for x in range(image.width()) for y in range(image.height()) if image.pixel(x, y) == wanted)


def test_a_single_reading_is_drawn_as_a_marker_and_a_line_replaces_it(qtbot) -> None:
    plot = _plot(qtbot)
    color = plot.curves[0].color
    plot.refresh(History(), T0 - 5, 60.0)
    qtbot.wait(10)
    assert _pixels_of(plot, color) == 0, "nothing to draw yet"
    one = History()
    one.add(Sample("s", 1.0, T0, 0, 0, CounterReading("s", 26.0)))
    plot.refresh(one, T0, 60.0)
    qtbot.wait(10)
    assert "<b>26</b>" in plot._label.text()
    assert _pixels_of(plot, color) >= 9, "the one reading the title shows is a visible mark on the graph"
    plot.refresh(_steady_history(10, value=26.0), T0 + 10, 60.0)
    assert plot.curves[0].marker is None, "two readings or more: the line alone, no marker item to paint"
