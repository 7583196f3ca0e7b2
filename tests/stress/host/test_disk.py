"""The disk workload: every metric measured, data checked, free space checked, nothing left behind."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.stress.host import disk_folder, disk_io, disk_phases
from app.stress.host.base import HostWorkload
from app.stress.host.disk import METRICS, DiskWorkload
from app.stress.host.disk_folder import check_free_space, filesystem_type
from app.stress.host.disk_io import BLOCK, IO_SIZE, BlockPattern, aligned_buffer, block_is_good
from app.stress.host.disk_phases import DiskPlan, _percentile_ms, _sequential_read, _sequential_write, _State

from .faults import corrupt_disk_read, corrupt_two_blocks_once, report_disk_full
from .helpers import child_pids, no_new_processes, poll_until

GIB, MIB = 1 << 30, 1 << 20
ROOT = Path(__file__).parents[3]


def _small(folder: Path, **changes: Any) -> DiskWorkload:
    """A disk test sized for the test suite: 4 MiB file, 0.3 s of random reads, 40 small files."""
    options: dict[str, Any] = {"size_bytes": 4 * MIB, "rand_read_s": 0.3, "small_files": 40, **changes}
    return DiskWorkload(folder, **options)


@pytest.fixture
def shm_folder() -> Iterator[Path]:
    if filesystem_type(Path("/dev/shm")) != "tmpfs":
        pytest.skip("needs /dev/shm on tmpfs to see the O_DIRECT fallback; here it is not")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
    yield folder
    shutil.rmtree(folder)


def test_a_run_measures_every_metric_checks_its_data_and_leaves_no_file(tmp_path: Path) -> None:
    before = child_pids()
    workload = _small(tmp_path)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 1 or s.failure is not None)
        assert workload.scratch_folder is not None and workload.scratch_folder.parent == tmp_path
        assert workload.scratch_folder.name.startswith(f".aiwm-stress-{os.getpid()}-")
    finally:
        final = workload.stop()
    assert status.failure is None and status.errors == 0
    for name in METRICS:
        assert (status.metrics[name] or 0) > 0, name
    assert status.metrics["rand_read_p50_ms"] <= status.metrics["rand_read_p99_ms"]  # type: ignore[operator]
    assert final.metrics == status.metrics or final.iterations >= status.iterations
    assert list(tmp_path.iterdir()) == []
    assert no_new_processes(before)


def test_on_ext4_or_xfs_the_page_cache_is_bypassed(tmp_path: Path) -> None:
    if filesystem_type(tmp_path) not in ("ext4", "xfs", "btrfs"):
        pytest.skip(f"{tmp_path} is on {filesystem_type(tmp_path)}, not a filesystem known to take O_DIRECT")
    workload = _small(tmp_path)
    workload.start()
    try:
        status = poll_until(workload, lambda s: "page_cache_bypassed" in s.details or s.failure is not None)
    finally:
        workload.stop()
    assert status.details["page_cache_bypassed"] is True
    assert "page_cache_note" not in status.details


def test_on_tmpfs_the_run_works_and_says_whether_the_page_cache_was_bypassed(shm_folder: Path) -> None:
    """tmpfs refused O_DIRECT before Linux 6.6 and takes it since: either way the details tell the truth."""
    workload = _small(shm_folder)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 1 or s.failure is not None)
    finally:
        workload.stop()
    assert status.failure is None and status.errors == 0
    if status.details["page_cache_bypassed"]:
        assert "page_cache_note" not in status.details
    else:
        assert status.details["page_cache_note"] == "page cache not bypassed: tmpfs refuses O_DIRECT"
    assert list(shm_folder.iterdir()) == []


class _NeverStopped:
    def stop_requested(self) -> bool:
        return False


def test_a_filesystem_that_refuses_o_direct_gets_cached_io_checked_data_and_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_open = os.open

    def refuse_direct(path: str, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_open(path, flags, mode)

    monkeypatch.setattr(disk_io.os, "open", refuse_direct)
    state, plan, pattern = _State(), DiskPlan(4 * MIB, 2, 0.1, 5, 4096), BlockPattern(seed=3)
    path, channel = str(tmp_path / "sequential.bin"), _NeverStopped()
    _sequential_write(channel, path, plan, pattern, state, "tmpfs")  # type: ignore[arg-type]
    _sequential_read(channel, path, plan, pattern, state, None)  # type: ignore[arg-type]
    assert state.details["page_cache_bypassed"] is False
    assert state.details["page_cache_note"] == "page cache not bypassed: tmpfs refuses O_DIRECT"
    assert state.errors == 0
    assert (state.metrics["seq_write_bytes_per_s"] or 0) > 0 and (state.metrics["seq_read_bytes_per_s"] or 0) > 0


@pytest.mark.parametrize(
    ("phase", "where", "named"),
    [("seq_read", 2 * MIB, f"sequential read: data check failed at {2 * MIB}"),
     ("rand_read", -1, "random read: data check failed at"),
     ("small_files", 7, "small files: data check failed at 7")],
)  # fmt: skip
def test_corrupted_data_read_back_is_counted_as_errors(tmp_path: Path, phase: str, where: int, named: str) -> None:
    workload = _small(tmp_path, tamper=partial(corrupt_disk_read, phase, where))
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 1 or s.failure is not None)
    finally:
        workload.stop()
    assert status.failure is None
    assert status.errors > 0
    assert str(status.details["first_error"]).startswith(named)


@pytest.mark.parametrize(
    ("total", "free", "needed", "fits"),
    [
        (100 * GIB, 12 * GIB, 1 * GIB, True),  # 11 GiB stays free, the margin is 10 % = 10 GiB
        (100 * GIB, 12 * GIB, 3 * GIB, False),  # 9 GiB would stay, under the 10 GiB margin
        (5 * GIB, 3 * GIB, GIB + GIB // 2, True),  # small disk: the 1 GiB floor rules (10 % = 0.5 GiB)
        (5 * GIB, 3 * GIB, 2 * GIB + GIB // 2, False),  # 0.5 GiB would stay, under 1 GiB
    ],
)
def test_free_space_must_keep_1_gib_or_10_percent_whichever_is_more(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, total: int, free: int, needed: int, fits: bool
) -> None:
    monkeypatch.setattr(disk_folder.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(total, total - free, free))  # type: ignore[attr-defined]
    assert check_free_space(tmp_path, needed).fits is fits


def test_a_test_that_would_not_fit_is_refused_before_writing_anything(tmp_path: Path) -> None:
    free = shutil.disk_usage(tmp_path).free
    workload = DiskWorkload(tmp_path, size_bytes=(free - 512 * MIB) // IO_SIZE * IO_SIZE)
    workload.start()
    status = workload.poll()
    assert not status.running
    assert "not enough free space" in (status.failure or "")
    assert list(tmp_path.iterdir()) == []
    workload.stop()


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    workload = DiskWorkload(tmp_path / "missing", size_bytes=4 * MIB)
    workload.start()
    assert workload.poll().failure == f"not a folder: {tmp_path / 'missing'}"
    workload.stop()


def test_a_killed_worker_is_a_failure_and_stop_removes_its_files(tmp_path: Path) -> None:
    before = child_pids()
    workload = _small(tmp_path, rand_read_s=30.0)
    workload.start()
    poll_until(workload, lambda s: "seq_read_bytes_per_s" in dict(s.metrics) and s.metrics["seq_read_bytes_per_s"])
    (worker,) = child_pids() - before
    os.kill(worker, signal.SIGKILL)
    status = poll_until(workload, lambda s: s.failure is not None)
    assert "exited with code -9" in (status.failure or "")
    assert list(tmp_path.iterdir()) != []  # the files are still there until stop
    workload.stop()
    assert workload.stop().failure == status.failure or "exited with code -9" in (workload.stop().failure or "")
    assert list(tmp_path.iterdir()) == []
    assert no_new_processes(before)


OWNER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.stress.host_workloads import DiskWorkload
    if __name__ == "__main__":
        workload = DiskWorkload(Path(sys.argv[1]), 4 << 20, rand_read_s=60.0, small_files=10)
        workload.start()
        print(workload.scratch_folder, flush=True)
        time.sleep(120)
    """
)


