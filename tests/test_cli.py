"""The `aiwm` command line: the snapshot contract, record/export, and one-line errors with exit 2."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.cli import main

GPU_KEYS = {
    "index": int,
    "name": str,
    "uuid": str,
    "simulated": bool,
    "vram_total_bytes": int,
    "vram_used_bytes": int,
    "util_percent": float,
    "temperature_c": float,
    "power_w": float,
    "power_limit_w": float,
    "sm_clock_mhz": (int, float),
    "mem_clock_mhz": float,
    "fan_percent": float,
    "clock_event_reasons": list,
    "pcie_gen": int,
    "pcie_width": int,
    "pcie_gen_max": int,
    "pcie_width_max": int,
    "compute_capability": str,
    "processes": list,
}


def _aiwm(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _snapshot(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["snapshot", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_snapshot_json_has_the_contracted_keys_and_types(capsys, monkeypatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")
    doc = _snapshot(capsys)
    assert doc["schema"] == "aiwm.snapshot/1" and isinstance(doc["taken_at"], str) and doc["taken_at"].endswith("Z")
    assert set(doc["host"]) == {"hostname", "os", "kernel", "python"}
    cpu = doc["cpu"]
    assert {
        "model",
        "physical_cores",
        "logical_cores",
        "util_percent",
        "per_core_percent",
        "freq_mhz",
        "temperature_c",
    } <= set(cpu)
    assert isinstance(cpu["logical_cores"], int) and isinstance(cpu["util_percent"], float)
    assert len(cpu["per_core_percent"]) == cpu["logical_cores"]
    memory = doc["memory"]
    assert all(
        isinstance(memory[k], int)
        for k in ("total_bytes", "available_bytes", "used_bytes", "swap_total_bytes", "swap_used_bytes")
    )
    for disk in doc["disks"]:
        assert {
            "name",
            "model",
            "kind",
            "total_bytes",
            "read_bytes_per_s",
            "write_bytes_per_s",
            "temperature_c",
        } <= set(disk)
        assert isinstance(disk["read_bytes_per_s"], float), "two readings half a second apart give a rate"
    for nic in doc["network"]:
        assert {"name", "speed_mbps", "rx_bytes_per_s", "tx_bytes_per_s"} <= set(nic)
    assert set(doc["nvidia"]) >= {"status", "driver_version", "cuda_driver_version", "nvml_version"}
    assert doc["gpus"] == [] and doc["simulated"] is False


def test_snapshot_says_why_values_are_null(capsys, monkeypatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1")
    doc = _snapshot(capsys)
    assert doc["nvidia"]["driver_version"] is None
    assert "not found" in doc["nvidia"]["status"]
    for key, value in (("cpu.temperature_c", doc["cpu"]["temperature_c"]),):
        assert (value is None) == (key in doc["missing"])


def test_snapshot_demo_fills_every_gpu_field_and_says_simulated(capsys) -> None:
    doc = _snapshot(capsys, "--demo", "--time-scale", "60")
    assert doc["simulated"] is True and doc["nvidia"]["status"].startswith("SIMULATED")
    assert [g["name"] for g in doc["gpus"]] == [
        "NVIDIA GeForce RTX 4090 [SIMULATED]",
        "NVIDIA GeForce RTX 3090 [SIMULATED]",
    ]
    for gpu in doc["gpus"]:
        for key, kind in GPU_KEYS.items():
            assert isinstance(gpu[key], kind), f"{key}={gpu[key]!r}"
        assert gpu["simulated"] is True


def test_snapshot_text_marks_simulated_gpus(capsys) -> None:
    assert main(["snapshot", "--demo", "a100-80gb"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("*** SIMULATED")
    assert "NVIDIA A100-SXM4-80GB [SIMULATED]" in out


def test_version_comes_from_one_place() -> None:
    done = _aiwm("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"aiwm {__version__}"


def test_no_command_opens_the_window(tmp_path: Path) -> None:
    """`aiwm --demo ...` is `aiwm gui --demo ...`: here on Qt's offscreen platform, with a screenshot."""
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--screenshot", str(shot), "--after", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_record_then_export_a_demo_session(tmp_path: Path) -> None:
    session, table = tmp_path / "demo.aiwm", tmp_path / "demo.csv"
    done = _aiwm("record", "--out", str(session), "--duration", "30", "--demo", "--time-scale", "15")
    assert done.returncode == 0, done.stderr
    assert "SIMULATED" in done.stderr
    done = _aiwm("export", str(session), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    with table.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 20
    assert {"time", "simulated", "gpu0.temperature_c", "gpu1.power_w"} <= set(rows[0])  # scaled: GPUs only
    temperatures = [float(r["gpu0.temperature_c"]) for r in rows if r["gpu0.temperature_c"]]
    assert temperatures[-1] > temperatures[0], "the demo's training load heats GPU 0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "0"], "must be a positive number"),
        (["record", "--out", "x.aiwm", "--duration", "-3"], "must be a positive number"),
        (["record", "--out", "x.aiwm", "--duration", "5", "--interval", "0.1"], "below the shortest interval"),
        (["record", "--out", "/nonexistent-folder/x.aiwm", "--duration", "5"], "does not exist"),
        (["export", "missing.aiwm", "--csv", "out.csv"], "no such session file"),
        (["snapshot", "--demo", "rtx9999"], "unknown demo GPU"),
        (["snapshot", "--time-scale", "10"], "--time-scale needs --demo"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(args: list[str], message: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_a_corrupt_session_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.aiwm"
    corrupt.write_bytes(os.urandom(4096))
    done = _aiwm("export", str(corrupt), "--csv", str(tmp_path / "out.csv"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "not a readable aiwm session file" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_record_refuses_to_overwrite_before_sampling(tmp_path: Path) -> None:
    existing = tmp_path / "old.aiwm"
    existing.write_bytes(b"precious")
    done = _aiwm("record", "--out", str(existing), "--duration", "5")
    assert done.returncode == 2 and "already exists" in done.stderr
    assert existing.read_bytes() == b"precious"
