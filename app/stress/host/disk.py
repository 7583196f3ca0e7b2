"""Disk / NVMe stress in a folder the user chooses: sequential write and read past the page cache,
random 4 KiB reads from several threads, and create-and-read of many small files; all data checked.

Free space is checked first. Every file lives in one scratch folder (see disk_folder), removed on
stop, on cancel and, after a crash, by the next run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.stress.host.base import HostWorkload
from app.stress.host.disk_folder import (
    check_free_space,
    filesystem_type,
    make_scratch_folder,
    remove_leftovers,
)
from app.stress.host.disk_io import BLOCK, IO_SIZE
from app.stress.host.disk_phases import DiskPlan, disk_worker
from app.stress.host.workers import Report

if TYPE_CHECKING:
    from app.stress.host.disk_phases import Tamper

DEFAULT_SIZE_BYTES = 1 << 30
METRICS = (
    "seq_write_bytes_per_s",
    "seq_read_bytes_per_s",
    "rand_read_iops",
    "rand_read_p50_ms",
    "rand_read_p99_ms",
    "small_files_per_s",
)


class DiskWorkload(HostWorkload):
    """The disk test in `folder`: `size_bytes` of sequential file (1 GiB unless asked), read back too."""

    kind = "disk"

    def __init__(
        self,
        folder: Path,
        size_bytes: int | None = None,
        *,
        threads: int = 4,
        rand_read_s: float = 5.0,
        small_files: int = 1000,
        small_file_bytes: int = 16 * 1024,
        tamper: Tamper | None = None,
    ) -> None:
        super().__init__()
        if size_bytes is not None and size_bytes < IO_SIZE:
            raise ValueError(f"size_bytes must be at least {IO_SIZE} (one 1 MiB block), not {size_bytes}")
        self.device = str(folder)
        self.folder = Path(folder)
        self.size_bytes = size_bytes
        seq_bytes = (size_bytes or DEFAULT_SIZE_BYTES) // IO_SIZE * IO_SIZE
        self._plan = DiskPlan(seq_bytes, threads, rand_read_s, small_files, small_file_bytes)
        self._tamper = tamper
        self._scratch: Path | None = None
        self._facts: dict[str, object] = {}

    @property
    def scratch_folder(self) -> Path | None:
        """This run's `.aiwm-stress-<pid>-<random>` folder while it exists."""
        return self._scratch

    def _check(self) -> str | None:
        """The folder must be one, and the test's files must fit with the margin left free."""
        if not self.folder.is_dir():
            return f"not a folder: {self.folder}"
        try:
            space = check_free_space(self.folder, self._plan.bytes_written)
        except OSError as error:
            return f"cannot use {self.folder}: {error.strerror or error}"
        return None if space.fits else space.refusal(self.folder)

    def _prepare(self) -> str | None:
        if not self.folder.is_dir():
            return f"not a folder: {self.folder}"
        try:
            removed = remove_leftovers(self.folder)
            space = check_free_space(self.folder, self._plan.bytes_written)
            if not space.fits:
                return space.refusal(self.folder)
            self._scratch = make_scratch_folder(self.folder)
        except OSError as error:
            return f"cannot use {self.folder}: {error.strerror or error}"
        self._facts = {
            "filesystem": filesystem_type(self.folder),
            "leftovers_removed": [str(p) for p in removed],
            "free_bytes_before": space.free_bytes,
            "scratch_folder": str(self._scratch),
        }
        return None

    def _worker(self) -> tuple[Callable[..., None], list[tuple[Any, ...]], Mapping[str, str]]:
        assert self._scratch is not None
        return disk_worker, [(str(self._scratch), self._plan, self._facts.get("filesystem"), self._tamper)], {}

    def _metrics(self, reports: list[Report]) -> dict[str, float | None]:
        latest = reports[0].get("metrics", {}) if reports else {}
        return {name: latest.get(name) for name in METRICS}

    def _details(self, reports: list[Report]) -> dict[str, object]:
        latest = reports[0].get("details", {}) if reports else {}
        plan = self._plan
        return {
            **self._facts,
            **latest,
            "seq_file_bytes": plan.seq_bytes,
            "io_size_bytes": IO_SIZE,
            "rand_read_block_bytes": BLOCK,
            "rand_read_threads": plan.threads,
            "rand_read_queue_depth_per_thread": 1,
            "small_files": plan.small_files,
            "small_file_bytes": plan.small_file_bytes,
        }

    def _cleanup(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