def test_a_leftover_of_a_killed_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """kill -9 of the process that owns a run and of its worker at once (`kill -9 -PGID`): nothing was
    left to clean up, so the next run removes the folder. (A worker that outlives its owner removes
    the folder itself: tests/test_cli_stress.py.)"""
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    target = tmp_path / "target"
    target.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    owner = subprocess.Popen([sys.executable, str(script), str(target)], stdout=subprocess.PIPE, text=True, env=env)
    workers: list[int] = []
    try:
        leftover = Path(owner.stdout.readline().strip())  # type: ignore[union-attr]
        deadline = time.monotonic() + 30
        while not (leftover / "sequential.bin").exists():
            assert time.monotonic() < deadline, "the owner's worker never wrote its file"
            time.sleep(0.05)
        workers = [child.pid for child in psutil.Process(owner.pid).children()]
        assert workers
    finally:
        owner.send_signal(signal.SIGKILL)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        owner.wait()
        owner.stdout.close()  # type: ignore[union-attr]
    assert leftover.is_dir()
    deadline = time.monotonic() + 10
    while any(psutil.pid_exists(pid) for pid in workers):
        assert time.monotonic() < deadline, "the worker outlived its killed owner"
        time.sleep(0.05)
    workload = _small(target)
    workload.start()
    try:
        status = workload.poll()
        assert status.details["leftovers_removed"] == [str(leftover)]
        assert not leftover.exists()
    finally:
        workload.stop()
    assert list(target.iterdir()) == []


