"""A titled plot of a few metrics over a time window that ends now.

Drawing less is the design: the x axis is "seconds before now" with fixed ticks and the y range
is fixed where the metric has one, so axes are painted once and only the curves change; no grid
(it nearly triples the paint cost), no antialiasing, curves clipped to view and downsampled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core import metric_catalog
from app.core.sampling.history import RECENT_WINDOW_S, History, Series
from app.ui.theme import Theme

Transform = Callable[[np.ndarray], np.ndarray]

# (tick spacing, label unit, divisor) per visible span, so the ticks never move. Until a window
# is full the x axis shows the smallest of these spans that holds the data collected so far (a
# fresh 1 h window is not 59 minutes of empty plot); the axis then changes only at these steps.
_TICKS = {
    60.0: (15.0, "s", 1.0),
    120.0: (30.0, "s", 1.0),
    300.0: (60.0, "min", 60.0),
    600.0: (120.0, "min", 60.0),
    1800.0: (300.0, "min", 60.0),
    3600.0: (900.0, "min", 60.0),
    7200.0: (1800.0, "min", 60.0),
    14400.0: (3600.0, "h", 3600.0),
    43200.0: (10800.0, "h", 3600.0),
    86400.0: (21600.0, "h", 3600.0),
}
SHORTEST_SPAN_S = 60.0
TOP_HEADROOM = 0.08  # room above a fixed range's top so its tick label ("100") is not cut off
BAND_ALPHA = 60  # of 255: the min/max band behind the mean
LONE_POINT_PX = 9  # the marker of a curve with one reading: a line needs two points to show anything


@dataclass
class Curve:
    metric: str
    label: str
    unit_format: Callable[[float | None], str]
    transform: Transform | None
    color: str
    item: pg.PlotDataItem
    low: pg.PlotCurveItem  # the min/max band (10 s buckets, beyond 15 minutes); empty otherwise
    high: pg.PlotCurveItem
    band: pg.FillBetweenItem
    marker: pg.ScatterPlotItem | None  # the one reading of a curve that has only one, only while it has one
    x: np.ndarray
    y: np.ndarray


class TimePlot(QWidget):
    """One plot; `refresh()` redraws its curves from the history, `show_at()` reads values at an offset."""

    hovered = Signal(float)  # seconds before the window's end; NaN when the pointer leaves

    def __init__(
        self, title: str, theme: Theme, y_range: tuple[float, float] | None, tooltip: str, si_unit: str | None = None
    ) -> None:
        super().__init__()
        self._title, self._theme = title, theme
        self.curves: list[Curve] = []
        self._newest: list[float | None] = []
        self._drawn_end_s: float | None = None
        self.window_s = 600.0
        self.span_s = 600.0  # what the x axis shows: the window, or less while it fills
        self.collected_s = 0.0  # how far back the data in the window reached at the last refresh
        self._label = QLabel(title)
        self._tooltip = tooltip
        self._label.setToolTip(tooltip)
        # Its text changes every second: keep that from re-laying out the panel around it.
        self._label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._plot = pg.PlotWidget()
        self._plot.setToolTip(tooltip)
        self._plot.setMinimumHeight(110)
        item = self._plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.getAxis("left").setWidth(48)
        if y_range is not None:
            low, high = y_range
            item.setYRange(low, high + TOP_HEADROOM * (high - low), padding=0)
        else:  # rates: from zero up, with SI prefixes on the axis (kB/s, MB/s)
            item.enableAutoRange(axis="y")
            # An idle disk or link shows 0-1 kB/s; the headroom keeps the "1.0" label from being cut off.
            item.getViewBox().setLimits(yMin=0, minYRange=1000.0 * (1 + TOP_HEADROOM))
        if si_unit:
            item.getAxis("left").setLabel(units=si_unit)
        self._cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.muted, width=1))
        self._cursor.hide()
        item.addItem(self._cursor, ignoreBounds=True)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._plot.viewport().installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._label)
        layout.addWidget(self._plot)
        self.set_window(600.0)

    def add_curve(
        self, metric: str, label: str, unit_format: Callable[[float | None], str], transform: Transform | None = None
    ) -> None:
        # The tooltip explains each curve from the metric catalog, the same words as `aiwm metrics`.
        if metric_catalog.lookup(metric) is not None:
            self._tooltip += f"\n{label}: {metric_catalog.explain(metric)}"
            for widget in (self, self._label, self._plot):
                widget.setToolTip(self._tooltip)
        color = self._theme.curves[len(self.curves) % len(self._theme.curves)]
        item = self._plot.plot(pen=pg.mkPen(color, width=1), name=label)  # 1 px: Qt's fast line path
        item.setClipToView(True)
        item.setDownsampling(auto=True, method="peak")
        low, high = pg.PlotCurveItem(pen=None), pg.PlotCurveItem(pen=None)
        fill = QColor(color)
        fill.setAlpha(BAND_ALPHA)
        band = pg.FillBetweenItem(low, high, brush=fill)
        plot_item = self._plot.getPlotItem()
        for part in (low, high, band):
            plot_item.addItem(part)
        curve = Curve(
            metric, label, unit_format, transform, color, item, low, high, band, None, np.empty(0), np.empty(0)
        )
        self.curves.append(curve)

    def add_reference(self, value: float, tooltip: str) -> None:
        """A dashed horizontal line (slowdown temperature, power limit)."""
        line = pg.InfiniteLine(
            pos=value, angle=0, pen=pg.mkPen(self._theme.reference, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        line.setToolTip(tooltip)
        self._plot.getPlotItem().addItem(line, ignoreBounds=True)

    def set_window(self, window_s: float) -> None:
        """Show the last `window_s` seconds; the next refresh narrows the axis to the data if less."""
        self.window_s = window_s
        self._show_span(window_s)

    def _show_span(self, span_s: float) -> None:
        spacing, unit, divisor = _TICKS.get(span_s, (span_s / 4, "s", 1.0))
        ticks = [
            (-k * spacing, f"-{k * spacing / divisor:g} {unit}" if k else "now")
            for k in range(int(span_s / spacing) + 1)
        ]
        self.span_s = span_s
        self._drawn_end_s = None
        axis = self._plot.getPlotItem().getAxis("bottom")
        axis.setTicks([ticks])
        self._plot.getPlotItem().setXRange(-span_s, 0, padding=0)

    def refresh(self, history: History, end_s: float, window_s: float) -> None:
        """Update the values; redraw the curves only once they would move by a pixel or more.

        In a 10-minute window 420 px wide a pixel is 1.4 s, so redrawing every second would repaint
        movements nobody can see; the title's values still change every second.
        """
        series = [history.series(curve.metric, window_s, end_s) for curve in self.curves]
        self.collected_s = _collected_s(series, end_s)
        span_s = _span_for(window_s, self.collected_s)
        if span_s != self.span_s:
            self._show_span(span_s)
        if span_s < window_s and span_s <= RECENT_WINDOW_S < window_s:  # full rate while it fits
            series = [history.series(curve.metric, span_s, end_s) for curve in self.curves]
        self._newest = [_newest(s.values, c.transform) for s, c in zip(series, self.curves, strict=True)]
        width_px = max(self._plot.getPlotItem().getViewBox().width(), 1.0)
        moved_px = math.inf if self._drawn_end_s is None else abs(end_s - self._drawn_end_s) * width_px / span_s
        if moved_px >= 1.0:
            for curve, window in zip(self.curves, series, strict=True):
                _draw(curve, window, end_s)
            self._drawn_end_s = end_s
        self.show_at(None)

    def show_at(self, offset_s: float | None) -> None:
        """Title with each curve's value at `offset_s` seconds before the end (the newest when None)."""
        parts, missing = [], []
        for index, curve in enumerate(self.curves):
            live = offset_s is None or math.isnan(offset_s)
            value = self._newest[index] if live and index < len(self._newest) else _value_at(curve.x, curve.y, offset_s)
            name = f"<span style='color:{curve.color}'>{curve.label}</span>"
            parts.append(f"{name} <b>{curve.unit_format(value)}</b>")
            if value is None:
                why = "no value in the reading at that time" if curve.y.size else "no reading yet"
                missing.append(f"{curve.label} n/a: {why}")
        when = "" if offset_s is None else f" <span style='color:{self._theme.muted}'>at {_ago(offset_s)}</span>"
        self._label.setText(f"{self._title}: " + " · ".join(parts) + when)
        tooltip = "\n".join([self._tooltip, *missing])
        if self._label.toolTip() != tooltip:
            self._label.setToolTip(tooltip)
        if offset_s is None or math.isnan(offset_s):
            self._cursor.hide()
        else:
            self._cursor.setPos(offset_s)
            self._cursor.show()

    @Slot(QPointF)
    def _on_mouse_moved(self, position: QPointF) -> None:
        view = self._plot.getPlotItem().getViewBox()
        self.hovered.emit(float(view.mapSceneToView(position).x()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hovered.emit(math.nan)
        return False


def _draw(curve: Curve, window: Series, end_s: float) -> None:
    """The mean (or every sample) as the line; beyond 15 minutes the buckets' min/max as a band."""
    curve.x = window.times_s - end_s
    curve.y = _transformed(window.values, curve.transform)
    curve.item.setData(curve.x, curve.y, connect="finite")
    _mark_a_lone_reading(curve)
    if window.minimum is None or window.maximum is None:
        if curve.low.xData is not None and curve.low.xData.size:
            curve.low.setData([], [])
            curve.high.setData([], [])
        return
    curve.low.setData(curve.x, _transformed(window.minimum, curve.transform), connect="finite")
    curve.high.setData(curve.x, _transformed(window.maximum, curve.transform), connect="finite")


def _mark_a_lone_reading(curve: Curve) -> None:
    """A curve with one reading draws no line: show it as a marker, so the graph agrees with its title."""
    finite = np.flatnonzero(np.isfinite(curve.y))
    plot = curve.item.getViewBox()
    if finite.size == 1 and plot is not None:
        if curve.marker is None:
            curve.marker = pg.ScatterPlotItem(size=LONE_POINT_PX, brush=curve.color, pen=None)
            plot.addItem(curve.marker)
        curve.marker.setData(curve.x[finite], curve.y[finite])
    elif curve.marker is not None and plot is not None:  # gone again once there is a line: one item less to paint
        plot.removeItem(curve.marker)
        curve.marker = None


def _transformed(values: np.ndarray, transform: Transform | None) -> np.ndarray:
    return values if transform is None else transform(values)


def _collected_s(series: list[Series], end_s: float) -> float:
    """How far back the data in the window reaches (0 when there is none)."""
    starts = [float(s.times_s[0]) for s in series if s.times_s.size]
    return end_s - min(starts) if starts else 0.0


def _span_for(window_s: float, collected_s: float) -> float:
    """The x axis' span: the smallest tick step that holds the data so far, at most the window."""
    if window_s not in _TICKS:
        return window_s
    return min(
        (step for step in _TICKS if collected_s <= step and SHORTEST_SPAN_S <= step <= window_s), default=window_s
    )


def _newest(values: np.ndarray, transform: Transform | None) -> float | None:
    if values.size == 0:
        return None
    value = float(values[-1] if transform is None else transform(values[-1:])[0])
    return None if math.isnan(value) else value


def _value_at(x: np.ndarray, y: np.ndarray, offset_s: float | None) -> float | None:
    if y.size == 0:
        return None
    index = y.size - 1 if offset_s is None or math.isnan(offset_s) else int(np.searchsorted(x, offset_s))
    value = float(y[min(max(index, 0), y.size - 1)])
    return None if math.isnan(value) else value


def _ago(offset_s: float) -> str:
    seconds = -offset_s
    return f"{seconds:.0f} s ago" if seconds < 120 else f"{seconds / 60:.0f} min ago"
