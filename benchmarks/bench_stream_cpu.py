"""CPU use of `aiwm stream --demo --interval 1` in steady state, beside `aiwm record --demo --interval 1`
measured the same way in the same run (the target for both: at most 1 % of one core)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from io import BufferedReader
from pathlib import Path

import psutil
from _common import ROOT, emit


def steady_cpu_percent(command: list[str], warmup_s: float, measure_s: float) -> float:
    """Percent of one core used by `command` between warm-up and the end of the window.

    Its standard input stays open (the stream ends at the end of input) and its standard output is
    a pipe that a thread here drains, as an SSH client would; the draining is not counted.
    """
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None and process.stdin is not None
    drain = threading.Thread(target=_drain, args=(process.stdout,), daemon=True)
    drain.start()
    try:
        watched = psutil.Process(process.pid)
        time.sleep(warmup_s)
        before, start = watched.cpu_times(), time.monotonic()
        time.sleep(measure_s)
        after, end = watched.cpu_times(), time.monotonic()
    finally:
        process.stdin.close()
        process.terminate()
        process.wait(10)
        drain.join(10)
        process.stdout.close()
    used = (after.user - before.user) + (after.system - before.system)
    return round(100.0 * used / (end - start), 3)


def _drain(stream: BufferedReader) -> None:
    while stream.read1(65536):
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    warmup, measure = (3.0, 5.0) if quick else (5.0, 20.0)
    aiwm = [sys.executable, "-m", "app"]
    with tempfile.TemporaryDirectory() as folder:
        record = [*aiwm, "record", "--demo", "--interval", "1", "--duration", "100000"]
        results = {
            "stream_demo_two_gpus_percent": steady_cpu_percent(
                [*aiwm, "stream", "--demo", "--interval", "1"], warmup, measure
            ),
            "record_demo_two_gpus_percent": steady_cpu_percent(
                [*record, "--out", str(Path(folder) / "baseline.aiwm")], warmup, measure
            ),
        }
    base = max(results["record_demo_two_gpus_percent"], 1e-3)
    emit(
        "stream_cpu",
        {
            "warmup_s": warmup,
            "measure_s": measure,
            "unit": "percent of one core",
            **results,
            "stream_vs_record": round(results["stream_demo_two_gpus_percent"] / base, 2),
            "target_percent": 1.0,
            "within_target": results["stream_demo_two_gpus_percent"] <= 1.0,
        },
    )


if __name__ == "__main__":
    main()
