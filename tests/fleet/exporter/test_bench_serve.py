"""benchmarks/bench_serve.py still runs and prints its JSON (figures are reported, not asserted: not a timed test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[3] / "benchmarks" / "bench_serve.py"


def test_the_serve_benchmark_prints_both_exporters_idle_cpu_and_scrape_latency() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300, check=True
    )
    doc = json.loads(done.stdout)
    for exporter in ("baseline_bare_prometheus_client", "aiwm_serve_demo"):
        assert doc[exporter]["idle_cpu_percent"] >= 0.0
        assert {"p50_ms", "p99_ms", "max_ms", "bytes"} <= set(doc[exporter]["scrape"])
        assert doc[exporter]["scrape"]["bytes"] > 0
    assert doc["targets"] == {"idle_cpu_percent": 1.0, "scrape_p99_ms": 20.0}
