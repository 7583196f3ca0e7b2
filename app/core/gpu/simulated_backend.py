"""Simulated GPUs behind the same interface as NVML, with a demo workload to watch.

Everything it produces says SIMULATED: the status, every GPU's name, `simulated=True`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import TypeVar

from app.core.clock import Clock
from app.core.gpu.catalog import GpuProfile
from app.core.gpu.records import (
    GpuInfo,
    GpuReading,
    GpuSetReading,
    NvidiaStatus,
    PcieThroughput,
    PcieThroughputReading,
)
from app.core.gpu.simulated import SimulatedGpu

GIB = 2**30


def demo_load(index: int, elapsed_s: float) -> tuple[float, int, str] | None:
    """A plausible workstation day in miniature: GPU 0 trains, GPU 1 serves bursts, others idle.

    Training: full load after 5 s, with a 3 s dip every 45 s (evaluation, checkpoint).
    Inference: 60 % load for 20 s of every 60 s, 5 % between.
    """
    if index == 0:
        if elapsed_s < 5:
            return None
        dip = (elapsed_s - 5) % 45 > 42
        return (0.2 if dip else 0.98), 20 * GIB, "train.py"
    if index == 1:
        return (0.6 if elapsed_s % 60 < 20 else 0.05), 9 * GIB, "serve.py"
    return None


class SimulatedBackend:
    """Simulated GPUs advanced to the engine's clock on every read.

    Two sampler workers read one backend (`gpu` and `gpu_pcie`); the model is plain Python state
    stepped forward in time, so every read holds `_lock`: two threads stepping the same GPU at
    once would integrate the same interval twice.
    """

    def __init__(self, profiles: Sequence[GpuProfile], clock: Clock, seed: int = 0, demo_workload: bool = True) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._start_s = clock.monotonic()
        self.gpus = [SimulatedGpu(p, i, self._start_s, seed) for i, p in enumerate(profiles)]
        self._demo_workload = demo_workload
        self._held: dict[int, tuple[float, int | None, str | None]] = {}  # loads a stress test set
        keys = ", ".join(p.key for p in profiles)
        self._status = NvidiaStatus(
            status=f"SIMULATED: {len(profiles)} demo GPU(s) ({keys}); no real GPU is read",
            driver_version=None,
            cuda_driver_version=None,
            nvml_version=None,
            simulated=True,
            cause="simulated",
        )

    @property
    def clock(self) -> Clock:
        """The engine's clock the GPUs advance on (a stress test times its simulated run by it)."""
        return self._clock

    @property
    def gpu_count(self) -> int:
        return len(self.gpus)

    def status(self) -> NvidiaStatus:
        return self._status

    def inventory(self, refresh: bool = False) -> tuple[GpuInfo, ...]:
        with self._lock:
            return tuple(_explained(g.info()) for g in self.gpus)

    def hold_load(self, index: int, fraction: float, vram_bytes: int | None = None, name: str | None = None) -> None:
        """Put a load on GPU `index` that wins over the demo workload until `release_load`:
        how a stress or cooling test loads a simulated GPU. The model is first advanced to now,
        so the new load starts now and not at the last read."""
        with self._lock:
            self._advance()
            self._held[index] = (fraction, vram_bytes, name)
            self.gpus[index].set_load(fraction, vram_bytes, name)

    def release_load(self, index: int) -> None:
        """End a held load: the GPU goes back to the demo workload, or idle without one."""
        with self._lock:
            self._advance()
            self._held.pop(index, None)
            self.gpus[index].set_load(0.0, 0, None)

    def _advance(self) -> None:
        now = self._clock.monotonic()
        for gpu in self.gpus:
            if gpu.index in self._held:
                gpu.set_load(*self._held[gpu.index])
            elif self._demo_workload:
                load = demo_load(gpu.index, now - self._start_s)
                gpu.set_load(*(load or (0.0, 0, None)))
            gpu.advance_to(now)

    def read(self) -> GpuSetReading:
        with self._lock:
            self._advance()
            return GpuSetReading(self._status, tuple(_explained(g.reading()) for g in self.gpus))

    def read_pcie(self) -> PcieThroughputReading:
        """Host-to-device traffic that follows the load: a data loader feeding the GPU."""
        with self._lock:
            self._advance()
            links = tuple(PcieThroughput(g.index, g.load * 0.4e9, g.load * 2.5e9) for g in self.gpus)
        return PcieThroughputReading(links)

    def close(self) -> None:
        """Nothing held."""


NOT_MODELLED = "not modelled by the simulated GPU"

_Record = TypeVar("_Record", GpuInfo, GpuReading)


def _explained(record: _Record) -> _Record:
    """The record with a reason for every `None` the model leaves without one (ECC, MIG, margin)."""
    known = {name for name, _ in record.missing}
    unexplained = tuple(
        (f.name, NOT_MODELLED) for f in fields(record) if getattr(record, f.name) is None and f.name not in known
    )
    return replace(record, missing=record.missing + unexplained) if unexplained else record
