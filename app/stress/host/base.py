"""What the CPU, RAM and disk workloads share: start workers, combine their reports, stop once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from app.core.errors import UserError
from app.stress.host.workers import Report, WorkerPool
from app.stress.records import Kind, WorkloadStatus


class WorkloadRefused(UserError):
    """The test cannot run here as asked (too little free space or memory): bad input, said in one
    line before anything starts, not a fault of the hardware."""


class HostWorkload(ABC):
    """A workload run by worker processes; subclasses say what the workers do and how to sum them.

    `preflight()` refuses a test that cannot run here before anything starts (the factory calls
    it). start(), poll() and stop() return at once (stop waits a few seconds at most for
    stragglers). A check that still refuses at start (the free space went meanwhile) becomes the
    status's failure; a worker that cannot go on for a reason outside the hardware (the disk was
    filled by another program) reports it as the status's `abort_reason`.
    """

    kind: Kind
    device: str | None

    def __init__(self) -> None:
        self._pool: WorkerPool | None = None
        self._refusal: str | None = None
        self._final: WorkloadStatus | None = None
        self._last: list[Report] = []
        self.notes: tuple[str, ...] = ()

    # --- what a subclass provides -------------------------------------------------------------
    def _check(self) -> str | None:
        """The checks that can refuse the test, without side effects; a returned sentence refuses it."""
        return None

    def _notes(self) -> tuple[str, ...]:
        """What the user should know before the test starts (a size capped), after `_check`."""
        return ()

    def _prepare(self) -> str | None:
        """Checks and set-up before the workers start; a returned sentence refuses the start."""
        return self._check()

    @abstractmethod
    def _worker(self) -> tuple[Callable[..., None], list[tuple[Any, ...]], Mapping[str, str]]:
        """The worker body, one argument tuple per worker, and environment variables for them."""

    @abstractmethod
    def _metrics(self, reports: list[Report]) -> dict[str, float | None]:
        """The workload's metrics from the workers' latest reports."""

    def _details(self, reports: list[Report]) -> dict[str, object]:
        return {}

    def _extra_errors(self, reports: list[Report]) -> int:
        """Errors found by comparing workers with each other (beyond each worker's own count)."""
        return 0

    def _cleanup(self) -> None:
        """Remove what the workload made (files); called once on stop, also after a crash. Nothing here."""
        return None

    def preflight(self) -> tuple[str, ...]:
        """Refuse a test that cannot run here (`WorkloadRefused`, one line), before anything starts;
        returns notes for the user, also kept in `notes`."""
        refusal = self._check()
        if refusal is not None:
            raise WorkloadRefused(refusal)
        self.notes = self._notes()
        return self.notes

    # --- the Workload protocol ----------------------------------------------------------------
    def start(self) -> None:
        """Run the checks and start the workers; a refusal shows as the status's failure."""
        if self._pool is not None or self._refusal is not None or self._final is not None:
            raise RuntimeError(f"the {self.kind} workload was already started")
        self._refusal = self._prepare()
        if self._refusal is None:
            body, args, env = self._worker()
            self._pool = WorkerPool(self.kind)
            self._pool.start(body, args, env)

    def poll(self) -> WorkloadStatus:
        """The workers' latest combined state, without waiting."""
        if self._final is not None:
            return self._final
        if self._pool is None:
            return self._status(running=False, reports=[], crashed=[])
        reports = self._pool.reports()
        self._last = reports
        crashed = self._pool.crashed()
        return self._status(running=not crashed and not self._pool.all_finished(), reports=reports, crashed=crashed)

    def stop(self) -> WorkloadStatus:
        """Stop the workers, remove the workload's files and return the final status; idempotent."""
        if self._final is not None:
            return self._final
        crashed: list[str] = []
        reports = self._last
        if self._pool is not None:
            crashed = self._pool.crashed()
            reports = self._pool.stop() or reports
        self._cleanup()
        self._final = self._status(running=False, reports=reports, crashed=crashed)
        return self._final

    def _status(self, running: bool, reports: list[Report], crashed: list[str]) -> WorkloadStatus:
        failures = [str(r["failure"]) for r in reports if r.get("failure")] + crashed
        if self._refusal is not None:
            failures.insert(0, self._refusal)
        aborts = list(dict.fromkeys(str(r["aborted"]) for r in reports if r.get("aborted")))
        return WorkloadStatus(
            running=running and not failures and not aborts,
            iterations=sum(int(r.get("iterations", 0)) for r in reports),
            errors=sum(int(r.get("errors", 0)) for r in reports) + self._extra_errors(reports),
            metrics=self._metrics(reports),
            details=self._details(reports),
            failure="; ".join(failures) if failures else None,
            abort_reason="; ".join(aborts) if aborts else None,
        )
