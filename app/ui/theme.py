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
    ("#2563eb", "#b45309", "#047857", "#b91c1c", "#7c3aed", "#0e7490"),  # >= 4.5:1 as text on window and plot
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


MIN_TEXT_CONTRAST = 4.5  # WCAG 2.x level AA for normal text


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour ("#rrggbb"), 0 (black) to 1 (white)."""
    qcolor = QColor(color)
    channels = [c / 255.0 for c in (qcolor.red(), qcolor.green(), qcolor.blue())]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return float(0.2126 * red + 0.7152 * green + 0.0722 * blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background` (banners, the selected button)."""
    return max(("#ffffff", "#111318"), key=lambda text: contrast_ratio(text, background))


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
