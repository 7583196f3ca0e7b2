"""Small dashboard widgets: big value tiles, clock-event chips, banners (per-core gauges: `core_bars`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

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


class Banner(QLabel):
    """A coloured strip across the window (SIMULATED, alerts, replay)."""

    def __init__(self, color: str, text: str = "") -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        # White on the dark theme's light violet is 2.7:1; the better of white and black is >= 4.5:1.
        self.text_color = readable_text_on(color)
        self.setStyleSheet(f"background: {color}; color: {self.text_color}; font-weight: bold; padding: 4px;")
