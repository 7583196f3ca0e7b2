"""The CPU workload: checked products per core, errors pinned on the core, GFLOPS, clean stop."""

from __future__ import annotations

import os
import signal
import time
from functools import partial

import numpy as np

from app.stress.host.cpu import CpuWorkload, _outlier_cores, product_checksum, usable_cores

from .faults import flip_bit_in_product, require_single_threaded_and_pinned
from .helpers import child_pids, no_new_processes, poll_until


def test_a_corrupted_product_is_an_error_named_after_its_core() -> None:
    target = usable_cores()[-1]
    workload = CpuWorkload(workers=len(usable_cores()), matrix_size=64, tamper=partial(flip_bit_in_product, target))
    workload.start()
    try:
        poll_until(workload, lambda s: s.errors > 0)
    finally:
        final = workload.stop()
    assert final.errors > 0
    assert set(final.details["errors_by_core"]) == {f"cpu{target}"}
    assert f"core {target}, product 2" in final.details["first_errors"][0]


def test_a_clean_run_has_no_errors_and_reports_gflops() -> None:
    workload = CpuWorkload(workers=1, matrix_size=128)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.metrics["gflops"] is not None)
    finally:
        final = workload.stop()
    assert status.running
    assert final.errors == 0 and final.failure is None
    assert final.iterations > 1
    assert final.details["errors_by_core"] == {}


def test_gflops_matches_products_counted_over_the_wall_clock() -> None:
    """2·n³ flops per product: the rate the workload reports agrees with products/second the test counts."""
    n = 200
    workload = CpuWorkload(workers=1, matrix_size=n)
    workload.start()
    try:
        first = poll_until(workload, lambda s: s.iterations > 0)
        started = time.monotonic()
        time.sleep(3.0)
        last = workload.poll()
        elapsed = time.monotonic() - started
    finally:
        workload.stop()
    counted_gflops = (last.iterations - first.iterations) * 2 * n**3 / elapsed / 1e9
    assert last.metrics["gflops"] is not None
    assert 0.7 < last.metrics["gflops"] / counted_gflops < 1.4


def test_workers_run_single_threaded_blas_pinned_to_their_core_and_the_parent_env_is_untouched() -> None:
    before = os.environ.get("OPENBLAS_NUM_THREADS")
    workload = CpuWorkload(matrix_size=32, tamper=require_single_threaded_and_pinned)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 2 * workload.workers or s.failure is not None)
    finally:
        final = workload.stop()
    assert status.failure is None and final.failure is None
    assert final.details["cores"] == usable_cores()
    assert os.environ.get("OPENBLAS_NUM_THREADS") == before


def test_a_core_whose_reference_disagrees_with_the_majority_is_named() -> None:
    reports = [{"core": 0, "reference": 7}, {"core": 1, "reference": 7}, {"core": 2, "reference": 9}]
    assert _outlier_cores(reports) == [2]
    assert _outlier_cores([*reports[:2], {"core": 2, "reference": 7}]) == []
    assert _outlier_cores([{"core": 0, "reference": 7}, {"core": 1, "reference": 9}]) == []  # no majority of two


def test_checksum_changes_with_one_flipped_bit_and_not_otherwise() -> None:
    a = np.arange(16, dtype=np.float64).reshape(4, 4)
    b = a.copy()
    assert product_checksum(a) == product_checksum(b)
    b.view(np.uint64)[1, 1] ^= np.uint64(1 << 40)
    assert product_checksum(a) != product_checksum(b)


def test_a_killed_worker_is_a_failure_and_stop_leaves_no_process() -> None:
    before = child_pids()
    workload = CpuWorkload(workers=1, matrix_size=64)
    workload.start()
    poll_until(workload, lambda s: s.iterations > 0)
    (worker,) = child_pids() - before
    os.kill(worker, signal.SIGKILL)
    status = poll_until(workload, lambda s: s.failure is not None)
    assert not status.running
    assert "exited with code -9" in (status.failure or "")
    final = workload.stop()
    assert final is workload.stop()  # idempotent: the same final status
    assert "exited with code -9" in (final.failure or "")
    assert no_new_processes(before)


def test_stop_ends_every_worker_promptly() -> None:
    before = child_pids()
    workload = CpuWorkload(matrix_size=256)
    workload.start()
    poll_until(workload, lambda s: s.iterations > 0)
    started = time.monotonic()
    final = workload.stop()
    assert time.monotonic() - started < 5.0
    assert not final.running and final.failure is None
    assert not (child_pids() - before)


def test_a_tie_between_references_names_no_core() -> None:
    # 2 against 2 is no strict majority: which half is wrong cannot be told; 3 against 1 names the 1
    tie = [{"core": c, "reference": 7 if c < 2 else 9} for c in range(4)]
    assert _outlier_cores(tie) == []
    three = [{"core": c, "reference": 7 if c < 3 else 9} for c in range(4)]
    assert _outlier_cores(three) == [3]


def test_a_core_whose_reference_disagrees_is_counted_as_an_error_in_the_status() -> None:
    # no worker saw a mismatch against its own reference, but core 2's reference differs from the
    # other two: one error, against cpu2, and the run's status carries it (so the verdict fails)
    workload = CpuWorkload(workers=3)
    reports = [
        {"core": c, "reference": ref, "errors": 0, "iterations": 5, "gflops": 10.0}
        for c, ref in ((0, 7), (1, 7), (2, 9))
    ]
    status = workload._status(running=False, reports=reports, crashed=[])  # type: ignore[arg-type]
    assert status.errors == 1
    assert status.details["errors_by_core"] == {"cpu2": 1}


def test_gflops_is_the_sum_over_the_workers() -> None:
    # every core works at once: the machine's rate is the sum, 10 + 12.5 + 20 = 42.5 GFLOPS
    reports = [{"gflops": 10.0}, {"gflops": 12.5}, {"gflops": None}, {"gflops": 20.0}]
    assert CpuWorkload(workers=4)._metrics(reports) == {"gflops": 42.5}  # type: ignore[arg-type]


def test_a_ctrl_c_sent_to_a_worker_is_left_to_the_parent() -> None:
    """A terminal's Ctrl+C reaches every process of the group: the worker keeps going until the
    parent stops it, so no worker prints a KeyboardInterrupt traceback (issue 9 T9 #1)."""
    before = child_pids()
    workload = CpuWorkload(workers=1, matrix_size=64)
    workload.start()
    poll_until(workload, lambda s: s.iterations > 0)
    (worker,) = child_pids() - before
    os.kill(worker, signal.SIGINT)
    time.sleep(0.5)
    status = workload.poll()
    assert status.running and status.failure is None, status
    final = workload.stop()
    assert final.failure is None and final.iterations >= status.iterations
    assert no_new_processes(before)
