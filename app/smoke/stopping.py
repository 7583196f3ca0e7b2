"""Stopping `aiwm --smoke-test` from outside: SIGTERM and SIGHUP end it as Ctrl+C does.

Without this, `kill PID` (or a closed terminal) ended the parent at once and left the child
running on its own and its temporary folder on disk. Now each signal raises `SmokeStopped` in the
parent's main thread; the parent kills the child's whole process group (the child is started as
the leader of a group of its own), removes the folder, and exits 128 + the signal's number.
A signal that comes while the child is being started waits until the child can be killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class SmokeStopped(BaseException):
    """SIGTERM or SIGHUP reached the parent. A BaseException, like KeyboardInterrupt: no
    `except Exception` on the way may swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class StopSignals:
    """The handler of SIGTERM and SIGHUP: raises SmokeStopped, except while a child is being
    started, when it only notes the signal for `started()` to raise."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.holding = False

    def __call__(self, signum: int, _frame: object) -> None:
        self.received = signum
        if not self.holding:
            raise SmokeStopped(signum)

    @contextlib.contextmanager
    def starting(self) -> Iterator[None]:
        """Hold signals back while the child is started (its Popen object does not exist yet)."""
        self.holding = True
        try:
            yield
        except BaseException:
            self.holding = False
            if self.received is not None:
                raise SmokeStopped(self.received) from None
            raise

    def started(self) -> None:
        """The child can be killed now: raise a signal held back meanwhile, and any later one at once."""
        self.holding = False
        if self.received is not None:
            raise SmokeStopped(self.received)


@contextlib.contextmanager
def raising_on_stop_signals() -> Iterator[StopSignals]:
    """SIGTERM and SIGHUP raise SmokeStopped in this block; the previous handlers come back after it.

    A signal ignored when the program started stays ignored (`nohup aiwm --smoke-test`), and outside
    the main thread, where Python cannot set handlers, nothing is installed."""
    stops = StopSignals()
    previous = {}
    with contextlib.suppress(ValueError):  # not the main thread
        for signum in STOP_SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, stops)
    try:
        yield stops
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def own_group_options() -> dict[str, Any]:
    """Popen's options that start the child as the leader of a new process group, on POSIX; Windows
    has no such groups to kill, and there the child alone is killed, as before."""
    return {"process_group": 0} if os.name == "posix" else {}


def killing_its_group(child: subprocess.Popen[str]) -> None:
    """Kill the child and, on POSIX, every process still in its group (what it started)."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    child.kill()
