"""The .deb's Depends against what the bundled Qt really links (packaging/linux/deb_libs.py, deb/depends)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tarfile
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


# What `dpkg -S '*/libxcb.so.1' '*/libX11.so.6' '*/libfoo.so.1'` prints on a machine where the aiwm .deb is
# installed (dpkg names every package that holds a matching path; aiwm's copies in /opt/aiwm among them),
# shaped like the output seen on Debian 12, with a multi-arch line and a diversion.
DPKG_SEARCH_WITH_AIWM_INSTALLED = """\
aiwm: /opt/aiwm/_internal/libxcb.so.1
libxcb1:amd64: /usr/lib/x86_64-linux-gnu/libxcb.so.1
diversion by libfoo-shim from: /usr/lib/x86_64-linux-gnu/libfoo.so.1
aiwm, libx11-6:amd64: /usr/lib/x86_64-linux-gnu/libX11.so.6
aiwm: /opt/aiwm/_internal/libfoo.so.1
"""


def test_the_aiwm_package_itself_is_never_taken_for_a_librarys_owner() -> None:
    owners = deb_libs.owners_in_dpkg_search(
        DPKG_SEARCH_WITH_AIWM_INSTALLED, {"libxcb.so.1", "libX11.so.6", "libfoo.so.1", "libnone.so.2"}
    )
    assert owners == {
        "libxcb.so.1": "libxcb1",
        "libX11.so.6": "libx11-6",
        "libfoo.so.1": None,  # only aiwm's copy and a diversion: no system package to depend on
        "libnone.so.2": None,
    }


def test_owning_packages_reads_dpkg_through_the_same_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "dpkg"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{DPKG_SEARCH_WITH_AIWM_INSTALLED}EOF\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert deb_libs.owning_packages({"libxcb.so.1", "libfoo.so.1"}) == {"libxcb.so.1": "libxcb1", "libfoo.so.1": None}


@needs_binutils
def test_the_bundle_filters_library_table_matches_what_the_packages_install() -> None:
    """packaging/bundle_filter.py leaves out of the bundle the sonames it lists for each Depends package:
    they must be what `dpkg -L` shows that package installs here (for the packages installed here)."""
    from bundle_filter import SYSTEM_PACKAGE_LIBRARIES

    checked = 0
    for package, sonames in SYSTEM_PACKAGE_LIBRARIES.items():
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
        if listed.returncode != 0:
            continue
        installed = {
            Path(line).name
            for line in listed.stdout.splitlines()
            if re.fullmatch(r"/(usr/)?lib/x86_64-linux-gnu/[^/]+\.so\.\d+", line)
        }
        assert installed == set(sonames), package
        checked += 1
    if checked < 10:
        pytest.skip(f"only {checked} of the Depends packages are installed here; .ci/run installs them")


def _tarball_readme(tmp_path: Path, elf_program: Path | None = None) -> str:
    """README.txt of a tarball built from a stand-in bundle (holding a copy of `elf_program` if given)."""
    from tests.packaging.stand_in import packaging_tree, run_recipe, stand_in_bundle

    tree = packaging_tree(tmp_path, "5.0.1")
    bundle = stand_in_bundle(tmp_path)
    if elf_program is not None:
        shutil.copy(elf_program, bundle / "_internal" / elf_program.name)
    done = run_recipe(tree / "packaging" / "linux" / "build_tarball.sh", bundle, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    with tarfile.open(tmp_path / "out" / "aiwm-5.0.1-linux-x86_64.tar.gz") as archive:
        member = archive.extractfile("aiwm-5.0.1/README.txt")
        assert member is not None
        return member.read().decode()


def test_the_tarballs_readme_names_every_depends_package(tmp_path: Path) -> None:
    readme = _tarball_readme(tmp_path)
    named = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", readme))
    missing = deb_libs.read_depends(LINUX / "deb" / "depends") - named
    assert missing == set()
    assert "libstdc++6" in readme and "libxcb-cursor0" in readme
    assert "glibc" not in readme  # no ELF file in this stand-in: no floor to state


@needs_binutils
def test_the_tarballs_readme_states_the_glibc_floor_of_the_bundle(tmp_path: Path) -> None:
    readme = _tarball_readme(tmp_path, Path("/usr/bin/true"))
    # The floor of /usr/bin/true, as the recorded objdump output above says (Debian 12: 2.34).
    headers = subprocess.run(["objdump", "-p", "/usr/bin/true"], capture_output=True, text=True).stdout
    newest = re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", headers)
    assert newest
    assert re.search(r"It needs glibc (2\.\d+) or newer", readme)
    floor = re.search(r"It needs glibc (2\.\d+(?:\.\d+)?) or newer", readme).group(1)  # type: ignore[union-attr]
    assert floor in newest
    assert all(tuple(map(int, floor.split("."))) >= tuple(map(int, version.split("."))) for version in newest)
