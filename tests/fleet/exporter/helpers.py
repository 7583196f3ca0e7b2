"""Hand-made records and a text scrape for the exporter's tests."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from app.core.gpu.records import GpuInfo, GpuReading, GpuSetReading, NvidiaStatus
from app.core.sampling.sample import Sample
from app.fleet.exporter.collector import ReadingsCollector
from app.fleet.exporter.latest import LatestSamples

GIB = 2**30


def gpu_info(index: int = 0, **values: Any) -> GpuInfo:
    nones: dict[str, Any] = {f.name: None for f in fields(GpuInfo)}
    base = {
        "index": index,
        "name": "NVIDIA GeForce RTX 4090",
        "uuid": f"GPU-0000000{index}-aaaa-bbbb-cccc-dddddddddddd",
        "simulated": False,
        "pci_bus_id": f"00000000:0{index + 1}:00.0",
        "vram_total_bytes": 24 * GIB,
        "pcie_gen_max": 4,
        "pcie_width_max": 16,
    }
    return GpuInfo(**{**nones, **base, **values})


def gpu_reading(index: int = 0, **values: Any) -> GpuReading:
    """A reading with every value missing except those given (and the identity)."""
    nones: dict[str, Any] = {f.name: None for f in fields(GpuReading)}
    identity = {
        "index": index,
        "uuid": f"GPU-0000000{index}-aaaa-bbbb-cccc-dddddddddddd",
        "name": "NVIDIA GeForce RTX 4090",
        "simulated": False,
        "lost": False,
        "fans_percent": (),
        "processes": (),
    }
    return GpuReading(**{**nones, **identity, **values})


def gpu_sample(*gpus: GpuReading, tick_wall_s: float = 1000.0) -> Sample:
    status = NvidiaStatus("ok", "560.35.03", "12.6", "12.560.35.03")
    return Sample("gpu", 1.0, tick_wall_s, 0.001, 0.001, GpuSetReading(status, gpus))


def scrape(collector: ReadingsCollector) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The exposition text parsed back: (sample name, labels) -> value."""
    registry = CollectorRegistry()
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def values_of(scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> list[float]:
    return [value for (sample_name, _), value in scraped.items() if sample_name == name]


def collector_with(*samples: Sample, gpus: tuple[GpuInfo, ...] = (), now_s: float = 1000.5) -> ReadingsCollector:
    latest = LatestSamples()
    for sample in samples:
        latest.update(sample)
    return ReadingsCollector(latest, gpus, "ws01", wall_clock=lambda: now_s)


def start_serving(
    *args: str, demo: bool = True, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """`aiwm serve --demo` on a free loopback port; returns the process and its /metrics URL.

    The child starts with SIGINT at its default even when the test run does not: a test run started
    as a background job of a script (`make test &`) ignores SIGINT, the child would inherit that,
    and `aiwm serve` rightly keeps an ignored SIGINT ignored (as `nohup` asks), so a test sending
    SIGINT waited 15 s and failed. That was the "flaky under load" SIGINT test."""
    with sigint_at_default_for_children():
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", *(["--demo"] if demo else []), "--listen", "127.0.0.1:0", *args],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[3],
        )
    assert process.stderr is not None
    line = process.stderr.readline()  # the one line that says where it listens
    found = re.search(r"(http://127\.0\.0\.1:\d+/metrics)", line)
    if found is None:
        process.kill()
        process.wait(10)
        raise AssertionError(f"no listening line: {line!r}")
    return process, found.group(1)


@contextlib.contextmanager
def sigint_at_default_for_children() -> Iterator[None]:
    """While the block runs, a child started here finds SIGINT at its default, not ignored.

    A signal this process catches is reset to its default in a child at exec; an ignored one stays
    ignored. So an ignored SIGINT is caught (by Python's own handler) for the moment of the start."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def fetch_metrics(url: str, wait_for: str, within_s: float = 10) -> str:
    deadline = time.monotonic() + within_s
    while True:
        with urllib.request.urlopen(url, timeout=5) as response:
            text: str = response.read().decode()
        if wait_for in text or time.monotonic() > deadline:
            return text
        time.sleep(0.2)
