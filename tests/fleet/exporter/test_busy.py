"""A scrape never waits for the sampler, and the sampler never waits for a scrape."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.fleet.exporter.collector import ReadingsCollector
from app.fleet.exporter.latest import LatestSamples
from app.fleet.exporter.server import ListenAddress, start_server

INTERVAL_S = 0.25


class _BlockingCollector(Collector):
    """Stands for a scrape that takes long (a slow client, a huge registry): blocks until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def describe(self) -> Iterable[Metric]:
        return ()

    def collect(self) -> Iterable[Metric]:
        self.entered.set()
        self.release.wait(10)
        return ()


@pytest.fixture
def demo_live() -> Iterator[tuple[LiveSession, LatestSamples, CollectorRegistry]]:
    engine = Engine(EngineOptions(demo="", interval_s=INTERVAL_S))
    live = LiveSession(engine, AlertSettings())
    latest = LatestSamples()
    live.subscribe(latest.update)
    registry = CollectorRegistry()
    registry.register(ReadingsCollector(latest, engine.inventory().gpus, "ws01"))
    try:
        yield live, latest, registry
    finally:
        live.stop()


def _wait_for_gpu_sample(latest: LatestSamples) -> Sample:
    deadline = time.monotonic() + 10
    while "gpu" not in latest.by_source:
        assert time.monotonic() < deadline, "no GPU sample within 10 s"
        time.sleep(0.02)
    return latest.by_source["gpu"]


def _scrape(port: int) -> tuple[float, str]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return time.perf_counter() - started, text


def test_a_scrape_answers_fast_with_the_newest_readings_while_the_sampler_thread_is_stuck(
    demo_live: tuple[LiveSession, LatestSamples, CollectorRegistry],
) -> None:
    live, latest, registry = demo_live
    stuck = threading.Event()
    release = threading.Event()

    def stuck_listener(sample: Sample) -> None:  # the sampler thread hangs here, as in a stuck driver call
        if sample.source == "gpu":
            stuck.set()
            release.wait(10)

    live.start()
    _wait_for_gpu_sample(latest)
    live.subscribe(stuck_listener)
    server, thread = start_server(ListenAddress("127.0.0.1", 0), registry)
    try:
        assert stuck.wait(5), "the sampler never reached the stuck listener"
        elapsed_s, text = _scrape(server.server_address[1])
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert elapsed_s < 0.5, f"scrape took {elapsed_s:.3f} s while the sampler was stuck"
    assert 'DCGM_FI_DEV_GPU_TEMP{Hostname="ws01"' in text


def test_the_sampler_keeps_its_ticks_while_a_scrape_is_stuck(
    demo_live: tuple[LiveSession, LatestSamples, CollectorRegistry],
) -> None:
    live, latest, registry = demo_live
    slow = _BlockingCollector()
    registry.register(slow)
    live.start()
    first = _wait_for_gpu_sample(latest)
    server, thread = start_server(ListenAddress("127.0.0.1", 0), registry)
    scraper = threading.Thread(target=_scrape, args=(server.server_address[1],), daemon=True)
    try:
        scraper.start()
        assert slow.entered.wait(5), "the scrape never started"
        time.sleep(6 * INTERVAL_S)  # the scrape is stuck all this time
        during = latest.by_source["gpu"]
        ticks = live.sampler.tick_counts()["gpu"]
    finally:
        slow.release.set()
        scraper.join(5)
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert during.tick_wall_s - first.tick_wall_s >= 4 * INTERVAL_S  # new samples kept arriving
    assert ticks.skipped_late == 0


def test_updating_the_newest_samples_does_not_wait_for_a_scrape_in_progress() -> None:
    latest = LatestSamples()
    held = latest.by_source  # a scrape holds the mapping it read
    sample = Sample("cpu", 1.0, 1.0, 0.0, 0.0, None, error="x")
    started = time.perf_counter()
    latest.update(sample)
    assert time.perf_counter() - started < 0.01
    assert dict(held) == {}  # the scrape's mapping did not change under it
    assert latest.by_source["cpu"] is sample
