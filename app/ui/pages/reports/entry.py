"""The Reports page as a `Page` of the window, building from the running session and the window's history."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from app.core.engine import Engine
from app.core.errors import UserError
from app.core.sampling.history import History
from app.core.sampling.monitor import MonitorState
from app.report.build import ReportOptions
from app.ui.pages.base import PageContext
from app.ui.pages.reports.page import Build, Preview, ReportsPage
from app.ui.pages.reports.saving import Write


def live_build(engine: Engine | None) -> Build:
    """The real builder over the session's engine; the doctor runs when its section is wanted."""

    def build(options: ReportOptions, history: History | None) -> dict[str, Any]:
        if engine is None:
            raise UserError("no live session to report on")
        from app.report.build import build_report

        return build_report(engine, options, history=history, doctor=None)

    return build


def real_write(document: dict[str, Any], fmt: str, path: Path) -> None:
    """The builder's atomic writer, with the window layer's Qt PDF writer for `pdf`."""
    from app.report.build import write_report
    from app.ui.report_pdf import write_pdf

    write_report(document, fmt, path, pdf_writer=write_pdf)


def real_preview(document: dict[str, Any]) -> list[QImage]:
    from app.ui.report_pdf import render_page_images

    return render_page_images(document)


class ReportsEntry:
    """The Reports page; it keeps the window's state from each redraw to report on its history."""

    title = "Reports"

    def __init__(
        self,
        context: PageContext,
        build: Build | None = None,
        write: Write | None = None,
        preview: Preview | None = None,
    ) -> None:
        engine = context.live.engine if context.live is not None else None
        self.state: MonitorState | None = None
        self.view = ReportsPage(
            context.theme, build or live_build(engine), write or real_write, preview or real_preview, self.history_copy
        )

    def history_copy(self) -> History | None:
        """A copy of the window's history for the worker thread (the GUI thread keeps adding to the original)."""
        return copy.deepcopy(self.state.history) if self.state is not None else None

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return False

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """Only keeps the state: the report is built on demand, from its history."""
        self.state = state
