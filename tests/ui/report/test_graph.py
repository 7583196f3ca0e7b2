"""draw_graph: values land where a hand computation puts them; nulls leave gaps; bands and thresholds show."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from app.ui.report.graph import draw_graph, nice_step, ticks, time_step, value_range

# In a 400 x 200 pt rectangle at the origin the plot area is x 40..396 (40 pt for the value axis,
# 4 pt right margin) and y 18..176 (14 pt title + 4 pt gap above, 24 pt time axis below).
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 40, 396, 18, 176


def _drawn(graph: dict[str, Any]) -> QImage:
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    dots_per_meter = round(72 / 0.0254)  # one point per pixel, as the preview draws
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    painter = QPainter(image)
    draw_graph(painter, QRectF(0, 0, 400, 200), graph)
    painter.end()
    return image


def _bluish_near(image: QImage, x: int, y: int, reach: int = 2) -> bool:
    return any(
        image.pixelColor(x + dx, y + dy).blue() > image.pixelColor(x + dx, y + dy).red() + 60
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
    )


def _graph(values: list[float | None], times: list[float], **extra: Any) -> dict[str, Any]:
    return {"id": "g", "title": "t", "unit": "W", "series": [{"label": "s", "t": times, "v": values}], **extra}


def test_a_value_lands_where_the_axes_put_it() -> None:
    # Values 0..10 over times 0..100: (50 s, 5 W) is the middle of the plot: x 40 + 356/2 = 218, y 176 - 158/2 = 97.
    image = _drawn(_graph([0.0, 10.0], [0.0, 100.0]))
    assert _bluish_near(image, 218, 97)
    assert not _bluish_near(image, 218, 140), "not below the line"


def test_a_null_reading_leaves_a_gap_instead_of_joining_its_neighbours() -> None:
    image = _drawn(_graph([0.0, None, 10.0], [0.0, 50.0, 100.0]))
    assert not _bluish_near(image, 218, 97, reach=4)


def test_a_threshold_is_a_red_line_at_its_value_and_a_band_shades_its_span() -> None:
    graph = _graph(
        [0.0, 10.0],
        [0.0, 100.0],
        thresholds=[{"label": "limit", "value": 8}],
        bands=[{"label": "load", "start": 50.0, "end": 100.0}],
    )
    image = _drawn(graph)
    # 8 W of 0..10 W: y = 176 - 0.8 * 158 = 49.6
    red = sum(
        image.pixelColor(x, y).red() > 150 and image.pixelColor(x, y).green() < 100
        for x in range(PLOT_LEFT, PLOT_RIGHT)
        for y in (49, 50)
    )
    assert red > 100
    # The band covers t 50..100 s: x 218..396; at height 150 (below the line, between grid lines).
    assert image.pixelColor(300, 150) != QColor("white")
    assert image.pixelColor(100, 150) == QColor("white")


def test_a_graph_with_no_reading_says_so() -> None:
    image = _drawn(_graph([None, None], [0.0, 1.0]))
    dark = sum(
        image.pixelColor(x, y).lightness() < 150
        for x in range(PLOT_LEFT + 5, PLOT_LEFT + 150)
        for y in range(PLOT_TOP + 5, PLOT_TOP + 25)
    )
    assert dark > 20, "the words 'no readings in this period' in the plot"


@pytest.mark.parametrize(
    ("span", "step"),
    [(10.0, 2.0), (36.0, 10.0), (60.0, 20.0), (0.7, 0.2), (1000.0, 200.0)],  # span / 5 rounded up to 1, 2 or 5 x 10^n
)
def test_tick_steps_are_round(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_ticks_and_range_cover_values_and_thresholds_in_round_numbers() -> None:
    assert ticks(40.0, 100.0) == [40.0, 60.0, 80.0, 100.0]
    # The example's GPU temperature 40..74.7 °C with the slowdown at 96 °C: step 20, so 40..100.
    graph = _graph([40.0, 74.7], [0.0, 1.0], thresholds=[{"label": "slowdown", "value": 96}])
    assert value_range(graph) == (40.0, 100.0)


@pytest.mark.parametrize(
    ("span_s", "step_s"),
    [(300.0, 60.0), (1800.0, 300.0), (3600.0, 600.0), (24 * 3600.0, 6 * 3600.0), (7 * 24 * 3600.0, 24 * 3600.0)],
)
def test_time_ticks_fall_on_round_clock_steps(span_s: float, step_s: float) -> None:
    # At most 6 ticks: 30 min / 6 = 5 min; 24 h / 6 = 4 h, rounded up to the next clock step, 6 h.
    assert time_step(span_s) == step_s


def test_bytes_are_drawn_in_gib_like_the_html_report_and_the_tables() -> None:
    """VRAM used of 44.8e9 B read "4.48e+10 B" on every tick of the PDF's axis; in GiB it is 41.72."""
    from app.ui.report.graph import in_display_unit, value_range

    vram = {"unit": "B", "series": [{"label": "VRAM", "t": [0, 60], "v": [44.8e9, None]}], "thresholds": []}
    shown = in_display_unit(vram)
    assert shown["unit"] == "GiB"
    assert shown["series"][0]["v"] == [pytest.approx(44.8e9 / 2**30), None]  # 41.72 GiB, the gap kept
    assert value_range(shown) == (40.5, 43.0)  # 41.72 ± 1 GiB widened to steps of 0.5
    temperature = {"unit": "°C", "series": [{"label": "T", "t": [0], "v": [70.0]}]}
    assert in_display_unit(temperature) is temperature
