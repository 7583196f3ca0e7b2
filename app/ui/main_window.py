"""The main window: a sidebar of pages (the Dashboard first), banners, recording, replay, alerts, tray."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.inventory import HostInventory
from app.core.sampling.alerts import AlertEvent, is_near_slowdown
from app.core.sampling.live import LiveFeed
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.sessions.csv_export import export_csv
from app.core.sessions.decode import decode
from app.core.sessions.replay import Replay
from app.core.settings import Settings, save_settings
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.replay_bar import ReplayBar, ReplayLoader
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import Theme
from app.ui.tray import Tray
from app.ui.widgets.tiles import Banner

REDRAW_MS = 1000


class MainWindow(QMainWindow):
    def __init__(self, live: LiveFeed, settings: Settings, theme: Theme) -> None:
        super().__init__()
        self.setWindowTitle("AI Workstation Manager")
        self.live, self.settings, self.theme = live, settings, theme
        inventory = live.engine.inventory()
        self.state = MonitorState(inventory.gpus, settings.alerts)
        self.dashboard = DashboardPage(inventory.host, inventory.gpus, theme, settings.window_s)
        self.replay: Replay | None = None
        self._replay_page: DashboardPage | None = None
        self._dirty = False
        self._closing = False
        self.simulated_banner = Banner(theme.simulated, "SIMULATED GPUs (--demo): these readings are not real hardware")
        self.simulated_banner.setVisible(live.engine.simulated)
        self.alert_banner = Banner(theme.critical)
        self.alert_banner.hide()
        self.replay_bar = ReplayBar()
        self.replay_bar.hide()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.dashboard)
        self.sidebar = QListWidget()
        self.sidebar.addItem("Dashboard")
        self.sidebar.setCurrentRow(0)
        self.sidebar.setMaximumWidth(150)
        self.sidebar.setToolTip("Pages (Up/Down to move)")
        self.tray = Tray(self)
        self._loader = ReplayLoader()
        self._loader.loaded.connect(self._on_replay_loaded)
        self._loader.failed.connect(self._on_replay_failed)
        self._build_layout()
        self._build_actions()
        self.replay_bar.moved.connect(self._on_replay_moved)
        self.replay_bar.live_button.clicked.connect(self.back_to_live)
        self.replay_bar.export_button.clicked.connect(self._on_export_clicked)
        self.dashboard.window_changed.connect(self._on_window_changed)
        self.redraw_timer = QTimer(self)
        self.redraw_timer.timeout.connect(self._on_redraw_due)
        self.redraw_timer.start(REDRAW_MS)

    def _build_layout(self) -> None:
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for banner in (self.simulated_banner, self.alert_banner, self.replay_bar):
            column.addWidget(banner)
        row = QHBoxLayout()
        row.addWidget(self.sidebar)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.record_action = QAction("Record", self, checkable=True, shortcut=QKeySequence("Ctrl+R"))
        self.record_action.setToolTip("Start or stop recording a session file (Ctrl+R)")
        self.record_action.toggled.connect(self._on_record_toggled)
        open_action = QAction("Open session…", self, shortcut=QKeySequence("Ctrl+O"))
        open_action.setToolTip("Replay a recorded session in the dashboard (Ctrl+O)")
        open_action.triggered.connect(self._on_open_clicked)
        export_action = QAction("Export CSV…", self, shortcut=QKeySequence("Ctrl+E"))
        export_action.triggered.connect(self._on_export_clicked)
        settings_action = QAction("Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self._on_settings_clicked)
        for action in (self.record_action, open_action, export_action, settings_action):
            toolbar.addAction(action)

    # -- live data ---------------------------------------------------------------------------

    def _on_sample(self, sample: Sample) -> None:
        events = self.state.add(sample)
        self._dirty = True
        if events:
            self._on_alerts(events)

    def _on_alerts(self, events: list[AlertEvent]) -> None:
        recorder = self.live.recorder
        for event in events:
            if recorder is not None:
                recorder.add_event(*event.as_session_event())
            if event.kind == "fired":
                self.tray.notify("AI Workstation Manager", event.alert.message)
        active = [a.message for a in self.state.alerts.active.values()]
        self.alert_banner.setText("⚠ " + "   ·   ".join(active) if active else "")
        self.alert_banner.setVisible(bool(active))

    def redraw_now(self) -> None:
        """Take waiting samples and redraw at once (screenshots), instead of at the next timer tick."""
        self._dirty = True
        self._on_redraw_due()

    @property
    def painting(self) -> bool:
        """Redraw only what someone can see: not minimised, not hidden, not paused."""
        return self.isVisible() and not self.isMinimized() and not self.dashboard.paused

    @Slot()
    def _on_redraw_due(self) -> None:
        for sample in self.live.take():
            self._on_sample(sample)
        self._show_tray_temperature()
        if not self._dirty or not self.painting or self.replay is not None:
            return
        end = self.state.history.newest_time()
        if end is not None:
            self.dashboard.refresh(self.state, end)
            self._dirty = False

    def _show_tray_temperature(self) -> None:
        gpus = getattr(self.state.latest("gpu"), "gpus", ())
        temps = [(g.temperature_c, g.index) for g in gpus if g.temperature_c is not None]
        if not temps:
            return
        hottest, index = max(temps)
        slowdown = next((g.temp_slowdown_c for g in self.state.gpus if g.index == index), None)
        hottest_gpu = next(g for g in gpus if g.index == index)
        hot = is_near_slowdown(hottest_gpu, slowdown, self.settings.alerts.gpu_near_slowdown_c)
        self.tray.show_temperature(hottest, hot, f"Hottest GPU: GPU {index} at {hottest:.0f} °C")

    # -- recording, replay, export -----------------------------------------------------------

    @Slot(bool)
    def _on_record_toggled(self, recording: bool) -> None:
        if recording == (self.live.recorder is not None):
            return  # the action follows a recording started or stopped in code
        if not recording:
            path = self.live.stop_recording()
            self.statusBar().showMessage(f"Recording saved to {path}", 10_000)
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Record session to", str(Path.home() / "session.aiwm"), "Session files (*.aiwm)"
        )
        if not name or not self.start_recording(Path(name)):
            self.record_action.setChecked(False)

    def start_recording(self, path: Path) -> bool:
        try:
            self.live.start_recording(path)
        except UserError as error:
            QMessageBox.warning(self, "Cannot record", str(error))
            return False
        self.record_action.setChecked(True)
        self.statusBar().showMessage(f"Recording to {path}")
        return True

    @Slot()
    def _on_open_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open session", str(Path.home()), "Session files (*.aiwm)")
        if name:
            self.open_session(Path(name))

    def open_session(self, path: Path) -> threading.Thread:
        self.statusBar().showMessage(f"Loading {path}…")
        return self._loader.load(path)

    @Slot(object)
    def _on_replay_loaded(self, replay: Replay) -> None:
        self.replay = replay
        host = decode(HostInventory, replay.meta["inventory"]["host"])
        page = DashboardPage(host, replay.state.gpus, self.theme, self.dashboard.window_s)
        if self._replay_page is not None:
            self.pages.removeWidget(self._replay_page)
            self._replay_page.deleteLater()
        self._replay_page = page
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self.simulated_banner.setVisible(replay.simulated)
        self.replay_bar.show()
        self.replay_bar.show_replay(replay)
        self.statusBar().showMessage(f"Replaying {replay.path} (read-only)", 10_000)

    @Slot(str)
    def _on_replay_failed(self, message: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "Cannot open session", message)

    @Slot(float)
    def _on_replay_moved(self, position_s: float) -> None:
        if self.replay is not None and self._replay_page is not None:
            self._replay_page.refresh(self.replay.state, position_s, at_s=position_s)

    @Slot()
    def back_to_live(self) -> None:
        self.replay = None
        self.replay_bar.hide()
        self.pages.setCurrentWidget(self.dashboard)
        self.simulated_banner.setVisible(self.live.engine.simulated)
        self._dirty = True

    @Slot()
    def _on_export_clicked(self) -> None:
        source = self.replay.path if self.replay is not None else None
        if source is None:
            name, _ = QFileDialog.getOpenFileName(self, "Session to export", str(Path.home()), "Sessions (*.aiwm)")
            source = Path(name) if name else None
        if source is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "Export CSV to", str(source.with_suffix(".csv")), "CSV (*.csv)")
        if target:
            self.export_session(source, Path(target))

    def export_session(self, source: Path, target: Path) -> None:
        try:
            rows, columns = export_csv(source, target)
        except UserError as error:
            QMessageBox.warning(self, "Cannot export", str(error))
            return
        self.statusBar().showMessage(f"Wrote {rows} rows × {columns} metrics to {target}", 10_000)

    # -- settings and closing ----------------------------------------------------------------

    @Slot()
    def _on_settings_clicked(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.apply_settings(dialog.settings(self.dashboard.window_s))

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.state.alerts.settings = settings.alerts
        save_settings(settings)

    @Slot(float)
    def _on_window_changed(self, window_s: float) -> None:
        self._dirty = True
        if self._replay_page is not None and self.replay is not None:
            self._replay_page.set_window(window_s)
        self.settings = Settings(self.settings.theme, window_s, self.settings.close_to_tray, self.settings.alerts)
        save_settings(self.settings)
        self._on_redraw_due()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings.close_to_tray and self.tray.available and not self._closing:
            event.ignore()
            self.hide()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers, sampling and recording; leaves no thread or timer running."""
        if self._closing:
            return
        self._closing = True
        self.redraw_timer.stop()
        self.live.stop()
        self.tray.hide()
