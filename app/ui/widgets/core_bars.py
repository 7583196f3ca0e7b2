"""Per-core CPU use: one small gauge per logical core, "23%" written on it, 16 cores a row.

Each cell is a track (the cell's whole width is 100 %) filled from the left, with the value and
its percent sign on top, so a number cannot be read as a core number and a core at 3 % still
shows a visible fill against a visible track. Cheap to paint for 2 or 256 cores: one fill, one
rectangle and one line of text per cell, repainted only when a whole percent changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.ui.theme import Theme

COLUMNS = 16
ROW_MIN_PX = 16  # 128 cores: 8 rows in the host panel's 130 px at 1920x1080
CELL_MAX_HEIGHT_PX = 26  # a few cores: gauges, not tall boxes
CELL_MAX_WIDTH_PX = 140  # nor bars half a screen long
CELL_GAP_PX = 2
FILL_ALPHA = 110  # of 255: the text stays readable on the fill (>= 4.5:1 in both themes)
MIN_FILL_PX = 3.0  # a core at 1 % still shows a fill
FONT_PX = (12, 11, 10, 9, 8)  # the largest that fits "100%" in a cell is used
WIDEST_LABEL = "100%"


def label(value: int) -> str:
    """What a cell says: the value with its percent sign, so it reads as a load, not as a core number."""
    return f"{value}%"


class CoreBars(QWidget):
    """One gauge per logical core; the tooltip over a cell names the core: "core 5: 23 %"."""

    COLUMNS = COLUMNS
    ROW_MIN_PX = ROW_MIN_PX

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self._values: tuple[int, ...] = ()
        self.setMinimumHeight(60)
        self.setToolTip("CPU use per logical core over the last reading (0-100 %).")
        self.setMouseTracking(True)

    def set_values(self, values: Sequence[float]) -> None:
        rounded = tuple(round(v) for v in values)
        if rounded == self._values:
            return
        if len(rounded) != len(self._values):
            self.setMinimumHeight(max(60, self._rows(len(rounded)) * ROW_MIN_PX))
        self._values = rounded
        self.update()

    @staticmethod
    def _rows(count: int) -> int:
        return max(1, math.ceil(count / COLUMNS))

    def _cell(self, index: int) -> QRectF:
        """The whole area of core `index` (its gauge is `_gauge(index)`, inside it)."""
        columns = min(len(self._values), COLUMNS)
        width = min(self.width() / columns, CELL_MAX_WIDTH_PX)
        height = self.height() / self._rows(len(self._values))
        return QRectF((index % columns) * width, (index // columns) * height, width, height)

    def _gauge(self, index: int) -> QRectF:
        """The track of core `index`: its cell less a gap, at the top, at most CELL_MAX_HEIGHT_PX tall."""
        cell = self._cell(index).adjusted(CELL_GAP_PX / 2, CELL_GAP_PX / 2, -CELL_GAP_PX / 2, -CELL_GAP_PX / 2)
        return QRectF(cell.left(), cell.top(), cell.width(), min(cell.height(), CELL_MAX_HEIGHT_PX))

    def core_at(self, position: QPoint) -> int | None:
        """The core whose cell is under `position`, if any."""
        return next((i for i in range(len(self._values)) if self._cell(i).contains(position)), None)

    def labels(self) -> list[str | None]:
        """Each cell's text as painted; None where the cell is too small for it (the tooltip says it)."""
        if not self._values:
            return []
        fits = _font_px_that_fits(self.font().family(), self._gauge(0).width(), self._gauge(0).height()) is not None
        return [label(v) if fits else None for v in self._values]

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.core_at(event.pos())
            if index is not None:
                QToolTip.showText(event.globalPos(), f"core {index}: {self._values[index]} %", self)
                return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._values:
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self._theme.window))
        fill = QColor(self._theme.curves[0])
        fill.setAlpha(FILL_ALPHA)
        track, edge = QColor(self._theme.panel), QPen(QColor(self._theme.muted), 1)
        first = self._gauge(0)
        font_px = _font_px_that_fits(self.font().family(), first.width(), first.height())
        if font_px is not None:
            font = painter.font()
            font.setPixelSize(font_px)
            painter.setFont(font)
        gauges = [self._gauge(index) for index in range(len(self._values))]
        painter.setPen(edge)
        painter.setBrush(track)
        painter.drawRects([gauge.adjusted(0, 0, -1, -1) for gauge in gauges])  # every track in one call
        painter.setPen(QColor(self._theme.text))
        for gauge, value in zip(gauges, self._values, strict=True):
            if value > 0:
                width = max(MIN_FILL_PX, (gauge.width() - 1) * min(value, 100) / 100.0)
                painter.fillRect(QRectF(gauge.left() + 1, gauge.top() + 1, width, gauge.height() - 2), fill)
            if font_px is not None:
                painter.drawText(gauge, Qt.AlignmentFlag.AlignCenter, label(value))
        painter.end()


@lru_cache(maxsize=64)
def _font_px_that_fits(family: str, width: float, height: float) -> int | None:
    """The largest of FONT_PX at which "100%" fits a gauge of this size, or None (then no text)."""
    for size in FONT_PX:
        font = QFont(family)
        font.setPixelSize(size)
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(WIDEST_LABEL) + 2 <= width and metrics.height() <= height:
            return size
    return None
