"""The small widgets on their own: settings dialog, tray icon, per-core bars, value tiles, chips."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage

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


def _count_updates(bars: CoreBars, monkeypatch) -> list[int]:
    calls: list[int] = []
    original = bars.update
    monkeypatch.setattr(bars, "update", lambda *args: (calls.append(1), original(*args)))
    return calls


def test_core_bars_repaint_only_when_values_change(qtbot, monkeypatch) -> None:
    bars = CoreBars(LIGHT)
    qtbot.addWidget(bars)
    bars.resize(200, 60)
    updates = _count_updates(bars, monkeypatch)
    bars.set_values([10.0, 90.0])
    bars.set_values([10.2, 89.6])  # the same whole percents on screen
    assert len(updates) == 1
    bars.set_values([11.0, 90.0])
    assert len(updates) == 2


def _dark_pixels(image: QImage, left: int, right: int) -> int:
    """Pixels of near-black text (LIGHT.text is #111827) between two x positions."""
    return sum(1 for x in range(left, right) for y in range(image.height()) if image.pixelColor(x, y).lightness() < 80)


def test_core_bars_show_each_cores_value_and_bar(qtbot) -> None:
    bars = CoreBars(LIGHT)
    qtbot.addWidget(bars)
    bars.resize(200, 60)
    bars.set_values([10.0, 90.0])
    image = bars.grab().toImage()
    assert _dark_pixels(image, 0, 100) > 10 and _dark_pixels(image, 100, 200) > 10, "a number in each cell"
    assert image.pixelColor(150, 55) != QColor(LIGHT.window), "the busy core's bar reaches the bottom"
    assert image.pixelColor(50, 10) == QColor(LIGHT.window), "the idle core's bar stays low"
    assert bars.core_at(QPoint(150, 30)) == 1 and bars.core_at(QPoint(20, 30)) == 0


def test_128_cores_fit_in_8_rows_with_room_for_every_number(qtbot) -> None:
    bars = CoreBars(DARK)
    qtbot.addWidget(bars)
    bars.resize(460, 130)  # the per-core area of the host panel at 1920x1080
    bars.set_values([float(i % 101) for i in range(128)])
    assert bars.minimumHeight() >= 8 * 16, "8 rows of 16, each tall enough for a line of digits"
    cell = bars._cell(127)
    assert cell.bottom() <= 130.001 and cell.right() <= 460.001
    assert cell.width() >= bars.fontMetrics().horizontalAdvance("100") + 2
    assert bars.core_at(QPoint(int(cell.center().x()), int(cell.center().y()))) == 127


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
