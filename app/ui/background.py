"""Blocking work for the window (closing a recording, writing a CSV, reading a session) off the GUI thread.

The GUI thread must keep painting and answering input; a call that waits on a disk or joins a
writer thread runs here on a worker thread, and its result comes back as a Qt signal, which Qt
delivers on the GUI thread. Every failure comes back too: a worker that dies on an exception
would otherwise leave the user with no file and no word of why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.errors import UserError

log = logging.getLogger(__name__)


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
        except UserError as error:  # the user's input: the message says it all
            log.warning("%s: %s", self._name, error)
            self.failed.emit(str(error))
        except OSError as error:  # the system said no: a full disk, a lost mount, no permission
            log.warning("%s: %s", self._name, error)
            self.failed.emit(describe_os_error(error))
        except Exception as error:  # a bug, or a file damaged in a way nobody foresaw: keep the traceback
            log.exception("%s failed", self._name)
            self.failed.emit(f"unexpected error ({type(error).__name__}: {error}); the details are in the log")
        else:
            self.finished.emit(result)


def describe_os_error(error: OSError) -> str:
    """'No space left on device: /data/out.csv' rather than "[Errno 28] No space left on device: '/data/out.csv'"."""
    reason = error.strerror or str(error) or type(error).__name__
    return f"{reason}: {error.filename}" if error.filename is not None else reason
