"""Small dashboard widgets: big value tiles, clock-event chips, per-core bars, banners."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from app.core.gpu.clock_reasons import REASONS
from app.core.units import NA
from app.ui.theme import Theme, readable_text_on


class ValueTile(QFrame):
    """A caption and a value in large type, with a tooltip that says what the value is."""

    def __init__(self, caption: str, tooltip: str, widest: str) -> None:
        super().__init__()
        self._about = tooltip
        self.setToolTip(tooltip)
        self.caption = QLabel(caption)
        self.value = QLabel("n/a")
        font = self.value.font()
        font.setPointSize(max(font.pointSize(), 9) + 6)
        font.setBold(True)
        self.value.setFont(font)
        # Values change every second: a width fixed to the widest value they can take keeps that
        # from re-laying out the row, and nothing is ever cut off.
        self.value.setMinimumWidth(self.value.fontMetrics().horizontalAdvance(widest) + 4)
        self.value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, text: str, color: str | None = None, why_missing: str | None = None) -> None:
        """Show `text`; where it is "n/a", `why_missing` goes in the tooltip (what is missing, and why)."""
        if self.value.text() != text:
            self.value.setText(text)
        self.value.setStyleSheet(f"color: {color}" if color else "")
        tooltip = self._about if text != NA else f"{self._about}\n\nn/a: {why_missing or 'not reported'}"
        if self.toolTip() != tooltip:
            self.setToolTip(tooltip)


class ReasonChips(QWidget):
    """One chip per clock-event reason seen in the window: coloured by severity, with its share of the time."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._chips: dict[str, QLabel] = {}
        self._none = QLabel("no clock events in this window")
        self._none.setToolTip("NVML reported no reason for lowered clocks during the visible time window.")
        self._layout.addWidget(self._none)
        for reason in REASONS:
            chip = QLabel()
            chip.setToolTip(f"<b>{reason.name}</b><br>{reason.meaning}<br><i>What to do:</i> {reason.advice}")
            chip.hide()
            self._chips[reason.name] = chip
            self._layout.addWidget(chip)
        self._layout.addStretch(1)

    def set_shares(self, shares: dict[str, float], active: Sequence[str]) -> None:
        """`shares`: fraction of the window each reason was active; `active`: the reasons set now."""
        shown = False
        for reason in REASONS:
            chip, share = self._chips[reason.name], shares.get(reason.name, 0.0)
            if share <= 0.0 and reason.name not in active:
                chip.hide()
                continue
            color = (
                self._theme.critical
                if reason.is_fault
                else (self._theme.muted if reason.name == "gpu_idle" else self._theme.warning)
            )
            weight = "bold" if reason.name in active else "normal"
            chip.setText(f"{reason.name.replace('_', ' ')} {100 * share:.0f} %")
            chip.setStyleSheet(
                f"border: 1px solid {color}; border-radius: 8px; padding: 1px 6px; color: {color};"
                f" font-weight: {weight}"
            )
            chip.show()
            shown = True
        self._none.setVisible(not shown)


class CoreBars(QWidget):
    """Per-core CPU use: one cell per logical core with its bar and its number, 16 cells a row.

    At 128 cores that is 8 rows of cells still wide enough for "100"; where a cell is too small for
    its number (a narrow window), the tooltip over the cell says it. Cheap to paint for 2 or 256.
    """

    COLUMNS = 16
    ROW_MIN_PX = 16

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
            self.setMinimumHeight(max(60, self._rows(len(rounded)) * self.ROW_MIN_PX))
        self._values = rounded
        self.update()

    def _rows(self, count: int) -> int:
        return max(1, math.ceil(count / self.COLUMNS))

    def _cell(self, index: int) -> QRectF:
        columns = min(len(self._values), self.COLUMNS)
        width, height = self.width() / columns, self.height() / self._rows(len(self._values))
        return QRectF((index % columns) * width, (index // columns) * height, width, height)

    def core_at(self, position: QPoint) -> int | None:
        """The core whose cell is under `position`, if any."""
        return next((i for i in range(len(self._values)) if self._cell(i).contains(position)), None)

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
        bar_color = QColor(self._theme.curves[0])
        bar_color.setAlpha(110)  # the number on top stays readable
        font = painter.font()
        font.setPixelSize(10)
        painter.setFont(font)
        painter.setPen(QColor(self._theme.text))
        widest = painter.fontMetrics().horizontalAdvance("100") + 2
        for index, value in enumerate(self._values):
            cell = self._cell(index).adjusted(1, 1, -1, -1)
            bar = cell.height() * value / 100.0
            painter.fillRect(QRectF(cell.left(), cell.bottom() - bar, cell.width(), bar), bar_color)
            if cell.width() >= widest and cell.height() >= painter.fontMetrics().height():
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(value))
        painter.end()


class Banner(QLabel):
    """A coloured strip across the window (SIMULATED, alerts, replay)."""

    def __init__(self, color: str, text: str = "") -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        # White on the dark theme's light violet is 2.7:1; the better of white and black is >= 4.5:1.
        self.text_color = readable_text_on(color)
        self.setStyleSheet(f"background: {color}; color: {self.text_color}; font-weight: bold; padding: 4px;")
