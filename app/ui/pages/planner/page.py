"""The Planner page: this machine's GPUs (marked SIMULATED under --demo) above the planning wizard."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.gpu.records import GpuInfo
from app.ui.pages.planner.option_text import format_gb
from app.ui.pages.planner.planner_port import Planner
from app.ui.pages.planner.wizard import PlanWizard
from app.ui.theme import Theme

SIMULATED_GPUS = "SIMULATED (--demo): the GPUs below are simulated, not this machine's hardware. "


def plannable_gpus(gpus: Sequence[GpuInfo]) -> list[tuple[str, int]]:
    """(name, VRAM bytes) of each GPU the planner can size against: one that told both."""
    return [(g.name, g.vram_total_bytes) for g in gpus if g.name is not None and g.vram_total_bytes is not None]


def machine_line(gpus: Sequence[GpuInfo]) -> str:
    """'This machine: GPU 0 NVIDIA GeForce RTX 4090, 25.8 GB; GPU 1 …' (NVML's totals, in the planner's
    decimal GB), with what could not be read, and the basis the plan sizes on."""
    if not gpus:
        return "This machine: no NVIDIA GPU found; the plan has no local GPU option"
    parts = []
    for gpu in gpus:
        if gpu.name is None or gpu.vram_total_bytes is None:
            parts.append(f"GPU {gpu.index} left out of the plan (its name or memory could not be read)")
        else:
            parts.append(f"GPU {gpu.index} {gpu.name}, {format_gb(gpu.vram_total_bytes)}")
    basis = " (NVML's totals; the plan sizes a card the catalog knows by the catalog's figure, as for rented ones)"
    return "This machine: " + "; ".join(parts) + basis


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
