"""One watched host in the fleet overview: its state, its problem and what to do, its GPUs and alerts."""

from __future__ import annotations

import html
import warnings

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.gpu.clock_reasons import REASONS
from app.core.gpu.records import GpuReading, GpuSetReading
from app.core.sampling.monitor import MonitorState
from app.core.units import NA
from app.fleet.watch import HostView, newest_time
from app.ui.pages.dashboard.gpu_overview import GpuRow
from app.ui.theme import Theme
from app.ui.widgets.tiles import ReasonChips

# The throttle chips of a row say how much of the last minute each clock-event reason was active.
CHIP_WINDOW_S = 60.0
FLASH_MS = 1500  # how long a row stays highlighted after "Add" named a host already listed


def state_text(view: HostView, now_s: float) -> str:
    """The host's state in a few words: connecting…, streaming from gpu1 (aiwm 0.1.0), retrying in 4 s, failed."""
    status = view.status
    if status.state == "streaming" and status.header is not None:
        return f"streaming from {status.header.host or view.host} (aiwm {status.header.program_version})"
    if status.state == "retrying":
        wait = view.retry_in_s(now_s)
        return "retrying now" if wait is None or wait < 0.5 else f"retrying in {wait:.0f} s"
    return {"connecting": "connecting…", "failed": "failed", "stopped": "stopped"}.get(status.state, status.state)


def reason_shares(state: MonitorState, gpu_index: int, end_s: float, window_s: float) -> dict[str, float]:
    """Share of the window each clock-event reason was active on one GPU (as the GPU panel's chips)."""
    shares = {}
    for reason in REASONS:
        values = state.history.series(f"gpu{gpu_index}.clock_event.{reason.name}", window_s, end_s).values
        if values.size and not np.isnan(values).all():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                shares[reason.name] = float(np.nanmean(values))
    return shares


SPARKLINE_LABEL = f"use, last {CHIP_WINDOW_S:.0f} s:"
SPARKLINE_TIP = (
    f"GPU use (utilisation) over the last {CHIP_WINDOW_S:.0f} s of this host's samples, 0-100 %, newest on the"
    " right; a break is a time the host was not connected."
)
OPEN_TIP = "Show this host's graphs in the same Dashboard as the local machine."
NOT_OPENABLE_TIP = (
    "Not connected yet: the dashboard opens once {host} has sent the first line of its stream (its GPU list)."
)
RETRY_TIP = "Connect again now: after you fixed what it failed on, or instead of waiting for the next try."


