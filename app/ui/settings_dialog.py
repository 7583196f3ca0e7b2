"""Settings: theme, close-to-tray, and every alert's threshold and on/off switch."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QWidget,
)

from app.core.settings import THEMES, AlertSettings, Settings

RULE_LABELS = {
    "gpu_lost": "A GPU stops answering (lost)",
    "gpu_near_slowdown": "GPU near its slowdown temperature",
    "gpu_slowdown": "Thermal or hardware slowdown active",
    "vram_full": "VRAM nearly full",
    "nvme_hot": "NVMe at its warning temperature",
    "swap_during_gpu_job": "Swap in use while a GPU job runs",
    "gpu_idle_holding_memory": "GPU idle while a process holds its memory",
}


def _spin(value: float, low: float, high: float, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        a = settings.alerts
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(settings.theme)
        self.close_to_tray = QCheckBox("Closing the window keeps the program in the system tray")
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.near_slowdown = _spin(a.gpu_near_slowdown_c, 1, 30, " °C")
        self.vram = _spin(a.vram_percent, 50, 100, " %")
        self.idle = _spin(a.gpu_idle_minutes, 1, 240, " min")
        self.swap = _spin(a.swap_used_mib, 1, 65536, " MiB")
        self.rules = {rule: QCheckBox(label) for rule, label in RULE_LABELS.items()}
        form = QFormLayout(self)
        form.addRow("Theme (restart to apply)", self.theme)
        form.addRow(self.close_to_tray)
        form.addRow("Alert when a GPU is within", self.near_slowdown)
        form.addRow("Alert when VRAM use reaches", self.vram)
        form.addRow("Alert when a GPU holding memory is idle for", self.idle)
        form.addRow("Alert when swap in use exceeds", self.swap)
        for rule, box in self.rules.items():
            box.setChecked(rule in a.enabled)
            form.addRow(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self, window_s: float) -> Settings:
        alerts = AlertSettings(
            gpu_near_slowdown_c=self.near_slowdown.value(),
            vram_percent=self.vram.value(),
            gpu_idle_minutes=self.idle.value(),
            swap_used_mib=self.swap.value(),
            enabled=tuple(rule for rule, box in self.rules.items() if box.isChecked()),
        )
        return Settings(self.theme.currentText(), window_s, self.close_to_tray.isChecked(), alerts)
