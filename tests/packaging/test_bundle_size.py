"""packaging/bundle_size.py: the bundle's bytes per component, counted once, against the 250 MB limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_size import breakdown, main, module_component

# A small bundle laid out as PyInstaller lays out the real one (sizes in bytes, chosen by hand).
FAKE_BUNDLE = {
    "_internal/PySide6/Qt/lib/libQt6Core.so.6": 1000,
    "_internal/PySide6/Qt/lib/libicudata.so.73": 700,
    "_internal/PySide6/Qt/lib/libicuuc.so.73": 60,
    "_internal/PySide6/Qt/plugins/platforms/libqxcb.so": 50,
    "_internal/PySide6/QtCore.abi3.so": 300,
    "_internal/shiboken6/Shiboken.abi3.so": 20,
    "_internal/libpyside6.abi3.so.6.11": 9,
    "_internal/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so": 400,
    "_internal/numpy.libs/libscipy_openblas64_-32a4b2a6.so": 2000,
    "_internal/cuda/bindings/driver.cpython-311-x86_64-linux-gnu.so": 333,
    "_internal/pyqtgraph/colors/maps/CET-L1.csv": 7,
    "_internal/resources/gpu_catalog.json": 11,
    "_internal/app/stress/gpu/kernels/vram.ptx": 5,
    "_internal/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so": 123,
    "_internal/libpython3.11.so.1.0": 1500,
    "_internal/base_library.zip": 77,
    "_internal/libX11.so.6": 130,
    "_internal/libxcb-cursor.so.0": 4,
    "_internal/psutil/_psutil_linux.abi3.so": 90,
    "_internal/numpy-2.4.6.dist-info/METADATA": 3,
    "aiwm": 600,
}


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    for name, size in FAKE_BUNDLE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
    # PyInstaller links some libraries into the top folder; the file they point at counts once.
    (tmp_path / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    (tmp_path / "_internal" / "libscipy_openblas64_-32a4b2a6.so").symlink_to(
        "numpy.libs/libscipy_openblas64_-32a4b2a6.so"
    )
    return tmp_path


def test_each_file_counts_once_with_its_component(fake_bundle: Path) -> None:
    sizes = breakdown(fake_bundle)
    assert sizes == {
        "qt_libraries": 1000 + 300 + 20 + 9,
        "qt_plugins": 50,
        "icu": 700 + 60,
        "python": 123 + 1500 + 77 + 600,  # without its archive read, the executable counts as Python
        "numpy": 400 + 2000,
        "cuda_bindings": 333,
        "pyqtgraph": 7,
        "aiwm": 11 + 5,
        "system_libraries": 130 + 4,
        "other": 90 + 3,
    }
    assert sum(sizes.values()) == sum(FAKE_BUNDLE.values())


def test_the_executables_python_modules_count_with_their_packages(fake_bundle: Path) -> None:
    archived = {fake_bundle / "aiwm": {"app.cli": 40, "pyqtgraph.functions": 30, "json.decoder": 20, "psutil": 10}}
    sizes = breakdown(fake_bundle, archived)
    assert sizes["aiwm"] == 11 + 5 + 40
    assert sizes["pyqtgraph"] == 7 + 30
    assert sizes["other"] == 90 + 3 + 10
    # The rest of the executable (bootloader, archive headers) and the stdlib module are Python's.
    assert sizes["python"] == 123 + 1500 + 77 + (600 - 100) + 20


@pytest.mark.parametrize(
    ("module", "component"),
    [
        ("app.stress.gpu.kernels", "aiwm"),
        ("PySide6.QtCore", "qt_libraries"),
        ("shiboken6", "qt_libraries"),
        ("numpy.linalg", "numpy"),
        ("cuda.bindings.driver", "cuda_bindings"),
        ("pyqtgraph", "pyqtgraph"),
        ("multiprocessing.spawn", "python"),
        ("pyimod02_importers", "python"),
        ("platformdirs", "other"),
        ("pynvml", "other"),
    ],
)
def test_module_component(module: str, component: str) -> None:
    assert module_component(module) == component


def test_the_json_document_and_the_limit(fake_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = sum(FAKE_BUNDLE.values())  # 7,532 bytes
    out = tmp_path / "size.json"
    assert main([str(fake_bundle), "--json", str(out), "--limit-mb", "0.008"]) == 0
    document = json.loads(out.read_text())
    assert document["schema"] == "aiwm.bundle_size/1"
    assert document["total_bytes"] == total
    assert document["limit_bytes"] == 8000
    assert document["components"]["icu"]["bytes"] == 760
    printed = capsys.readouterr().out
    assert "total" in printed and "within the 0.008 MB limit" in printed
    # 7,532 bytes is over a 7,000-byte limit: the build must fail.
    assert main([str(fake_bundle), "--limit-mb", "0.007"]) == 1
    assert "OVER the 0.007 MB limit" in capsys.readouterr().out


def test_a_missing_bundle_is_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "dist" / "aiwm")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
