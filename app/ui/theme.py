"""Light and dark themes; "system" follows the desktop's colour scheme (Qt 6.5+ style hints)."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str
    text: str
    muted: str
    plot_background: str
    axis: str
    curves: tuple[str, ...]
    reference: str
    ok: str
    warning: str
    critical: str
    simulated: str


LIGHT = Theme(
    "light",
    "#f3f4f6",
    "#ffffff",
    "#111827",
    "#6b7280",
    "#ffffff",
    "#6b7280",
    ("#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"),
    "#dc2626",
    "#15803d",
    "#b45309",
    "#b91c1c",
    "#7c3aed",
)
DARK = Theme(
    "dark",
    "#111318",
    "#1b1e25",
    "#e5e7eb",
    "#9ca3af",
    "#1b1e25",
    "#9ca3af",
    ("#60a5fa", "#fbbf24", "#34d399", "#f87171", "#a78bfa", "#22d3ee"),
    "#f87171",
    "#4ade80",
    "#fbbf24",
    "#f87171",
    "#a78bfa",
)


def resolve(setting: str) -> Theme:
    """`light`, `dark`, or `system`: the desktop's scheme (light where it says nothing, as under Xvfb)."""
    if setting == "dark":
        return DARK
    if setting == "light":
        return LIGHT
    scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def apply(app: QApplication, theme: Theme) -> None:
    """Fusion style with the theme's palette; pyqtgraph without antialiasing (it triples paint cost)."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    pg.setConfigOptions(background=theme.plot_background, foreground=theme.axis, antialias=False)
