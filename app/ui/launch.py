"""Starting the window: a display check, the theme, the engine, and the screenshot mode for tests and docs.

The display is checked before Qt starts: without a display Qt aborts the process (exit 134)
with advice to reinstall, so we connect to the X server's or the Wayland compositor's socket
ourselves and say in one line what is missing.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from app.core.atomic import check_writable
from app.core.engine import Engine, EngineOptions
from app.core.errors import UserError
from app.core.paths import resources_dir
from app.core.settings import load_settings
from app.ui.utf8_locale import use_utf8_locale

ADVICE = (
    "use the command-line commands ('aiwm snapshot', 'aiwm record', 'aiwm export') or set QT_QPA_PLATFORM=offscreen"
)
NO_DISPLAY = f"aiwm: error: no display to open the window on; {ADVICE}"
PROBE_TIMEOUT_S = 2.0
X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(\.\d+)?$")
# The installed .desktop file's name without ".desktop" (packaging/linux): Wayland shells match windows to it.
DESKTOP_ID = "io.github.aiwm.AIWM"


def display_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """Why no window can open here (one line), or None when a display answers or none is needed.

    Windows and macOS always have one. On Linux: a chosen Qt platform other than xcb or wayland
    (offscreen, vnc, eglfs …) needs none; otherwise an X server at DISPLAY or a Wayland compositor
    at WAYLAND_DISPLAY must accept a connection.
    """
    if not sys.platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if chosen and chosen != "xcb" and not chosen.startswith("wayland"):
        return None
    problems = []
    if chosen in ("", "xcb"):
        problems.append(_x_problem(environ.get("DISPLAY", "")))
    if chosen.startswith("wayland") or (not chosen and environ.get("WAYLAND_DISPLAY")):
        problems.append(_wayland_problem(environ))
    if any(problem is None for problem in problems):
        return None
    return f"aiwm: error: no display to open the window on ({'; '.join(p for p in problems if p)}); {ADVICE}"


def _x_problem(display: str) -> str | None:
    if not display:
        return "DISPLAY is not set"
    found = X_DISPLAY.match(display)
    if found is None:
        return f"DISPLAY={display} is not of the form [host]:number"
    host, number = found["host"], int(found["number"])
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        # the file, else Linux's abstract name
        reason = _unix_problem(path, _x_handshake) and _unix_problem("\0" + path, _x_handshake)
        return f"DISPLAY={display}: no X server answers at {path} ({reason})" if reason else None
    try:
        with socket.create_connection((host, 6000 + number), timeout=PROBE_TIMEOUT_S) as connection:
            reason = _x_handshake(connection)
    except OSError as error:
        reason = _reason(error)
    return f"DISPLAY={display}: no X server answers at {host} port {6000 + number} ({reason})" if reason else None


# The X11 connection setup with no authorisation: byte order 'l' (LSB first), protocol 11.0, empty
# auth name and data (X Window System Protocol, "Connection Setup"). Any reply, even "Failed" for
# a server that wants a cookie, shows a live server; a socket that accepts and never answers does not.
_X_SETUP_REQUEST = b"l\x00" + (11).to_bytes(2, "little") + bytes(8)


def _x_handshake(connection: socket.socket) -> str | None:
    """None when an X server answers the connection setup within the probe's timeout, else why not."""
    try:
        connection.sendall(_X_SETUP_REQUEST)
        if connection.recv(1):
            return None
        return "it closed the connection without answering"
    except TimeoutError:
        return f"it accepted the connection but did not answer within {PROBE_TIMEOUT_S:g} s"
    except OSError as error:
        return _reason(error)


def _wayland_problem(environ: Mapping[str, str]) -> str | None:
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    path = name if name.startswith("/") else os.path.join(environ.get("XDG_RUNTIME_DIR", ""), name)
    reason = _unix_problem(path)
    return f"WAYLAND_DISPLAY={name}: no Wayland compositor answers at {path} ({reason})" if reason else None


