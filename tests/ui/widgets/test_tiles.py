"""The small widgets on their own: settings dialog, tray icon, per-core bars, value tiles, chips."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from app.core.settings import AlertSettings, Settings
from app.ui.settings_dialog import RULE_LABELS, SettingsDialog
from app.ui.theme import DARK, LIGHT
from app.ui.tray import temperature_icon
from app.ui.widgets.tiles import ReasonChips, ValueTile


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


def _white_pixels(image: QImage) -> int:
    return sum(1 for x in range(64) for y in range(64) if image.pixelColor(x, y) == QColor("white"))


def test_tray_icon_shows_the_temperature_and_turns_red_when_hot(qtbot) -> None:
    cool = temperature_icon(64.0, hot=False).pixmap(64, 64).toImage()
    hot = temperature_icon(93.0, hot=True).pixmap(64, 64).toImage()
    assert cool.pixelColor(1, 1) == QColor("#1f2937")
    assert hot.pixelColor(1, 1) == QColor("#b91c1c")
    none = temperature_icon(None, hot=False).pixmap(64, 64).toImage()
    other = temperature_icon(65.0, hot=False).pixmap(64, 64).toImage()
    assert _white_pixels(cool) > 50, "white digits drawn on the icon"
    assert cool != other, "64 and 65 degC draw different digits"
    assert cool != none and _white_pixels(none) < _white_pixels(cool), "no reading draws '--', not a number"


def test_value_tile_colours_and_text(qtbot) -> None:
    tile = ValueTile("Temperature", "GPU core temperature", "100 °C")
    qtbot.addWidget(tile)
    tile.set("91 °C", DARK.critical)
    assert tile.value.text() == "91 °C" and DARK.critical in tile.value.styleSheet()
    assert tile.toolTip() == "GPU core temperature"
    tile.set("n/a", None, "passively cooled")
    assert tile.toolTip() == "GPU core temperature\n\nn/a: passively cooled", "an n/a says what is missing"
    tile.set("64 °C")
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
