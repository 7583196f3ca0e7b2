"""The main window: a sidebar of pages (from `pages.registry`), banners, recording, replay, alerts, tray.

Samples and alert events arrive on the sampler thread and only wait in deques; the 1 Hz timer on
the GUI thread takes them. Closing a recording and writing a CSV run on worker threads.
"""

from __future__ import annotations

import collections
import threading
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
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

from app.core.inventory import HostInventory
from app.core.sampling.alerts import Alert, AlertEvent
from app.core.sampling.live import LiveSession
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.sessions.decode import decode
from app.core.sessions.replay import Replay, load_replay
from app.core.settings import AlertSettings, Settings, save_settings
from app.ui.background import BackgroundTask
from app.ui.pages.base import Page, PageContext
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.pages.registry import PAGES, DashboardEntry
from app.ui.replay_bar import ReplayBar
from app.ui.session_files import SessionFiles
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import Theme
from app.ui.tray import Tray
from app.ui.widgets.tiles import Banner

REDRAW_MS = 1000
SIMULATED = "SIMULATED GPUs (--demo): these readings are not real hardware"
T = TypeVar("T")


class MainWindow(QMainWindow):
    def __init__(self, live: LiveSession, settings: Settings, theme: Theme) -> None:
        super().__init__()
        self.setWindowTitle("AI Workstation Manager")
        self.live, self.settings, self.theme = live, settings, theme
        inventory = live.engine.inventory()
        # The LiveSession evaluates the alerts, once; this state keeps the history and newest records.
        self.state = MonitorState(inventory.gpus, AlertSettings(enabled=()))
        context = PageContext(inventory, theme, settings, host_sampled=not live.simulated_only, live=live)
        self.page_list: list[Page] = [make(context) for make in PAGES]
        self.dashboard = next(p.view for p in self.page_list if isinstance(p, DashboardEntry))
        self.replay: Replay | None = None
        self._replay_page: DashboardPage | None = None
        self._dirty = False
        self._closing = False
        self._samples: collections.deque[Sample] = collections.deque()
        self._alert_events: collections.deque[AlertEvent] = collections.deque()
        self._active_alerts: dict[tuple[str, str], Alert] = {}
        self.simulated_banner = Banner(theme.simulated, self._simulated_text())
        self.simulated_banner.setVisible(live.engine.simulated)
        self.alert_banner = Banner(theme.critical)
        self.alert_banner.hide()
        self.replay_bar = ReplayBar()
        self.replay_bar.hide()
        self.pages = QStackedWidget()
        self.sidebar = QListWidget()
        for page in self.page_list:
            self.pages.addWidget(page.widget)
            self.sidebar.addItem(page.title)
        self.sidebar.setCurrentRow(0)
        self.sidebar.currentRowChanged.connect(self._on_page_chosen)
        self.sidebar.setMaximumWidth(150)
        self.sidebar.setToolTip("Pages (Up/Down to move)")
        self.tray = Tray(self)
        self.files = SessionFiles(live, self, self.statusBar().showMessage)
        self._loader = BackgroundTask("replay-loader", self)
        self._loader.finished.connect(self._on_replay_loaded)
        self._loader.failed.connect(self._on_replay_failed)
        live.subscribe(on_sample=self._samples.append, on_alert=self._alert_events.append)
        self._build_layout()
        self._build_actions()
        self.replay_bar.moved.connect(self._on_replay_moved)
        self.replay_bar.live_button.clicked.connect(self.back_to_live)
        self.replay_bar.export_button.clicked.connect(self._on_export_clicked)
        self.dashboard.window_changed.connect(self._on_window_changed)
        self.redraw_timer = QTimer(self)
        self.redraw_timer.timeout.connect(self._on_redraw_due)
        self.redraw_timer.start(REDRAW_MS)

    def _simulated_text(self) -> str:
        if not self.live.simulated_only:
            return SIMULATED
        scale = self.live.engine.options.time_scale
        return f"{SIMULATED}; at {scale:g}x time only they are sampled: the host runs in real time and is not shown"

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
        open_action = QAction("Open session…", self, shortcut=QKeySequence("Ctrl+O"))
        open_action.setToolTip("Replay a recorded session in the dashboard (Ctrl+O)")
        open_action.triggered.connect(self._on_open_clicked)
        export_action = QAction("Export CSV…", self, shortcut=QKeySequence("Ctrl+E"))
        export_action.triggered.connect(self._on_export_clicked)
        export_action.setToolTip("Write a session's metrics as CSV (Ctrl+E)")
        settings_action = QAction("Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self._on_settings_clicked)
        for action in (self.files.record_action, open_action, export_action, settings_action):
            toolbar.addAction(action)

    # -- live data ---------------------------------------------------------------------------

    @property
    def current_page(self) -> Page:
        return self.page_list[max(0, self.sidebar.currentRow())]

    @Slot(int)
    def _on_page_chosen(self, row: int) -> None:
        if self.replay is not None:
            self.back_to_live()
        self.pages.setCurrentWidget(self.page_list[row].widget)
        self._dirty = True
        self._on_redraw_due()

    def _on_alerts(self, events: list[AlertEvent]) -> None:
        for event in events:
            if event.kind == "fired":
                self._active_alerts[event.alert.key] = event.alert
                self.tray.notify("AI Workstation Manager", event.alert.message)
            else:
                self._active_alerts.pop(event.alert.key, None)
        active = [a.message for a in self._active_alerts.values()]
        self.alert_banner.setText("⚠ " + "   ·   ".join(active) if active else "")
        self.alert_banner.setVisible(bool(active))

    def redraw_now(self) -> None:
        """Take waiting samples and redraw at once (screenshots), instead of at the next timer tick."""
        self._dirty = True
        self._on_redraw_due()

    @property
    def painting(self) -> bool:
        """Redraw only what someone can see: not minimised, not hidden, not paused."""
        return self.isVisible() and not self.isMinimized() and not self.current_page.paused

    def changeEvent(self, event: QEvent) -> None:
        """Restored from minimised: draw what came in meanwhile now, not at the next tick (up to 1 s of n/a)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and not self.isMinimized():
            self._on_redraw_due()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again from the tray: the same as a restore."""
        super().showEvent(event)
        self._on_redraw_due()

    @Slot()
    def _on_redraw_due(self) -> None:
        for sample in _take_all(self._samples):
            self.state.add(sample)
            self._dirty = True
        if events := _take_all(self._alert_events):
            self._on_alerts(events)
        self.tray.show_hottest(self.state, self.settings.alerts.gpu_near_slowdown_c)
        if not self._dirty or not self.painting or self.replay is not None:
            return
        end = self.state.history.newest_time()
        if end is not None:
            self.current_page.refresh(self.state, end)
            self._dirty = False

    # -- replay -----------------------------------------------------------

    @Slot()
    def _on_open_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open session", str(Path.home()), "Session files (*.aiwm)")
        if name:
            self.open_session(Path(name))

    def open_session(self, path: Path) -> threading.Thread:
        self.statusBar().showMessage(f"Loading {path}…")
        return self._loader.run(lambda: load_replay(path))

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
        self.files.choose_and_export(self.replay.path if self.replay is not None else None)

    # -- settings and closing ----------------------------------------------------------------

    @Slot()
    def _on_settings_clicked(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.apply_settings(dialog.settings(self.dashboard.window_s))

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.live.alerts.settings = settings.alerts
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
        """Stop timers, sampling and recording; wait for files being written; leaves no thread or timer running."""
        if self._closing:
            return
        self._closing = True
        self.redraw_timer.stop()
        self.live.unsubscribe(on_sample=self._samples.append, on_alert=self._alert_events.append)
        self.live.stop()
        self.files.wait()
        self._loader.wait()
        self.tray.hide()


def _take_all(waiting: collections.deque[T]) -> list[T]:
    """Everything in `waiting`, oldest first, leaving it empty (items appended meanwhile stay)."""
    taken = []
    while waiting:
        taken.append(waiting.popleft())
    return taken
