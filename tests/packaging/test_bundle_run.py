"""The one-folder bundle runs every kind of command on its own: copied outside the checkout, started
with cwd=/, no PYTHONPATH and no virtualenv, it finds its Python, Qt, data files and worker processes.

Marked `bundle`: `make package-test` runs these against the bundle it has just built; a plain
`pytest tests/packaging` builds one first when dist/aiwm is older than the sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.bundle_runner import ROOT, run_bundle

pytestmark = [pytest.mark.bundle, pytest.mark.slow, pytest.mark.timeout(900)]

VERSION = re.search(r'^__version__ = "(.+)"$', (ROOT / "app" / "__init__.py").read_text(), re.M).group(1)  # type: ignore[union-attr]
# The one line Qt's offscreen platform prints for every window (it has no window manager); the
# test suite ignores it too (pyproject: qt_log_ignore).
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints()"


def test_version_is_the_one_in_app_init(bundle: Path, tmp_path: Path) -> None:
    done = run_bundle(bundle, tmp_path, "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"aiwm {VERSION}\n", "")


def test_snapshot_json_is_simulated_and_knows_it_runs_from_a_bundle(bundle: Path, tmp_path: Path) -> None:
    done = run_bundle(bundle, tmp_path, "snapshot", "--demo", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["schema"] == "aiwm.snapshot/1"
    assert doc["simulated"] is True
    assert doc["program_version"] == VERSION
    # The doctor's facts say why they do not ask this program's own Python: there is none to ask.
    assert "bundle" in doc["missing"]["facts.environments[own]"]


def test_doctor_runs_with_its_knowledge_tables(bundle: Path, tmp_path: Path) -> None:
    done = run_bundle(bundle, tmp_path, "doctor", "--demo", "--json")
    assert done.returncode in (0, 1), done.stderr  # 1: a check failed, which is a verdict, not a crash
    doc = json.loads(done.stdout)
    assert doc["schema"] == "aiwm.doctor/1"
    assert doc["findings"], "the doctor found nothing: its rules or knowledge tables did not load"


def test_cpu_stress_workers_start_in_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """The workers are "spawn" processes: the bundle's executable started again, which
    multiprocessing.freeze_support() in packaging/entry.py turns into a worker."""
    done = run_bundle(bundle, tmp_path, "stress", "cpu", "--duration", "3", "--json", timeout_s=60)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert (doc["schema"], doc["verdict"], doc["errors"]) == ("aiwm.stress/1", "pass", 0)
    assert doc["details"]["workers"] >= 1
    assert doc["metrics"]["gflops"] > 0
    assert list((tmp_path / "tests" / "stress").glob("*-cpu-cpu.json")), "no result saved in the data folder"


def test_planner_finds_its_catalogs(bundle: Path, tmp_path: Path) -> None:
    catalog = json.loads((ROOT / "resources" / "planner" / "models.json").read_text())
    listed = run_bundle(bundle, tmp_path, "plan", "--list-models")
    assert listed.returncode == 0, listed.stderr
    assert all(model["name"] in listed.stdout for model in catalog["models"])
    plan = run_bundle(bundle, tmp_path, "plan", "--model", "gpt2", "--workload", "inference", "--json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["schema"] == "aiwm.plan/1"


@pytest.mark.parametrize("kind", ["json", "html", "pdf"])
def test_report_is_written(bundle: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out" / f"report.{kind}"
    out.parent.mkdir()
    done = run_bundle(bundle, tmp_path / "home", "report", "--demo", "--format", kind, "--out", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    if kind == "pdf":  # drawn by Qt: the bundle's QtGui and its fonts work without a display
        assert data.startswith(b"%PDF-")
    elif kind == "json":
        doc = json.loads(data)
        assert (doc["schema"], doc["simulated"]) == ("aiwm.report/1", True)
    else:
        assert b"SIMULATED" in data


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def test_window_is_drawn_offscreen_with_no_unexpected_output(bundle: Path, tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    done = run_bundle(bundle, tmp_path / "home", "--demo", "--screenshot", str(shot), "--after", "0", timeout_s=60)
    assert done.returncode == 0, done.stderr
    width, height = _png_size(shot.read_bytes())
    assert width >= 800 and height >= 500
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line != OFFSCREEN_NOTE]
    assert len(lines) == 1 and lines[0].startswith(f"aiwm: saved screenshot {shot}"), done.stderr


@pytest.fixture(scope="module")
def stand_in_nvml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test suite's stand-in libnvidia-ml.so.1 (tests/nvml_stub), so the GPU stress gets past NVML."""
    headers = [h for entry in map(Path, sys.path) for h in sorted(entry.glob("nvidia/*/include/nvml.h"))]
    compiler = shutil.which("gcc") or shutil.which("cc")
    if not headers or not compiler:
        pytest.fail("the stand-in NVML needs gcc and nvml.h (nvidia-nvml-dev, requirements/dev.txt)")
    folder = tmp_path_factory.mktemp("nvml")
    source = ROOT / "tests" / "nvml_stub" / "fake_nvml.c"
    command = [
        compiler,
        "-shared",
        "-fPIC",
        f"-I{headers[0].parent}",
        "-o",
        str(folder / "libnvidia-ml.so.1"),
        str(source),
    ]
    subprocess.run(command, check=True)
    return folder


def test_gpu_stress_reaches_the_cuda_driver_api_in_the_bundle(
    bundle: Path, tmp_path: Path, stand_in_nvml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cuda-bindings' driver module loads its compiled parts (cydriver) by a C-level import that
    PyInstaller cannot see; without them the GPU stress fails at import. With a stand-in NVML GPU
    and no CUDA driver on this machine, the worker must get as far as looking for libcuda."""
    scenario = (ROOT / "tests" / "nvml_stub" / "scenarios" / "geforce_rtx4090.scn").read_text()
    (tmp_path / "gpu.scn").write_text(scenario.replace("{pid}", str(os.getpid())))
    monkeypatch.setenv("AIWM_FAKE_NVML_SCENARIO", str(tmp_path / "gpu.scn"))
    monkeypatch.setenv("LD_LIBRARY_PATH", str(stand_in_nvml))
    done = run_bundle(bundle, tmp_path / "home", "stress", "gpu", "--duration", "2", "--json", timeout_s=60)
    reasons = json.loads(done.stdout)["reasons"]
    assert reasons == ["the workload failed: no NVIDIA driver: libcuda.so.1 not found"], done.stderr
