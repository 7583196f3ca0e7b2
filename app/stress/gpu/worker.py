"""A stress loop in its own process, so a GPU hang or a crash in the driver cannot take the caller down.

The process is started with the "spawn" method, never "fork": a forked child of a process that
has touched CUDA inherits a driver state it cannot use. One duplex pipe carries the statuses up
and the word "stop" down; the loop looks for it between kernel launches. `stop()` waits a few
seconds, then terminates and finally kills the process, so none is left behind.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from app.stress.gpu.failures import StressFailure
from app.stress.records import WorkloadStatus
from app.stress.worker_signals import leave_interrupts_to_the_parent

STOP_WAIT_S = 5.0  # a launch lasts well under a second; longer means the GPU or the driver hangs
KILL_WAIT_S = 2.0

Report = Callable[[WorkloadStatus], None]
ShouldStop = Callable[[], bool]
Loop = Callable[..., None]  # loop(*args, report=..., should_stop=...)


def _run(loop: Loop, args: tuple[Any, ...], pipe: Connection) -> None:
    """The child process: run the loop, turning any failure into a final status. Ctrl+C and a
    hang-up are left to the parent, which asks the loop to stop (no KeyboardInterrupt traceback)."""
    leave_interrupts_to_the_parent()
    stop_seen = False

    def should_stop() -> bool:
        nonlocal stop_seen
        stop_seen = stop_seen or pipe.poll()
        return stop_seen

    try:
        loop(*args, report=pipe.send, should_stop=should_stop)
    except StressFailure as error:
        pipe.send(WorkloadStatus(running=False, failure=str(error)))
    except Exception as error:  # the worker's last word: whatever broke, the caller hears why
        pipe.send(WorkloadStatus(running=False, failure=f"{type(error).__name__}: {error}"))
    finally:
        pipe.close()


class WorkerProcess:
    """Runs `loop(*args, report=, should_stop=)` in a spawned process and keeps its newest status."""

    def __init__(self, loop: Loop, args: tuple[Any, ...], name: str) -> None:
        self._loop = loop
        self._args = args
        self._name = name
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None
        self.latest: WorkloadStatus | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(target=_run, args=(self._loop, self._args, child_end), name=self._name, daemon=True)
        process.start()
        child_end.close()
        self._process, self._pipe = process, parent_end

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def exit_code(self) -> int | None:
        """None while the process runs (or never started)."""
        return self._process.exitcode if self._process else None

    def drain(self) -> WorkloadStatus | None:
        """Read every status the process sent so far, without blocking; the newest wins."""
        pipe = self._pipe
        try:
            while pipe is not None and pipe.poll():
                self.latest = pipe.recv()
        except (EOFError, OSError):  # the process ended and its end of the pipe is closed
            pass
        return self.latest

    def stop(self) -> None:
        """Ask the loop to stop, wait, then terminate and kill; drains the last statuses."""
        process, pipe = self._process, self._pipe
        if process is None or pipe is None:
            return
        with contextlib.suppress(OSError):  # BrokenPipeError included: the process already ended
            pipe.send("stop")
        self._wait(process, STOP_WAIT_S)
        if process.is_alive():
            process.terminate()
            self._wait(process, KILL_WAIT_S)
        if process.is_alive():
            process.kill()
            process.join(KILL_WAIT_S)
        self.drain()
        pipe.close()
        self._pipe = None

    def _wait(self, process: BaseProcess, seconds: float) -> None:
        """Join while draining, so a child blocked on a full pipe can still see "stop" and end."""
        deadline = time.monotonic() + seconds
        while process.is_alive() and time.monotonic() < deadline:
            self.drain()
            process.join(0.05)
