"""Save a PNG of the real window on its Doctor page, showing the RTX 5090 report of `reports.FAILING`.

Run by test_screenshots.py under Xvfb as `python -m tests.ui.pages.doctor.shoot_doctor THEME PNG`
from the repository root. The window is the program's own `MainWindow` with the real theme; only
the diagnosis is replaced by the report (the page shows what a report says), and the sampler is
not started (this page does not follow the samples). One added Python environment shows that list.
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
from app.ui.pages.doctor import entry
from app.ui.pages.doctor.entry import DoctorEntry
from tests.ui.pages.doctor.reports import FAILING

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
    entry.live_diagnose = lambda engine: lambda environments: FAILING  # type: ignore[assignment]
    settings = Settings()
    live = LiveSession(Engine(EngineOptions()), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    window.show()
    doctor = next(page for page in window.page_list if isinstance(page, DoctorEntry))
    window.sidebar.setCurrentRow(window.page_list.index(doctor))
    if not _wait_for(lambda: doctor.view.last_run is not None, 10.0):
        print("the Doctor page showed no report within 10 s", file=sys.stderr)
        return 1
    doctor.view.environments.add(Path(sys.prefix))
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
