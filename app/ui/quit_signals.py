"""Ctrl+C in the terminal, SIGTERM (kill, systemd) and SIGHUP (the terminal closed) close the window cleanly.

Python runs its signal handlers only when the interpreter gets control, and while Qt waits for
events in C++ it does not. So the C-level handler's wake-up byte (`signal.set_wakeup_fd`) goes
to a socket that Qt watches; the byte is the signal's number, and the quit happens in an ordinary
slot on the GUI thread, never in the middle of a redraw.
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal, Slot

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)  # Windows has no SIGHUP


class QuitSignals(QObject):
    """While it lives, SIGINT, SIGTERM and SIGHUP emit `received(signum)` on the GUI thread instead of
    their usual effect (KeyboardInterrupt, or the process killed without saving a recording).

    Create it on the main thread; `close()` puts the previous handlers back.
    """

    received = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signum: int | None = None  # the first quit signal received
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_woken)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous = {signum: signal.signal(signum, _wake_only) for signum in QUIT_SIGNALS}

    @Slot()
    def _on_woken(self) -> None:
        try:
            numbers = self._reader.recv(256)
        except BlockingIOError:
            return
        for signum in numbers:
            if signum in QUIT_SIGNALS and self.signum is None:
                self.signum = signum
                self.received.emit(signum)

    def close(self) -> None:
        """Restore the handlers and the wake-up descriptor that were there before."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


def _wake_only(_signum: int, _frame: FrameType | None) -> None:
    """Nothing to do here: the wake-up byte already told Qt which signal came (see the module's docstring)."""


def exit_status(signum: int) -> int:
    """128 + the signal's number, as shells report a program a signal ended: 130 for Ctrl+C, 143 for SIGTERM."""
    return 128 + signum
