"""The benchmark scripts still run and print their JSON (their figures are not asserted: not timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "keys"),
    [
        (
            "bench_sampler.py",
            {"baseline_psutil_host_reading", "host_sources", "nvml_stand_in", "scale_8_gpus_128_cores"},
        ),
        ("bench_history.py", {"history_bytes", "bytes_per_metric", "append_vs_baseline"}),
    ],
)
def test_benchmark_prints_its_json(script: str, keys: set[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"], capture_output=True, text=True, timeout=300, check=True
    )
    doc = json.loads(done.stdout)
    assert keys <= set(doc)
