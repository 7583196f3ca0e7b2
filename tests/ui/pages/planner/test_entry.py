"""The Planner in the window: registered after the Doctor, in the sidebar, planning against the
running session's GPUs, and not loading the engine until it is used."""

from __future__ import annotations

import subprocess
import sys
import threading

from app.ui.pages.doctor.entry import DoctorEntry
from app.ui.pages.planner.entry import PlannerEntry
from app.ui.pages.planner.page import PlannerPage
from app.ui.pages.registry import PAGES
from tests.ui.pages.planner.fake_planner import FakePlanner
from tests.ui.pages.planner.plans import NOTHING_FITS
from tests.ui.pages.planner.walk import choose_catalog_model, click_next


def test_the_planner_is_registered_after_the_doctor() -> None:
    assert PAGES.index(PlannerEntry) > PAGES.index(DoctorEntry)
    assert PlannerEntry.title == "Planner"


def test_the_window_lists_the_planner_and_plans_against_its_simulated_gpus(qtbot, make_window, monkeypatch) -> None:
    planner = FakePlanner()
    monkeypatch.setattr("app.ui.pages.planner.entry.LazyPlanner", lambda: planner)
    window = make_window(demo="rtx4090,a100-80gb", start=False)
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert "Planner" in titles
    row = titles.index("Planner")
    entry = window.page_list[row]
    assert isinstance(entry, PlannerEntry) and isinstance(entry.widget, PlannerPage)
    window.sidebar.setCurrentRow(row)
    assert window.pages.currentWidget() is entry.widget
    page = entry.view
    assert page.machine.text() == (
        "SIMULATED (--demo): the GPUs below are simulated, not this machine's hardware. "
        "This machine: GPU 0 NVIDIA GeForce RTX 4090 [SIMULATED], 25.8 GB; "
        "GPU 1 NVIDIA A100-SXM4-80GB [SIMULATED], 85.9 GB"
        " (NVML's totals; the plan sizes a card the catalog knows by the catalog's figure, as for rented ones)"
    )
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    for _ in range(3):
        click_next(qtbot, page)
    qtbot.waitUntil(lambda: page.wizard.result_page.plan is not None, timeout=5000)
    _request, local_gpus, simulated = planner.requests[0]
    # The inventory's names and sizes, as the CLI passes them (the catalog's 24564 MiB and 80 GiB).
    assert local_gpus == (
        ("NVIDIA GeForce RTX 4090 [SIMULATED]", 24564 * 1024**2),
        ("NVIDIA A100-SXM4-80GB [SIMULATED]", 80 * 1024**3),
    )
    assert simulated is True


def test_opening_the_window_does_not_import_the_planner_engine() -> None:
    """The engine loads on first use: a window must open even where it cannot (a placeholder, a bad file)."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
        "from app.ui.pages.planner.entry import PlannerEntry\n"
        "from app.ui.pages.planner.planner_port import LazyPlanner\n"
        "print('app.planner.plan' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


class FirstAnswerLate(FakePlanner):
    """The first plan is held until `release` is set; the second answers at once with another plan."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def make_plan(self, request, local_gpus, simulated=False):
        first = not self.requests
        plan = super().make_plan(request, local_gpus, simulated)
        if first:
            assert self.release.wait(10)
            return plan
        return NOTHING_FITS


def test_an_answer_for_an_older_request_is_not_shown(qtbot, make_page) -> None:
    planner = FirstAnswerLate()
    page = make_page(planner)
    click_next(qtbot, page)
    choose_catalog_model(page, "3.1-8B")
    for _ in range(3):
        click_next(qtbot, page)
    result = page.wizard.result_page
    assert result.busy_bar.isVisible() and result.status.text().startswith("Planning Llama-3.1-8B, lora in bf16")
    page.wizard.back()
    click_next(qtbot, page)  # asked again while the first answer is still on its way
    qtbot.waitUntil(lambda: result.plan is NOTHING_FITS, timeout=5000)
    planner.release.set()
    page.wait(10)
    qtbot.wait(100)  # the first answer's signal is delivered, and dropped
    assert result.plan is NOTHING_FITS and result.table.rowCount() == 1
