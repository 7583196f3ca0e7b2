"""The compute burn's loop: launch the same kernel again and again, compare every result bit-exactly
with the first launch's (gpu-burn's principle), count what differs, and measure TFLOPS.

The loop talks to the GPU through `BurnDevice`, a small interface that the CUDA implementation
(`cuda_burn.py`) and the tests' numpy stand-in both provide, so the counting is tested without a GPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from app.core.gpu.catalog import peak_tflops
from app.stress.gpu.mismatches import BITS, Mismatches, add_histograms
from app.stress.gpu.worker import Report, ShouldStop
from app.stress.records import WorkloadStatus

BurnMode = Literal["fp32", "tensor"]
REPORT_INTERVAL_S = 1.0


class BurnDevice(Protocol):
    """One GPU loaded with a burn kernel, its output buffer and a reference copy."""

    name: str  # as the driver names the GPU: the catalog's key for the peak

    @property
    def flops_per_launch(self) -> float:
        """Floating-point operations one launch performs (an FMA counts two)."""

    def launch(self) -> None:
        """Queue one launch of the burn kernel writing the output buffer."""

    def keep_as_reference(self) -> None:
        """Copy the output buffer to the reference buffer (after the first launch)."""

    def compare_with_reference(self) -> Mismatches:
        """Wait for the launches, then compare output and reference bit by bit."""

    def flip_output_bit(self, word: int, bit: int) -> None:
        """Corrupt one bit of the output: the error-injection path into the comparison."""

    def close(self) -> None: ...


OpenBurnDevice = Callable[[str, BurnMode], BurnDevice]


@dataclass(frozen=True)
class BurnSettings:
    mode: BurnMode = "fp32"
    inject_error_at: int | None = None  # the launch (1 = first compared) whose output gets one bit flipped
    report_interval_s: float = REPORT_INTERVAL_S


@dataclass
class _Tally:
    """What the loop has seen so far (mutable, private to the worker process)."""

    started_s: float
    launches: int = 0
    mismatches: Mismatches = field(default_factory=Mismatches)

    def add(self, found: Mismatches) -> None:
        first = self.mismatches.first_index if self.mismatches.first_index is not None else found.first_index
        self.mismatches = Mismatches(
            self.mismatches.words + found.words,
            first,
            add_histograms(self.mismatches.bit_histogram, found.bit_histogram),
        )


def run_burn(
    open_device: OpenBurnDevice,
    pci_bus_id: str,
    settings: BurnSettings,
    *,
    report: Report,
    should_stop: ShouldStop,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """The worker process's body: open the GPU, burn until told to stop, report about once a second."""
    device = open_device(pci_bus_id, settings.mode)
    try:
        peak = peak_tflops(device.name, settings.mode)
        device.launch()
        device.keep_as_reference()
        tally = _Tally(started_s=clock())
        last_report = tally.started_s
        while not should_stop():
            device.launch()
            tally.launches += 1
            if tally.launches == settings.inject_error_at:
                device.flip_output_bit(0, 0)
            tally.add(device.compare_with_reference())
            now = clock()
            if now - last_report >= settings.report_interval_s:
                report(burn_status(device, settings.mode, tally, now, peak, running=True))
                last_report = now
        report(burn_status(device, settings.mode, tally, clock(), peak, running=False))
    finally:
        device.close()


def burn_status(
    device: BurnDevice, mode: BurnMode, tally: _Tally, now_s: float, peak: float | None, *, running: bool
) -> WorkloadStatus:
    """TFLOPS over every compared launch (the compare's own time included), against the catalog's peak."""
    elapsed = now_s - tally.started_s
    tflops = tally.launches * device.flops_per_launch / elapsed / 1e12 if elapsed > 0 and tally.launches else None
    percent = 100.0 * tflops / peak if tflops is not None and peak else None
    found = tally.mismatches
    return WorkloadStatus(
        running=running,
        iterations=tally.launches,
        errors=found.words,
        metrics={"tflops": tflops, "peak_tflops": peak, "percent_of_peak": percent},
        details={
            "gpu_name": device.name,
            "kernel": mode,
            "mismatches": found.words,
            "first_error_word": found.first_index,
            "flipped_bit_histogram": list(found.bit_histogram) if found.words else [0] * BITS,
            "peak_source": None if peak else f"no {mode} peak in the GPU catalog for {device.name!r}",
        },
    )
