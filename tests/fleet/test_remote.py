"""RemoteHost against a real sshd on a loopback port (tests/fleet/local_sshd.py), the remote `aiwm`
a stand-in that replays the recorded stream (tests/fleet/stream_replay.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.fleet.backoff import Backoff
from app.fleet.remote import RemoteHost
from tests.conftest import DATA
from tests.fleet.helpers import Collected, replay_aiwm, ssh_children, wait_for
from tests.fleet.local_sshd import LocalSshd

RECORDED = DATA / "fleet" / "example_stream.jsonl"


def recorded_gpu0_temperatures() -> set[float]:
    """GPU 0's temperatures in the recorded stream, read from the raw JSON."""
    lines = [json.loads(line) for line in RECORDED.read_text().splitlines()[1:]]
    return {line["detail"]["gpus"][0]["temperature_c"] for line in lines if line["source"] == "gpu"}


def test_streams_the_remote_records_over_ssh_with_the_header_alerts_and_drop_count(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        got = Collected(host)
        host.start()
        try:
            wait_for(lambda: len(got.samples) >= 20 and got.alerts, what="20 samples and an alert")
            status = host.status
        finally:
            host.stop()
            assert host.wait_stopped()
    assert status.state == "streaming" and status.problem is None and status.connects == 1
    assert status.header is not None and status.header.host == "demo-host" and status.header.simulated
    assert [gpu.name for gpu in status.header.inventory.gpus] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]
    assert status.samples >= 20 and status.dropped_remote == 3  # the replay's dropped line says 3
    assert got.alerts[0].kind == "alert_fired" and got.alerts[0].message == "gpu0 hot"
    gpu_temperatures = {s.metrics()["gpu0.temperature_c"] for s in got.samples if s.source == "gpu"}
    assert gpu_temperatures and gpu_temperatures <= recorded_gpu0_temperatures()
    assert got.states()[:2] == ["connecting", "streaming"] and got.states()[-1] == "stopped"
    # the remote was asked for `aiwm stream` at the watcher's interval
    assert json.loads((tmp_path / "argv.log").read_text().splitlines()[0]) == ["stream", "--interval", "0.1"]


def test_stop_closes_stdin_so_the_remote_stream_ends_and_no_process_is_left(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        got = Collected(host)
        host.start()
        wait_for(lambda: len(got.samples) >= 5, what="5 samples")
        assert len(ssh_children()) == 1
        started = time.monotonic()
        host.stop()
        assert host.wait_stopped()
        took_s = time.monotonic() - started
        assert ssh_children() == []
        wait_for(lambda: sshd.session_processes() == [], timeout_s=5, what="the remote session to end")
    assert (tmp_path / "stdin-closed").exists()  # the remote ended because its stdin closed ...
    assert took_s < 2.0, f"... not killed after the 2 s grace: took {took_s:.2f} s"
    assert host.status.state == "stopped"


def test_stop_kills_ssh_whose_remote_ignores_stdin_after_the_grace_period(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("deaf")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        got = Collected(host)
        host.start()
        wait_for(lambda: len(got.samples) >= 5, what="5 samples")
        started = time.monotonic()
        host.stop()
        assert host.wait_stopped()
        took_s = time.monotonic() - started
        assert ssh_children() == []
        # the deaf remote dies writing into the closed connection
        wait_for(lambda: sshd.session_processes() == [], timeout_s=5, what="the remote session to end")
    assert 1.8 <= took_s <= 4.5, f"stop() waits ~2 s for ssh, then kills it: took {took_s:.2f} s"


def test_a_dropped_connection_retries_with_back_off_and_the_history_shows_the_gap(tmp_path: Path) -> None:
    state = tmp_path / "dropped-once"
    with LocalSshd(tmp_path, replay_aiwm("drop", "--state", str(state), "--drop-after", "5")) as sshd:
        host = RemoteHost(
            sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options, backoff=Backoff(first_s=0.6, reset_after_s=30)
        )
        got = Collected(host)
        host.start()
        try:
            wait_for(lambda: host.status.connects == 2 and host.status.samples >= 8 * 10, what="a reconnect")
        finally:
            host.stop()
            assert host.wait_stopped()
    retrying = [s for s in got.statuses if s.state == "retrying"]
    assert len(retrying) == 1 and retrying[0].retry_in_s == 0.6
    assert retrying[0].problem is not None and retrying[0].problem.kind == "dropped"
    assert "closed by remote host" in retrying[0].problem.message
    assert got.states()[:5] == ["connecting", "streaming", "retrying", "connecting", "streaming"]
    header = host.status.header
    assert header is not None
    monitor = MonitorState(header.inventory.gpus, AlertSettings())
    for sample in got.samples:
        monitor.add(sample)
    times = monitor.history.series("gpu0.temperature_c", window_s=600).times_s
    steps = np.diff(times)
    # 5 ticks before the cut, then at least the 0.6 s back-off without samples, then the ticks again
    assert int(np.argmax(steps)) == 4 and steps.max() >= 0.6
    assert np.all(np.delete(steps, 4) < 0.5)
    assert len(times) >= 10


def test_the_back_off_grows_while_the_host_stays_unreachable(tmp_path: Path) -> None:
    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        closed_port = sshd.port
        options = sshd.ssh_options
    host = RemoteHost("aiwm-test-host", ssh_options=options, backoff=Backoff(first_s=0.2, factor=2, max_s=0.5))
    got = Collected(host)
    host.start()
    try:
        wait_for(lambda: sum(s.state == "retrying" for s in got.statuses) >= 4, what="four retries")
    finally:
        host.stop()
        assert host.wait_stopped()
    retrying = [s for s in got.statuses if s.state == "retrying"]
    assert [s.retry_in_s for s in retrying[:4]] == [0.2, 0.4, 0.5, 0.5]
    problem = retrying[0].problem
    assert problem is not None and problem.kind == "unreachable"
    assert f"port {closed_port}: Connection refused" in problem.message
    assert ssh_children() == []


def test_a_listener_that_raises_does_not_stop_the_others_or_the_stream(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(sample: Sample) -> None:
        raise RuntimeError("a bug in one view")

    with LocalSshd(tmp_path, replay_aiwm("replay")) as sshd:
        host = RemoteHost(sshd.alias, interval_s=0.1, ssh_options=sshd.ssh_options)
        host.subscribe(on_sample=broken)
        got = Collected(host)
        host.start()
        try:
            wait_for(lambda: len(got.samples) >= 10, what="10 samples past the broken listener")
            assert host.status.state == "streaming"
        finally:
            host.stop()
            assert host.wait_stopped()
    assert "remote host listener failed" in caplog.text
