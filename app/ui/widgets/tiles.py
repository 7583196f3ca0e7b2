"""Small dashboard widgets: big value tiles, clock-event chips, per-core bars, banners."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.gpu.clock_reasons import REASONS
from app.ui.theme import Theme


class ValueTile(QFrame):
    """A caption and a value in large type, with a tooltip that says what the value is."""

    def __init__(self, caption: str, tooltip: str, widest: str) -> None:
        super().__init__()
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

    def set(self, text: str, color: str | None = None) -> None:
        if self.value.text() != text:
            self.value.setText(text)
        self.value.setStyleSheet(f"color: {color}" if color else "")


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
    """Per-core CPU use as thin bars: cheap to paint for 2 or 256 cores."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self._values: tuple[float, ...] = ()
        self.setMinimumHeight(60)
        self.setToolTip("CPU use per logical core over the last reading (0-100 %).")

    def set_values(self, values: Sequence[float]) -> None:
        values = tuple(round(v) for v in values)
        if values != self._values:
            self._values = values
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._values:
            return
        painter = QPainter(self)
        width = self.width() / len(self._values)
        height = self.height()
        painter.fillRect(self.rect(), QColor(self._theme.window))
        color = QColor(self._theme.curves[0])
        for index, value in enumerate(self._values):
            bar = height * value / 100.0
            painter.fillRect(QRectF(index * width + 1, height - bar, max(width - 2, 1), bar), color)
        painter.end()


class Banner(QLabel):
    """A coloured strip across the window (SIMULATED, alerts, replay)."""

    def __init__(self, color: str, text: str = "") -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(f"background: {color}; color: white; font-weight: bold; padding: 4px;")
