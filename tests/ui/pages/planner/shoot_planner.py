"""Save a PNG of the real window on its Planner page, showing the Llama-3.1-8B LoRA plan of `plans.py`.

Run by test_screenshots.py under Xvfb as `python -m tests.ui.pages.planner.shoot_planner THEME PNG`
from the repository root. The window is the program's own `MainWindow` over one simulated RTX 4090
with the real theme; only the planner engine is replaced by `FakePlanner` (the page shows what a
plan says). The wizard is walked by its buttons to the result step.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWizard

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.ui import theme as themes
from app.ui.launch import save_screenshot
from app.ui.main_window import MainWindow
from app.ui.pages.planner import entry
from app.ui.pages.planner.entry import PlannerEntry
from tests.ui.pages.planner.fake_planner import FakePlanner

SETTLE_S = 0.5


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    return condition()


def _walk(planner_entry: PlannerEntry) -> None:
    """Fine-tune → Llama-3.1-8B → LoRA, bf16, batch 4 → 100M tokens, 48 h, $200 → the plan."""
    wizard = planner_entry.view.wizard
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.model_page.filter.setText("3.1-8B")
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.workload_page.batch.setValue(4)
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.limits_page.tokens.setText("100M")
    wizard.limits_page.deadline_hours.setText("48")
    wizard.limits_page.budget_usd.setText("$200")
    wizard.button(QWizard.WizardButton.NextButton).click()


def main(theme_name: str, path: Path) -> int:
    app = QApplication(sys.argv[:1])
    theme = themes.resolve(theme_name)
    themes.apply(app, theme)
    entry.LazyPlanner = FakePlanner  # type: ignore[assignment,misc]
    settings = Settings()
    live = LiveSession(Engine(EngineOptions(demo="rtx4090")), settings.alerts)
    window = MainWindow(live, settings, theme)
    window.resize(1920, 1080)
    window.show()
    planner = next(page for page in window.page_list if isinstance(page, PlannerEntry))
    window.sidebar.setCurrentRow(window.page_list.index(planner))
    _walk(planner)
    result = planner.view.wizard.result_page
    if not _wait_for(lambda: result.plan is not None, 10.0):
        print("the Planner page showed no plan within 10 s", file=sys.stderr)
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
