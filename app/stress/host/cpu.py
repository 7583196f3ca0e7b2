"""CPU stress: one worker per logical core, float64 matrix products, each result checksummed.

Every worker is pinned to its core and runs BLAS single-threaded, so a product's bits depend only
on the core that computed it: the first product is that worker's reference, every later one must
match it bit for bit, and the workers' references must agree with each other. A mismatch is
counted against the core (OCCT reports errors per core the same way; the gpu-burn principle).
"""

from __future__ import annotations

import os
import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from app.stress.host.base import HostWorkload
from app.stress.host.workers import Channel, Report

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    # A hook on the comparison path: (core, product number, product) -> the product to check.
    # Must be a module-level function (it travels to the worker by pickling).
    Tamper = Callable[[int, int, npt.NDArray[np.float64]], npt.NDArray[np.float64]]

# Single-threaded BLAS in every worker: read by OpenBLAS, OpenMP and MKL when numpy loads them.
SINGLE_THREADED_BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
DEFAULT_MATRIX_SIZE = 1024  # 2·1024³ ≈ 2.1 GFLOP a product: long enough that checksums cost < 1 %
REPORT_EVERY_S = 0.5
INPUT_SEED = 20261128


def usable_cores() -> list[int]:
    """The logical CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def product_checksum(product: npt.NDArray[np.float64]) -> int:
    """CRC-32 of the product's bytes: equal bits give equal checksums, a flipped bit changes it."""
    return zlib.crc32(product.tobytes() if not product.flags.c_contiguous else product.data.cast("B"))


class _ProductCheck:
    """One core's comparisons: the first product is the reference, later ones must match it."""

    def __init__(self, core: int) -> None:
        self.core = core
        self.reference: int | None = None
        self.errors = 0
        self.first_error: str | None = None

    def check(self, number: int, checksum: int) -> None:
        if self.reference is None:
            self.reference = checksum
        elif checksum != self.reference:
            self.errors += 1
            if self.first_error is None:
                self.first_error = (
                    f"core {self.core}, product {number}: checksum {checksum:#010x} ≠ {self.reference:#010x}"
                )

    def report(self, products: int, gflops: float | None) -> Report:
        return {
            "iterations": products,
            "errors": self.errors,
            "core": self.core,
            "gflops": gflops,
            "reference": self.reference,
            "first_error": self.first_error,
        }


def cpu_worker(channel: Channel, core: int, matrix_size: int, tamper: Tamper | None) -> None:
    """Multiply the same two matrices on one core until stopped, checking every product."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    import numpy as np  # after the environment is set: BLAS reads its thread count when it loads

    rng = np.random.default_rng(INPUT_SEED)
    a, b = rng.random((matrix_size, matrix_size)), rng.random((matrix_size, matrix_size))
    flops_per_product = 2 * matrix_size**3
    checks, products, gflops = _ProductCheck(core), 0, None
    started = last_report = time.perf_counter()
    while not channel.stop_requested():
        product = a @ b
        if tamper is not None:
            product = tamper(core, products, product)
        checks.check(products, product_checksum(product))
        products += 1
        now = time.perf_counter()
        if now - last_report >= REPORT_EVERY_S:
            # the rate since the worker began: one slow moment (another program) does not swing it
            gflops = products * flops_per_product / (now - started) / 1e9
            channel.report(checks.report(products, gflops))
            last_report = now
    channel.report(checks.report(products, gflops))


class CpuWorkload(HostWorkload):
    """Matrix products on every logical core (or `workers` of them), checked bit for bit."""

    kind = "cpu"
    device = "cpu"

    def __init__(
        self, workers: int | None = None, *, matrix_size: int = DEFAULT_MATRIX_SIZE, tamper: Tamper | None = None
    ) -> None:
        super().__init__()
        cores = usable_cores()
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = len(cores) if workers is None else workers
        self._cores = [cores[i % len(cores)] for i in range(self.workers)]
        self._matrix_size = matrix_size
        self._tamper = tamper

    def _worker(self) -> tuple[Callable[..., None], list[tuple[Any, ...]], Mapping[str, str]]:
        args = [(core, self._matrix_size, self._tamper) for core in self._cores]
        return cpu_worker, args, SINGLE_THREADED_BLAS

    def _metrics(self, reports: list[Report]) -> dict[str, float | None]:
        """GFLOPS: 2·n³ per product × products / seconds since each worker began, summed over workers."""
        rates = [float(r["gflops"]) for r in reports if r.get("gflops") is not None]
        return {"gflops": sum(rates) if rates else None}

    def _extra_errors(self, reports: list[Report]) -> int:
        return len(_outlier_cores(reports))

    def _details(self, reports: list[Report]) -> dict[str, object]:
        by_core: Counter[str] = Counter()
        for report in reports:
            if report.get("errors"):
                by_core[f"cpu{report['core']}"] += int(report["errors"])
        for core in _outlier_cores(reports):
            by_core[f"cpu{core}"] += 1
        first = [str(r["first_error"]) for r in reports if r.get("first_error")]
        first += [
            f"core {core}: its reference product differs from the other cores'" for core in _outlier_cores(reports)
        ]
        return {
            "errors_by_core": dict(by_core),
            "first_errors": first,
            "workers": self.workers,
            "cores": list(self._cores),
            "matrix_size": self._matrix_size,
            "blas_threads_per_worker": 1,
        }


def _outlier_cores(reports: list[Report]) -> list[int]:
    """Cores whose reference product disagrees with the one most workers computed (a strict majority)."""
    references = [(r["core"], r["reference"]) for r in reports if r.get("reference") is not None]
    if len(references) < 3:
        return []
    common, count = Counter(ref for _, ref in references).most_common(1)[0]
    if count * 2 <= len(references):
        return []
    return [core for core, ref in references if ref != common]
