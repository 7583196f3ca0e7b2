"""A stress workload on a simulated GPU (`--demo`): it holds full load on the card and reports what
a real burn would, from the card's own model, so every verdict runs end to end without a GPU.

Achieved TFLOPS follow the simulated SM clock: the catalog's FP32 peak × (SM clock / boost clock)
× load, so power capping and thermal slowdown show as lost TFLOPS. The VRAM test covers the
card's memory less the real test's margin (or `size_bytes`, refused above that, as on a real card)
and counts complete pattern passes at a plausible rate. A test can make the run find errors
(`corrupt_after_s`) or fail (`fail_after_s`) to check the verdicts. Everything it reports says
SIMULATED.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import Clock
from app.core.errors import UserError
from app.core.gpu.catalog import GpuSpec, peak_tflops
from app.core.gpu.simulated_backend import SimulatedBackend
from app.stress.gpu.failures import StressFailure
from app.stress.gpu.vram import safe_test_bytes
from app.stress.records import Kind, WorkloadStatus

GIB = 2**30
FULL_LOAD = 1.0
BURN_VRAM_BYTES = 2 * GIB  # the compute burn's matrices
# A pattern pass writes every byte and reads it back several times (walking ones, own address,
# moving inversions, random): about a tenth of a ~1 TB/s card's bandwidth is a plausible net rate.
VRAM_TEST_BYTES_PER_S = 100e9
SIMULATED = "SIMULATED"


def catalog_peak_tflops(spec: GpuSpec) -> float | None:
    """The catalog's published FP32 peak for the simulated card, by the name the driver gives it;
    None where the catalog has none (percent of peak is then n/a, never against a guess)."""
    return peak_tflops(spec.name, "fp32")


@dataclass
class _Progress:
    """What the simulated run has done so far, on the engine's clock."""

    started_s: float
    last_s: float
    flop_tflops_s: float = 0.0  # TFLOPS × seconds, for the mean over the run
    bytes_checked: float = 0.0  # pattern bytes written and read back, all passes together
    iterations: int = 0
    errors: int = 0
    first_error_s: float | None = None


