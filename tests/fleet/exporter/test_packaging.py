"""The Grafana dashboards and the systemd units in packaging/ fit the exporter."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.metric_catalog import CATALOG
from app.core.records import CpuReading
from app.core.sampling.sample import Sample
from app.fleet.exporter.collector import NVML_UP, SOURCE_AGE, SOURCE_PROBLEM, SOURCE_UP
from app.fleet.exporter.names import prom_name
from tests.fleet.exporter.helpers import collector_with, gpu_info, gpu_reading, gpu_sample, scrape

PACKAGING = Path(__file__).parents[3] / "packaging"
METRIC_IN_QUERY = re.compile(r"\b(DCGM_FI_[A-Z0-9_]+|aiwm_[a-z0-9_]+)\b")

# What NVIDIA's own dashboard queries: grafana/dcgm-exporter-dashboard.json of
# github.com/NVIDIA/dcgm-exporter at d5e5f51 (2026-05-12). Every panel selects
# {instance=~"$instance", gpu=~"$gpu"} and its legend is "GPU {{gpu}}"; the variables are
# label_values(DCGM_FI_DEV_GPU_TEMP, instance) and label_values(DCGM_FI_DEV_GPU_TEMP, gpu).
# `instance` is added by Prometheus itself, so `gpu` is the label the exporter must serve.
NVIDIA_DASHBOARD_METRICS = (
    "DCGM_FI_DEV_GPU_TEMP",
    "DCGM_FI_DEV_POWER_USAGE",
    "DCGM_FI_DEV_SM_CLOCK",
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",  # a profiling (DCP) metric: only DCGM itself can read it
)
NOT_SERVABLE = {"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"}


def _servable_names() -> set[str]:
    names = {SOURCE_UP, SOURCE_AGE, SOURCE_PROBLEM, NVML_UP}
    for spec in CATALOG:
        prom = prom_name(spec)
        names.add(prom.name + "_total" if prom.kind == "counter" else prom.name)
    return names


def _full_gpu_scrape() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    reading = gpu_reading(
        0, temperature_c=50.0, power_w=100.0, sm_clock_mhz=1500.0, util_percent=30.0, vram_used_bytes=2**30
    )
    return scrape(collector_with(gpu_sample(reading), gpus=(gpu_info(0),)))


def test_nvidias_dashboard_finds_every_metric_we_can_serve_with_the_gpu_label() -> None:
    scraped = _full_gpu_scrape()
    for metric in NVIDIA_DASHBOARD_METRICS:
        if metric in NOT_SERVABLE:
            continue
        labels = [dict(labels) for (name, labels) in scraped if name == metric]
        assert labels, f"{metric} is not served"
        assert all(label.get("gpu") == "0" for label in labels), metric


def _dashboard_queries() -> list[str]:
    document = json.loads((PACKAGING / "grafana" / "aiwm-dashboard.json").read_text())
    queries = [target["expr"] for panel in document["panels"] for target in panel["targets"]]
    queries += [variable["query"] for variable in document["templating"]["list"] if variable["type"] == "query"]
    return queries


def test_our_dashboard_queries_only_metrics_the_exporter_serves() -> None:
    servable = _servable_names()
    queried = {name for query in _dashboard_queries() for name in METRIC_IN_QUERY.findall(query)}
    assert len(queried) >= 20  # GPU, clock events, throttling, PCIe, host, NVMe, SMART
    assert queried <= servable, sorted(queried - servable)


def test_our_dashboard_groups_gpu_panels_by_labels_the_exporter_serves() -> None:
    scraped_labels = {key for (name, labels) in _full_gpu_scrape() for key, _ in labels}
    legends = [target["legendFormat"] for panel in _dashboard_queries_with_legends() for target in panel]
    used = {match for legend in legends for match in re.findall(r"\{\{(\w+)\}\}", legend)}
    host_labels = {"device", "source", "reason", "cause"}  # on host, source, clock-event and NVML series
    assert used - host_labels <= scraped_labels, used - scraped_labels


def _dashboard_queries_with_legends() -> list[list[dict[str, str]]]:
    document = json.loads((PACKAGING / "grafana" / "aiwm-dashboard.json").read_text())
    return [panel["targets"] for panel in document["panels"]]


def _unit(path: Path) -> dict[str, list[str]]:
    """A systemd unit's `Key=value` lines (keys may repeat)."""
    keys: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def test_the_system_unit_runs_as_a_dedicated_user_on_localhost_with_hardening() -> None:
    unit = _unit(PACKAGING / "systemd" / "aiwm-exporter.service")
    assert unit["User"] == ["aiwm-exporter"]
    assert "aiwm serve --listen 127.0.0.1:9400" in unit["ExecStart"][0]
    for key, value in (
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
    ):
        assert unit[key] == [value], key


def test_the_user_unit_runs_without_root_on_localhost() -> None:
    unit = _unit(PACKAGING / "systemd" / "user" / "aiwm-exporter.service")
    assert "User" not in unit
    assert "serve --listen 127.0.0.1:9400" in unit["ExecStart"][0]
    assert unit["WantedBy"] == ["default.target"]


@pytest.mark.parametrize("user", [False, True], ids=["system", "user"])
def test_systemd_accepts_the_units_without_a_warning(user: bool, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    source = PACKAGING / "systemd" / ("user" if user else "") / "aiwm-exporter.service"
    # verify checks that ExecStart's program exists: point it at one that does.
    text = source.read_text().replace("/usr/bin/aiwm", "/bin/true").replace("%h/.local/bin/aiwm", "/bin/true")
    unit = tmp_path / "aiwm-exporter.service"
    unit.write_text(text)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    command = [analyze, *(["--user"] if user else []), "verify", str(unit)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": str(runtime)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr + done.stdout


def _legends() -> list[str]:
    return [target["legendFormat"] for targets in _dashboard_queries_with_legends() for target in targets]


def test_every_legend_names_the_host_so_two_servers_never_look_the_same() -> None:
    """Two servers with an RTX 4090 each showed "GPU 0 NVIDIA GeForce RTX 4090" twice."""
    legends = _legends()
    assert len(legends) >= 20
    for legend in legends:
        assert "{{Hostname}}" in legend or "{{instance}}" in legend, legend


def _variable(name: str) -> str:
    document = json.loads((PACKAGING / "grafana" / "aiwm-dashboard.json").read_text())
    (variable,) = [v for v in document["templating"]["list"] if v["name"] == name]
    query: str = variable["query"]
    return query


def test_the_instance_list_comes_from_a_metric_a_machine_without_a_gpu_serves_too() -> None:
    """The list came from DCGM_FI_DEV_GPU_TEMP, so a host without a GPU never appeared in the host panels."""
    query = _variable("instance")
    (metric,) = METRIC_IN_QUERY.findall(query)
    assert query.startswith("label_values(") and query.endswith(", instance)")
    cpu = Sample("cpu", 1.0, 1000.0, 0.001, 0.001, CpuReading(12.0, (), None, None, None))
    no_gpu = {name for (name, _) in scrape(collector_with(cpu))}
    assert metric in no_gpu
