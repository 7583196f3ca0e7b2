"""The Planner page: this machine's GPUs (marked SIMULATED under --demo) above the planning wizard."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.gpu.records import GpuInfo
from app.core.units import format_bytes
from app.ui.pages.planner.planner_port import Planner
from app.ui.pages.planner.wizard import PlanWizard
from app.ui.theme import Theme

SIMULATED_GPUS = "SIMULATED (--demo): the GPUs below are simulated, not this machine's hardware. "


def plannable_gpus(gpus: Sequence[GpuInfo]) -> list[tuple[str, int]]:
    """(name, VRAM bytes) of each GPU the planner can size against: one that told both."""
    return [(g.name, g.vram_total_bytes) for g in gpus if g.name is not None and g.vram_total_bytes is not None]


def machine_line(gpus: Sequence[GpuInfo]) -> str:
    """'This machine: GPU 0 NVIDIA GeForce RTX 4090, 23.99 GiB; GPU 1 …', with what could not be read."""
    if not gpus:
        return "This machine: no NVIDIA GPU found; the plan has no local GPU option"
    parts = []
    for gpu in gpus:
        if gpu.name is None or gpu.vram_total_bytes is None:
            parts.append(f"GPU {gpu.index} left out of the plan (its name or memory could not be read)")
        else:
            parts.append(f"GPU {gpu.index} {gpu.name}, {format_bytes(gpu.vram_total_bytes)}")
    return "This machine: " + "; ".join(parts)


class PlannerPage(QWidget):
    """Where the machine's GPUs are named, and the wizard that plans a project."""

    def __init__(self, theme: Theme, planner: Planner, gpus: Sequence[GpuInfo], simulated: bool) -> None:
        super().__init__()
        # The window's own banner already says the session is simulated; this line says it of the GPUs planned on.
        self.machine = QLabel((SIMULATED_GPUS if simulated else "") + machine_line(gpus))
        self.machine.setWordWrap(True)
        self.machine.setStyleSheet(f"font-weight: bold; color: {theme.simulated if simulated else theme.text};")
        self.wizard = PlanWizard(theme, planner, plannable_gpus(gpus), simulated)
        column = QVBoxLayout(self)
        column.addWidget(self.machine)
        column.addWidget(self.wizard, 1)

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until planning or saving under way has ended (tests, quitting)."""
        self.wizard.result_page.wait(timeout_s)
