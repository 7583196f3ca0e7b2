"""The Doctor as a `Page` of the window, diagnosing the running session's machine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.core.engine import Engine
from app.core.errors import UserError
from app.core.sampling.monitor import MonitorState
from app.doctor.gather import gather_facts
from app.doctor.records import DoctorReport
from app.doctor.rules import evaluate
from app.ui.pages.base import PageContext
from app.ui.pages.doctor.page import Diagnose, DoctorPage


def live_diagnose(engine: Engine | None) -> Diagnose:
    """The real diagnosis: the live facts of `engine`'s machine (with the added environments), checked.

    The gathering finds the program's own Python and the conda environments itself; the page
    passes only the environments the user added.
    """

    def diagnose(environments: Sequence[Path]) -> DoctorReport:
        if engine is None:
            raise UserError("no live session to gather the facts from")
        return evaluate(gather_facts(engine, environments))

    return diagnose


class DoctorEntry:
    """The Doctor page: findings, fixes and facts; it checks on its own and ignores the 1 Hz samples."""

    title = "Doctor"

    def __init__(self, context: PageContext, diagnose: Diagnose | None = None) -> None:
        engine = context.live.engine if context.live is not None else None
        self.view = DoctorPage(context.theme, diagnose or live_diagnose(engine))

    @property
    def widget(self) -> QWidget:
        return self.view

    @property
    def paused(self) -> bool:
        return False

    def refresh(self, state: MonitorState, end_s: float) -> None:
        """The doctor does not follow the samples: nothing to redraw."""
