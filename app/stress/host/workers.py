"""Worker processes for the host workloads: start them ("spawn"), hear their reports, stop them.

Each worker gets one end of a pipe. It sends its cumulative state as a small dict; the parent reads
the pipes without blocking. The parent asks a worker to stop by sending "stop"; a worker whose
parent died sees the pipe close and ends too, so a killed parent leaves no worker behind.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from app.stress.worker_signals import leave_interrupts_to_the_parent

Report = dict[str, Any]  # {"iterations", "errors", "metrics", "details", "failure"}: cumulative per worker
STOP_GRACE_S = 3.0  # how long a worker may take to finish its step after "stop" before it is terminated
KILL_GRACE_S = 2.0  # how long after SIGTERM before SIGKILL

_ENV_LOCK = threading.Lock()


class Channel:
    """The worker's side of its pipe: report progress, notice a stop request or a dead parent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._stopped = False
        self.parent_gone = False  # the parent's end closed without a "stop": it died (kill -9, a crash)

    def stop_requested(self) -> bool:
        """True once the parent sent "stop" or went away (its end of the pipe closed)."""
        if not self._stopped:
            try:
                if self._conn.poll(0):
                    self._conn.recv()
                    self._stopped = True
            except (EOFError, OSError):
                self._stopped = self.parent_gone = True
        return self._stopped

    def report(self, state: Report) -> None:
        """Send the worker's cumulative state; a parent that is gone counts as a stop request."""
        try:
            self._conn.send(state)
        except (BrokenPipeError, EOFError, OSError):
            self._stopped = self.parent_gone = True


def run_worker(body: Callable[..., None], conn: Connection, *args: Any) -> None:
    """A worker's entry point: run `body(channel, *args)`, and report any exception as its failure.

    Ctrl+C and a hang-up are left to the parent, which stops the workers (no traceback per worker).
    """
    leave_interrupts_to_the_parent()
    channel = Channel(conn)
    try:
        body(channel, *args)
    except Exception as error:  # the parent must learn why its worker ended, whatever the reason
        channel.report({"failure": f"{type(error).__name__}: {error}"})
        raise SystemExit(1) from None


@contextmanager
def child_environment(extra: Mapping[str, str]) -> Iterator[None]:
    """Set variables in the environment that spawned children inherit, for the duration of a start.

    "spawn" starts a fresh interpreter with the parent's environment, so a variable that a library
    reads when it loads (OPENBLAS_NUM_THREADS) must be there before the child imports it.
    """
    with _ENV_LOCK:
        saved = {name: os.environ.get(name) for name in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    latest: Report = field(default_factory=dict)
    stop_sent: bool = False


class WorkerPool:
    """Worker processes of one workload and the latest report of each."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._workers: list[_Worker] = []

    def start(self, body: Callable[..., None], args_per_worker: list[tuple[Any, ...]], env: Mapping[str, str]) -> None:
        """Start one process per argument tuple; returns once they are started (not finished)."""
        context = multiprocessing.get_context("spawn")
        with child_environment(env):
            for index, args in enumerate(args_per_worker):
                parent_end, child_end = context.Pipe(duplex=True)
                process = context.Process(
                    target=run_worker, args=(body, child_end, *args), name=f"aiwm-{self._name}-{index}", daemon=True
                )
                process.start()
                child_end.close()
                self._workers.append(_Worker(process, parent_end))

    def reports(self) -> list[Report]:
        """Each worker's latest report (read without blocking)."""
        for worker in self._workers:
            self._drain(worker)
        return [worker.latest for worker in self._workers]

    def crashed(self) -> list[str]:
        """Why workers ended that were not asked to: "worker 2 exited with code -9"."""
        return [
            f"worker {index} exited with code {worker.process.exitcode}"
            for index, worker in enumerate(self._workers)
            if not worker.stop_sent and worker.process.exitcode not in (None, 0)
        ]

    def all_finished(self) -> bool:
        """True when no worker process is alive (they finished, crashed or were stopped)."""
        return all(not worker.process.is_alive() for worker in self._workers)

    def stop(self) -> list[Report]:
        """Ask every worker to stop, wait briefly, then terminate and kill stragglers; idempotent.

        Returns each worker's last report (a worker finishing its step still reports on its way out).
        """
        for worker in self._workers:
            if worker.process.is_alive() and not worker.stop_sent:
                with suppress(BrokenPipeError, OSError):
                    worker.conn.send("stop")
            worker.stop_sent = True
        for finish in (None, BaseProcess.terminate, BaseProcess.kill):
            self._wait_all(STOP_GRACE_S if finish is None else KILL_GRACE_S, finish)
        final = self.reports()
        for worker in self._workers:
            worker.conn.close()
            worker.process.close()
        self._workers = []
        return final

    def _wait_all(self, timeout_s: float, finish: Callable[[BaseProcess], None] | None) -> None:
        """Apply `finish` to the live workers, then wait for them, reading their pipes meanwhile
        (a worker blocked on a full pipe could not otherwise end)."""
        if finish is not None:
            for worker in self._workers:
                if worker.process.is_alive():
                    finish(worker.process)
        deadline = time.monotonic() + timeout_s
        while not self.all_finished() and time.monotonic() < deadline:
            self.reports()
            time.sleep(0.01)

    @staticmethod
    def _drain(worker: _Worker) -> None:
        try:
            while not worker.conn.closed and worker.conn.poll(0):
                message = worker.conn.recv()
                if isinstance(message, dict):
                    worker.latest = {**worker.latest, **message}
        except (EOFError, OSError):
            pass
