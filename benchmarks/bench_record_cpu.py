"""CPU use of `aiwm record --interval 1` in steady state, host only and with two simulated GPUs,
beside a minimal psutil monitor loop at 1 s measured in the same run."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _common import ROOT, emit

BASELINE = """
import time, psutil
while True:
    psutil.cpu_times(percpu=True); psutil.virtual_memory(); psutil.swap_memory()
    psutil.disk_io_counters(perdisk=True); psutil.net_io_counters(pernic=True)
    time.sleep(1.0)
"""


def steady_cpu_percent(command: list[str], warmup_s: float, measure_s: float) -> float:
    """Percent of one core used by `command` between warm-up and the end of the window."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        watched = psutil.Process(process.pid)
        time.sleep(warmup_s)
        before, start = watched.cpu_times(), time.monotonic()
        time.sleep(measure_s)
        after, end = watched.cpu_times(), time.monotonic()
    finally:
        process.terminate()
        process.wait(10)
    used = (after.user - before.user) + (after.system - before.system)
    return round(100.0 * used / (end - start), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    warmup, measure = (3.0, 5.0) if quick else (10.0, 60.0)
    with tempfile.TemporaryDirectory() as folder:
        record = [sys.executable, "-m", "app", "record", "--interval", "1", "--duration", "100000"]
        results = {
            "baseline_psutil_loop_percent": steady_cpu_percent([sys.executable, "-c", BASELINE], warmup, measure),
            "record_host_percent": steady_cpu_percent(
                [*record, "--out", str(Path(folder) / "a.aiwm")], warmup, measure
            ),
            "record_demo_two_gpus_percent": steady_cpu_percent(
                [*record, "--demo", "--out", str(Path(folder) / "b.aiwm")], warmup, measure
            ),
        }
    base = max(results["baseline_psutil_loop_percent"], 1e-3)
    emit(
        "record_cpu",
        {
            "warmup_s": warmup,
            "measure_s": measure,
            "unit": "percent of one core",
            **results,
            "record_host_vs_baseline": round(results["record_host_percent"] / base, 2),
            "record_demo_vs_baseline": round(results["record_demo_two_gpus_percent"] / base, 2),
            "target_percent": 1.0,
        },
    )


if __name__ == "__main__":
    main()
