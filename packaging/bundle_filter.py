"""Which collected files stay in the bundle: the Qt parts the program never loads are left out.

PyInstaller's Qt hooks take every plugin and translation that QtGui/QtWidgets could use. The
program draws widgets on X11, Wayland, Windows or offscreen (the smoke test) and reads no
translated Qt strings (its own text is English), so the embedded-device platforms (framebuffer,
EGLFS, VNC), their input plugins, the GTK 3 theme and Qt's translations are dropped. The xcb,
Wayland and offscreen platforms, the image formats and the XDG portal theme stay.
ICU cannot go: libQt6Core links against it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath

# Folders under PySide6/Qt whose files the program never loads.
_DROPPED_FOLDERS = (
    ("PySide6", "Qt", "translations"),
    ("PySide6", "translations"),
    ("PySide6", "Qt", "plugins", "egldeviceintegrations"),
    ("PySide6", "Qt", "plugins", "generic"),
    ("PySide6", "Qt", "plugins", "designer"),
    ("PySide6", "Qt", "plugins", "qmltooling"),
    ("PySide6", "Qt", "plugins", "sqldrivers"),
)
# Qt's GTK 3 theme plugin links the build machine's GTK (gtk, gdk, cairo, pango: about 20 MB),
# which must not shadow the user's own; Qt then uses its Fusion look and the XDG portal's dialogs.
_DROPPED_PLUGINS = ("libqgtk3",)
# Platform plugins for embedded devices and remote framebuffers, not desktops.
_DROPPED_PLATFORMS = ("libqeglfs", "libqlinuxfb", "libqminimalegl", "libqvnc", "libqvkkhrdisplay")
# Qt libraries that only the dropped plugins or unused modules load.
_DROPPED_LIBRARIES = ("libQt6EglFSDeviceIntegration", "libQt6EglFsKmsSupport", "libQt6Qml", "libQt6Quick")


def keep_in_bundle(destination: str) -> bool:
    """False for a file (its path inside the bundle) that the program never loads."""
    parts = PurePath(destination).parts
    if any(parts[: len(folder)] == folder for folder in _DROPPED_FOLDERS):
        return False
    name = parts[-1]
    if parts[:-1] == ("PySide6", "Qt", "plugins", "platforms") and name.startswith(_DROPPED_PLATFORMS):
        return False
    if name.startswith(_DROPPED_PLUGINS):
        return False
    return not name.startswith(_DROPPED_LIBRARIES)


def is_top_level_library(destination: str) -> bool:
    """A shared library that PyInstaller copied from the system into the bundle's top folder because
    something linked against it (libpython, which the bootloader loads, is not one of them)."""
    path = PurePath(destination)
    return len(path.parts) == 1 and ".so" in path.name and not path.name.startswith("libpython")


def reachable_binaries(
    binaries: list[tuple[str, str, str]], imports_of: Callable[[str], Iterable[str]]
) -> list[tuple[str, str, str]]:
    """The binaries (PyInstaller TOC entries: destination, source, kind) that are still needed once
    some plugins were dropped: every library in a package folder, and each top-level system library
    that one of those links against, directly or through another. `imports_of(source)` gives the
    names a binary links against (its ELF NEEDED entries)."""
    by_name = {PurePath(dest).name: entry for entry in binaries for dest in [entry[0]]}
    needed = [entry for entry in binaries if not is_top_level_library(entry[0])]
    seen = {entry[0] for entry in needed}
    while needed:
        entry = needed.pop()
        for name in imports_of(entry[1]):
            library = by_name.get(PurePath(name).name)
            if library is not None and library[0] not in seen:
                seen.add(library[0])
                needed.append(library)
    return [entry for entry in binaries if entry[0] in seen]
