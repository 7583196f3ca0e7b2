"""The stand-in NVML library: compiled once per test session from tests/nvml_stub/fake_nvml.c
against NVIDIA's own nvml.h (PyPI nvidia-nvml-dev), in a full and an old-driver build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STUB = Path(__file__).parents[2] / "nvml_stub"


def nvml_header_dir() -> Path:
    """The folder holding nvml.h from the nvidia-nvml-dev wheel installed beside the tests."""
    for entry in map(Path, sys.path):
        for header in sorted(entry.glob("nvidia/*/include/nvml.h")) + sorted(entry.glob("nvidia/nvml/include/nvml.h")):
            return header.parent
    raise RuntimeError("nvml.h not found: install nvidia-nvml-dev (requirements/dev.txt)")


@dataclass(frozen=True)
class StubLibraries:
    full: Path  # .../full/libnvidia-ml.so.1
    old: Path  # .../old/libnvidia-ml.so.1


@pytest.fixture(scope="session")
def stub_libraries(tmp_path_factory: pytest.TempPathFactory) -> StubLibraries:
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler, "gcc is needed to build the stand-in libnvidia-ml.so.1 (.ci/run installs it)"
    out = tmp_path_factory.mktemp("nvml")
    built = {}
    for variant, flags in (("full", []), ("old", ["-DAIWM_OLD_DRIVER"])):
        (out / variant).mkdir()
        target = out / variant / "libnvidia-ml.so.1"
        subprocess.run(
            [
                compiler,
                "-Wall",
                "-Wextra",
                "-Werror",
                "-shared",
                "-fPIC",
                *flags,
                f"-I{nvml_header_dir()}",
                "-o",
                str(target),
                str(STUB / "fake_nvml.c"),
            ],
            check=True,
        )
        built[variant] = target
    return StubLibraries(**built)


def write_scenario(name: str, folder: Path) -> Path:
    """A scenario file with `{pid}` replaced by this test process's PID (a process that surely exists)."""
    text = (STUB / "scenarios" / f"{name}.scn").read_text().replace("{pid}", str(os.getpid()))
    path = folder / f"{name}.scn"
    path.write_text(text)
    return path


@pytest.fixture
def fake_nvml(
    stub_libraries: StubLibraries, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Path]]:
    """Point NVML at the stand-in library with a scenario: `fake_nvml("geforce_rtx4090", old=False)`."""

    def use(scenario: str, old: bool = False) -> Path:
        monkeypatch.setenv("AIWM_FAKE_NVML_SCENARIO", str(write_scenario(scenario, tmp_path)))
        library = stub_libraries.old if old else stub_libraries.full
        monkeypatch.setenv("AIWM_NVML_LIBRARY", str(library))
        return library

    yield use


def snapshot_with_stub(library: Path, scenario_file: Path, through_ld_library_path: bool = False) -> dict[str, Any]:
    """`aiwm snapshot --json` in a subprocess over the stand-in NVML: named by AIWM_NVML_LIBRARY, or
    found as libnvidia-ml.so.1 on LD_LIBRARY_PATH the way the real library is found."""
    env = {**os.environ, "AIWM_FAKE_NVML_SCENARIO": str(scenario_file)}
    env.pop("AIWM_NVML_LIBRARY", None)
    if through_ld_library_path:
        env["LD_LIBRARY_PATH"] = str(library.parent)
    else:
        env["AIWM_NVML_LIBRARY"] = str(library)
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(done.stdout))
