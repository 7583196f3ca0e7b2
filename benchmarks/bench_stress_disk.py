"""The disk stress workload beside fio, in one run, on the same folder and sizes.

Same shapes on both sides: a file of the same size written 1 MiB at a time and flushed, read back
1 MiB at a time, both past the page cache (O_DIRECT; fio `direct=1`), one request in flight; then
random 4 KiB reads from the same number of threads (fio `numjobs`), each with one request in
flight (fio `ioengine=psync`, `iodepth=1`). Targets (issue 9): sequential ≥ 0.8 × fio, random
4 KiB IOPS ≥ 0.7 × fio. Without fio (apt package `fio`) the JSON says "fio not installed".
The machine may be shared: the two alternate and the best round of each counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit

from app.stress.host.disk import DiskWorkload

MIB = 1 << 20
TARGETS = {"seq_write": 0.8, "seq_read": 0.8, "rand_read_iops": 0.7}


def fio_round(folder: Path, size: int, threads: int, seconds: float) -> dict[str, float]:
    """fio's figures for the three jobs, run one after the other on one file in `folder`."""
    path = folder / "fio.bin"
    common = ["--direct=1", "--ioengine=psync", "--iodepth=1", f"--filename={path}", f"--size={size}"]
    write = _fio([*common, "--name=seqwrite", "--rw=write", "--bs=1M", "--end_fsync=1"])["write"]
    read = _fio([*common, "--name=seqread", "--rw=read", "--bs=1M"])["read"]
    rand = _fio(
        [*common, "--name=randread", "--rw=randread", "--bs=4k", f"--numjobs={threads}", "--group_reporting",
         "--time_based", f"--runtime={seconds}s"]
    )["read"]  # fmt: skip
    path.unlink(missing_ok=True)
    percentiles = rand["clat_ns"].get("percentile", {})
    return {
        "seq_write_bytes_per_s": float(write["bw_bytes"]),
        "seq_read_bytes_per_s": float(read["bw_bytes"]),
        "rand_read_iops": float(rand["iops"]),
        "rand_read_p50_ms": float(percentiles.get("50.000000", 0)) / 1e6,
        "rand_read_p99_ms": float(percentiles.get("99.000000", 0)) / 1e6,
    }


def _fio(arguments: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        ["fio", "--output-format=json", *arguments], capture_output=True, text=True, timeout=600, check=True
    )
    job: dict[str, Any] = json.loads(done.stdout)["jobs"][0]
    return job


def workload_round(folder: Path, size: int, threads: int, seconds: float) -> dict[str, float | None]:
    """The disk workload's metrics after one full pass of its phases."""
    workload = DiskWorkload(folder, size, threads=threads, rand_read_s=seconds, small_files=500)
    workload.start()
    try:
        status = workload.poll()
        while status.iterations < 1 and status.failure is None:
            time.sleep(0.05)
            status = workload.poll()
    finally:
        workload.stop()
    if status.failure:
        raise SystemExit(f"disk workload failed: {status.failure}")
    return {**status.metrics, "errors": float(status.errors)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="64 MiB and 2 s of random reads, one round")
    parser.add_argument("--path", type=Path, default=None, help="folder to test in (default: the temp folder)")
    args = parser.parse_args()
    rounds, size, seconds = (1, 64 * MIB, 2.0) if args.quick else (3, 1024 * MIB, 10.0)
    threads = 4
    base = args.path or Path(tempfile.gettempdir())
    have_fio = shutil.which("fio") is not None
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(prefix="aiwm-bench-disk-", dir=base) as folder:
        for _ in range(rounds):
            if have_fio:
                theirs.append(fio_round(Path(folder), size, threads, seconds))
            ours.append(workload_round(Path(folder), size, threads, seconds))
    best_ours = _best(ours)
    best_fio = _best(theirs) if theirs else None
    emit(
        "stress_disk",
        {
            "folder": str(base),
            "file_bytes": size,
            "io_size_bytes": MIB,
            "rand_read_threads": threads,
            "queue_depth_per_thread": 1,
            "rand_read_seconds": seconds,
            "rounds": rounds,
            "aiwm": best_ours,
            "aiwm_rounds": ours,
            "fio": best_fio if have_fio else "fio not installed",
            "fio_rounds": theirs,
            "ratios": _ratios(best_ours, best_fio) if best_fio else None,
            "targets": TARGETS,
        },
    )


def _best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Highest throughput and IOPS over the rounds (latency: the lowest)."""
    best: dict[str, Any] = {}
    for name in rounds[0]:
        values = [r[name] for r in rounds if r.get(name) is not None]
        pick = min if name.endswith("_ms") or name == "errors" else max
        best[name] = pick(values) if values else None
    return best


def _ratios(ours: dict[str, Any], fio: dict[str, Any]) -> dict[str, float | None]:
    pairs = {
        "seq_write": "seq_write_bytes_per_s",
        "seq_read": "seq_read_bytes_per_s",
        "rand_read_iops": "rand_read_iops",
    }
    return {key: round(ours[m] / fio[m], 3) if ours.get(m) and fio.get(m) else None for key, m in pairs.items()}


if __name__ == "__main__":
    main()
