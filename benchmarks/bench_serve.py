"""`aiwm serve --demo` (two simulated GPUs, 1 s sampling): idle CPU and /metrics scrape latency, each
beside prometheus_client's bare example exporter (a few gauges, start_http_server) in the same run.

Targets (issue 13): idle at most 1 % of a core; a scrape answers in at most 20 ms at the 99th percentile.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
from _common import ROOT, emit

# prometheus_client's README example, made to look like a two-GPU exporter: a few gauges per GPU,
# set once a second.
BASELINE = """
import random, sys, time
from prometheus_client import Gauge, start_http_server
names = ("temp", "power", "util", "fb_used", "fb_free", "sm_clock", "mem_clock")
gauges = [Gauge(f"bare_gpu_{name}", name, ["gpu", "UUID", "modelName"]) for name in names]
start_http_server(int(sys.argv[1]), "127.0.0.1")
while True:
    for gpu in ("0", "1"):
        for gauge in gauges:
            gauge.labels(gpu, f"GPU-{gpu}", "Bare GPU").set(random.random() * 100)
    time.sleep(1.0)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def running(command: list[str], port: int) -> Iterator[psutil.Process]:
    """The exporter, once /metrics answers (at most 30 s)."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                scrape(port)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{command[:4]} did not serve /metrics") from None
                time.sleep(0.2)
        yield psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def scrape(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return len(response.read())


def idle_cpu_percent(watched: psutil.Process, warmup_s: float, measure_s: float) -> float:
    """Percent of one core used while nobody scrapes."""
    time.sleep(warmup_s)
    before, start = watched.cpu_times(), time.monotonic()
    time.sleep(measure_s)
    after, end = watched.cpu_times(), time.monotonic()
    used = (after.user - before.user) + (after.system - before.system)
    return round(100.0 * used / (end - start), 3)


def scrape_latency(port: int, scrapes: int) -> dict[str, float]:
    """Wall milliseconds per scrape, one new connection each, as Prometheus makes them."""
    times, size = [], 0
    for _ in range(scrapes):
        started = time.perf_counter()
        size = scrape(port)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))], 3),
        "max_ms": round(times[-1], 3),
        "bytes": size,
    }


def measure(command: list[str], port: int, warmup_s: float, measure_s: float, scrapes: int) -> dict[str, object]:
    with running(command, port) as watched:
        idle = idle_cpu_percent(watched, warmup_s, measure_s)
        return {"idle_cpu_percent": idle, "scrape": scrape_latency(port, scrapes)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    warmup, window, scrapes = (3.0, 5.0, 100) if quick else (10.0, 60.0, 500)
    port = free_port()
    baseline = measure([sys.executable, "-c", BASELINE, str(port)], port, warmup, window, scrapes)
    port = free_port()
    serve = [sys.executable, "-m", "app", "serve", "--demo", "--interval", "1", "--listen", f"127.0.0.1:{port}"]
    aiwm = measure(serve, port, warmup, window, scrapes)
    emit(
        "serve",
        {
            "warmup_s": warmup,
            "measure_s": window,
            "scrapes": scrapes,
            "gpus": 2,
            "baseline_bare_prometheus_client": baseline,
            "aiwm_serve_demo": aiwm,
            "targets": {"idle_cpu_percent": 1.0, "scrape_p99_ms": 20.0},
        },
    )


if __name__ == "__main__":
    main()
