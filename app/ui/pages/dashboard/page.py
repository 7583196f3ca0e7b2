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
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.gpu.records import GpuInfo, NvidiaStatus
from app.core.gpu.status_advice import advise
from app.core.inventory import HostInventory
from app.core.sampling.monitor import MonitorState
from app.ui.pages.dashboard.gpu_overview import GpuOverview
from app.ui.pages.dashboard.gpu_panel import GpuPanel
from app.ui.pages.dashboard.host_panel import HostPanel
from app.ui.theme import Theme, readable_text_on
from app.ui.widgets.time_plot import TimePlot

SIDE_BY_SIDE_MAX = 2
WINDOWS = ((60.0, "1 min"), (600.0, "10 min"), (3600.0, "1 h"), (86400.0, "24 h"))
# A window counts as full when its oldest data is this close to its start: the newest sample
# or 10 s bucket that fits never lies exactly at the start (59 s of data fill a 1 min window).
FULL_TOLERANCE_S = 2.0
FULL_TOLERANCE_SHARE = 0.01


def _no_gpu_label(nvidia: NvidiaStatus | None) -> QLabel:
    """Why there is no GPU panel and what to do, from the engine's `advise`."""
    advice = advise(nvidia) if nvidia is not None else None
    label = QLabel("No GPU to show: see the NVIDIA status above." if advice is None else advice.text())
    label.setObjectName("no_gpu_advice")
    label.setWordWrap(True)
    return label


def selected_button_style(theme: Theme) -> str:
    """The chosen time window in the accent colour, bold: Fusion's checked shade is barely visible."""
    accent = theme.curves[0]
    return (
        f"QPushButton:checked {{ background: {accent}; color: {readable_text_on(accent)}; font-weight: bold;"
        f" border: 1px solid {accent}; border-radius: 3px; padding: 4px 12px; }}"
    )


def filling_note(window_s: float, collected_s: float, span_s: float) -> str:
    """'10 min window: 8 s collected so far; the graphs show the last 1 min until it fills', or '' once full."""
    if collected_s >= window_s - max(FULL_TOLERANCE_S, FULL_TOLERANCE_SHARE * window_s):
        return ""
    note = (
        f"{dict(WINDOWS).get(window_s, _span_words(window_s))} window: {_duration_words(collected_s)} collected so far"
    )
    if span_s < window_s:
        note += f"; the graphs show the last {_span_words(span_s)} until it fills"
    return note


def _duration_words(seconds: float) -> str:
    """8 s, 3 min, 2 h 5 min: whole units, rounded down (a note that changes every second only at first)."""
    if seconds < 120:
        return f"{int(seconds)} s"
    if seconds < 7200:
        return f"{int(seconds // 60)} min"
    hours, minutes = divmod(int(seconds // 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _span_words(seconds: float) -> str:
    """An axis span (always whole minutes or hours): 1 min, 5 min, 4 h."""
    return f"{seconds / 60:g} min" if seconds < 3600 else f"{seconds / 3600:g} h"


class DashboardPage(QWidget):
    window_changed = Signal(float)

    def __init__(
        self,
        host: HostInventory,
        gpus: tuple[GpuInfo, ...],
        theme: Theme,
        window_s: float,
        nvidia: NvidiaStatus | None = None,
    ) -> None:
        super().__init__()
        self.window_s = window_s if window_s in dict(WINDOWS) else 600.0
        self.paused = False
        self.gpu_panels = [GpuPanel(info, theme) for info in gpus]
        self.host_panel = HostPanel(host, theme)
        # Up to two GPUs side by side in full; more as an overview of rows plus the chosen GPU in full,
        # so eight fit at 1920x1080 without scrolling and only one GPU's graphs are drawn.
        self.overview: GpuOverview | None = None
        self._detail = QStackedWidget()
        self._last_refresh: tuple[MonitorState, float, float | None] | None = None
        if len(gpus) > SIDE_BY_SIDE_MAX:
            self.overview = GpuOverview(gpus, theme)
            for panel in self.gpu_panels:
                self._detail.addWidget(panel)
            self.overview.selected.connect(self.show_gpu)
            self.overview.select(gpus[0].index)
        self._hover: float | None = None
        self._theme = theme
        self._controls = self._build_controls()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        grid = QGridLayout()
        if self.overview is None:
            for index, panel in enumerate(self.gpu_panels):
                grid.addWidget(panel, 0, index)
        else:
            grid.addWidget(self.overview, 0, 0)
            grid.addWidget(self._detail, 0, 1)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 3)
        if not self.gpu_panels:
            grid.addWidget(_no_gpu_label(nvidia), 0, 0)
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
        self.status = QLabel()  # while the window fills: how much is collected and what the axis shows
        self.status.setStyleSheet(f"color: {self._theme.muted}")
        # Its text changes every second while it shows: keep that from re-laying out the row.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.hide()
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

    def visible_gpu_panels(self) -> list[GpuPanel]:
        """The GPU panels on screen: all side by side, or the one chosen in the overview."""
        if self.overview is None:
            return self.gpu_panels
        current = self._detail.currentWidget()
        return [p for p in self.gpu_panels if p is current]

    @Slot(int)
    def show_gpu(self, index: int) -> None:
        """Show GPU `index` in full next to the overview (a click on its row)."""
        panel = next((p for p in self.gpu_panels if p.info.index == index), None)
        if self.overview is None or panel is None:
            return
        self._detail.setCurrentWidget(panel)
        self.overview.select(index)
        if self._last_refresh is not None:
            state, end_s, at_s = self._last_refresh
            panel.refresh(state, end_s, self.window_s, at_s)

    def refresh(self, state: MonitorState, end_s: float, at_s: float | None = None) -> None:
        """Redraw everything on screen for the window ending at `end_s` (live: the newest sample)."""
        self._last_refresh = (state, end_s, at_s)
        if self.overview is not None:
            self.overview.refresh(state, end_s, self.window_s, at_s)
        for panel in self.visible_gpu_panels():
            panel.refresh(state, end_s, self.window_s, at_s)
        self.host_panel.refresh(state, end_s, self.window_s, at_s)
        self._show_filling()
        if self._hover is not None:
            self._show_hover(self._hover)

    def _show_filling(self) -> None:
        """Until the window is full the axis shows less than it (8 s of 10 min on a 1 min axis): say so,
        or the 10 min and 1 min views look the same and seem broken."""
        drawn = [p for panel in self.visible_gpu_panels() for p in panel.plots] + self.host_panel.plots
        fullest = max(drawn, key=lambda p: p.collected_s, default=None)
        text = "" if fullest is None else filling_note(self.window_s, fullest.collected_s, fullest.span_s)
        if self.status.text() != text:
            self.status.setText(text)
        self.status.setVisible(bool(text))

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
