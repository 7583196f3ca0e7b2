"""A real Prometheus (Debian's `prometheus` package) scrapes `aiwm serve --demo` every second.

The temperature Prometheus stored must be exactly one the exporter served: a watcher reads the
exporter's /metrics every 0.25 s from before Prometheus starts, and the demo's readings change
only once per 1 s sampling interval, so every value Prometheus can scrape is one the watcher saw.
It must also be close to the newest one: the idle simulated RTX 4090 (gpu 0) moves at most
0.53 °C/s (450 W x 0.105 °C/W over its 90 s time constant, resources/gpu_catalog.json, even at
full load), so within the ~3 s between Prometheus's scrape and our last read, 2 °C is ample.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fleet.exporter.helpers import fetch_metrics, start_serving

PROMETHEUS = Path("/usr/bin/prometheus")
GPU0_TEMP = re.compile(r'^DCGM_FI_DEV_GPU_TEMP\{[^}]*gpu="0"[^}]*\} (\S+)$', re.MULTILINE)
WAIT_S = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class _Watcher:
    """Reads the exporter's gpu 0 temperature every 0.25 s and remembers every value served."""

    def __init__(self, url: str) -> None:
        self.url, self.seen, self.newest = url, set[str](), ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-exporter-watcher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            with urllib.request.urlopen(self.url, timeout=5) as response:
                found = GPU0_TEMP.search(response.read().decode())
            if found is not None:
                self.seen.add(found.group(1))
                self.newest = found.group(1)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture
def exporter() -> Iterator[str]:
    process, url = start_serving()
    try:
        fetch_metrics(url, "DCGM_FI_DEV_GPU_TEMP{")
        yield url
    finally:
        process.terminate()
        process.wait(15)
        assert process.stderr is not None
        process.stderr.close()


@contextlib.contextmanager
def _running_prometheus(exporter: str, tmp_path: Path) -> Iterator[str]:
    """Prometheus on a free loopback port with its own config and storage, scraping `exporter` every 1 s."""
    if not PROMETHEUS.exists():
        pytest.skip("/usr/bin/prometheus is not installed (Debian package prometheus; .ci/run installs it)")
    target = urllib.parse.urlsplit(exporter).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        f"scrape_configs:\n  - job_name: aiwm\n    static_configs:\n      - targets: ['{target}']\n"
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            str(PROMETHEUS),
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)
        assert process.stderr is not None
        process.stderr.close()


def _query(prometheus: str, promql: str) -> list[dict[str, Any]]:
    url = f"{prometheus}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            answer = json.load(response)
    except OSError:  # Prometheus is still starting
        return []
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def _wait_for(prometheus: str, promql: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        result = _query(prometheus, promql)
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"Prometheus had no {promql} within {WAIT_S:g} s")


def test_prometheus_scrapes_the_demo_temperature_with_dcgm_labels_and_simulated_true(
    exporter: str, tmp_path: Path
) -> None:
    watcher = _Watcher(exporter)
    try:
        with _running_prometheus(exporter, tmp_path) as prometheus:
            result = _wait_for(prometheus, 'DCGM_FI_DEV_GPU_TEMP{gpu="0"}')
            time.sleep(0.3)  # one more read by the watcher after Prometheus's value
    finally:
        watcher.stop()
    labels, (_, stored) = result[0]["metric"], result[0]["value"]
    assert stored in watcher.seen, f"{stored} never served; served {sorted(watcher.seen)}"
    assert abs(float(stored) - float(watcher.newest)) <= 2.0
    assert labels["simulated"] == "true"
    assert labels["device"] == "nvidia0"
    assert labels["modelName"].startswith("NVIDIA GeForce RTX 4090")
    assert labels["UUID"] and labels["Hostname"] == socket.gethostname()
    assert labels["job"] == "aiwm"