class HostGpuLine(QWidget):
    """One GPU of a host: the dashboard's overview row (name, temperature, use, power, VRAM) and its chips."""

    def __init__(self, row: GpuRow, theme: Theme) -> None:
        super().__init__()
        self.row = row
        self.sparkline_label = QLabel(SPARKLINE_LABEL)
        self.sparkline_label.setStyleSheet(f"color: {theme.muted}")
        self.sparkline_label.setToolTip(SPARKLINE_TIP)
        row.sparkline.setToolTip(SPARKLINE_TIP)
        row_layout = row.layout()
        if isinstance(row_layout, QHBoxLayout):  # the label goes just before the sparkline it names
            row_layout.insertWidget(row_layout.indexOf(row.sparkline), self.sparkline_label)
        self.chips = ReasonChips(theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(row)
        layout.addWidget(self.chips)


class HostRow(QFrame):
    """A host's row: `open_requested` (host, GPU index or -1) opens its dashboard, `remove_requested` forgets it."""

    open_requested = Signal(str, int)
    remove_requested = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, view: HostView, theme: Theme) -> None:
        super().__init__()
        self.host, self._theme = view.host, theme
        self._generation = -1
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<b>{html.escape(view.host)}</b>")
        self.simulated = QLabel(f"<b style='color:{theme.simulated}'>SIMULATED</b>")
        self.simulated.setToolTip("The remote aiwm runs with --demo: these GPUs are simulated, not real hardware.")
        self.simulated.hide()
        self.state = QLabel()
        self.open_button = QPushButton("Open dashboard")
        self.open_button.setStyleSheet(f"QPushButton:disabled {{ color: {theme.muted}; }}")  # visibly greyed
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.host, -1))
        self._show_openable(view)
        self.retry_button = QPushButton("Retry now")
        self.retry_button.setToolTip(RETRY_TIP)
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit(self.host))
        self.retry_button.hide()
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Stop watching this host and take it off the saved list.")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.host))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.alerts = QLabel()
        self.alerts.setWordWrap(True)
        self.alerts.hide()
        self.no_gpus = QLabel()
        self.no_gpus.setStyleSheet(f"color: {theme.muted}")
        self.gpu_lines: list[HostGpuLine] = []
        self._gpu_box = QVBoxLayout()
        self._gpu_box.setContentsMargins(0, 0, 0, 0)
        self._gpu_box.addWidget(self.no_gpus)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(self._title_row())
        layout.addWidget(self.problem)
        layout.addWidget(self.alerts)
        layout.addLayout(self._gpu_box)

    @property
    def flashing(self) -> bool:
        return self._flash_timer.isActive()

    def flash(self) -> None:
        """Highlight the row for `FLASH_MS` (it is the host the user just tried to add again)."""
        self.setStyleSheet(f"HostRow {{ border: 2px solid {self._theme.curves[0]}; }}")
        self._flash_timer.start(FLASH_MS)

    def _end_flash(self) -> None:
        self.setStyleSheet("")

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in (self.title, self.simulated, self.state):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.retry_button)
        row.addWidget(self.open_button)
        row.addWidget(self.remove_button)
        return row

    def show_view(self, view: HostView, now_s: float) -> None:
        """Redraw the row from the host's view as the last drain left it."""
        self.simulated.setVisible(view.simulated)
        self._show_state(view, now_s)
        # Whenever a problem shows (also while connecting again after it, e.g. a slow login).
        self.retry_button.setVisible(
            view.status.state in ("failed", "retrying")
            or (view.status.state == "connecting" and view.status.problem is not None)
        )
        self._show_openable(view)
        self._show_problem(view)
        active = list(view.active_alerts)
        self.alerts.setText(
            f"<span style='color:{self._theme.critical}'>⚠ "
            + "   ·   ".join(html.escape(a) for a in active)
            + "</span>"
            if active
            else ""
        )
        self.alerts.setVisible(bool(active))
        if view.generation != self._generation:
            self._build_gpu_lines(view)
        self._show_gpus(view)

    def _show_openable(self, view: HostView) -> None:
        """Open only a host whose stream header arrived (the dashboard is built from its GPU list)."""
        openable = view.header is not None and view.state is not None
        self.open_button.setEnabled(openable)
        self.open_button.setToolTip(OPEN_TIP if openable else NOT_OPENABLE_TIP.format(host=view.host))

    def _show_state(self, view: HostView, now_s: float) -> None:
        color = {"streaming": self._theme.ok, "failed": self._theme.critical, "retrying": self._theme.warning}
        text = html.escape(state_text(view, now_s))
        self.state.setText(f"<span style='color:{color.get(view.status.state, self._theme.muted)}'>{text}</span>")
        s = view.status
        self.state.setToolTip(
            f"connections: {s.connects} · samples received: {s.samples}"
            f" · dropped by the remote for a slow reader: {s.dropped_remote}"
            f" · dropped here (the window drained late): {view.dropped_here} · gaps shown: {view.gaps}"
        )

    def _show_problem(self, view: HostView) -> None:
        problem = view.status.problem
        if problem is None:
            self.problem.hide()
            return
        advice = f"<br><span style='color:{self._theme.muted}'>What to do: {html.escape(problem.advice)}</span>"
        color = self._theme.critical if view.status.state == "failed" else self._theme.warning
        self.problem.setText(
            f"<span style='color:{color}'>{html.escape(problem.message)}</span>" + (advice if problem.advice else "")
        )
        self.problem.setToolTip(f"problem: {problem.kind}")
        self.problem.show()

    def _build_gpu_lines(self, view: HostView) -> None:
        for line in self.gpu_lines:
            self._gpu_box.removeWidget(line)
            line.deleteLater()
        self.gpu_lines = []
        gpus = view.state.gpus if view.state is not None else ()
        for info in gpus:
            row = GpuRow(info, self._theme)
            row.clicked.connect(lambda index: self.open_requested.emit(self.host, index))
            line = HostGpuLine(row, self._theme)
            self.gpu_lines.append(line)
            self._gpu_box.addWidget(line)
            line.show()
        self._generation = view.generation

    def _show_gpus(self, view: HostView) -> None:
        state, end_s = view.state, newest_time(view)
        if state is None:
            self.no_gpus.setText(f"GPUs: {NA} (not connected yet: the GPU list comes with the stream)")
            self.no_gpus.show()
            return
        self.no_gpus.setText("No NVIDIA GPU on this host (see its dashboard for why)")
        self.no_gpus.setVisible(not self.gpu_lines)
        reading = state.latest("gpu")
        gpus: dict[int, GpuReading] = {g.index: g for g in reading.gpus} if isinstance(reading, GpuSetReading) else {}
        for line in self.gpu_lines:
            index = line.row.info.index
            g = gpus.get(index)
            line.row.show_reading(g, state.alerts.settings.gpu_near_slowdown_c)
            if end_s is None:
                line.row.sparkline.set_values(np.empty(0))
                line.chips.set_shares({}, ())
                continue
            line.row.sparkline.set_values(state.history.series(f"gpu{index}.util_percent", CHIP_WINDOW_S, end_s).values)
            active = (g.clock_event_reasons or ()) if g is not None else ()
            line.chips.set_shares(reason_shares(state, index, end_s, CHIP_WINDOW_S), active)
