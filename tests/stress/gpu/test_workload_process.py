"""The workloads in real worker processes (spawned), with the numpy stand-in as the GPU:
start/poll/stop return at once, statuses arrive, cancel leaves no process, crashes and hangs
become failures, a missing driver is one clear sentence."""

from __future__ import annotations

import ctypes
import multiprocessing.resource_tracker
import os
import signal
import time
from collections.abc import Callable, Iterator
from functools import partial

import psutil
import pytest

from app.stress.gpu import worker
from app.stress.gpu.vram import VramSettings
from app.stress.gpu.workload import GpuBurnWorkload, VramWorkload
from app.stress.records import WorkloadStatus

from .fakes import open_fake_burn, open_fake_vram

BUS = "00000000:17:00.0"


@pytest.fixture(autouse=True)
def no_processes_left() -> Iterator[set[int]]:
    """Fail a test that leaves a child process. multiprocessing's resource tracker is started
    first: it is the interpreter's one helper for every spawned process, not a workload's."""
    multiprocessing.resource_tracker.ensure_running()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    yield before
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()]
    left = [p for p in left if p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"processes left running: {[(p.pid, p.name()) for p in left]}"


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_for(workload: GpuBurnWorkload | VramWorkload, until: Callable[[WorkloadStatus], bool], limit_s: float = 60):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status = workload.poll()
        if until(status):
            return status
        time.sleep(0.05)
    raise AssertionError(f"no such status within {limit_s} s; last {status}")


def test_start_poll_and_stop_return_at_once_and_cancel_leaves_no_process() -> None:
    workload = GpuBurnWorkload(BUS, "gpu1", open_device=partial(open_fake_burn, launch_s=0.01))
    began = time.monotonic()
    workload.start()
    first = workload.poll()
    assert time.monotonic() - began < 1.0 and first.running
    running = wait_for(workload, lambda s: s.iterations > 0)
    assert running.running and running.errors == 0 and running.metrics["tflops"]
    pid = workload.worker_pid
    began = time.monotonic()
    final = workload.stop()
    assert time.monotonic() - began < worker.STOP_WAIT_S
    assert not final.running and final.failure is None and final.errors == 0
    assert final.iterations >= running.iterations
    assert pid is not None and not _alive(pid)
    assert workload.stop() is final and workload.poll() is final  # idempotent


def test_injected_corruption_through_the_worker_is_counted() -> None:
    workload = GpuBurnWorkload(BUS, inject_error_at=2, open_device=partial(open_fake_burn, launch_s=0.005))
    workload.start()
    wait_for(workload, lambda s: s.iterations >= 3)
    final = workload.stop()
    assert final.errors == 1 and final.details["flipped_bit_histogram"][0] == 1


def test_vram_cancel_mid_pass_frees_and_leaves_no_process() -> None:
    settings = VramSettings(size_bytes=256 * 1024, chunk_bytes=64 * 1024)
    workload = VramWorkload(
        BUS, size_bytes=256 * 1024, settings=settings, open_device=partial(open_fake_vram, step_s=0.002)
    )
    workload.start()
    status = wait_for(workload, lambda s: s.metrics.get("bytes_tested") is not None)
    assert status.metrics["bytes_tested"] == 256 * 1024
    final = workload.stop()
    assert not final.running and final.failure is None and final.errors == 0


def test_a_worker_that_crashes_is_a_failure_with_its_exit_code() -> None:
    workload = GpuBurnWorkload(BUS, open_device=partial(open_fake_burn, exit_code_at=3, launch_s=0.01))
    workload.start()
    final = wait_for(workload, lambda s: not s.running)
    assert final.failure == "the worker process ended without a result (exit code 3)"
    assert workload.stop().failure == final.failure


def test_a_hung_worker_is_killed_on_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "STOP_WAIT_S", 0.5)
    monkeypatch.setattr(worker, "KILL_WAIT_S", 1.0)
    workload = GpuBurnWorkload(BUS, open_device=partial(open_fake_burn, hang_at=2, launch_s=0.0))
    workload.start()
    time.sleep(2.0)  # the worker is spawned and hangs in its second launch
    began = time.monotonic()
    final = workload.stop()
    assert time.monotonic() - began < 3.0
    assert final.failure is not None and "ended without a result" in final.failure


def test_a_hung_worker_that_ignores_terminate_is_killed_on_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    # SIGTERM ignored: only the last step, SIGKILL, ends it; stop still returns within its waits
    # (0.5 s for "stop", 1 s after terminate, 1 s after kill) and leaves no process (the fixture)
    monkeypatch.setattr(worker, "STOP_WAIT_S", 0.5)
    monkeypatch.setattr(worker, "KILL_WAIT_S", 1.0)
    opener = partial(open_fake_burn, hang_at=2, launch_s=0.0, ignore_terminate=True)
    workload = GpuBurnWorkload(BUS, open_device=opener)
    workload.start()
    time.sleep(2.0)  # the worker is spawned and hangs in its second launch
    pid = workload.worker_pid
    assert pid is not None
    began = time.monotonic()
    final = workload.stop()
    try:
        assert not _alive(pid)
    finally:  # should stop() have left it, end it here: a test must not hang the suite
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert time.monotonic() - began < 4.0
    assert final.failure is not None and "ended without a result" in final.failure


def test_stop_before_start_is_harmless() -> None:
    workload = VramWorkload(BUS, "gpu0", None)
    assert workload.stop() == WorkloadStatus(running=False)


def _libcuda_present() -> bool:
    try:
        ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    return True


def test_no_driver_is_one_clear_failure_from_the_real_cuda_path() -> None:
    if _libcuda_present():
        pytest.skip("libcuda.so.1 is installed here: tests/device covers the real driver")
    for workload in (GpuBurnWorkload(BUS), VramWorkload(BUS)):
        workload.start()
        final = wait_for(workload, lambda s: not s.running)
        assert final.failure == "no NVIDIA driver: libcuda.so.1 not found"
        workload.stop()


def test_workloads_keep_the_agreed_constructor_and_protocol_attributes() -> None:
    burn = GpuBurnWorkload("00000000:17:00.0", "gpu3")
    vram = VramWorkload("00000000:17:00.0", "gpu3", 2**30)
    assert (burn.kind, burn.device, burn.pci_bus_id) == ("gpu", "gpu3", "00000000:17:00.0")
    assert (vram.kind, vram.device, vram.size_bytes) == ("vram", "gpu3", 2**30)
    assert burn.poll() == WorkloadStatus(running=False)  # not started: nothing runs


def test_a_ctrl_c_sent_to_the_worker_is_left_to_the_parent_and_stop_ends_it_cleanly() -> None:
    """A terminal's Ctrl+C reaches every process of the group; the worker must not die of it (issue 9 T9 #1)."""
    workload = GpuBurnWorkload(BUS, open_device=partial(open_fake_burn, launch_s=0.01))
    workload.start()
    wait_for(workload, lambda s: s.iterations > 0)
    pid = workload.worker_pid
    assert pid is not None
    psutil.Process(pid).send_signal(signal.SIGINT)
    time.sleep(0.5)
    still = workload.poll()
    assert _alive(pid) and still.running and still.failure is None
    final = workload.stop()
    assert final.failure is None and final.iterations >= still.iterations
