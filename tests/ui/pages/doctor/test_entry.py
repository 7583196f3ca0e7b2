"""The Doctor in the window: registered after the Dashboard, in the sidebar, started only when
chosen, and diagnosing the running session's engine through gather_facts and evaluate."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.errors import UserError
from app.ui.pages.doctor.entry import DoctorEntry, live_diagnose
from app.ui.pages.doctor.page import DoctorPage
from app.ui.pages.registry import PAGES, DashboardEntry
from tests.ui.pages.doctor.conftest import FakeDiagnose
from tests.ui.pages.doctor.reports import FAILING, RTX_5090_FACTS


def test_the_doctor_is_registered_right_after_the_dashboard() -> None:
    assert PAGES.index(DoctorEntry) == PAGES.index(DashboardEntry) + 1
    assert DoctorEntry.title == "Doctor"


def test_the_window_lists_the_doctor_in_its_sidebar_and_checks_only_once_it_is_chosen(
    qtbot, make_window, monkeypatch
) -> None:
    diagnose = FakeDiagnose(FAILING)
    engines: list[Engine | None] = []
    monkeypatch.setattr("app.ui.pages.doctor.entry.live_diagnose", lambda engine: (engines.append(engine), diagnose)[1])
    window = make_window()
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles[:2] == ["Dashboard", "Doctor"]
    entry = window.page_list[1]
    assert isinstance(entry, DoctorEntry) and isinstance(entry.widget, DoctorPage)
    assert engines == [window.live.engine], "it diagnoses the running session's engine"
    qtbot.wait(300)
    assert diagnose.calls == [], "the window opens without checking"
    window.sidebar.setCurrentRow(1)
    assert window.pages.currentWidget() is entry.widget
    qtbot.waitUntil(lambda: entry.view.last_run is not None, timeout=5000)
    assert diagnose.calls == [()]
    assert entry.view.overall.text() == "✖ FAIL" and entry.view.findings.cards()[0].isVisible()
    window.sidebar.setCurrentRow(0)
    window.sidebar.setCurrentRow(1)
    qtbot.wait(200)
    assert diagnose.calls == [()], "coming back to the page does not check again"


def test_the_live_diagnosis_gathers_the_engines_facts_with_the_added_environments_and_evaluates_them(
    monkeypatch,
) -> None:
    asked: list[tuple[object, tuple[Path, ...]]] = []
    evaluated: list[object] = []

    def gather(engine, environments):
        asked.append((engine, tuple(environments)))
        return RTX_5090_FACTS

    def evaluate(facts):
        evaluated.append(facts)
        return FAILING

    monkeypatch.setattr("app.ui.pages.doctor.entry.gather_facts", gather)
    monkeypatch.setattr("app.ui.pages.doctor.entry.evaluate", evaluate)
    engine = Engine(EngineOptions(demo="rtx4090"))
    venv = Path("/home/ana/venvs/llm")
    assert live_diagnose(engine)([venv]) is FAILING
    assert asked == [(engine, (venv,))] and evaluated == [RTX_5090_FACTS]


def test_without_a_live_session_the_diagnosis_says_so() -> None:
    with pytest.raises(UserError, match="no live session to gather the facts from"):
        live_diagnose(None)(())
