"""The Tests page's choices: which test, on which GPU or folder, for how long.

It only describes the choice (`request()`); starting it is the page's job. A choice that cannot
run (a disk test without a folder) is refused here with one line that says what to change.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from app.core.errors import UserError
from app.core.gpu.records import GpuInfo
from app.stress.thermal.run import ThermalPlan
from app.ui.pages.tests.engine_runner import StressRequest, TestRequest, ThermalRequest

TESTS = (
    ("gpu", "GPU compute", "FP32 and tensor-core burn; every result compared with the first, so errors are counted."),
    ("vram", "VRAM", "Pattern tests over the GPU's free memory; errors with the first failing address."),
    ("cpu", "CPU", "Matrix products on every logical core, results checksummed per core."),
    ("ram", "RAM", "Pattern test over a safe share of the available memory (leaves at least 2 GiB or 10 %)."),
    ("disk", "Disk", "Sequential and random reads and writes, and many small files, in a folder you choose."),
    ("thermal", "Cooling test", "Idle baseline, load, cooldown: how hot it gets, how fast, and whether it throttles."),
)
PRESETS = (("Quick", 5), ("Standard", 10), ("Extended", 30))
MAX_MINUTES = 24 * 60  # the command line's limit for --duration too
GPU_TESTS = ("gpu", "vram")
CPU_DEVICE = "cpu"


class TestChoices(QWidget):
    """Radio buttons for the test, the device, the folder for a disk test, and the duration."""

    __test__ = False  # pytest must not collect it, though its name starts with "Test"

    changed = Signal()

    def __init__(self, gpus: tuple[GpuInfo, ...], no_gpu_reason: str) -> None:
        super().__init__()
        self._gpus = gpus
        self._no_gpu_reason = no_gpu_reason
        self.buttons = QButtonGroup(self)
        self.device = QComboBox()
        self.device.setToolTip("The GPU to test; for the cooling test, a GPU or the CPU.")
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("a folder on the disk to test")
        self.folder.setToolTip("The disk test writes its files here and removes them afterwards.")
        self.choose_folder = QPushButton("Choose…")
        self.choose_folder.clicked.connect(self._on_choose_folder)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(PRESETS[0][1])
        self.minutes.setToolTip("How long the load runs (at most 24 h).")
        self.presets = {name: QPushButton(f"{name} {minutes} min") for name, minutes in PRESETS}
        self.thermal_note = QLabel()
        self.thermal_note.setWordWrap(True)
        self._build()
        self.buttons.idToggled.connect(self._on_test_toggled)
        self.buttons.button(2).setChecked(True)  # CPU: there on every machine
        if gpus:
            self.buttons.button(0).setChecked(True)

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.addWidget(QLabel("<b>Test</b>"), 0, 0)
        tests = QHBoxLayout()
        for number, (kind, caption, about) in enumerate(TESTS):
            button = QRadioButton(caption)
            button.setObjectName(f"test_{kind}")
            needs_gpu = kind in GPU_TESTS and not self._gpus
            button.setEnabled(not needs_gpu)
            button.setToolTip(f"{about}\n\nNot available: {self._no_gpu_reason}" if needs_gpu else about)
            self.buttons.addButton(button, number)
            tests.addWidget(button)
        tests.addStretch(1)
        grid.addLayout(tests, 0, 1)
        grid.addWidget(QLabel("<b>Device</b>"), 1, 0)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device)
        device_row.addWidget(self.folder, 1)
        device_row.addWidget(self.choose_folder)
        grid.addLayout(device_row, 1, 1)
        grid.addWidget(QLabel("<b>Duration</b>"), 2, 0)
        duration_row = QHBoxLayout()
        for name, minutes in PRESETS:
            preset = self.presets[name]
            preset.setToolTip(f"Run the load for {minutes} minutes.")
            preset.clicked.connect(lambda _checked=False, m=minutes: self.minutes.setValue(m))
            duration_row.addWidget(preset)
        duration_row.addWidget(self.minutes)
        duration_row.addWidget(self.thermal_note, 1)
        grid.addLayout(duration_row, 2, 1)
        grid.setColumnStretch(1, 1)

    @property
    def kind(self) -> str:
        """The chosen test: "gpu", "vram", "cpu", "ram", "disk" or "thermal"."""
        return TESTS[max(self.buttons.checkedId(), 0)][0]

    def choose(self, kind: str) -> None:
        """Select a test by its kind (as a click on its button would)."""
        self.buttons.button(next(i for i, t in enumerate(TESTS) if t[0] == kind)).setChecked(True)

    @Slot(int, bool)
    def _on_test_toggled(self, _number: int, checked: bool) -> None:
        if not checked:
            return
        kind = self.kind
        self.device.clear()
        if kind in (*GPU_TESTS, "thermal"):
            for gpu in self._gpus:
                name = (gpu.name or "GPU").replace(" [SIMULATED]", "")
                self.device.addItem(f"GPU {gpu.index}: {name}" + (" (SIMULATED)" if gpu.simulated else ""), gpu.index)
        if kind == "thermal":
            self.device.addItem("CPU", CPU_DEVICE)
        self.device.setEnabled(self.device.count() > 0)
        self.device.setVisible(self.device.count() > 0)
        for widget in (self.folder, self.choose_folder):
            widget.setVisible(kind == "disk")
        plan = ThermalPlan()
        self.thermal_note.setText(
            f"plus {_minutes(plan.idle_s)} idle before (up to {_minutes(plan.idle_settle_max_s)} more while the card"
            f" is still cooling) and {_minutes(plan.cooldown_s)} cooldown after; a load too short to settle"
            " (most cards need 6 to 10 min) is inconclusive"
            if kind == "thermal"
            else ""
        )
        self.changed.emit()

    @Slot()
    def _on_choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self, "Folder for the disk test", self.folder.text() or str(Path.home())
        )
        if name:
            self.folder.setText(name)

    def request(self) -> TestRequest:
        """The chosen test; `UserError` (one line) when it cannot run as chosen."""
        kind, duration_s = self.kind, self.minutes.value() * 60.0
        if kind == "thermal":
            device = self.device.currentData()
            plan = ThermalPlan(device=CPU_DEVICE if device == CPU_DEVICE else f"gpu{device}", load_s=duration_s)
            return ThermalRequest(plan)
        if kind in GPU_TESTS:
            return StressRequest(kind, duration_s, gpu_index=int(self.device.currentData()))  # type: ignore[arg-type]
        if kind == "disk":
            return StressRequest("disk", duration_s, folder=_writable_folder(self.folder.text().strip()))
        return StressRequest(kind, duration_s)  # type: ignore[arg-type]


def _writable_folder(text: str) -> Path:
    if not text:
        raise UserError("choose a folder on the disk to test (Choose…)")
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{folder} is not writable: the disk test needs to write its files there")
    return folder


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min"
