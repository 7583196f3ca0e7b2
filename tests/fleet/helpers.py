"""Shared by the SSH tests: a RemoteHost's records collected, waiting for a condition, leftovers."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from app.core.sampling.sample import Sample
from app.fleet.records import HostStatus, StreamAlert
from app.fleet.remote import RemoteHost

REPLAY = Path(__file__).with_name("stream_replay.py")


def replay_aiwm(mode: str, *options: str) -> list[str]:
    """The remote `aiwm` that LocalSshd's shim runs: the stand-in in `mode` (see stream_replay.py)."""
    return [sys.executable, str(REPLAY), mode, *options, "--"]


class Collected:
    """Everything a RemoteHost handed to its listeners, gathered from its reader thread."""

    def __init__(self, host: RemoteHost) -> None:
        self.samples: list[Sample] = []
        self.statuses: list[HostStatus] = []
        self.alerts: list[StreamAlert] = []
        self._lock = threading.Lock()
        host.subscribe(on_sample=self._sample, on_status=self._status, on_alert=self._alert)

    def _sample(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def _status(self, status: HostStatus) -> None:
        with self._lock:
            self.statuses.append(status)

    def _alert(self, alert: StreamAlert) -> None:
        with self._lock:
            self.alerts.append(alert)

    def states(self) -> list[str]:
        """The states in order, each change once (the many "streaming" updates folded)."""
        with self._lock:
            states = [s.state for s in self.statuses]
        return [state for i, state in enumerate(states) if i == 0 or states[i - 1] != state]


def wait_for(condition: Callable[[], object], timeout_s: float = 20.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(0.05)


def ssh_children() -> list[psutil.Process]:
    """This test process's `ssh` children that are still running."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.name() == "ssh" and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found
