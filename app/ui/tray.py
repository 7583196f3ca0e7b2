"""The system-tray icon: the hottest GPU's temperature, and notifications for alerts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from app.core.sampling.alerts import is_near_slowdown
from app.core.sampling.monitor import MonitorState


def temperature_icon(temperature_c: float | None, hot: bool) -> QIcon:
    """A 64 px icon with the temperature in it: red when near slowdown."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor("#b91c1c" if hot else "#1f2937"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(30)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "--" if temperature_c is None else f"{temperature_c:.0f}"
    )
    painter.end()
    return QIcon(pixmap)


class Tray:
    """Wraps QSystemTrayIcon; does nothing where the desktop has no tray (Xvfb, some Wayland shells)."""

    def __init__(self, parent: QWidget) -> None:
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(temperature_icon(None, False), parent) if self.available else None
        self._shown: tuple[int | None, bool] | None = None
        if self.icon is not None:
            self.icon.setToolTip("AI Workstation Manager")
            self.icon.show()

    def show_temperature(self, temperature_c: float | None, hot: bool, tooltip: str) -> None:
        key = (None if temperature_c is None else round(temperature_c), hot)
        if self.icon is None or key == self._shown:
            return
        self._shown = key
        self.icon.setIcon(temperature_icon(temperature_c, hot))
        self.icon.setToolTip(tooltip)

    def show_hottest(self, state: MonitorState, near_slowdown_c: float) -> None:
        """Show the hottest GPU's temperature; red within `near_slowdown_c` of its slowdown limit."""
        gpus = getattr(state.latest("gpu"), "gpus", ())
        temps = [(g.temperature_c, g.index) for g in gpus if g.temperature_c is not None]
        if not temps:
            return
        hottest, index = max(temps)
        slowdown = next((g.temp_slowdown_c for g in state.gpus if g.index == index), None)
        hot = is_near_slowdown(next(g for g in gpus if g.index == index), slowdown, near_slowdown_c)
        self.show_temperature(hottest, hot, f"Hottest GPU: GPU {index} at {hottest:.0f} °C")

    def notify(self, title: str, message: str) -> None:
        if self.icon is not None:
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 10_000)

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
