"""The fleet: each host's records wait in a bounded inbox and reach a MonitorState built from its header.

Samples come from the recorded 2-GPU demo stream (tests/data/fleet/example_stream.jsonl); expected
readings are read off that file by hand (GPU 0 at the three ticks: 28.4, 28.5, 28.2 degC).
"""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np

from app.core.gpu.records import GpuSetReading
from app.fleet.records import HostStatus, StreamAlert
from app.fleet.watch import Fleet
from tests.fleet.fake_remote import FakeHosts, example_stream, shifted, streaming

T0 = 1795886831.1667838  # the first tick of the recorded stream


def _gpu_samples(count: int, start_s: float = 0.0) -> list:
    """`count` GPU samples 1 s apart from `T0 + start_s`, the recorded first GPU reading each time."""
    _, samples = example_stream()
    gpu = next(s for s in samples if s.source == "gpu")
    return [shifted(gpu, start_s + k) for k in range(count)]


def test_adding_a_host_starts_it_and_removing_it_stops_it() -> None:
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("alice@gpu1")
    assert hosts.made["alice@gpu1"].started and not hosts.made["alice@gpu1"].stopped
    assert view.status.state == "connecting" and fleet.names() == ["alice@gpu1"]
    assert fleet.add("alice@gpu1") is view, "the same host twice is one host"
    fleet.remove("alice@gpu1")
    assert hosts.made["alice@gpu1"].stopped and fleet.names() == []


def test_records_wait_until_drain_then_fill_a_state_made_from_the_header_inventory() -> None:
    header, samples = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    sender = threading.Thread(
        target=lambda: [remote.send_status(streaming("gpu1", header))] + [remote.send_sample(s) for s in samples],
        name="test-reader",
    )
    sender.start()
    sender.join()
    assert view.state is None, "nothing reaches the view before the window drains"
    assert fleet.drain() == [view]
    assert view.state is not None and view.simulated
    assert [g.name for g in view.state.gpus] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]
    end = view.state.history.newest_time()
    assert end == T0 + 2.0
    temperatures = view.state.history.series("gpu0.temperature_c", 60.0, end).values
    np.testing.assert_allclose(temperatures, [28.4, 28.5, 28.2], atol=1e-4)
    latest = view.state.latest("gpu")
    assert isinstance(latest, GpuSetReading) and latest.gpus[1].power_w == 233.2
    assert view.dropped_here == 0 and view.gaps == 0


def test_a_full_inbox_drops_the_oldest_samples_and_counts_them() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts, sample_queue_limit=4)
    view = fleet.add("gpu1")
    hosts.made["gpu1"].send_status(streaming("gpu1", header))
    for sample in _gpu_samples(10):
        hosts.made["gpu1"].send_sample(sample)
    fleet.drain()
    assert view.dropped_here == 6
    assert view.state is not None
    times = view.state.history.series("gpu0.temperature_c", 60.0).times_s
    np.testing.assert_allclose(times, [T0 + 6, T0 + 7, T0 + 8, T0 + 9])  # the newest four are kept


def test_samples_before_any_header_are_counted_not_placed() -> None:
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    for sample in _gpu_samples(3):
        hosts.made["gpu1"].send_sample(sample)
    fleet.drain()
    assert view.state is None and view.without_header == 3


def test_a_reconnect_leaves_a_gap_in_the_graphs_instead_of_a_line_across_it() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    remote.send_status(streaming("gpu1", header))
    for sample in _gpu_samples(3):  # ticks 0, 1, 2
        remote.send_sample(sample)
    fleet.drain()
    remote.send_status(HostStatus("gpu1", "retrying", retry_in_s=5.0, connects=1))
    fleet.drain()
    remote.send_status(streaming("gpu1", header, connects=2))
    for sample in _gpu_samples(2, start_s=10.0):  # ticks 10, 11: seven ticks missing
        remote.send_sample(sample)
    fleet.drain()
    assert view.state is not None
    series = view.state.history.series("gpu0.temperature_c", 60.0)
    np.testing.assert_allclose(series.times_s, [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 10, T0 + 11])
    assert [math.isnan(v) for v in series.values] == [False, False, False, True, False, False]
    assert view.gaps == 1
    latest = view.state.latest("gpu")
    assert isinstance(latest, GpuSetReading) and latest.gpus[0].temperature_c == 28.4, "the gap is not a reading"


