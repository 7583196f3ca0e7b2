"""CUDA toolkits on a fake file system: version.json / version.txt / nvcc, the usual folders,
CUDA_HOME, nvcc on PATH first, one entry per real folder, and libcudart on the library path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.doctor.facts.toolkits import (
    ToolkitSearch,
    cuda_library_paths,
    find_toolkits,
    folder_version,
    major_minor,
    parse_nvcc_version,
)

from .conftest import script, write

# `nvcc --version` of this test machine's CUDA 13.0 (recorded 2026-11-28)
NVCC_13_0 = """nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2025 NVIDIA Corporation
Built on Wed_Aug_20_01:58:59_PM_PDT_2025
Cuda compilation tools, release 13.0, V13.0.88
Build cuda_13.0.r13.0/compiler.36424714_0
"""
# CUDA 12.1's, as users posted it
NVCC_12_1 = """nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2023 NVIDIA Corporation
Built on Tue_Feb__7_19:32:13_PST_2023
Cuda compilation tools, release 12.1, V12.1.66
Build cuda_12.1.r12.1/compiler.32415258_0
"""


def version_json(cuda_version: str, cudart_version: str) -> str:
    """version.json in the layout NVIDIA's installers write (top-level "cuda", then one entry per component)."""
    return json.dumps(
        {
            "cuda": {"name": "CUDA SDK", "version": cuda_version},
            "cuda_cudart": {"name": "CUDA Runtime (cudart)", "version": cudart_version},
        },
        indent=3,
    )


def toolkit(folder: Path, cuda_version: str, cudart_version: str) -> Path:
    write(folder / "version.json", version_json(cuda_version, cudart_version))
    write(folder / "include/cuda_runtime.h", "/* runtime */\n")
    return folder


def test_nvcc_version_is_parsed_from_real_output() -> None:
    assert parse_nvcc_version(NVCC_13_0) == "13.0"
    assert parse_nvcc_version(NVCC_12_1) == "12.1"
    assert parse_nvcc_version("bash: nvcc: command not found") is None


@pytest.mark.parametrize(
    ("cuda_version", "expected"),
    [("12.4.1", "12.4"), ("13.0.2", "13.0"), ("12.6.20241114", "12.6"), ("11.8.20220929", "11.8"), ("11.5.2", "11.5")],
)
def test_version_json_gives_major_and_minor_including_date_stamped_versions(
    tmp_path: Path, cuda_version: str, expected: str
) -> None:
    # 12.6.20241114 and 11.8.20220929 are real date-stamped "cuda" versions from runfile installs
    toolkit(tmp_path, cuda_version, "12.4.127")
    assert folder_version(tmp_path) == expected
    assert major_minor(cuda_version) == expected


def test_old_toolkits_are_read_from_version_txt(tmp_path: Path) -> None:
    write(tmp_path / "version.txt", "CUDA Version 10.0.130\n")
    assert folder_version(tmp_path) == "10.0"


def test_a_toolkit_without_version_files_asks_its_own_nvcc(tmp_path: Path) -> None:
    script(tmp_path / "bin/nvcc", f"cat <<'END'\n{NVCC_13_0}END\n")
    assert folder_version(tmp_path) == "13.0"


def test_toolkits_in_use_come_first_and_each_folder_is_listed_once(tmp_path: Path) -> None:
    local = tmp_path / "usr/local"
    toolkit(local / "cuda-12.4", "12.4.1", "12.4.127")
    toolkit(local / "cuda-13.0", "13.0.2", "13.0.96")
    (local / "cuda").symlink_to(local / "cuda-13.0")
    script(local / "cuda-12.4/bin/nvcc", "echo 'Cuda compilation tools, release 12.4, V12.4.131'\n")
    env = {"PATH": f"{local / 'cuda-12.4/bin'}:/usr/bin", "CUDA_HOME": str(local / "cuda")}
    toolkits, missing = find_toolkits(ToolkitSearch(root=tmp_path, env=env, windows=False))
    found = [(t.version, Path(t.path).name, t.found_by) for t in toolkits]
    assert found == [("12.4", "cuda-12.4", "nvcc on PATH"), ("13.0", "cuda-13.0", "CUDA_HOME")]
    assert missing == ()


def test_an_nvcc_wrapper_script_marks_the_toolkit_of_its_version_in_use(tmp_path: Path) -> None:
    # this test machine's layout: /usr/local/bin/nvcc is `exec /usr/local/cuda-13.0/bin/nvcc "$@"`
    local = tmp_path / "usr/local"
    toolkit(local / "cuda-12.4", "12.4.1", "12.4.127")
    toolkit(local / "cuda-13.0", "13.0.2", "13.0.96")
    script(local / "bin/nvcc", f"cat <<'END'\n{NVCC_13_0}END\n")
    toolkits, _ = find_toolkits(ToolkitSearch(root=tmp_path, env={"PATH": str(local / "bin")}, windows=False))
    assert [(t.version, t.found_by.startswith("nvcc on PATH")) for t in toolkits] == [("13.0", True), ("12.4", False)]


def test_windows_toolkits_are_found_under_program_files(tmp_path: Path) -> None:
    base = tmp_path / "Program Files/NVIDIA GPU Computing Toolkit/CUDA"
    toolkit(base / "v12.4", "12.4.1", "12.4.127")
    toolkit(base / "v11.8", "11.8.20220929", "11.8.89")
    toolkits, _ = find_toolkits(ToolkitSearch(root=tmp_path, env={"PATH": ""}, windows=True))
    assert sorted(t.version for t in toolkits) == ["11.8", "12.4"]


def test_no_toolkit_is_missing_with_the_reason(tmp_path: Path) -> None:
    toolkits, missing = find_toolkits(ToolkitSearch(root=tmp_path, env={"PATH": ""}, windows=False))
    assert toolkits == () and "no CUDA toolkit found" in dict(missing)["cuda_toolkit"]


def test_library_path_folders_holding_libcudart_are_listed_in_order(tmp_path: Path) -> None:
    write(tmp_path / "a/libcudart.so.12", "")
    write(tmp_path / "b/libcublas.so.12", "")
    write(tmp_path / "c/libcudart.so.13.0.96", "")
    env = {"LD_LIBRARY_PATH": f"{tmp_path / 'a'}:{tmp_path / 'b'}::{tmp_path / 'c'}:{tmp_path / 'a'}"}
    assert cuda_library_paths(ToolkitSearch(root=tmp_path, env=env, windows=False)) == (
        str(tmp_path / "a"),
        str(tmp_path / "c"),
    )
    write(tmp_path / "w/cudart64_12.dll", "")
    windows = ToolkitSearch(root=tmp_path, env={"PATH": f"{tmp_path / 'w'};{tmp_path / 'a'}"}, windows=True)
    assert cuda_library_paths(windows) == (str(tmp_path / "w"),)
