"""Which collected files stay in the bundle: what the program never loads, and what the system provides.

PyInstaller's Qt hooks take every plugin and translation that QtGui/QtWidgets could use. The
program draws widgets on X11, Wayland, Windows or offscreen (the smoke test) and reads no
translated Qt strings (its own text is English), so the embedded-device platforms (framebuffer,
EGLFS, VNC), their input plugins, the GTK 3 theme, the image formats other than SVG and Qt's
translations are dropped. The xcb, Wayland and offscreen platforms, SVG and the XDG portal theme
stay. ICU cannot go: libQt6Core links against it.

On Linux PyInstaller also copies the system libraries Qt links (X11, xcb, glib, libstdc++...) into
the bundle's top folder; those that the .deb's Depends install on the target system are left to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath, PurePosixPath

# PySide6's wheel keeps Qt in PySide6/Qt/{lib,plugins,translations} on Linux and in PySide6/ itself
# (Qt6Core.dll, plugins/, translations/) on Windows: both layouts are matched.
_QT_FOLDERS = (("PySide6", "Qt"), ("PySide6",))
# Folders under the Qt folder whose files the program never loads (translations: its text is English).
_DROPPED_FOLDERS = (
    ("translations",),
    ("plugins", "egldeviceintegrations"),
    ("plugins", "generic"),
    ("plugins", "designer"),
    ("plugins", "qmltooling"),
    ("plugins", "sqldrivers"),
)
# Plugins by name (without "lib" and the .so/.dll ending). Qt's GTK 3 theme plugin links the build
# machine's GTK (gtk, gdk, cairo, pango: about 20 MB), which must not shadow the user's own; Qt then
# uses its Fusion look and the XDG portal's dialogs. The image formats other than SVG (kept for icon
# themes) go: the program reads and writes PNG only (its icon, --screenshot), which QtGui decodes itself.
_DROPPED_PLUGINS = frozenset({"qgtk3", "qgif", "qicns", "qico", "qjpeg", "qtga", "qtiff", "qwbmp", "qwebp"})
# Platform plugins for embedded devices and remote framebuffers, not desktops.
_DROPPED_PLATFORMS = frozenset({"qeglfs", "qlinuxfb", "qminimalegl", "qvnc", "qvkkhrdisplay"})
# Qt libraries that only the dropped plugins or unused modules load: nothing in the bundle links
# Qt6Network (checked with objdump -p on every bundled file; PySide6.QtNetwork is excluded in the spec).
# opengl32sw.dll is the Windows wheel's software OpenGL (Mesa llvmpipe, ~20 MB): the window draws
# with QPainter, not OpenGL, so it is never needed.
_DROPPED_LIBRARIES = frozenset(
    {"Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport", "Qt6Qml", "Qt6Quick", "Qt6Network", "opengl32sw"}
)
_LIBRARY_ENDING = re.compile(r"\.(so(\.\d+)*|dll)$", re.IGNORECASE)


def _parts(destination: str) -> tuple[str, ...]:
    """The parts of a path inside the bundle, with either separator (the spec runs on Linux and Windows)."""
    return PurePosixPath(destination.replace("\\", "/")).parts


def library_stem(name: str) -> str:
    """A library's or plugin's name without the "lib" prefix and its ending: libQt6Core.so.6 and
    Qt6Core.dll are both Qt6Core."""
    return _LIBRARY_ENDING.sub("", name).removeprefix("lib")


def _inside_qt(parts: tuple[str, ...]) -> tuple[str, ...] | None:
    """The parts below the Qt folder (PySide6/Qt on Linux, PySide6 on Windows), or None outside it."""
    for folder in _QT_FOLDERS:
        if parts[: len(folder)] == folder:
            return parts[len(folder) :]
    return None


def keep_in_bundle(destination: str) -> bool:
    """False for a file (its path inside the bundle) that the program never loads."""
    parts = _parts(destination)
    stem = library_stem(parts[-1])
    below = _inside_qt(parts)
    if below is not None:
        if any(below[: len(folder)] == folder for folder in _DROPPED_FOLDERS):
            return False
        if below[:1] == ("plugins",) and stem in _DROPPED_PLUGINS:
            return False
        if below[:-1] == ("plugins", "platforms") and stem in _DROPPED_PLATFORMS:
            return False
    return stem not in _DROPPED_LIBRARIES


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


# The shared libraries (sonames) each package of packaging/linux/deb/depends installs on Debian 12
# (`dpkg -L PACKAGE`, the .so.N files under /lib/x86_64-linux-gnu); tests/packaging/test_bundle_filter.py
# checks this table against the depends file and, with dpkg, against the machine. The bundle leaves
# these to the system: the .deb pulls them in, and a bundled copy would shadow the system's (an old
# libstdc++ loaded ahead of Mesa's GL driver breaks it on newer distributions).
SYSTEM_PACKAGE_LIBRARIES: Mapping[str, tuple[str, ...]] = {
    "libxcb1": ("libxcb.so.1",),
    "libxcb-cursor0": ("libxcb-cursor.so.0",),
    "libxcb-glx0": ("libxcb-glx.so.0",),
    "libxcb-icccm4": ("libxcb-icccm.so.4",),
    "libxcb-image0": ("libxcb-image.so.0",),
    "libxcb-keysyms1": ("libxcb-keysyms.so.1",),
    "libxcb-randr0": ("libxcb-randr.so.0",),
    "libxcb-render0": ("libxcb-render.so.0",),
    "libxcb-render-util0": ("libxcb-render-util.so.0",),
    "libxcb-shape0": ("libxcb-shape.so.0",),
    "libxcb-shm0": ("libxcb-shm.so.0",),
    "libxcb-sync1": ("libxcb-sync.so.1",),
    "libxcb-util1": ("libxcb-util.so.1",),
    "libxcb-xfixes0": ("libxcb-xfixes.so.0",),
    "libxcb-xkb1": ("libxcb-xkb.so.1",),
    "libx11-6": ("libX11.so.6",),
    "libx11-xcb1": ("libX11-xcb.so.1",),
    "libxkbcommon0": ("libxkbcommon.so.0",),
    "libxkbcommon-x11-0": ("libxkbcommon-x11.so.0",),
    "libegl1": ("libEGL.so.1",),
    "libgl1": ("libGL.so.1",),
    "libfontconfig1": ("libfontconfig.so.1",),
    "libfreetype6": ("libfreetype.so.6",),
    "libdbus-1-3": ("libdbus-1.so.3",),
    "libglib2.0-0": (
        "libgio-2.0.so.0",
        "libglib-2.0.so.0",
        "libgmodule-2.0.so.0",
        "libgobject-2.0.so.0",
        "libgthread-2.0.so.0",
    ),
    "libstdc++6": ("libstdc++.so.6",),
    "libgcc-s1": ("libgcc_s.so.1",),
    "zlib1g": ("libz.so.1",),
    "libzstd1": ("libzstd.so.1",),
    "libwayland-client0": ("libwayland-client.so.0",),
    "libwayland-cursor0": ("libwayland-cursor.so.0",),
    "libwayland-egl1": ("libwayland-egl.so.1",),
}


def depends_packages(text: str) -> list[str]:
    """The package names of a depends file's text: one a line, '#' starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def system_provided(packages: Iterable[str]) -> frozenset[str]:
    """The sonames that `packages` install (SYSTEM_PACKAGE_LIBRARIES); a package the table does not
    know is an error, so that a new Depends entry cannot silently leave its libraries bundled."""
    unknown = [package for package in packages if package not in SYSTEM_PACKAGE_LIBRARIES]
    if unknown:
        raise KeyError(f"bundle_filter.SYSTEM_PACKAGE_LIBRARIES does not list the libraries of {unknown}")
    return frozenset(soname for package in packages for soname in SYSTEM_PACKAGE_LIBRARIES[package])


def without_system_libraries(
    binaries: list[tuple[str, str, str]], provided: frozenset[str]
) -> list[tuple[str, str, str]]:
    """The binaries less the top-level system libraries that the target system provides; what only
    those needed goes afterwards with reachable_binaries."""
    return [entry for entry in binaries if not (is_top_level_library(entry[0]) and entry[0] in provided)]


def strip_debug_info_of(destination: str) -> bool:
    """True for the files whose debug info the build takes out (`strip --strip-debug`): libpython and
    the stdlib's extension modules, which the build machine's Python (pyenv 3.11.7) carries with
    debug info (~16 MB of libpython's 23 MB). Only these: stripping everything breaks numpy's
    OpenBLAS ("ELF load command address/offset not page-aligned"), and Qt's and ICU's libraries
    have no debug info to take."""
    parts = _parts(destination)
    if len(parts) == 1:
        return parts[0].startswith("libpython") and ".so" in parts[0]
    return parts[0].startswith("python3") and parts[1:2] == ("lib-dynload",) and parts[-1].endswith(".so")
