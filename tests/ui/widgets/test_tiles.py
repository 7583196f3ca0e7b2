"""The small widgets on their own: settings dialog, tray icon, per-core bars, value tiles, chips."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.core.settings import AlertSettings, Settings
from app.ui.settings_dialog import RULE_LABELS, SettingsDialog
from app.ui.theme import DARK, LIGHT
from app.ui.tray import temperature_icon
from app.ui.widgets.tiles import CoreBars, ReasonChips, ValueTile


def test_settings_dialog_round_trips_every_field(qtbot) -> None:
    start = Settings("dark", 600.0, True, AlertSettings(gpu_near_slowdown_c=7.0, enabled=("vram_full", "nvme_hot")))
    dialog = SettingsDialog(start)
    qtbot.addWidget(dialog)
    assert dialog.settings(600.0) == start
    dialog.vram.setValue(90.0)
    dialog.rules["gpu_lost"].setChecked(True)
    changed = dialog.settings(3600.0)
    assert changed.alerts.vram_percent == 90.0 and changed.window_s == 3600.0
    assert "gpu_lost" in changed.alerts.enabled
    assert set(RULE_LABELS) == set(AlertSettings().enabled), "every default rule can be switched in the dialog"


def test_tray_icon_shows_the_temperature_and_turns_red_when_hot(qtbot) -> None:
    cool = temperature_icon(64.0, hot=False).pixmap(64, 64).toImage()
    hot = temperature_icon(93.0, hot=True).pixmap(64, 64).toImage()
    assert cool.pixelColor(1, 1) == QColor("#1f2937")
    assert hot.pixelColor(1, 1) == QColor("#b91c1c")
    assert not temperature_icon(None, hot=False).isNull()


def test_core_bars_repaint_only_when_values_change(qtbot) -> None:
    bars = CoreBars(LIGHT)
    qtbot.addWidget(bars)
    bars.resize(200, 60)
    bars.set_values([10.0, 90.0])
    image = bars.grab().toImage()
    assert image.pixelColor(150, 55) == QColor(LIGHT.curves[0]), "the busy core's bar reaches the bottom"
    assert image.pixelColor(50, 10) == QColor(LIGHT.window), "the idle core's bar stays low"


def test_value_tile_colours_and_text(qtbot) -> None:
    tile = ValueTile("Temperature", "GPU core temperature", "100 °C")
    qtbot.addWidget(tile)
    tile.set("91 °C", DARK.critical)
    assert tile.value.text() == "91 °C" and DARK.critical in tile.value.styleSheet()
    assert tile.toolTip() == "GPU core temperature"
    assert tile.value.minimumWidth() >= tile.value.fontMetrics().horizontalAdvance("100 °C"), "never cut off"


def test_chips_show_only_reasons_seen_and_mark_faults(qtbot) -> None:
    chips = ReasonChips(LIGHT)
    qtbot.addWidget(chips)
    chips.show()
    chips.set_shares({"sw_power_cap": 0.25, "hw_thermal_slowdown": 0.02}, active=("hw_thermal_slowdown",))
    assert chips._chips["sw_power_cap"].text() == "sw power cap 25 %"
    assert chips._chips["hw_thermal_slowdown"].isVisible() and not chips._chips["gpu_idle"].isVisible()
    assert LIGHT.critical in chips._chips["hw_thermal_slowdown"].styleSheet()
    assert "bold" in chips._chips["hw_thermal_slowdown"].styleSheet()
    chips.set_shares({}, active=())
    assert chips._none.isVisible()