def _unix_problem(path: str, handshake: Callable[[socket.socket], str | None] | None = None) -> str | None:
    """None when something accepts a connection on the Unix socket `path` (and answers `handshake`),
    else why not."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(PROBE_TIMEOUT_S)
        try:
            probe.connect(path)
        except OSError as error:
            return _reason(error)
        return handshake(probe) if handshake is not None else None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def check_screenshot_path(path: Path) -> None:
    """Refuse, before any window opens, a screenshot file that exists, is not .png, or cannot be written."""
    if path.suffix.lower() != ".png":
        raise UserError(f"--screenshot {path}: the file name must end in .png (the window is saved as PNG)")
    if path.exists():
        raise UserError(f"--screenshot {path}: the file already exists; choose a new name (nothing was overwritten)")
    check_writable(path)


def run_gui(
    options: EngineOptions, theme_name: str | None, screenshot: Path | None, after_s: float, minimized: bool
) -> int:
    if (problem := display_problem()) is not None:
        print(problem, file=sys.stderr)
        return 2
    started = time.perf_counter()
    use_utf8_locale()  # before Qt, which would switch a non-UTF-8 locale itself and warn
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.sampling.live import LiveSession
    from app.ui import theme as themes
    from app.ui.main_window import MainWindow
    from app.ui.quit_signals import QuitSignals, exit_status

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AI Workstation Manager")
    set_app_identity(app)
    settings = load_settings()
    theme = themes.resolve(theme_name or settings.theme)
    themes.apply(app, theme)  # type: ignore[arg-type]
    live = LiveSession(Engine(options), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    quit_signals = QuitSignals(app)
    quit_signals.received.connect(lambda signum: _close_on_signal(window, signum))
    live.start()
    if minimized:
        window.showMinimized()
    else:
        window.show()
    if screenshot is not None:
        QTimer.singleShot(int(after_s * 1000), lambda: _screenshot_and_quit(window, screenshot, started))
    app.aboutToQuit.connect(window.shutdown)
    try:
        status = int(app.exec())
    finally:
        quit_signals.close()
    return exit_status(quit_signals.signum) if quit_signals.signum is not None else status


def set_app_identity(app: object) -> None:
    """Give every window the program's icon (resources/icons, also in the bundle) and name the .desktop entry."""
    from PySide6.QtGui import QGuiApplication, QIcon

    assert isinstance(app, QGuiApplication)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "aiwm.png")))
    app.setDesktopFileName(DESKTOP_ID)


def _close_on_signal(window: object, signum: int) -> None:
    """Stop sampling, close any recording whole, close the window (even with close-to-tray) and quit."""
    import signal

    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow
    from app.ui.quit_signals import exit_status

    assert isinstance(window, MainWindow)
    recording = window.live.recorder
    saved = f"; saving the recording {recording.path}" if recording is not None else ""
    print(f"aiwm: {signal.Signals(signum).name} received: closing the window{saved}", file=sys.stderr, flush=True)
    window.shutdown()
    QApplication.setQuitOnLastWindowClosed(False)  # closing must not quit with status 0 before ours
    window.close()
    QApplication.exit(exit_status(signum))


def save_screenshot(window: object, path: Path) -> str | None:
    """Save a PNG of `window` to the new file `path`; returns why it failed, or None.

    The PNG is made in memory and written with exclusive creation, so a file that appeared
    meanwhile is never overwritten.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not window.grab().save(buffer, "PNG"):
        return "Qt could not encode the window as PNG"
    buffer.close()
    try:
        with path.open("xb") as handle:
            handle.write(data.data())
    except FileExistsError:
        return "the file already exists (nothing was overwritten)"
    except OSError as error:
        return _reason(error)
    return None


def _screenshot_and_quit(window: object, path: Path, started: float) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.redraw_now()
    QApplication.processEvents()
    problem = save_screenshot(window, path)
    elapsed = f"{time.perf_counter() - started:.1f} s after start"
    if problem is None:
        print(f"aiwm: saved screenshot {path} ({elapsed})", file=sys.stderr)
    else:
        print(f"aiwm: error: could not save screenshot {path}: {problem} ({elapsed})", file=sys.stderr)
    QApplication.setQuitOnLastWindowClosed(False)  # closing must not quit with status 0 before ours
    window.close()
    QApplication.exit(0 if problem is None else 2)