def test_a_block_fails_its_check_when_moved_or_changed() -> None:
    pattern = BlockPattern(seed=1)
    buffer = aligned_buffer(IO_SIZE)
    buffer[:] = pattern.template
    pattern.fill(buffer, 8 * MIB)
    block = bytearray(buffer[BLOCK : 2 * BLOCK])
    assert block_is_good(bytes(block), 8 * MIB + BLOCK)
    assert not block_is_good(bytes(block), 8 * MIB)  # the right data at the wrong place
    block[2000] ^= 0x10
    assert not block_is_good(bytes(block), 8 * MIB + BLOCK)  # one flipped bit
    assert pattern.bad_blocks(buffer, 8 * MIB) == []


def test_latency_percentiles_use_the_nearest_rank() -> None:
    millis = [n * 1_000_000 for n in range(1, 101)]
    assert _percentile_ms(millis, 50) == 50.0
    assert _percentile_ms(millis, 99) == 99.0
    assert _percentile_ms([1_000_000, 2_000_000, 3_000_000], 50) == 2.0
    assert _percentile_ms([], 99) is None


def test_only_scratch_folders_of_dead_owners_are_removed(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    dead = tmp_path / f".aiwm-stress-{dead_pid}-0badc0de"
    alive = tmp_path / f".aiwm-stress-{os.getpid()}-00c0ffee"
    unrelated = tmp_path / ".aiwm-stress-notes"
    for folder in (dead, alive, unrelated):
        (folder / "inside").mkdir(parents=True)
    assert disk_folder.remove_leftovers(tmp_path) == [dead]
    assert sorted(tmp_path.iterdir()) == sorted([alive, unrelated])


def test_every_bad_block_of_a_sequential_read_is_an_error(tmp_path: Path) -> None:
    # one 1-MiB read at 2 MiB comes back with two bad 4-KiB blocks, once: two errors, not one a read
    workload = _small(tmp_path, tamper=partial(corrupt_two_blocks_once, "seq_read", 2 * MIB))
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 1 or s.failure is not None)
    finally:
        workload.stop()
    assert status.failure is None
    assert status.errors == 2
    assert status.details["first_error"] == f"sequential read: data check failed at {2 * MIB}"


