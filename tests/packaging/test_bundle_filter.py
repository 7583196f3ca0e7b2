"""packaging/bundle_filter.py: what the spec leaves out of the bundle."""

from __future__ import annotations

import pytest
from bundle_filter import keep_in_bundle, reachable_binaries


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
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
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
