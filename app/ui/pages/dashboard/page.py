"""The Dashboard page: every GPU side by side, the host below; time windows, pause and a shared crosshair."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.gpu.records import GpuInfo
from app.core.inventory import HostInventory
from app.core.sampling.monitor import MonitorState
from app.ui.pages.dashboard.gpu_panel import GpuPanel
from app.ui.pages.dashboard.host_panel import HostPanel
from app.ui.theme import Theme, readable_text_on
from app.ui.widgets.time_plot import TimePlot

WINDOWS = ((60.0, "1 min"), (600.0, "10 min"), (3600.0, "1 h"), (86400.0, "24 h"))


def selected_button_style(theme: Theme) -> str:
    """The chosen time window in the accent colour, bold: Fusion's checked shade is barely visible."""
    accent = theme.curves[0]
    return (
        f"QPushButton:checked {{ background: {accent}; color: {readable_text_on(accent)}; font-weight: bold;"
        f" border: 1px solid {accent}; border-radius: 3px; padding: 4px 12px; }}"
    )


class DashboardPage(QWidget):
    window_changed = Signal(float)

    def __init__(self, host: HostInventory, gpus: tuple[GpuInfo, ...], theme: Theme, window_s: float) -> None:
        super().__init__()
        self.window_s = window_s if window_s in dict(WINDOWS) else 600.0
        self.paused = False
        self.gpu_panels = [GpuPanel(info, theme) for info in gpus]
        self.host_panel = HostPanel(host, theme)
        self._hover: float | None = None
        self._theme = theme
        self._controls = self._build_controls()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        grid = QGridLayout()
        columns = 2 if len(self.gpu_panels) <= 4 else 3
        for index, panel in enumerate(self.gpu_panels):
            grid.addWidget(panel, index // columns, index % columns)
        if not self.gpu_panels:
            grid.addWidget(QLabel("No GPU to show: see the NVIDIA status above."), 0, 0)
        body_layout.addLayout(grid)
        body_layout.addWidget(self.host_panel)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._controls)
        layout.addWidget(scroll)
        for plot in self.plots():
            plot.hovered.connect(self._on_plot_hovered)
            plot.set_window(self.window_s)

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self._window_buttons = QButtonGroup(self)
        for key, (seconds, label) in enumerate(WINDOWS, start=1):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setChecked(seconds == self.window_s)
            button.setStyleSheet(selected_button_style(self._theme))
            button.setToolTip(
                f"Show the last {label} (key {key}). Beyond 15 minutes the graphs show 10-second averages."
            )
            button.clicked.connect(lambda _=False, s=seconds: self.set_window(s))
            QShortcut(QKeySequence(str(key)), self, button.click)
            self._window_buttons.addButton(button)
            row.addWidget(button)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Freeze the graphs (Space); sampling and recording go on.")
        self.pause_button.toggled.connect(self._on_pause_toggled)
        QShortcut(QKeySequence("Space"), self, self.pause_button.toggle)
        row.addWidget(self.pause_button)
        self.status = QLabel()
        row.addWidget(self.status, 1)
        return row

    def plots(self) -> list[TimePlot]:
        return [p for panel in self.gpu_panels for p in panel.plots] + self.host_panel.plots

    def set_window(self, window_s: float) -> None:
        self.window_s = window_s
        for plot in self.plots():
            plot.set_window(window_s)
        for button, (seconds, _) in zip(self._window_buttons.buttons(), WINDOWS, strict=True):
            button.setChecked(seconds == window_s)
        self.window_changed.emit(window_s)

    def refresh(self, state: MonitorState, end_s: float, at_s: float | None = None) -> None:
        """Redraw everything for the window ending at `end_s` (live: the newest sample)."""
        for panel in self.gpu_panels:
            panel.refresh(state, end_s, self.window_s, at_s)
        self.host_panel.refresh(state, end_s, self.window_s, at_s)
        if self._hover is not None:
            self._show_hover(self._hover)

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setText("Resume" if paused else "Pause")

    @Slot(float)
    def _on_plot_hovered(self, offset_s: float) -> None:
        inside = not math.isnan(offset_s) and -self.window_s <= offset_s <= 0
        self._hover = offset_s if inside else None
        self._show_hover(self._hover)

    def _show_hover(self, offset_s: float | None) -> None:
        for plot in self.plots():
            plot.show_at(offset_s)
