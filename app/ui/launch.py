"""Starting the window: a display check, the theme, the engine, and the screenshot mode for tests and docs."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app.core.engine import Engine, EngineOptions
from app.core.settings import load_settings

NO_DISPLAY = (
    "aiwm: error: no display to open the window on; use the command-line commands "
    "('aiwm snapshot', 'aiwm record', 'aiwm export') or set QT_QPA_PLATFORM=offscreen"
)


def has_display() -> bool:
    """A display to open a window on: always on Windows and macOS; on Linux, X11, Wayland or a chosen Qt platform."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run_gui(
    options: EngineOptions, theme_name: str | None, screenshot: Path | None, after_s: float, minimized: bool
) -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    started = time.perf_counter()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.sampling.live import LiveSession
    from app.ui import theme as themes
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AI Workstation Manager")
    settings = load_settings()
    theme = themes.resolve(theme_name or settings.theme)
    themes.apply(app, theme)  # type: ignore[arg-type]
    live = LiveSession(Engine(options), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    live.start()
    if minimized:
        window.showMinimized()
    else:
        window.show()
    if screenshot is not None:
        QTimer.singleShot(int(after_s * 1000), lambda: _save_screenshot(window, screenshot, started))
    app.aboutToQuit.connect(window.shutdown)
    return int(app.exec())


def _save_screenshot(window: object, path: Path, started: float) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.redraw_now()
    QApplication.processEvents()
    saved = window.grab().save(str(path))
    print(
        f"aiwm: {'saved' if saved else 'could not save'} screenshot {path} "
        f"({time.perf_counter() - started:.1f} s after start)",
        file=sys.stderr,
    )
    window.close()
    QApplication.quit()
