"""One graph of the report drawn with QPainter from the document's graph spec.

The spec (`graphs[]` in `aiwm.report/1`): a title and unit, series of (t epoch seconds, v number or
null), shaded bands (a test's phases) and horizontal thresholds (the slowdown temperature). Nulls
break a line rather than join across the gap; times are shown as UTC clock times, since the
report's times are all UTC.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from app.report.display import number_text, threshold_label_spots
from app.report.svg import display_unit
from app.ui.report.blocks import MUTED, RULE, SMALL, TEXT, draw_text, font

SERIES_COLORS = ("#1d4ed8", "#dc2626", "#059669", "#7c3aed", "#d97706", "#0891b2")
BAND_COLORS = ("#dbeafe", "#fde68a", "#d1fae5", "#ede9fe")
THRESHOLD_COLOR = "#b91c1c"
LEFT_AXIS_PT = 40.0
TITLE_PT = 14.0
BOTTOM_AXIS_PT = 24.0
THRESHOLD_LABEL_GAP_PT = 9.0  # a label's line height at the graph's 7 pt text
SIMULATED_COLOR = "#b45309"
TIME_STEPS_S = (60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0)


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about `target_ticks` ticks over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target_ticks
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values from `low` to `high` inclusive."""
    step = nice_step(high - low, target)
    first = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(max(0, count))]


def _numbers(values: Sequence[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]


def value_range(graph: dict[str, Any]) -> tuple[float, float] | None:
    """The y range: every value and threshold, widened to round ticks; None with no value at all."""
    values = [v for s in graph.get("series") or [] for v in _numbers(s.get("v") or [])]
    if not values:
        return None
    values += _numbers([t.get("value") for t in graph.get("thresholds") or []])
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def time_range(graph: dict[str, Any]) -> tuple[float, float] | None:
    times = [t for s in graph.get("series") or [] for t in _numbers(s.get("t") or [])]
    if not times:
        return None
    low, high = min(times), max(times)
    return (low, high) if high > low else (low - 30.0, high + 30.0)


def time_step(span_s: float, target_ticks: int = 6) -> float:
    """A round clock step (1, 2, 5, 10, 15, 30 min; 1, 2, 3, 6, 12 h) giving at most about `target_ticks` ticks."""
    return next((s for s in TIME_STEPS_S if s * target_ticks >= span_s), TIME_STEPS_S[-1])


def clock(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%H:%M")


def in_display_unit(graph: dict[str, Any]) -> dict[str, Any]:
    """The graph with bytes in GiB (byte rates in MB/s), as the HTML report and the tables show them;
    other units as they are. 44,800,000,000 B on an axis reads as nothing."""
    unit = str(graph.get("unit") or "")
    largest = max((abs(v) for s in graph.get("series") or [] for v in _numbers(s.get("v") or [])), default=0.0)
    divisor, shown = display_unit(unit, largest)
    if divisor == 1.0:
        return graph

    def scaled(values: Sequence[Any]) -> list[Any]:
        return [v / divisor if isinstance(v, int | float) else v for v in values]

    return {
        **graph,
        "unit": shown,
        "series": [{**s, "v": scaled(s.get("v") or [])} for s in graph.get("series") or []],
        "thresholds": [{**t, "value": scaled([t.get("value")])[0]} for t in graph.get("thresholds") or []],
    }


def draw_graph(painter: QPainter, rect: QRectF, graph: dict[str, Any], simulated: bool = False) -> None:
    """The whole graph inside `rect`: title, axes with units, bands, thresholds, series, legend; a
    `simulated` graph says SIMULATED in its plot, as the HTML report's graphs do."""
    graph = in_display_unit(graph)
    unit = str(graph.get("unit") or "")
    title = str(graph.get("title") or graph.get("id") or "graph")
    draw_text(
        painter,
        f"{title} ({unit})" if unit else title,
        font(SMALL + 1, True),
        QRectF(rect.left(), rect.top(), rect.width(), TITLE_PT),
    )
    plot = QRectF(
        rect.left() + LEFT_AXIS_PT,
        rect.top() + TITLE_PT + 4,
        rect.width() - LEFT_AXIS_PT - 4,
        rect.height() - TITLE_PT - 4 - BOTTOM_AXIS_PT,
    )
    painter.setPen(QPen(QColor(RULE), 0.6))
    painter.drawRect(plot)
    ys, ts = value_range(graph), time_range(graph)
    if ys is None or ts is None:
        draw_text(painter, "no readings in this period", font(SMALL), plot.adjusted(8, 8, -8, -8), MUTED)
        return
    mapper = _Mapper(plot, ts, ys)
    _draw_bands(painter, mapper, graph.get("bands") or [])
    _draw_axes(painter, mapper, unit)
    _draw_thresholds(painter, mapper, graph.get("thresholds") or [], unit)
    _draw_series(painter, mapper, graph.get("series") or [])
    if simulated:
        painter.setFont(font(SMALL + 1, True))
        painter.setPen(QColor(SIMULATED_COLOR))
        corner = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        painter.drawText(mapper.plot.adjusted(4, 4, -4, -3), int(corner), "SIMULATED")


class _Mapper:
    """Data (time, value) to points in the plot rectangle."""

    def __init__(self, plot: QRectF, times: tuple[float, float], values: tuple[float, float]) -> None:
        self.plot, self.times, self.values = plot, times, values

    def x(self, t: float) -> float:
        low, high = self.times
        return self.plot.left() + (min(max(t, low), high) - low) / (high - low) * self.plot.width()

    def y(self, v: float) -> float:
        low, high = self.values
        return self.plot.bottom() - (v - low) / (high - low) * self.plot.height()


def _draw_axes(painter: QPainter, mapper: _Mapper, unit: str) -> None:
    small = font(SMALL)
    painter.setFont(small)
    plot = mapper.plot
    for value in ticks(*mapper.values):
        y = mapper.y(value)
        painter.setPen(QPen(QColor(RULE), 0.3, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(MUTED))
        label = f"{value:g} {unit}".strip()
        painter.drawText(
            QRectF(plot.left() - LEFT_AXIS_PT, y - 6, LEFT_AXIS_PT - 3, 12),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            label,
        )
    start, end = mapper.times
    step = time_step(end - start)
    t = math.ceil(start / step) * step
    while t <= end:
        x = mapper.x(t)
        painter.drawText(QRectF(x - 20, plot.bottom() + 2, 40, 10), int(Qt.AlignmentFlag.AlignHCenter), clock(t))
        t += step
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + 12, plot.width(), 10), int(Qt.AlignmentFlag.AlignHCenter), "time (UTC)"
    )


def _draw_bands(painter: QPainter, mapper: _Mapper, bands: Sequence[dict[str, Any]]) -> None:
    painter.setFont(font(SMALL))
    for index, band in enumerate(bands):
        start, end = _numbers([band.get("start")]), _numbers([band.get("end")])
        if not start or not end:
            continue
        left, right = mapper.x(start[0]), mapper.x(end[0])
        area = QRectF(left, mapper.plot.top(), max(right - left, 0.5), mapper.plot.height())
        painter.fillRect(area, QColor(BAND_COLORS[index % len(BAND_COLORS)]))
        painter.setPen(QColor(MUTED))
        painter.drawText(
            area.adjusted(2, 2, -2, -2),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            str(band.get("label") or ""),
        )


Label = tuple[float, QRectF, str]  # a threshold's line height, its label's box, the label


def threshold_labels(mapper: _Mapper, thresholds: Sequence[dict[str, Any]], unit: str) -> list[Label]:
    """(line height, label box, label) per threshold with a number: each label just above its line at
    the right, or below it when a label above would crowd it (slowdown 96 °C under shutdown 101 °C)."""
    valued = [(t, numbers[0]) for t in thresholds if (numbers := _numbers([t.get("value")]))]
    lines = [mapper.y(value) for _, value in valued]
    top, bottom = mapper.plot.top() + THRESHOLD_LABEL_GAP_PT, mapper.plot.bottom() - 1
    spots = threshold_label_spots(lines, THRESHOLD_LABEL_GAP_PT, top, bottom)
    width = mapper.plot.width() - 8
    return [
        (
            line,
            QRectF(mapper.plot.left() + 4, spot - THRESHOLD_LABEL_GAP_PT + 1, width, THRESHOLD_LABEL_GAP_PT),
            f"{threshold.get('label') or 'threshold'} {number_text(value)} {unit}".strip(),
        )
        for (threshold, value), line, spot in zip(valued, lines, spots, strict=True)
    ]


def threshold_labels_in(plot: QRectF, graph: dict[str, Any]) -> list[Label]:
    """The threshold labels as `draw_graph` places them in a plot area `plot` (for checks)."""
    graph = in_display_unit(graph)
    ys, ts = value_range(graph), time_range(graph)
    if ys is None or ts is None:
        return []
    return threshold_labels(_Mapper(plot, ts, ys), graph.get("thresholds") or [], str(graph.get("unit") or ""))


def _draw_thresholds(painter: QPainter, mapper: _Mapper, thresholds: Sequence[dict[str, Any]], unit: str) -> None:
    painter.setFont(font(SMALL))
    for line, box, label in threshold_labels(mapper, thresholds, unit):
        painter.setPen(QPen(QColor(THRESHOLD_COLOR), 0.8, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(mapper.plot.left(), line), QPointF(mapper.plot.right(), line))
        painter.setPen(QColor(THRESHOLD_COLOR))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), label)


