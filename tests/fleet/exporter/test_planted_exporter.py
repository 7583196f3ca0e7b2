"""Tests added after planting bugs in app/fleet/exporter/ that the suite let pass."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.core.records import Metrics
from app.core.sampling.sample import Sample
from app.fleet.exporter.collector import ReadingsCollector
from app.fleet.exporter.latest import LatestSamples
from tests.fleet.exporter.helpers import collector_with, gpu_info, gpu_reading, gpu_sample, scrape
from tests.fleet.exporter.test_collector import GPU0_LABELS


def test_the_power_limit_is_served_in_watts() -> None:
    # The enforced power limit is DCGM field 164, DCGM_FI_DEV_ENFORCED_POWER_LIMIT, in W (DCGM's
    # dcgm_fields.h): served in watts as read, not scaled to milliwatts or kilowatts.
    scraped = scrape(collector_with(gpu_sample(gpu_reading(0, power_limit_w=450.0)), gpus=(gpu_info(0),)))
    assert scraped[("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", frozenset(GPU0_LABELS.items()))] == 450.0


@dataclass(frozen=True)
class _SlowSample(Sample):
    """A sample whose metrics take as long as the test wants: a scrape stuck in the middle."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def metrics(self) -> Metrics:
        self.entered.set()
        self.release.wait(10)
        return super().metrics()


def test_a_scrape_stuck_formatting_never_holds_up_the_sampler_handing_over_samples() -> None:
    latest = LatestSamples()
    slow = _SlowSample(
        "gpu",
        1.0,
        1000.0,
        0.0,
        0.0,
        gpu_sample(gpu_reading(0, temperature_c=60.0)).reading,
        None,
        threading.Event(),
        threading.Event(),
    )
    latest.update(slow)
    collector = ReadingsCollector(latest, (gpu_info(0),), "ws01", wall_clock=lambda: 1000.5)
    scrape_thread = threading.Thread(target=collector.collect, name="test-scrape", daemon=True)
    scrape_thread.start()
    try:
        assert slow.entered.wait(5), "the scrape did not reach the sample"
        handed = threading.Event()

        def hand_over_the_next_tick() -> None:
            latest.update(gpu_sample(gpu_reading(0, temperature_c=61.0), tick_wall_s=1001.0))
            handed.set()

        sampler = threading.Thread(target=hand_over_the_next_tick, name="test-sampler", daemon=True)
        sampler.start()
        assert handed.wait(2), "the sampler waited for a scrape"
        assert latest.by_source["gpu"].tick_wall_s == 1001.0
    finally:
        slow.release.set()
        scrape_thread.join(5)
