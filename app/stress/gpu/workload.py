"""The GPU compute and VRAM workloads: the `Workload` protocol over a worker process.

`start`, `poll` and `stop` return at once (stop within a few seconds: it waits for the loop to
notice, then terminates and kills). The GPU is named by its PCI bus id, which CUDA and NVML agree
on; their indices need not.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from app.stress.gpu.burn import BurnMode, BurnSettings, OpenBurnDevice, run_burn
from app.stress.gpu.cuda_burn import open_cuda_burn
from app.stress.gpu.cuda_vram import open_cuda_vram
from app.stress.gpu.vram import OpenVramDevice, VramSettings, run_vram
from app.stress.gpu.worker import Loop, WorkerProcess
from app.stress.records import Kind, WorkloadStatus


class _WorkerWorkload:
    """start/poll/stop over one `WorkerProcess`; stop is idempotent and safe after a crash."""

    kind: Kind
    device: str | None

    def __init__(self, loop: Loop, args: tuple[Any, ...], name: str) -> None:
        self._worker = WorkerProcess(loop, args, name)
        self._started = False
        self._final: WorkloadStatus | None = None

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._worker.start()

    def poll(self) -> WorkloadStatus:
        if self._final is not None:
            return self._final
        if not self._started:
            return WorkloadStatus(running=False)
        latest = self._worker.drain()
        exit_code = self._worker.exit_code()
        if exit_code is not None:
            return self._ended(latest, exit_code)
        return latest or WorkloadStatus(running=True)

    def stop(self) -> WorkloadStatus:
        if self._final is not None:
            return self._final
        if not self._started:
            self._final = WorkloadStatus(running=False)
            return self._final
        self._worker.stop()
        self._final = self._ended(self._worker.latest, self._worker.exit_code())
        return self._final

    @staticmethod
    def _ended(latest: WorkloadStatus | None, exit_code: int | None) -> WorkloadStatus:
        """The final status; a worker that died without a last word (a crash, a kill) is a failure."""
        if latest is not None and not latest.running:
            return latest
        failure = f"the worker process ended without a result (exit code {exit_code})"
        if latest is None:
            return WorkloadStatus(running=False, failure=failure)
        return WorkloadStatus(
            running=False,
            iterations=latest.iterations,
            errors=latest.errors,
            metrics=latest.metrics,
            details=latest.details,
            failure=failure,
        )


class GpuBurnWorkload(_WorkerWorkload):
    """FP32 FMA (or tensor-core mma.sync) burn on one GPU, every launch compared bit-exactly with the first.

    Metrics: `tflops` (achieved), `peak_tflops` (catalog), `percent_of_peak`; `errors` counts
    mismatching 32-bit words. `open_device` and `inject_error_at` exist for tests and self-checks.
    """

    kind: Kind = "gpu"

    def __init__(
        self,
        pci_bus_id: str,
        label: str = "gpu0",
        *,
        mode: BurnMode = "fp32",
        inject_error_at: int | None = None,
        open_device: OpenBurnDevice = open_cuda_burn,
    ) -> None:
        self.device = label
        self.pci_bus_id = pci_bus_id
        settings = BurnSettings(mode=mode, inject_error_at=inject_error_at)
        super().__init__(partial(run_burn, open_device, pci_bus_id, settings), (), f"aiwm-gpu-burn-{label}")


class VramWorkload(_WorkerWorkload):
    """Pattern tests over as much free VRAM as is safe (or `size_bytes`).

    Metrics: `bytes_tested`, `passes`; details: `first_error_address`, `flipped_bit_histogram`,
    `mismatches`.
    """

    kind: Kind = "vram"

    def __init__(
        self,
        pci_bus_id: str,
        label: str = "gpu0",
        size_bytes: int | None = None,
        *,
        settings: VramSettings | None = None,
        open_device: OpenVramDevice = open_cuda_vram,
    ) -> None:
        self.device = label
        self.pci_bus_id = pci_bus_id
        self.size_bytes = size_bytes
        chosen = settings or VramSettings(size_bytes=size_bytes)
        super().__init__(partial(run_vram, open_device, pci_bus_id, chosen), (), f"aiwm-vram-{label}")
