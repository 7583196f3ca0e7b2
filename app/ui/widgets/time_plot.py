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
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.sampling.history import History
from app.ui.theme import Theme

Transform = Callable[[np.ndarray], np.ndarray]

# (tick spacing, label unit, divisor) per window, so the ticks never move.
_TICKS = {
    60.0: (15.0, "s", 1.0),
    600.0: (120.0, "min", 60.0),
    3600.0: (900.0, "min", 60.0),
    86400.0: (21600.0, "h", 3600.0),
}


@dataclass
class Curve:
    metric: str
    label: str
    unit_format: Callable[[float | None], str]
    transform: Transform | None
    item: pg.PlotDataItem
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
        self._label = QLabel(title)
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
            item.setYRange(*y_range, padding=0)
        else:  # rates: from zero up, with SI prefixes on the axis (kB/s, MB/s)
            item.enableAutoRange(axis="y")
            item.getViewBox().setLimits(yMin=0, minYRange=1000.0)
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
        color = self._theme.curves[len(self.curves) % len(self._theme.curves)]
        item = self._plot.plot(pen=pg.mkPen(color, width=1), name=label)  # 1 px: Qt's fast line path
        item.setClipToView(True)
        item.setDownsampling(auto=True, method="peak")
        self.curves.append(Curve(metric, label, unit_format, transform, item, np.empty(0), np.empty(0)))

    def add_reference(self, value: float, tooltip: str) -> None:
        """A dashed horizontal line (slowdown temperature, power limit)."""
        line = pg.InfiniteLine(
            pos=value, angle=0, pen=pg.mkPen(self._theme.reference, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        line.setToolTip(tooltip)
        self._plot.getPlotItem().addItem(line, ignoreBounds=True)

    def set_window(self, window_s: float) -> None:
        spacing, unit, divisor = _TICKS.get(window_s, (window_s / 4, "s", 1.0))
        ticks = [
            (-k * spacing, f"-{k * spacing / divisor:g} {unit}" if k else "now")
            for k in range(int(window_s / spacing) + 1)
        ]
        self._drawn_end_s = None
        axis = self._plot.getPlotItem().getAxis("bottom")
        axis.setTicks([ticks])
        self._plot.getPlotItem().setXRange(-window_s, 0, padding=0)

    def refresh(self, history: History, end_s: float, window_s: float) -> None:
        """Update the values; redraw the curves only once they would move by a pixel or more.

        In a 10-minute window 420 px wide a pixel is 1.4 s, so redrawing every second would repaint
        movements nobody can see; the title's values still change every second.
        """
        series = [history.series(curve.metric, window_s, end_s) for curve in self.curves]
        self._newest = [_newest(s.values, c.transform) for s, c in zip(series, self.curves, strict=True)]
        width_px = max(self._plot.getPlotItem().getViewBox().width(), 1.0)
        moved_px = math.inf if self._drawn_end_s is None else abs(end_s - self._drawn_end_s) * width_px / window_s
        if moved_px >= 1.0:
            for curve, window in zip(self.curves, series, strict=True):
                values = window.values if curve.transform is None else curve.transform(window.values)
                curve.x, curve.y = window.times_s - end_s, values
                curve.item.setData(curve.x, curve.y, connect="finite")
            self._drawn_end_s = end_s
        self.show_at(None)

    def show_at(self, offset_s: float | None) -> None:
        """Title with each curve's value at `offset_s` seconds before the end (the newest when None)."""
        parts = []
        for index, curve in enumerate(self.curves):
            live = offset_s is None or math.isnan(offset_s)
            value = self._newest[index] if live and index < len(self._newest) else _value_at(curve.x, curve.y, offset_s)
            parts.append(f"{curve.label} <b>{curve.unit_format(value)}</b>")
        when = "" if offset_s is None else f" <span style='color:{self._theme.muted}'>at {_ago(offset_s)}</span>"
        self._label.setText(f"{self._title}: " + " · ".join(parts) + when)
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
