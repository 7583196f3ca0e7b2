"""All GPUs at a glance, one compact row each (8 fit at 1920x1080): click a row to see its full panel."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.gpu.records import GpuInfo, GpuReading, GpuSetReading
from app.core.sampling.alerts import is_near_slowdown
from app.core.sampling.monitor import MonitorState
from app.core.units import NA, celsius, format_bytes_of, format_value, percent, watts
from app.ui.theme import Theme
from app.ui.widgets.sparkline import Sparkline

# The widest text each value can take, so a row never re-lays out as values change.
_WIDEST = {"temperature": "100 °C", "util": "100 %", "power": "1000 / 1000 W", "vram": "188.0 / 188.0 GiB"}


class GpuRow(QFrame):
    """One GPU: name, temperature, utilisation, power, VRAM and a utilisation sparkline; a click selects it."""

    clicked = Signal(int)

    def __init__(self, info: GpuInfo, theme: Theme) -> None:
        super().__init__()
        self.info, self._theme = info, theme
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"GPU {info.index}: click to show its graphs, clock events and processes.")
        name = (info.name or NA).replace(" [SIMULATED]", "").replace("NVIDIA ", "")
        simulated = f" <span style='color:{theme.simulated}'>SIM</span>" if info.simulated else ""
        # A remote host's GPU name comes from another machine: escaped, never read as markup.
        self.title = QLabel(f"<b>GPU {info.index}</b> {html.escape(name)}{simulated}")
        self.title.setMinimumWidth(self.title.fontMetrics().horizontalAdvance(f"GPU {info.index} {name} SIM") + 8)
        self.values: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.title)
        for key, widest in _WIDEST.items():
            label = QLabel(NA)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(widest) + 10)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.values[key] = label
            layout.addWidget(label)
        self.sparkline = Sparkline(theme.curves[0], theme.plot_background, 0.0, 100.0)
        self.sparkline.setToolTip("GPU utilisation over the time window, 0-100 %.")
        layout.addWidget(self.sparkline, 1)
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        border = self._theme.curves[0] if selected else "transparent"
        self.setStyleSheet(f"GpuRow {{ border: 2px solid {border}; border-radius: 4px; }}")

    def show_reading(self, g: GpuReading | None, near_slowdown_c: float) -> None:
        if g is None or g.lost:
            reason = dict(g.missing).get("all", "GPU lost") if g is not None else "no reading of this GPU yet"
            for label in self.values.values():
                self._set(label, "LOST" if g is not None else NA, reason)
            return
        why = dict(g.missing)
        hot = is_near_slowdown(g, self.info.temp_slowdown_c, near_slowdown_c)
        temperature = celsius(g.temperature_c)
        shown = f"<b style='color:{self._theme.critical}'>{temperature}</b>" if hot else temperature
        self._set(self.values["temperature"], shown, why.get("temperature_c"))
        self._set(self.values["util"], percent(g.util_percent), why.get("util_percent"))
        self._set(self.values["power"], f"{format_value(g.power_w, '')} / {watts(g.power_limit_w)}", why.get("power_w"))
        vram = format_bytes_of(g.vram_used_bytes, g.vram_total_bytes)
        self._set(self.values["vram"], vram, why.get("vram_used_bytes"))

    @staticmethod
    def _set(label: QLabel, text: str, why_missing: str | None) -> None:
        """Show `text`; where it holds an n/a, the tooltip says what is missing and why."""
        if label.text() != text:
            label.setText(text)
        tooltip = f"n/a: {why_missing or 'the driver did not report it'}" if NA in text or text == "LOST" else ""
        if label.toolTip() != tooltip:
            label.setToolTip(tooltip)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.info.index)
        super().mousePressEvent(event)


class GpuOverview(QWidget):
    """Rows of every GPU; `selected` is emitted with a GPU's index when its row is clicked."""

    selected = Signal(int)

    def __init__(self, gpus: tuple[GpuInfo, ...], theme: Theme) -> None:
        super().__init__()
        self.rows = [GpuRow(info, theme) for info in gpus]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QLabel("All GPUs: temperature · utilisation · power · VRAM · utilisation over the window")
        layout.addWidget(header)
        for row in self.rows:
            row.clicked.connect(self.selected)
            layout.addWidget(row)
        layout.addStretch(1)

    def select(self, index: int) -> None:
        for row in self.rows:
            row.set_selected(row.info.index == index)

    def refresh(self, state: MonitorState, end_s: float, window_s: float, at_s: float | None = None) -> None:
        reading = state.latest("gpu", at_s)
        gpus = {g.index: g for g in reading.gpus} if isinstance(reading, GpuSetReading) else {}
        within = state.alerts.settings.gpu_near_slowdown_c
        for row in self.rows:
            row.show_reading(gpus.get(row.info.index), within)
            row.sparkline.set_values(state.history.series(f"gpu{row.info.index}.util_percent", window_s, end_s).values)
