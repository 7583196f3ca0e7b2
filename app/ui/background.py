"""Blocking work for the window (closing a recording, writing a CSV, reading a session) off the GUI thread.

The GUI thread must keep painting and answering input; a call that waits on a disk or joins a
writer thread runs here on a worker thread, and its result comes back as a Qt signal, which Qt
delivers on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.errors import UserError


class BackgroundTask(QObject):
    """Runs `work` on a worker thread; `finished(result)` or `failed(message)` arrive on the GUI thread."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._threads: list[threading.Thread] = []

    def run(self, work: Callable[[], object]) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(work,), name=f"aiwm-{self._name}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return thread

    @property
    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until the work under way is done (on quitting: a recording must be saved whole)."""
        for thread in self._threads:
            thread.join(timeout_s)

    def _run(self, work: Callable[[], object]) -> None:
        try:
            result = work()
        except UserError as error:  # a problem to show the user; anything else is a bug and is logged
            self.failed.emit(str(error))
            return
        self.finished.emit(result)
