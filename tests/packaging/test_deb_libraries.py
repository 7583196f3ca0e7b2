"""The .deb's Depends against what the bundled Qt really links (packaging/linux/deb_libs.py, deb/depends)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.stand_in import LINUX

# A build script's module, not part of the app package: loaded from its file.
_spec = importlib.util.spec_from_file_location("deb_libs", LINUX / "deb_libs.py")
assert _spec is not None and _spec.loader is not None
deb_libs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deb_libs)

# Recorded: `objdump -p /usr/bin/true` on Debian 12 (coreutils 9.1), its "Version References" section.
# The newest is GLIBC_2.34; compared as text, "2.4" or "2.3.4" would wrongly win.
TRUE_VERSION_REFERENCES = """
Version References:
  required from libc.so.6:
    0x0d696913 0x00 08 GLIBC_2.3
    0x09691974 0x00 07 GLIBC_2.3.4
    0x06969194 0x00 06 GLIBC_2.14
    0x0d696914 0x00 05 GLIBC_2.4
    0x06969186 0x00 04 GLIBC_2.26
    0x069691b4 0x00 03 GLIBC_2.34
    0x09691a75 0x00 02 GLIBC_2.2.5
"""
# Recorded: the dynamic section of `objdump -p /lib/x86_64-linux-gnu/libxcb-cursor.so.0` (Debian 12).
XCB_CURSOR_DYNAMIC = """
Dynamic Section:
  NEEDED               libxcb-render-util.so.0
  NEEDED               libxcb-render.so.0
  NEEDED               libxcb-image.so.0
  NEEDED               libxcb.so.1
  NEEDED               libc.so.6
  SONAME               libxcb-cursor.so.0
"""
# What Qt's xcb platform and the Qt libraries it loads with, as PyInstaller collects them from PySide6.
QT_XCB_FILES = (
    "plugins/platforms/libqxcb.so",
    "plugins/xcbglintegrations/libqxcb-egl-integration.so",
    "plugins/xcbglintegrations/libqxcb-glx-integration.so",
    "lib/libQt6XcbQpa.so.6",
    "lib/libQt6Core.so.6",
    "lib/libQt6Gui.so.6",
    "lib/libQt6Widgets.so.6",
    "lib/libQt6DBus.so.6",
    "lib/libQt6OpenGL.so.6",
    "lib/libQt6Svg.so.6",
)
needs_binutils = pytest.mark.skipif(
    shutil.which("objdump") is None or shutil.which("dpkg") is None,
    reason="needs objdump (binutils) and dpkg; .ci/run installs gcc, which brings binutils",
)


def test_the_glibc_floor_is_the_numerically_newest_symbol_version() -> None:
    assert deb_libs.glibc_floor(TRUE_VERSION_REFERENCES) == (2, 34)
    assert deb_libs.glibc_floor(XCB_CURSOR_DYNAMIC) is None


def test_needed_libraries_are_read_from_the_dynamic_section() -> None:
    assert deb_libs.needed_libraries(XCB_CURSOR_DYNAMIC) == {
        "libxcb-render-util.so.0",
        "libxcb-render.so.0",
        "libxcb-image.so.0",
        "libxcb.so.1",
        "libc.so.6",
    }


def test_the_depends_file_reader_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    listed = tmp_path / "depends"
    listed.write_text("# header\nlibxcb1\n\n  libgl1  # for GLX\n#libnot\n")
    assert deb_libs.read_depends(listed) == {"libxcb1", "libgl1"}


@needs_binutils
def test_every_system_library_qt_xcb_links_is_in_depends() -> None:
    """Each NEEDED library of the venv's Qt xcb plugin and Qt libraries that PySide6 does not carry (and that is
    not glibc's) belongs to an installed package that packaging/linux/deb/depends names."""
    from PySide6 import __file__ as pyside_init

    qt = Path(pyside_init).parent / "Qt"
    carried = {path.name for path in Path(pyside_init).parent.rglob("*.so*")}
    depends = deb_libs.read_depends(LINUX / "deb" / "depends")
    needed: set[str] = set()
    for name in QT_XCB_FILES:
        needed |= deb_libs.needed_libraries(deb_libs.objdump_headers(qt / name))
    system = sorted(n for n in needed - carried if not deb_libs.GLIBC_LIBRARIES.match(n))
    assert "libxcb-cursor.so.0" in system  # the one Qt 6.5+ added, which users most often lack
    owners = deb_libs.owning_packages(set(system))
    not_installed = [soname for soname, package in owners.items() if package is None]
    if not_installed:
        pytest.skip(f"not installed here, so no package to map them to: {not_installed}; .ci/run installs them")
    assert {soname: package for soname, package in owners.items() if package not in depends} == {}


@needs_binutils
def test_the_libc_floor_of_a_bundle_is_read_from_its_programs(tmp_path: Path) -> None:
    bundle = tmp_path / "aiwm"
    bundle.mkdir()
    (bundle / "notes.txt").write_text("not an ELF file\n")
    assert deb_libs.bundle_libc_floor(bundle) is None
    shutil.copy("/usr/bin/true", bundle / "true")
    (bundle / "true.sh").write_text("#!/bin/sh\n")
    # The walk finds the one ELF file among the others; its floor is what the (above tested) reader says.
    headers = subprocess.run(["objdump", "-p", "/usr/bin/true"], capture_output=True, text=True).stdout
    newest = deb_libs.glibc_floor(headers)
    assert newest is not None and newest >= (2, 2, 5)
    assert deb_libs.bundle_libc_floor(bundle) == ".".join(map(str, newest))


@needs_binutils
def test_a_system_library_the_bundle_links_and_depends_omits_is_reported(tmp_path: Path) -> None:
    library = Path("/lib/x86_64-linux-gnu/libxcb-cursor.so.0")
    if not library.exists():
        pytest.skip(f"{library} is not installed (apt-get install libxcb-cursor0); .ci/run installs it")
    bundle = tmp_path / "aiwm"
    bundle.mkdir()
    shutil.copy(library, bundle / library.name)
    (bundle / "libxcb-image.so.0").write_bytes(b"carried by the bundle itself")
    assert deb_libs.undeclared(bundle, set()) == [
        "libxcb-render-util.so.0 (libxcb-render-util0)",
        "libxcb-render.so.0 (libxcb-render0)",
        "libxcb.so.1 (libxcb1)",
    ]
    assert deb_libs.undeclared(bundle, {"libxcb1", "libxcb-render0", "libxcb-render-util0"}) == []
