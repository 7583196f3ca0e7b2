"""24 hours of history at accelerated speed: memory held, RSS growth, and the cost of an append."""

from __future__ import annotations

import argparse
import time

import psutil
from _common import emit

from app.core.engine import Engine, EngineOptions
from app.core.sampling.history import History
from app.core.sampling.sample import Sample
from app.core.snapshot import read_twice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fill 1 hour instead of 24")
    hours = 1 if parser.parse_args().quick else 24
    with Engine(EngineOptions(demo="")) as engine:
        readings = {name: r for name, r in read_twice(engine).items() if not isinstance(r, str)}
    metrics = sum(len(r.metrics()) for r in readings.values())
    process = psutil.Process()
    rss_before = process.memory_info().rss
    history = History()
    t0, appends, started = 1_800_000_000.0, 0, time.perf_counter()
    checkpoints = {}
    for second in range(hours * 3600):
        for name, reading in readings.items():
            history.add(Sample(name, 1.0, t0 + second, 0.0, 0.0, reading))
            appends += 1
        if second in (900, 3600, 6 * 3600, 12 * 3600):
            checkpoints[f"after_{second // 60}_min_bytes"] = history.nbytes
    elapsed = time.perf_counter() - started
    rss_growth = process.memory_info().rss - rss_before
    baseline_started, values = time.perf_counter(), []
    for _ in range(3600):
        for reading in readings.values():
            values.append(reading.metrics())
    baseline_per_append = (time.perf_counter() - baseline_started) / (3600 * len(readings))
    emit(
        "history",
        {
            "hours_filled": hours,
            "sources": len(readings),
            "metrics": metrics,
            "history_bytes": history.nbytes,
            "history_mb": round(history.nbytes / 1e6, 2),
            "bytes_per_metric": round(history.nbytes / metrics),
            **checkpoints,
            "rss_growth_mb": round(rss_growth / 1e6, 2),
            "append_us_per_sample": round(elapsed / appends * 1e6, 2),
            "baseline_list_append_us_per_sample": round(baseline_per_append * 1e6, 2),
            "append_vs_baseline": round((elapsed / appends) / baseline_per_append, 2),
        },
    )


if __name__ == "__main__":
    main()
