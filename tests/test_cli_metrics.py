"""`aiwm metrics [--json]`: the metric catalog on the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.cli import main


def test_metrics_json_lists_every_catalog_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "aiwm.metrics/1"
    by_pattern = {m["pattern"]: m for m in doc["metrics"]}
    assert by_pattern["gpu{gpu}.temperature_c"]["dcgm"] == "DCGM_FI_DEV_GPU_TEMP"
    assert by_pattern["gpu{gpu}.temperature_c"]["unit"] == "°C"
    assert by_pattern["cpu.load_1m"]["unit"] == "1"
    assert by_pattern["gpu{gpu}.power_violation_s"]["kind"] == "counter"
    assert by_pattern["gpu{gpu}.power_violation_s"]["dcgm_scale"] == 1e9  # DCGM counts violation time in ns
    assert by_pattern["gpu{gpu}.power_w"]["decimals"] == 3  # NVML reports milliwatts
    assert by_pattern["gpu{gpu}.temperature_c"]["kind"] == "gauge"
    assert by_pattern["gpu{gpu}.temperature_c"]["dcgm_scale"] == 1.0
    assert len(by_pattern) == len(doc["metrics"]) >= 40


def test_metrics_text_names_units_and_equivalents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("gpu{gpu}.vram_used_bytes"))
    assert line.split()[1:3] == ["B", "gauge"]
    assert "dcgm-exporter: DCGM_FI_DEV_FB_USED" in out and "node_exporter: node_load1" in out
    assert "cpu.load_1m" in out and "unitless" in out
    power = out[out.index("gpu{gpu}.power_w ") :].splitlines()
    assert "    precision: 3 digits after the point (CSV and display)" in power[:4]
    assert "dcgm-exporter: DCGM_FI_DEV_POWER_VIOLATION (DCGM's value = ours x 1e+09)" in out


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    """`aiwm metrics | head -1`: a pipe closed before the output is written ends the program quietly."""
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "metrics", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the program has started
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.wait(60) == 141
    assert stderr == ""


def test_help_lists_the_demo_gpu_names(capsys: pytest.CaptureFixture[str]) -> None:
    from app.core.gpu.catalog import default_catalog

    with pytest.raises(SystemExit):
        main(["snapshot", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert len(default_catalog()) >= 6
    for name in ("rtx4090", "rtx3090", "a100-80gb", "rtx4090-degraded", *default_catalog()):
        assert name in text
