"""The host's stress workloads (issue 9), for the runner and the CLI to construct by kind.

Each lives in its own module under app/stress/host/; this module keeps the agreed import path.
"""

from __future__ import annotations

from app.stress.host.cpu import CpuWorkload
from app.stress.host.disk import DiskWorkload
from app.stress.host.ram import RamWorkload

__all__ = ["CpuWorkload", "DiskWorkload", "RamWorkload"]
