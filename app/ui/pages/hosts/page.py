"""The Hosts page: add and remove hosts, the fleet overview, and a host's own Dashboard when opened.

Every host is read by its `RemoteHost` on its own thread; this page only takes what arrived, on a
1 Hz timer on the GUI thread (`Fleet.drain`), and draws what is on screen. It never waits for ssh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.core.errors import UserError
from app.fleet.host_list import load_hosts, save_hosts
from app.fleet.watch import Fleet, HostView
from app.ui.pages.hosts.add_dialog import AddHostDialog
from app.ui.pages.hosts.host_dashboard import HostDashboard
from app.ui.pages.hosts.overview import FleetOverview
from app.ui.theme import Theme

REDRAW_MS = 1000  # the window's redraw rate (app/ui/main_window.py)
KEYS_NOTE = "Watched with your own ssh: keys, agent, ProxyJump and known hosts from ~/.ssh/config; no passwords."


class HostsPage(QWidget):
    """Remote hosts: the overview of all, or one host's Dashboard; the list is saved in `hosts_file`."""

    def __init__(
        self,
        fleet: Fleet,
        theme: Theme,
        window_s: float,
        hosts_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.fleet, self._theme, self._window_s = fleet, theme, window_s
        self._hosts_file, self._clock = hosts_file, clock
        self.opened: HostDashboard | None = None
        self.add_button = QPushButton("Add host…")
        self.add_button.setToolTip("Watch another machine over ssh: user@server, server or an ~/.ssh/config alias")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.notice = QLabel()  # the hosts file's warning, or why a host cannot be opened yet
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {theme.warning}")
        self.notice.hide()
        self.notice_close = QPushButton("✕")
        self.notice_close.setToolTip("Dismiss this notice")
        self.notice_close.setFlat(True)
        self.notice_close.clicked.connect(self.dismiss_notice)
        self.notice_close.hide()
        # A notice about the hosts file stays until dismissed; one about a host not ready to open
        # (`_passing`) stays until that host opens; the passing one is shown over the lasting one.
        self._lasting_notice: str | None = None
        self._passing_notice: str | None = None
        self.overview = FleetOverview(theme)
        self.overview.open_requested.connect(self.open_host)
        self.overview.remove_requested.connect(self.remove_host)
        self.overview.retry_requested.connect(self.retry_host)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        self._build_layout()
        loaded = load_hosts(hosts_file)
        self._may_save = loaded.may_save
        if loaded.warning:
            self._notify(loaded.warning, lasting=True)
        for host in loaded.hosts:
            self._watch(host)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(REDRAW_MS)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        note = QLabel(KEYS_NOTE)
        note.setStyleSheet(f"color: {self._theme.muted}")
        top.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.notice_close)
        layout.addLayout(notice_row)
        layout.addWidget(self.stack, 1)

    @property
    def paused(self) -> bool:
        return self.opened is not None and self.opened.dashboard.paused

    @property
    def painting(self) -> bool:
        """Draw only what someone can see: the page shown, the window not minimised."""
        return self.isVisible() and not self.window().isMinimized()

    @Slot()
    def tick(self) -> None:
        """Take what every host sent; redraw the rows (or the opened host) that changed, when on screen."""
        changed = self.fleet.drain()
        if not self.painting:
            return
        now_s = self._clock()
        for view in changed:
            self._draw(view, now_s)

    def _draw(self, view: HostView, now_s: float) -> None:
        if self.opened is not None and self.opened.host == view.host:
            if view.generation != self.opened.generation:
                self.open_host(view.host, -1)  # another inventory (the host was changed): a new dashboard
            else:
                self.opened.show_view(view, now_s)
        if self.stack.currentWidget() is self.overview and view.host in self.overview.rows:
            self.overview.rows[view.host].show_view(view, now_s)
            view.changed = False
        elif self.opened is not None and self.opened.host == view.host:
            view.changed = False

    def redraw_all(self) -> None:
        """Draw every host now (the page was just shown, or a screenshot is due)."""
        self.fleet.drain()
        now_s = self._clock()
        for view in self.fleet.views:
            self._draw(view, now_s)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.redraw_all()

    def add_host(self, host: str) -> None:
        """Watch `host` and save the list; a host already listed is only shown (its row flashes)."""
        if host in self.fleet.names():
            if self.opened is not None:
                self.back_to_overview()
            self.overview.select(host)
            return
        if self._watch(host):
            self._save()

    @Slot(str)
    def retry_host(self, host: str) -> None:
        """The row's "Retry now": connect again at once (its state shows on the next redraw)."""
        self.fleet.retry(host)

    def _watch(self, host: str) -> bool:
        """Start watching `host` and give it a row; False (and the reason on the page) if ssh refuses the name."""
        try:
            view = self.fleet.add(host)
        except ValueError as error:  # RemoteHost checks the name too (a leading '-', a control character)
            self._notify(f"{host!r} cannot be watched: {error}", lasting=True)
            return False
        self.overview.add(view).show_view(view, self._clock())
        return True

    @Slot(str)
    def remove_host(self, host: str) -> None:
        if self.opened is not None and self.opened.host == host:
            self.back_to_overview()
        self.fleet.remove(host)
        self.overview.remove(host)
        self._save()

    @Slot(str, int)
    def open_host(self, host: str, gpu_index: int = -1) -> None:
        """Show `host`'s Dashboard (GPU `gpu_index` chosen where it shows one GPU at a time)."""
        view = self.fleet.view(host)
        if view.state is None or view.header is None:
            self._notify(f"{host} has not sent its GPU list yet ({view.status.state}): nothing to show")
            return
        self._close_opened()
        self.opened = HostDashboard(view, self._theme, self._window_s)
        self.opened.back_requested.connect(self.back_to_overview)
        self.opened.dashboard.window_changed.connect(self._on_window_changed)
        self.stack.addWidget(self.opened)
        self.stack.setCurrentWidget(self.opened)
        if gpu_index >= 0:
            self.opened.dashboard.show_gpu(gpu_index)
        self.opened.show_view(view, self._clock())
        self._passing_notice = None  # the host opened: "not sent its GPU list yet" no longer applies
        self._show_notice()

    @Slot()
    def back_to_overview(self) -> None:
        self._close_opened()
        self.stack.setCurrentWidget(self.overview)
        self.redraw_all()

    def _close_opened(self) -> None:
        if self.opened is not None:
            self.stack.removeWidget(self.opened)
            self.opened.deleteLater()
            self.opened = None

    @Slot(float)
    def _on_window_changed(self, window_s: float) -> None:
        self._window_s = window_s
        if self.opened is not None:
            self.opened.show_view(self.fleet.view(self.opened.host), self._clock())

    @Slot()
    def _on_add_clicked(self) -> None:
        dialog = AddHostDialog(self.fleet.names(), self._theme, self)
        if dialog.exec():
            self.add_host(dialog.host())

    def _save(self) -> None:
        if not self._may_save:
            return
        try:
            save_hosts(self.fleet.names(), self._hosts_file)
        except (UserError, OSError) as error:
            self._notify(f"the host list could not be saved: {error}", lasting=True)

    def _notify(self, text: str, lasting: bool = False) -> None:
        if lasting:
            self._lasting_notice = text
        else:
            self._passing_notice = text
        self._show_notice()

    @Slot()
    def dismiss_notice(self) -> None:
        """The notice's close button: the user has read it."""
        self._lasting_notice = self._passing_notice = None
        self._show_notice()

    def _show_notice(self) -> None:
        text = self._passing_notice or self._lasting_notice
        self.notice.setText(text or "")
        self.notice.setVisible(text is not None)
        self.notice_close.setVisible(text is not None)

    @Slot()
    def shutdown(self) -> None:
        """Stop the timer and every host's ssh; leaves no thread or process behind."""
        self.timer.stop()
        self.fleet.stop()
