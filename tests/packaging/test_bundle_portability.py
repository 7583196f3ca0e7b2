"""The bundle keeps to itself on a user's machine: the programs it starts get the user's environment, it
carries no copy of a system library that the .deb's Depends provide, and libpython's debug info is gone.

Marked `bundle` (built and run like tests/packaging/test_bundle_run.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bundle_filter import SYSTEM_PACKAGE_LIBRARIES

from tests.packaging.bundle_runner import bundle_env

pytestmark = [pytest.mark.bundle, pytest.mark.slow, pytest.mark.timeout(300)]

# A stand-in Python environment for `aiwm doctor --env`: its interpreter writes the environment it was
# started with to a file, then fails (the doctor reports that environment as not answering).
DUMPING_PYTHON = '#!/bin/sh\nenv > "$(dirname "$0")/../started-with.env"\nexit 3\n'


def _child_environment(bundle: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment a program started by the bundle sees: the doctor probing a stand-in Python."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").write_text(DUMPING_PYTHON)
    (folder / "bin" / "python").chmod(0o755)
    done = subprocess.run(
        [str(bundle / "aiwm"), "doctor", "--demo", "--env", str(folder), "--json"],
        cwd="/",
        env=bundle_env(tmp_path / "home") | extra,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    lines = (folder / "started-with.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_a_program_the_bundle_starts_gets_no_library_or_plugin_path_of_the_bundle(bundle: Path, tmp_path: Path) -> None:
    seen = _child_environment(bundle, tmp_path)
    leaked = {
        name: value
        for name, value in seen.items()
        if name in ("LD_LIBRARY_PATH", "LD_LIBRARY_PATH_ORIG", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH")
    }
    assert leaked == {}  # the user had none of them set


def test_a_program_the_bundle_starts_gets_the_users_own_library_path_back(bundle: Path, tmp_path: Path) -> None:
    seen = _child_environment(bundle, tmp_path, LD_LIBRARY_PATH="/opt/cuda/lib64", QT_PLUGIN_PATH="/usr/lib/qt6/p")
    assert seen.get("LD_LIBRARY_PATH") == "/opt/cuda/lib64"
    assert "LD_LIBRARY_PATH_ORIG" not in seen
    # The PySide6 runtime hook overwrites QT_PLUGIN_PATH without saving the user's value: it cannot come
    # back, but the bundle's own must not reach the child either.
    assert "QT_PLUGIN_PATH" not in seen


def test_the_bundle_carries_no_library_the_deb_depends_provide(bundle: Path) -> None:
    provided = {soname for sonames in SYSTEM_PACKAGE_LIBRARIES.values() for soname in sonames}
    carried = {path.name for path in bundle.rglob("*.so*")}
    # Named by hand: the libraries the trial found bundled from Debian 12 (libstdc++ ahead of Mesa's driver
    # breaks it), and what only they linked (libXau via libxcb, libsystemd via libdbus, libpcre2 via glib).
    for soname in ("libstdc++.so.6", "libgcc_s.so.1", "libX11.so.6", "libxcb.so.1", "libglib-2.0.so.0"):
        assert soname in provided
    orphans = {"libXau.so.6", "libXdmcp.so.6", "libsystemd.so.0", "libpcre2-8.so.0", "libfontconfig.so.1"}
    assert carried & (provided | orphans) == set()
    # What Python itself was built against stays: this Python's OpenSSL, SQLite (the session recorder), libffi.
    assert {"libssl.so.3", "libcrypto.so.3", "libsqlite3.so.0", "libffi.so.8"} <= carried


def test_libpython_has_no_debug_info_left(bundle: Path) -> None:
    internal = bundle / "_internal"
    libpython = next(internal.glob("libpython3*.so*"))
    sections = subprocess.run(["objdump", "-h", str(libpython)], capture_output=True, text=True, check=True).stdout
    assert ".debug_info" not in sections
    assert libpython.stat().st_size < 10_000_000  # pyenv's 3.11.7 libpython: 23.1 MB with debug info, 6.5 MB without
    # numpy's OpenBLAS is left as it is (stripped, it no longer loads): the window test draws with numpy.


def test_unused_qt_parts_are_not_in_the_bundle(bundle: Path) -> None:
    qt = bundle / "_internal" / "PySide6" / "Qt"
    assert not list(bundle.rglob("libQt6Network.so*"))
    assert [path.name for path in (qt / "plugins" / "imageformats").iterdir()] == ["libqsvg.so"]


def _library_search_paths(elf: Path) -> list[str]:
    """The folders of the ELF file's RUNPATH and RPATH entries (readelf -d)."""
    dynamic = subprocess.run(["readelf", "-d", str(elf)], capture_output=True, text=True, timeout=60, check=False)
    folders = []
    for line in dynamic.stdout.splitlines():
        if "(RUNPATH)" in line or "(RPATH)" in line:
            folders += line.partition("[")[2].rstrip("]").split(":")
    return folders


def _is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_no_file_of_the_bundle_makes_the_loader_search_a_folder_outside_the_bundle(bundle: Path) -> None:
    # pyenv's Python carries RUNPATH /root/.pyenv/versions/3.11.7/lib in libpython and each lib-dynload module
    elves = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p)]
    assert len(elves) > 50  # the executable, libpython, the stdlib's modules, Qt, numpy...
    outside = {
        str(elf.relative_to(bundle)): folders
        for elf in elves
        if (folders := [f for f in _library_search_paths(elf) if not f.startswith(("$ORIGIN", "${ORIGIN}"))])
    }
    assert outside == {}