def _draw_series(painter: QPainter, mapper: _Mapper, series: Sequence[dict[str, Any]]) -> None:
    legend_x = mapper.plot.left()
    for index, line in enumerate(series):
        color = QColor(SERIES_COLORS[index % len(SERIES_COLORS)])
        painter.setPen(QPen(color, 1.2))
        painter.drawPath(_path(mapper, line.get("t") or [], line.get("v") or []))
        label = str(line.get("label") or f"series {index + 1}")
        painter.setFont(font(SMALL))
        box = QRectF(legend_x, mapper.plot.bottom() + 12, painter.fontMetrics().horizontalAdvance(label) + 16, 10)
        painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.left() + 10, box.center().y()))
        painter.setPen(QColor(TEXT))
        painter.drawText(
            box.adjusted(13, 0, 0, 0), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label
        )
        legend_x = box.right() + 10


def _path(mapper: _Mapper, times: Sequence[Any], values: Sequence[Any]) -> QPainterPath:
    """The line through the readings, lifted at every null so a gap shows as a gap."""
    path, drawing = QPainterPath(), False
    for t, v in zip(times, values, strict=False):
        if not _numbers([t]) or not _numbers([v]):
            drawing = False
            continue
        point = QPointF(mapper.x(float(t)), mapper.y(float(v)))
        if drawing:
            path.lineTo(point)
        else:
            path.moveTo(point)
            drawing = True
    return path
