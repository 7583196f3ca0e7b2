"""Save a PNG of the real window on its Reports page, with the example report previewed.

Run by test_screenshots.py under Xvfb as `python -m tests.ui.pages.reports.shoot_reports THEME PNG`
from the repository root. The window is the program's own `MainWindow` with the real theme and
the real preview (the PDF's pages drawn with QPainter); only the builder is replaced by the agreed
example document (tests/data/report/example_report.json), since the builder is another issue's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.ui import theme as themes
from app.ui.launch import save_screenshot
from app.ui.main_window import MainWindow
from app.ui.pages.reports import entry
from app.ui.pages.reports.entry import ReportsEntry
from tests.ui.pages.reports.conftest import example_document

SETTLE_S = 0.5


def _wait_for(condition: object, timeout_s: float) -> bool:
    assert callable(condition)
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    return bool(condition())


def main(theme_name: str, path: Path) -> int:
    app = QApplication(sys.argv[:1])
    theme = themes.resolve(theme_name)
    themes.apply(app, theme)
    entry.live_build = lambda engine: lambda options, history: example_document()  # type: ignore[assignment]
    settings = Settings()
    live = LiveSession(Engine(EngineOptions(demo="rtx4090")), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    window.show()
    reports = next(page for page in window.page_list if isinstance(page, ReportsEntry))
    window.sidebar.setCurrentRow(window.page_list.index(reports))
    reports.view.controls.section_boxes["plans"].setChecked(False)
    reports.view.controls.redact.setChecked(True)
    reports.view.refresh_preview()
    if not _wait_for(lambda: bool(reports.view.page_labels), 20.0):
        print("the Reports page showed no preview within 20 s", file=sys.stderr)
        return 1
    _wait_for(lambda: False, SETTLE_S)  # let the layouts settle and paint
    problem = save_screenshot(window, path)
    window.shutdown()
    if problem is not None:
        print(f"could not save {path}: {problem}", file=sys.stderr)
        return 2
    print(f"saved screenshot {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
