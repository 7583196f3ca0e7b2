"""Per-core gauges: each cell reads "23%" over a visible fill and track, at 2 cores and at 128, in both themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRectF
from PySide6.QtGui import QHelpEvent, QImage

from app.ui.theme import DARK, LIGHT, Theme, contrast_ratio
from app.ui.widgets.core_bars import CoreBars


def _bars(qtbot, theme: Theme, width: int, height: int, values: list[float]) -> tuple[CoreBars, QImage]:
    bars = CoreBars(theme)
    qtbot.addWidget(bars)
    bars.resize(width, height)
    bars.set_values(values)
    return bars, bars.grab().toImage()


def _colour(image: QImage, x: float, y: float) -> str:
    return image.pixelColor(int(x), int(y)).name()


def _text_pixels(image: QImage, theme: Theme, gauge: QRectF) -> int:
    """Pixels inside `gauge` (less its edge) that are neither the fill nor the track: the drawn text."""
    backgrounds = {theme.panel, _colour(image, gauge.left() + 2, gauge.top() + 2)}
    inside = gauge.adjusted(2, 2, -2, -2)
    return sum(
        1
        for x in range(int(inside.left()), int(inside.right()))
        for y in range(int(inside.top()), int(inside.bottom()))
        if _colour(image, x, y) not in backgrounds
    )


def test_core_bars_repaint_only_when_values_change(qtbot, monkeypatch) -> None:
    bars = CoreBars(LIGHT)
    qtbot.addWidget(bars)
    bars.resize(200, 60)
    updates: list[int] = []
    original = bars.update
    monkeypatch.setattr(bars, "update", lambda *args: (updates.append(1), original(*args)))
    bars.set_values([10.0, 90.0])
    bars.set_values([10.2, 89.6])  # the same whole percents on screen
    assert len(updates) == 1
    bars.set_values([11.0, 90.0])
    assert len(updates) == 2


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_two_cores_read_as_percentages_over_a_visible_fill_and_track(qtbot, theme: Theme) -> None:
    bars, image = _bars(qtbot, theme, 460, 60, [3.0, 50.0])
    assert bars.labels() == ["3%", "50%"], "a percent sign: not to be read as a core number"
    idle, half = bars._gauge(0), bars._gauge(1)
    assert idle.height() >= 20, "a gauge, not a hairline"
    row = idle.top() + 4  # above the text, which is centred
    fill, track, edge = _colour(image, idle.left() + 2, row), _colour(image, idle.right() - 4, row), None
    assert fill != track, "3 % shows a fill"
    assert _colour(image, idle.left() + 2, idle.bottom() - 3) == fill, "the whole height of the gauge, not a line"
    assert _colour(image, half.left() + 0.4 * half.width(), row) == fill
    assert _colour(image, half.left() + 0.6 * half.width(), row) == track, "50 % fills half the track"
    edge = _colour(image, half.right() - 1, half.center().y())
    assert contrast_ratio(edge, theme.window) >= 3.0, "the track's edge stands out (WCAG 3:1 for UI parts)"
    for background in (fill, track):
        assert contrast_ratio(theme.text, background) >= 4.5, f"text on {background} (WCAG AA)"
    assert _text_pixels(image, theme, idle) > 10, "'3%' drawn"
    assert _text_pixels(image, theme, half) > 10, "'50%' drawn"


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_128_cores_in_8_rows_each_say_their_value_with_a_percent_sign(qtbot, theme: Theme) -> None:
    # The per-core area of the host panel at 1920x1080: under the CPU and memory graphs.
    bars, image = _bars(qtbot, theme, 858, 130, [float(i % 101) for i in range(128)])
    assert bars.minimumHeight() >= 8 * 16, "8 rows of 16, each tall enough for a line of text"
    labels = bars.labels()
    assert len(labels) == 128 and labels[0] == "0%" and labels[100] == "100%" and labels[127] == "26%"
    cell = bars._cell(127)
    assert cell.bottom() <= 130.001 and cell.right() <= 858.001
    assert bars.core_at(QPoint(int(cell.center().x()), int(cell.center().y()))) == 127
    busy = bars._gauge(100)  # 100 %: the text sits on the fill
    assert _text_pixels(image, theme, busy) > 10, "'100%' drawn in its cell"


def test_a_cell_too_small_for_its_text_leaves_it_to_the_tooltip(qtbot) -> None:
    bars, _ = _bars(qtbot, LIGHT, 200, 130, [float(i % 101) for i in range(128)])
    assert set(bars.labels()) == {None}, "12 px cells: no half-drawn numbers"


def test_the_tooltip_over_a_cell_names_the_core_and_its_value(qtbot, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("app.ui.widgets.core_bars.QToolTip.showText", lambda _at, text, _widget: shown.append(text))
    bars, _ = _bars(qtbot, LIGHT, 460, 60, [3.0, 50.0])
    centre = bars._cell(1).center().toPoint()
    assert bars.event(QHelpEvent(QEvent.Type.ToolTip, centre, bars.mapToGlobal(centre)))
    assert shown == ["core 1: 50 %"]
