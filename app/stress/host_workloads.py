"""PLACEHOLDER (issue 9, host helper replaces this with cpu.py, ram.py, disk.py): CPU, RAM and disk workloads."""

from __future__ import annotations

from pathlib import Path

from app.stress.records import WorkloadStatus


class _Placeholder:
    def start(self) -> None:
        raise NotImplementedError

    def poll(self) -> WorkloadStatus:
        raise NotImplementedError

    def stop(self) -> WorkloadStatus:
        raise NotImplementedError


class CpuWorkload(_Placeholder):
    kind = "cpu"
    device = "cpu"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers


class RamWorkload(_Placeholder):
    kind = "ram"
    device = "ram"

    def __init__(self, size_bytes: int | None = None) -> None:
        self.size_bytes = size_bytes


class DiskWorkload(_Placeholder):
    kind = "disk"

    def __init__(self, folder: Path, size_bytes: int | None = None) -> None:
        self.device = str(folder)
        self.size_bytes = size_bytes
