"""The Reports entry: in the sidebar, reporting on the window's history through build_report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import app.report.build as report_build
from app.core.errors import UserError
from app.core.sampling.history import History
from app.report.build import ReportOptions
from app.ui.pages.reports.entry import ReportsEntry, live_build


def test_the_reports_page_is_in_the_sidebar_after_the_others(make_window) -> None:
    window = make_window(demo="rtx4090", start=False)
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles[-1] == "Reports" and titles[0] == "Dashboard"
    reports = window.page_list[-1]
    assert isinstance(reports, ReportsEntry) and not reports.paused


def test_the_page_reports_on_a_copy_of_the_history_it_was_last_refreshed_with(make_window, qtbot) -> None:
    window = make_window(demo="rtx4090")
    reports = next(p for p in window.page_list if isinstance(p, ReportsEntry))
    assert reports.history_copy() is None, "no history before the first redraw"
    window.sidebar.setCurrentRow(window.page_list.index(reports))
    qtbot.waitUntil(lambda: reports.state is not None, timeout=5000)
    assert reports.state is window.state
    qtbot.waitUntil(lambda: window.state.history.newest_time() is not None, timeout=5000)
    copy = reports.history_copy()
    assert isinstance(copy, History) and copy is not window.state.history
    copied_at = window.state.history.newest_time()
    assert copy.newest_time() == copied_at
    # The window keeps adding samples to its history; the copy handed to the worker stays as it was.
    qtbot.waitUntil(lambda: window.state.history.newest_time() != copied_at, timeout=5000)
    assert copy.newest_time() == copied_at


def test_live_build_calls_build_report_with_the_engine_the_options_and_the_history(monkeypatch) -> None:
    seen: list[tuple[Any, ...]] = []

    def fake_build_report(
        engine: Any, options: ReportOptions, history: History | None = None, doctor: Any = None
    ) -> dict[str, Any]:
        seen.append((engine, options, history, doctor))
        return {"schema": "aiwm.report/1"}

    monkeypatch.setattr(report_build, "build_report", fake_build_report)
    engine, options, history = object(), ReportOptions(redact=True, since_s=900.0), History()
    assert live_build(engine)(options, history) == {"schema": "aiwm.report/1"}  # type: ignore[arg-type]
    assert seen == [(engine, options, history, None)]


def test_with_no_live_session_the_build_fails_with_a_users_message() -> None:
    with pytest.raises(UserError, match="no live session"):
        live_build(None)(ReportOptions(), None)


@pytest.mark.parametrize("fmt", ["pdf", "html", "json"])
def test_the_page_writes_every_format_through_the_builders_writer(tmp_path, fmt: str) -> None:
    """The PDF is drawn in the window layer: the page hands its Qt writer to write_report."""
    import json

    from app.ui.pages.reports.entry import real_write

    example = json.loads((Path(__file__).parents[3] / "data" / "report" / "example_report.json").read_text())
    out = tmp_path / f"report.{fmt}"
    real_write(example, fmt, out)
    written = out.read_bytes()
    if fmt == "pdf":
        assert written.startswith(b"%PDF-")
    elif fmt == "html":
        assert written.lstrip().lower().startswith(b"<!doctype html")
    else:
        assert json.loads(written)["schema"] == "aiwm.report/1"