def test_one_missing_tick_is_a_gap_too_and_an_old_tick_is_not_drawn_again() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    hosts.made["gpu1"].send_status(streaming("gpu1", header))
    ticks = _gpu_samples(5)
    for sample in (ticks[0], ticks[1], ticks[3], ticks[2], ticks[4]):  # tick 2 late, after tick 3
        hosts.made["gpu1"].send_sample(sample)
    fleet.drain()
    assert view.state is not None
    series = view.state.history.series("gpu0.temperature_c", 60.0)
    np.testing.assert_allclose(series.times_s, [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4])
    assert [math.isnan(v) for v in series.values] == [False, False, True, False, False]


def test_fired_alerts_stay_active_until_cleared_or_a_new_connection() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    remote.send_status(streaming("gpu1", header))
    remote.send_alert(StreamAlert(T0, "alert_fired", "GPU 0 is 3 °C below its slowdown temperature"))
    remote.send_alert(StreamAlert(T0, "alert_fired", "GPU 1 VRAM 97 % full"))
    remote.send_alert(StreamAlert(T0 + 1, "alert_cleared", "GPU 1 VRAM 97 % full"))
    fleet.drain()
    assert list(view.active_alerts) == ["GPU 0 is 3 °C below its slowdown temperature"]
    remote.send_status(streaming("gpu1", header, connects=2))
    fleet.drain()
    assert list(view.active_alerts) == [], "a new `aiwm stream` starts with no alert active"


def test_the_retry_countdown_runs_from_when_the_status_arrived() -> None:
    now = [100.0]
    hosts = FakeHosts()
    fleet = Fleet(hosts, clock=lambda: now[0])
    view = fleet.add("gpu1")
    hosts.made["gpu1"].send_status(HostStatus("gpu1", "retrying", retry_in_s=8.0))
    fleet.drain()
    now[0] = 103.0
    assert view.retry_in_s(now[0]) == 5.0
    assert fleet.drain() == [view], "a countdown on screen changes every second"
    now[0] = 120.0
    assert view.retry_in_s(now[0]) == 0.0


def test_the_same_inventory_after_a_reconnect_keeps_the_history_and_another_starts_anew() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    remote.send_status(streaming("gpu1", header))
    for sample in _gpu_samples(2):
        remote.send_sample(sample)
    fleet.drain()
    first_state, first_generation = view.state, view.generation
    remote.send_status(streaming("gpu1", header, connects=2))
    fleet.drain()
    assert view.state is first_state and view.generation == first_generation
    one_gpu = dataclasses.replace(header.inventory, gpus=header.inventory.gpus[:1])
    remote.send_status(streaming("gpu1", dataclasses.replace(header, inventory=one_gpu), connects=3))
    fleet.drain()
    assert view.state is not first_state and view.generation == first_generation + 1
    assert view.state is not None and len(view.state.gpus) == 1
    assert view.state.history.newest_time() is None


def test_a_reader_thread_sending_while_the_window_drains_loses_nothing_uncounted() -> None:
    header, _ = example_stream()
    hosts = FakeHosts()
    fleet = Fleet(hosts, sample_queue_limit=16)
    view = fleet.add("gpu1")
    remote = hosts.made["gpu1"]
    remote.send_status(streaming("gpu1", header))
    fleet.drain()
    samples = _gpu_samples(600)
    sender = threading.Thread(target=lambda: [remote.send_sample(s) for s in samples], name="test-reader")
    sender.start()
    while sender.is_alive():
        fleet.drain()
    sender.join()
    fleet.drain()
    assert view.state is not None
    values = view.state.history.series("gpu0.temperature_c", 900.0).values
    shown = int(np.count_nonzero(~np.isnan(values)))
    assert shown + view.dropped_here == 600
    assert shown >= 16, "at least the last inbox full is shown"
