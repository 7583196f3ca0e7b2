"""A small line of one metric over the time window, painted with QPainter: cheap enough for one per GPU row."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

MAX_POINTS = 200  # more than a sparkline's width in pixels: the rest would be drawn on top of each other


class Sparkline(QWidget):
    """Values in a fixed range drawn left (oldest) to right (now); a missing value (NaN) breaks the line."""

    def __init__(self, color: str, background: str, low: float, high: float) -> None:
        super().__init__()
        self._color, self._background = QColor(color), QColor(background)
        self._low, self._high = low, high
        self._values = np.empty(0)
        self.setMinimumSize(80, 24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray) -> None:
        """Show `values` (oldest first); repaints only when they changed."""
        step = max(1, values.size // MAX_POINTS)
        thinned = np.asarray(values[::step], dtype=float)
        if thinned.shape == self._values.shape and np.array_equal(thinned, self._values, equal_nan=True):
            return
        self._values = thinned
        self.update()

    def points(self) -> list[QPointF]:
        """Where each finite value is drawn, in widget pixels (top is `high`)."""
        count, width, height = self._values.size, self.width() - 1, self.height() - 1
        span = self._high - self._low
        return [
            QPointF(
                width * index / max(count - 1, 1),
                height * (1.0 - (min(max(v, self._low), self._high) - self._low) / span),
            )
            for index, v in enumerate(self._values)
            if np.isfinite(v)
        ]

    def segments(self) -> list[list[QPointF]]:
        """The points in runs between missing values: a gap (a reconnect, a lost GPU) is never bridged."""
        finite = np.isfinite(self._values)
        breaks = np.cumsum(~finite)[finite]  # points with the same count of NaN before them form one run
        points = self.points()
        runs: dict[int, list[QPointF]] = {}
        for run, point in zip(breaks.tolist(), points, strict=True):
            runs.setdefault(run, []).append(point)
        return list(runs.values())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        painter.setPen(QPen(self._color, 1))
        for run in self.segments():
            if len(run) > 1:
                painter.drawPolyline(QPolygonF(run))
        painter.end()