class SimulatedGpuWorkload:
    """Holds full load on one simulated GPU (`SimulatedBackend.hold_load`); TFLOPS follow its clocks."""

    def __init__(
        self,
        backend: SimulatedBackend,
        index: int,
        kind: Kind = "gpu",
        *,
        peak_tflops: float | None = None,
        corrupt_after_s: float | None = None,
        fail_after_s: float | None = None,
        size_bytes: int | None = None,
    ) -> None:
        if kind not in ("gpu", "vram"):
            raise ValueError(f"a simulated GPU runs gpu or vram tests, not {kind}")
        if size_bytes is not None and kind != "vram":
            raise ValueError("size_bytes is for the vram test")
        self.backend = backend
        self.index = index
        self.kind: Kind = kind
        self.device: str | None = f"gpu{index}"
        self.simulated = True
        self.corrupt_after_s = corrupt_after_s
        self.fail_after_s = fail_after_s
        spec = backend.gpus[index].profile.spec
        self.peak_tflops = peak_tflops if peak_tflops is not None else catalog_peak_tflops(spec)
        self._boost_clock_mhz = spec.boost_clock_mhz
        self._vram_bytes = _vram_test_bytes(spec, index, size_bytes) if kind == "vram" else BURN_VRAM_BYTES
        self._progress: _Progress | None = None
        self._stopped: WorkloadStatus | None = None

    @property
    def clock(self) -> Clock:
        return self.backend.clock

    def start(self) -> None:
        """Put full load on the simulated card from now on."""
        now = self.clock.monotonic()
        self.backend.hold_load(self.index, FULL_LOAD, self._vram_bytes, f"aiwm stress {self.kind} [{SIMULATED}]")
        self._progress = _Progress(started_s=now, last_s=now)
        self._stopped = None

    def poll(self) -> WorkloadStatus:
        """Advance the run to now: TFLOPS from the card's SM clock, bytes tested, injected faults."""
        if self._stopped is not None:
            return self._stopped
        progress = self._progress
        if progress is None:
            return WorkloadStatus(running=False, details=self._details())
        now = self.clock.monotonic()
        tflops_now = self._tflops_now()
        dt = max(0.0, now - progress.last_s)
        if tflops_now is not None:
            progress.flop_tflops_s += tflops_now * dt
        progress.bytes_checked += VRAM_TEST_BYTES_PER_S * dt if self.kind == "vram" else 0.0
        progress.iterations = self._passes(progress) if self.kind == "vram" else progress.iterations + 1
        progress.last_s = now
        elapsed = now - progress.started_s
        if self.corrupt_after_s is not None and elapsed >= self.corrupt_after_s:
            progress.errors += 1  # one mismatching launch per poll from then on
            if progress.first_error_s is None:
                progress.first_error_s = elapsed
        failure = None
        if self.fail_after_s is not None and elapsed >= self.fail_after_s:
            failure = f"{SIMULATED} worker failure injected after {self.fail_after_s:g} s"
        return self._status(running=failure is None, failure=failure)

    def stop(self) -> WorkloadStatus:
        """Release the card (back to the demo workload or idle); safe to call more than once."""
        if self._stopped is None:
            status = self.poll() if self._progress is not None else WorkloadStatus(running=False)
            self.backend.release_load(self.index)
            self._stopped = WorkloadStatus(
                running=False,
                iterations=status.iterations,
                errors=status.errors,
                metrics=status.metrics,
                details=self._details(),
                failure=status.failure,
            )
        return self._stopped

    def _passes(self, progress: _Progress) -> int:
        """Complete pattern passes over the tested VRAM so far."""
        return int(progress.bytes_checked // self._vram_bytes)

    def _tflops_now(self) -> float | None:
        """Peak × (SM clock / boost clock) × load, from the card's latest reading."""
        if self.peak_tflops is None:
            return None
        reading = self.backend.read().gpus[self.index]
        if reading.sm_clock_mhz is None:
            return None
        return self.peak_tflops * (reading.sm_clock_mhz / self._boost_clock_mhz) * FULL_LOAD

    def _status(self, running: bool, failure: str | None) -> WorkloadStatus:
        progress = self._progress
        assert progress is not None
        return WorkloadStatus(
            running=running,
            iterations=progress.iterations,
            errors=progress.errors,
            metrics=self._metrics(progress),
            details=self._details(),
            failure=failure,
        )

    def _metrics(self, progress: _Progress) -> dict[str, float | None]:
        if self.kind == "vram":
            covered = min(self._vram_bytes, int(progress.bytes_checked))
            return {"bytes_tested": covered, "passes": self._passes(progress)}
        elapsed = progress.last_s - progress.started_s
        tflops = progress.flop_tflops_s / elapsed if elapsed > 0 and self.peak_tflops is not None else None
        percent = None if tflops is None or not self.peak_tflops else 100.0 * tflops / self.peak_tflops
        return {"tflops": tflops, "peak_tflops": self.peak_tflops, "percent_of_peak": percent}

    def _details(self) -> dict[str, object]:
        progress = self._progress
        details: dict[str, object] = {
            "simulated": True,
            "workload": f"{SIMULATED} {self.kind} load on GPU {self.index} (no real GPU was tested)",
        }
        if self.peak_tflops is None and self.kind == "gpu":
            details["peak_unknown"] = "the catalog gives no FP32 peak for this GPU: percent of peak is n/a"
        if progress is not None and progress.first_error_s is not None:
            details["first_error_at_s"] = round(progress.first_error_s, 3)
            details["injected_fault"] = f"{SIMULATED} corruption injected after {self.corrupt_after_s:g} s"
        return details


def _vram_test_bytes(spec: GpuSpec, index: int, size_bytes: int | None) -> int:
    """What the real VRAM test would cover on this card with nothing else on it: its memory less
    the margin (10 % or 512 MiB); a `size_bytes` above that is refused in one line, as on a real card."""
    total = spec.vram_total_bytes
    try:
        return safe_test_bytes(total, total, size_bytes)
    except StressFailure as refused:
        raise UserError(f"--size {size_bytes}: {SIMULATED} GPU {index}: {refused}") from None