def test_every_bad_random_read_is_an_error(tmp_path: Path) -> None:
    # every 4-KiB random read for 0.3 s comes back wrong: each is an error (thousands a second even on
    # a slow disk, so well over 10), not one for the whole phase
    workload = _small(tmp_path, tamper=partial(corrupt_disk_read, "rand_read", -1))
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations >= 1 or s.failure is not None)
    finally:
        workload.stop()
    assert status.failure is None
    assert status.errors > 10


class _InProcessChannel:
    """The worker's side of its pipe, for running the disk worker in the test's own process."""

    def __init__(self) -> None:
        self.reports: list[dict[str, Any]] = []
        self.parent_gone = False

    def stop_requested(self) -> bool:
        return False

    def report(self, state: dict[str, Any]) -> None:
        self.reports.append(dict(state))


def _no_space(*_: Any, **__: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    ("where", "attribute"),
    [
        ("sequential write", (disk_io.RawFile, "write_at")),
        ("flush (fsync)", (disk_io.RawFile, "sync")),
        ("small files", (Path, "write_bytes")),
    ],
)
def test_a_disk_filled_by_another_program_mid_run_aborts_with_the_reason_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, attribute: tuple[Any, str]
) -> None:
    """T9 #11: the free space was checked with a margin before the start, so ENOSPC mid-run means
    another program wrote to the disk: the run is aborted with that reason, 0 errors, no failure."""
    monkeypatch.setattr(*attribute, _no_space)
    channel = _InProcessChannel()
    plan = DiskPlan(4 * MIB, threads=2, rand_read_s=0.05, small_files=8, small_file_bytes=4096)
    disk_phases.disk_worker(channel, str(tmp_path), plan, None, None)  # type: ignore[arg-type]
    last = channel.reports[-1]
    assert last["aborted"] == "the disk filled up (another program wrote to it)", where
    assert last["errors"] == 0 and "failure" not in last


def test_another_write_error_is_still_the_workers_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(disk_io.RawFile, "write_at", broken)
    plan = DiskPlan(4 * MIB, threads=2, rand_read_s=0.05, small_files=8, small_file_bytes=4096)
    with pytest.raises(OSError, match="Input/output error"):
        disk_phases.disk_worker(_InProcessChannel(), str(tmp_path), plan, None, None)  # type: ignore[arg-type]


def test_an_abort_reported_by_a_worker_becomes_the_statuss_abort_reason_not_a_failure() -> None:
    class Aborting(HostWorkload):
        kind = "disk"
        device = "disk"

        def _worker(self) -> tuple[Any, list[tuple[Any, ...]], dict[str, str]]:
            return report_disk_full, [()], {}

        def _metrics(self, reports: list[dict[str, Any]]) -> dict[str, float | None]:
            return {}

    workload = Aborting()
    workload.start()
    status = poll_until(workload, lambda s: s.abort_reason is not None)
    final = workload.stop()
    assert status.abort_reason == final.abort_reason == "the disk filled up (another program wrote to it)"
    assert not status.running and status.failure is None and final.failure is None


def test_a_worker_whose_parent_died_removes_the_scratch_folder(tmp_path: Path) -> None:
    folder = tmp_path / ".aiwm-stress-1-00c0ffee"
    folder.mkdir()

    class Orphaned(_InProcessChannel):
        def stop_requested(self) -> bool:
            self.parent_gone = True  # the parent's end of the pipe closed: kill -9
            return True

    plan = DiskPlan(4 * MIB, threads=2, rand_read_s=0.05, small_files=8, small_file_bytes=4096)
    disk_phases.disk_worker(Orphaned(), str(folder), plan, None, None)  # type: ignore[arg-type]
    assert not folder.exists()
    stopped = tmp_path / ".aiwm-stress-2-00c0ffee"  # a normal stop: the parent removes the folder itself
    stopped.mkdir()
    disk_phases.disk_worker(_StopAtOnce(), str(stopped), plan, None, None)  # type: ignore[arg-type]
    assert stopped.exists()


class _StopAtOnce(_InProcessChannel):
    def stop_requested(self) -> bool:
        return True
