"""packaging/bundle_filter.py: what the spec leaves out of the bundle."""

from __future__ import annotations

import pytest
from bundle_filter import (
    SYSTEM_PACKAGE_LIBRARIES,
    depends_packages,
    keep_in_bundle,
    library_stem,
    reachable_binaries,
    strip_debug_info_of,
    system_provided,
    without_system_libraries,
)

from tests.packaging.stand_in import LINUX


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),  # the smoke test draws offscreen
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqlinuxfb.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),  # the program reads and writes PNG only
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),  # icon themes
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", False),  # nothing in the bundle links it
        ("libQt6Network.so.6", False),  # PyInstaller's link to it in the top folder
        ("PySide6/Qt/lib/libQt6Svg.so.6", True),
        ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so", False),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libicudata.so.73", True),  # libQt6Core links against ICU
        ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", False),
        ("resources/gpu_catalog.json", True),
        ("app/stress/gpu/kernels/vram.ptx", True),
    ],
)
def test_keep_in_bundle(destination: str, kept: bool) -> None:
    assert keep_in_bundle(destination) is kept


# Made-up destinations in the layout of PySide6's Windows wheel (Qt's DLLs and plugins straight under
# PySide6\, the names without "lib" and ending in .dll), with Windows' separator as PyInstaller gives them there.
@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qoffscreen.dll", True),
        ("PySide6\\plugins\\platforms\\qvnc.dll", False),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", False),
        ("PySide6\\plugins\\imageformats\\qsvg.dll", True),
        ("PySide6\\plugins\\generic\\qtuiotouchplugin.dll", False),
        ("PySide6\\plugins\\sqldrivers\\qsqlite.dll", False),
        ("PySide6\\translations\\qtbase_de.qm", False),
        ("PySide6\\Qt6Core.dll", True),
        ("PySide6\\Qt6Gui.dll", True),
        ("PySide6\\Qt6Network.dll", False),
        ("PySide6\\Qt6Qml.dll", False),
        ("PySide6\\opengl32sw.dll", False),  # the software OpenGL, ~20 MB
        ("PySide6\\QtCore.pyd", True),
        ("resources\\gpu_catalog.json", True),
    ],
)
def test_keep_in_bundle_in_the_windows_layout(destination: str, kept: bool) -> None:
    assert keep_in_bundle(destination) is kept


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("libQt6Core.so.6", "Qt6Core"),
        ("Qt6Core.dll", "Qt6Core"),
        ("libqxcb.so", "qxcb"),
        ("QWINDOWS.DLL", "QWINDOWS"),
        ("libicudata.so.73", "icudata"),
        ("opengl32sw.dll", "opengl32sw"),
    ],
)
def test_library_stem_drops_the_lib_prefix_and_the_ending(name: str, stem: str) -> None:
    assert library_stem(name) == stem


def test_every_depends_package_has_its_libraries_listed() -> None:
    """A package added to the .deb's Depends must say which libraries it provides, or the bundle
    would keep its own copies of them."""
    packages = depends_packages((LINUX / "deb" / "depends").read_text())
    assert "libxcb-cursor0" in packages and "libstdc++6" in packages and "libgcc-s1" in packages
    assert sorted(SYSTEM_PACKAGE_LIBRARIES) == sorted(packages)


def test_the_depends_reader_skips_comments_and_blank_lines() -> None:
    assert depends_packages("# header\nlibxcb1\n\n  libgl1  # for GLX\n#libnot\n") == ["libxcb1", "libgl1"]


def test_system_provided_maps_packages_to_their_sonames_and_refuses_an_unknown_one() -> None:
    # From `dpkg -L libglib2.0-0 libstdc++6` on Debian 12.
    assert system_provided(["libglib2.0-0", "libstdc++6"]) == {
        "libglib-2.0.so.0",
        "libgobject-2.0.so.0",
        "libgio-2.0.so.0",
        "libgmodule-2.0.so.0",
        "libgthread-2.0.so.0",
        "libstdc++.so.6",
    }
    with pytest.raises(KeyError, match="libfoo1"):
        system_provided(["libxcb1", "libfoo1"])


def test_only_top_level_libraries_the_system_provides_are_left_out() -> None:
    binaries = [
        ("libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "BINARY"),
        ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", "BINARY"),
        ("libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "BINARY"),  # Python's _ssl: kept
        ("libpython3.11.so.1.0", "/py/lib/libpython3.11.so.1.0", "BINARY"),
        ("numpy.libs/libX11.so.6", "/venv/numpy.libs/libX11.so.6", "BINARY"),  # a package's own copy
    ]
    kept = without_system_libraries(binaries, frozenset({"libstdc++.so.6", "libX11.so.6"}))
    assert [entry[0] for entry in kept] == ["libssl.so.3", "libpython3.11.so.1.0", "numpy.libs/libX11.so.6"]


@pytest.mark.parametrize(
    ("destination", "stripped"),
    [
        ("libpython3.11.so.1.0", True),
        ("python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", True),
        ("numpy.libs/libscipy_openblas64_-32a4b2a6.so", False),  # page-aligned segments break when stripped
        ("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", False),
        ("PySide6/Qt/lib/libicudata.so.73", False),
        ("libssl.so.3", False),
        ("python3.11/lib-dynload/README.txt", False),
    ],
)
def test_debug_info_is_stripped_from_libpython_and_the_stdlib_extensions_only(destination: str, stripped: bool) -> None:
    assert strip_debug_info_of(destination) is stripped


def test_system_libraries_only_a_dropped_plugin_needed_go_with_it() -> None:
    # libqxcb needs libxcb-cursor; the dropped libqgtk3 needed libgtk-3, which needed libcairo, which
    # libX11 shares with the xcb plugin's libX11 chain: only gtk and cairo must go.
    links = {
        "/src/libqxcb.so": ["libQt6XcbQpa.so.6", "libxcb-cursor.so.0"],
        "/src/libQt6XcbQpa.so.6": ["libX11.so.6", "libc.so.6"],
        "/sys/libxcb-cursor.so.0": [],
        "/sys/libX11.so.6": ["libxcb.so.1"],
        "/sys/libxcb.so.1": [],
        "/sys/libgtk-3.so.0": ["libcairo.so.2", "libX11.so.6"],
        "/sys/libcairo.so.2": [],
        "/src/libpython3.11.so.1.0": [],
    }
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libxcb-cursor.so.0", "/sys/libxcb-cursor.so.0", "BINARY"),
        ("libX11.so.6", "/sys/libX11.so.6", "BINARY"),
        ("libxcb.so.1", "/sys/libxcb.so.1", "BINARY"),
        ("libgtk-3.so.0", "/sys/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/sys/libcairo.so.2", "BINARY"),
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),
    ]
    kept = reachable_binaries(binaries, lambda source: links[source])
    assert [entry[0] for entry in kept] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "libxcb-cursor.so.0",
        "libX11.so.6",
        "libxcb.so.1",
        "libpython3.11.so.1.0",  # the bootloader loads it; nothing links against it
    ]
