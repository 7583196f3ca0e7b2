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
        ("bench_stress_cpu.py", {"numpy_all_cores_gflops", "cpu_workload_gflops", "ratio_vs_numpy"}),
        ("bench_stress_disk.py", {"aiwm", "fio", "ratios", "targets"}),
        ("bench_report.py", {"build_and_json_s", "baseline_read_rows_s", "target_s", "within_target"}),
        ("bench_stream_cpu.py", {"stream_demo_two_gpus_percent", "record_demo_two_gpus_percent", "stream_vs_record"}),
        ("bench_remote_host.py", {"per_host_local_percent", "baseline_local_live_session_demo_percent", "streaming"}),
        ("bench_fleet_gui.py", {"baseline_no_hosts", "fleet", "per_host_percent", "within_target"}),
    ],
)
def test_benchmark_prints_its_json(script: str, keys: set[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"], capture_output=True, text=True, timeout=300, check=True
    )
    doc = json.loads(done.stdout)
    assert keys <= set(doc)


def test_disk_benchmark_without_fio_says_so_and_gives_no_ratio(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # a PATH with no fio on it
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_stress_disk.py"), "--quick", "--path", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=env,
    )
    doc = json.loads(done.stdout)
    assert doc["fio"] == "fio not installed"
    assert doc["ratios"] is None
    assert doc["aiwm"]["seq_read_bytes_per_s"] > 0
