"""The history from session files: min / mean / max hand-computed, --since, alerts, several files,
and the metric catalog's words and units; and the window's History."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from app.core.errors import SessionFileError, UserError
from app.core.sampling.history import History
from app.core.sampling.sample import Sample
from app.report.history import from_sessions, from_window, label_of, metric_summary
from tests.report.fixtures import T0, GpuTemperature, write_session


def test_min_mean_max_and_count_skip_missing_readings(tmp_path: Path) -> None:
    path = write_session(tmp_path / "s.aiwm", [40.0, 50.0, None, 60.0, 70.0])
    period = from_sessions([path])
    summary = metric_summary(period.metrics["gpu0.temperature_c"])
    # by hand: (40 + 50 + 60 + 70) / 4 = 55; the missing reading is not a zero
    assert summary is not None
    assert (summary["min"], summary["mean"], summary["max"], summary["samples"]) == (40.0, 55.0, 70.0, 4)
    assert (period.start_s, period.end_s) == (T0, T0 + 4)


def test_the_catalog_gives_the_label_unit_and_description(tmp_path: Path) -> None:
    period = from_sessions([write_session(tmp_path / "s.aiwm", [40.0])])
    summary = metric_summary(period.metrics["gpu0.temperature_c"])
    assert summary is not None
    assert summary["unit"] == "°C"
    assert summary["label"] == "GPU 0: GPU temperature"
    assert summary["description"] == "GPU core temperature."


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("disk.nvme0n1.read_bytes_per_s", "nvme0n1: "),
        ("net.eth0.100.rx_bytes_per_s", "eth0.100: "),
        ("cpu.util_percent", "CPU use"),
    ],
)
def test_labels_name_the_device(name: str, label: str) -> None:
    assert label_of(name).startswith(label)


def test_since_keeps_the_last_seconds_before_the_newest_reading(tmp_path: Path) -> None:
    temps = [float(i) for i in range(100)]  # T0 + i holds i
    events = [(T0 + 10, "alert_fired", "early"), (T0 + 95, "alert_fired", "late"), (T0 + 96, "ticks_skipped", "x")]
    period = from_sessions([write_session(tmp_path / "s.aiwm", temps, events=events)], since_s=30)
    summary = metric_summary(period.metrics["gpu0.temperature_c"])
    assert summary is not None
    # (T0 + 99 - 30, T0 + 99]: readings 70..99, mean 84.5
    assert (summary["min"], summary["max"], summary["samples"], summary["mean"]) == (70.0, 99.0, 30, 84.5)
    assert [(a.kind, a.message) for a in period.alerts] == [("fired", "late")]


def test_several_session_files_merge_in_time_order(tmp_path: Path) -> None:
    later = write_session(tmp_path / "b.aiwm", [80.0, 90.0], start_s=T0 + 100)
    earlier = write_session(tmp_path / "a.aiwm", [10.0, 20.0], start_s=T0)
    period = from_sessions([later, earlier])
    assert list(period.metrics["gpu0.temperature_c"].values) == [10.0, 20.0, 80.0, 90.0]
    assert (period.start_s, period.end_s) == (T0, T0 + 101)


def test_a_bad_session_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.aiwm"
    bad.write_text("not sqlite")
    with pytest.raises(SessionFileError, match="not a readable aiwm session file"):
        from_sessions([bad])


def test_the_windows_history_over_the_last_minutes() -> None:
    history = History()
    for i in range(120):
        history.add(Sample("gpu", 1.0, T0 + i, 0.0, 0.0, GpuTemperature(float(i))))
    period = from_window(history, since_s=60)
    summary = metric_summary(period.metrics["gpu0.temperature_c"])
    assert summary is not None
    assert (summary["min"], summary["max"], summary["samples"]) == (60.0, 119.0, 60)  # (T0+59, T0+119]
    assert math.isclose(summary["mean"], 89.5)


def test_a_metric_that_appears_mid_session_keeps_its_own_times(tmp_path: Path) -> None:
    from dataclasses import dataclass

    from app.core.records import Metrics
    from app.core.sessions.recorder import Recorder

    @dataclass(frozen=True)
    class Disks:
        values: dict[str, float | None]

        def metrics(self) -> Metrics:
            return dict(self.values)

    path = tmp_path / "s.aiwm"
    recorder = Recorder(path, {"simulated": False}, commit_interval_s=0.05)
    rows = [{"a.value": 1.0}, {"a.value": 2.0, "b.value": 10.0}, {"b.value": None, "a.value": 3.0}, {"a.value": 4.0}]
    for i, values in enumerate(rows):
        recorder.add_sample(Sample("disk", 1.0, T0 + i, 0.0, 0.0, Disks(values)))
    recorder.close()
    period = from_sessions([path])
    a, b = period.metrics["a.value"], period.metrics["b.value"]
    assert list(a.times_s - T0) == [0, 1, 2, 3] and list(a.values) == [1.0, 2.0, 3.0, 4.0]
    assert list(b.times_s - T0) == [1, 2] and b.values[0] == 10.0 and math.isnan(b.values[1])


def test_a_cumulative_counter_is_summarised_by_its_increase_not_min_mean_max(tmp_path: Path) -> None:
    """The trial's case: the power-violation counter of a 30-minute session rose 1678 s in 1799 s."""
    counter = [100.0 + min(i, 1678) for i in range(1800)]  # +1 s per second for 1678 s, then flat
    path = write_session(tmp_path / "s.aiwm", [50.0] * 1800, counter=counter)
    summary = metric_summary(from_sessions([path]).metrics["gpu0.power_violation_s"])
    assert summary is not None
    assert summary["kind"] == "counter"
    assert (summary["min"], summary["mean"], summary["max"]) == (None, None, None)
    assert (summary["increase"], summary["increase_over_s"], summary["samples"]) == (1678.0, 1799.0, 1800)


