"""Tests added after planting bugs in app/fleet/watch.py and app/fleet/host_list.py that the suite let pass."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from app.fleet.host_list import HOSTS_SCHEMA, load_hosts
from app.fleet.watch import Fleet
from tests.fleet.fake_remote import FakeHosts, example_stream, streaming
from tests.fleet.test_watch import T0, _gpu_samples


def test_a_tick_sent_twice_is_drawn_once() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    hosts.made["gpu1"].send_status(streaming("gpu1", header))
    ticks = _gpu_samples(2)
    for sample in (ticks[0], ticks[1], ticks[1]):  # tick 1 resent (a reconnect that overlaps)
        hosts.made["gpu1"].send_sample(sample)
    fleet.drain()
    assert view.state is not None
    series = view.state.history.series("gpu0.temperature_c", 60.0)
    np.testing.assert_allclose(series.times_s - T0, [0, 1], rtol=0, atol=1e-6)
    assert view.gaps == 0


def test_the_gap_row_sits_at_the_first_missing_tick_not_at_the_next_sample() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    remote.send_status(streaming("gpu1", header))
    for sample in [*_gpu_samples(2), *_gpu_samples(1, start_s=6.0)]:  # ticks 0, 1, then 6
        remote.send_sample(sample)
    fleet.drain()
    assert view.state is not None
    series = view.state.history.series("gpu0.temperature_c", 60.0)
    # Relative to T0: assert_allclose's default rtol of 1e-7 on epoch seconds (~1.8e9) lets times
    # differ by minutes, so absolute tick times would not tell tick 2 from tick 6.
    np.testing.assert_allclose(series.times_s - T0, [0, 1, 2, 6], rtol=0, atol=1e-6)
    assert [math.isnan(v) for v in series.values] == [False, False, True, False]


def test_a_host_saved_twice_is_loaded_once_in_the_order_first_added(tmp_path: Path) -> None:
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps({"schema": HOSTS_SCHEMA, "hosts": ["gpu2", "alice@gpu1", "gpu2"]}), encoding="utf-8")
    loaded = load_hosts(path)
    assert loaded.hosts == ("gpu2", "alice@gpu1") and loaded.warning is None
