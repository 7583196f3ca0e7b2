"""Stopping a long command cleanly on SIGINT, SIGTERM or SIGHUP (`record`, `stress`).

The handler only sets an event, which the command's own loop watches, so a recording still closes
its file and a stress test still stops its workers and saves its result.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)  # Windows has no SIGHUP


class StopRequest:
    """Set by SIGINT, SIGTERM or SIGHUP; remembers which, for the exit status."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None

    def __call__(self, signum: int, _frame: object) -> None:
        self.signum = signum
        self.event.set()


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    """A stop request set by SIGINT, SIGTERM or SIGHUP (an SSH session that closed).

    A signal that was ignored when the program started stays ignored: `nohup aiwm record …` must
    outlive the SSH session, and a background job of a script ignores SIGINT. The previous
    handlers come back when the block ends.
    """
    stop = StopRequest()
    wanted = [signum for signum in STOP_SIGNALS if signal.getsignal(signum) is not signal.SIG_IGN]
    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