def test_a_counter_that_starts_again_counts_only_its_rises(tmp_path: Path) -> None:
    counter = [500.0, 510.0, 530.0, 0.0, 5.0, None, 12.0]  # the driver reloaded after 530: 10 + 20 + 5 + 7 = 42
    path = write_session(tmp_path / "s.aiwm", [50.0] * 7, counter=counter)
    summary = metric_summary(from_sessions([path]).metrics["gpu0.power_violation_s"])
    assert summary is not None
    assert (summary["increase"], summary["increase_over_s"]) == (42.0, 6.0)


def test_two_sessions_count_the_rise_within_each_not_across_the_gap(tmp_path: Path) -> None:
    first = write_session(tmp_path / "a.aiwm", [50.0] * 3, counter=[10.0, 11.0, 12.0])
    later = write_session(tmp_path / "b.aiwm", [50.0] * 3, start_s=T0 + 3600, counter=[900.0, 904.0, 908.0])
    summary = metric_summary(from_sessions([first, later]).metrics["gpu0.power_violation_s"])
    assert summary is not None
    # 2 s in the first hour's session, 8 s in the second; the 888 s between them happened outside both
    assert (summary["increase"], summary["increase_over_s"]) == (10.0, 4.0)


def test_a_gauge_keeps_min_mean_max_and_says_it_is_a_gauge(tmp_path: Path) -> None:
    summary = metric_summary(from_sessions([write_session(tmp_path / "s.aiwm", [40.0, 60.0])]).metrics[
        "gpu0.temperature_c"
    ])  # fmt: skip
    assert summary is not None
    assert (summary["kind"], summary["min"], summary["mean"], summary["max"]) == ("gauge", 40.0, 50.0, 60.0)
    assert "increase" not in summary


def test_a_since_longer_than_the_session_is_clipped_to_the_readings(tmp_path: Path) -> None:
    """The trial's case: --since 7d over a 30-minute session is a 30-minute period, not 7 days."""
    path = write_session(tmp_path / "s.aiwm", [50.0] * 1800, meta={"started_at": T0})
    period = from_sessions([path], since_s=7 * 86400)
    assert (period.start_s, period.end_s) == (T0, T0 + 1799)
    assert period.requested_s == 7 * 86400


def test_a_since_within_the_session_starts_where_it_asks(tmp_path: Path) -> None:
    path = write_session(tmp_path / "s.aiwm", [50.0] * 600, meta={"started_at": T0})
    period = from_sessions([path], since_s=120)
    assert (period.start_s, period.end_s) == (T0 + 599 - 120, T0 + 599)


def test_sessions_of_different_gpus_under_one_index_are_refused_not_merged(tmp_path: Path) -> None:
    """The trial's case: s.aiwm (an RTX 4090) and deg.aiwm (a degraded one) both as "gpu0"."""
    a = write_session(tmp_path / "a.aiwm", [40.0], gpu_uuid="GPU-aaaaaaaa-0000-0000-0000-000000000001")
    b = write_session(tmp_path / "b.aiwm", [80.0], start_s=T0 + 10, gpu_uuid="GPU-bbbbbbbb-0000-0000-0000-000000000002")
    with pytest.raises(UserError, match="recorded different GPUs as GPU 0") as refused:
        from_sessions([a, b])
    assert "GPU-aaaaaaaa" in str(refused.value) and "GPU-bbbbbbbb" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_sessions_of_the_same_gpu_merge(tmp_path: Path) -> None:
    uuid = "GPU-aaaaaaaa-0000-0000-0000-000000000001"
    a = write_session(tmp_path / "a.aiwm", [40.0], gpu_uuid=uuid)
    b = write_session(tmp_path / "b.aiwm", [80.0], start_s=T0 + 10, gpu_uuid=uuid)
    period = from_sessions([a, b])
    assert list(period.metrics["gpu0.temperature_c"].values) == [40.0, 80.0]
    assert [g["uuid"] for g in period.inventory_gpus] == [uuid]


def test_a_time_scaled_session_says_its_scale_and_how_long_it_really_took(tmp_path: Path) -> None:
    # 1000 simulated seconds at --time-scale 100 began at T0: the last tick is T0 + 999, 9.99 s of real time
    path = write_session(tmp_path / "s.aiwm", [50.0] * 1000, meta={"started_at": T0, "time_scale": 100.0})
    period = from_sessions([path])
    assert period.time_scale == 100.0
    assert period.real_seconds is not None and math.isclose(period.real_seconds, 9.99)
