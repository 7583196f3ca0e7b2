"""Graphs as inline SVG: points, gaps, bands, thresholds, ticks and legend at hand-computed places.

Every case uses the frame below: a 700 × 300 drawing whose plot area runs from x = 50 to 650
(600 units for the time span) and from y = 220 (the value axis' bottom tick) up to y = 20 (its
top tick, 200 units higher). Times are epoch seconds from 1970-01-01 00:00:00 UTC.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.report.svg import Frame, render_svg, time_ticks, value_ticks
from tests.report.html_parsing import Page

FRAME = Frame(width=700, height=300, left=50, right=50, top=20, bottom=80)


@pytest.fixture(autouse=True)
def _restore_time_zone() -> Iterator[None]:
    yield
    time.tzset()  # after monkeypatch has put TZ back


def _graph(t: list[float], v: list[float | None], **extra: Any) -> dict[str, Any]:
    return {"id": "g", "title": "Test graph", "unit": "°C", "series": [{"label": "GPU 0", "t": t, "v": v}], **extra}


def test_points_of_a_tiny_series_land_at_hand_computed_coordinates() -> None:
    # values 0..10: ticks every 2 from 0 to 10, so 0 sits at y = 220 and 10 at y = 20;
    # t 0..60 s maps onto x 50..650, 10 units per second.
    page = Page(render_svg(_graph([0, 30, 60], [0, 5, 10]), FRAME))
    assert [p["points"] for p in page.all("polyline")] == ["50,220 350,120 650,20"]


def test_a_null_breaks_the_line_and_a_lone_reading_is_a_dot() -> None:
    # values 0..6: ticks every 2 (6 / 5 = 1.2 → step 2), y = 220 - v / 6 × 200
    # v = 1 → 186.67, v = 3 → 120, v = 5 → 53.33, v = 6 → 20; x = 50 + 10 t
    graph = _graph([0, 10, 20, 30, 40, 50, 60], [0, 1, None, 3, None, 5, 6])
    page = Page(render_svg(graph, FRAME))
    assert [p["points"] for p in page.all("polyline")] == ["50,220 150,186.67", "550,53.33 650,20"]
    assert [(c["cx"], c["cy"]) for c in page.all("circle")] == [("350", "120")]


def test_a_threshold_widens_the_value_axis_and_is_a_dashed_labelled_line() -> None:
    # values 0..10 with a threshold at 20: ticks every 5 (20 / 5 = 4 → step 5) from 0 to 20,
    # so v = 10 sits half-way up (y = 120) and the threshold at the top (y = 20).
    graph = _graph([0, 60], [0, 10], thresholds=[{"label": "slowdown", "value": 20}])
    svg = render_svg(graph, FRAME)
    page = Page(svg)
    assert [p["points"] for p in page.all("polyline")] == ["50,220 650,120"]
    lines = [line for line in page.all("line") if line.get("class") == "threshold"]
    assert [(line["y1"], line["y2"], line["x1"], line["x2"]) for line in lines] == [("20", "20", "50", "650")]
    assert "stroke-dasharray" in lines[0]
    assert "slowdown 20 °C" in page.text


def test_bands_are_shaded_spans_clipped_to_the_plot_with_their_labels() -> None:
    bands = [{"label": "load", "start": 15, "end": 45}, {"label": "idle", "start": -30, "end": 30}]
    page = Page(render_svg(_graph([0, 60], [0, 10], bands=bands), FRAME))
    rects = [(r["x"], r["width"], r["y"], r["height"]) for r in page.all("rect") if r.get("class") == "band"]
    assert rects == [("200", "300", "20", "200"), ("50", "300", "20", "200")]
    labels = [t for t in page.all("text") if t.get("class") == "band-label"]
    assert [label["x"] for label in labels] == ["204", "54"]
    assert "load" in page.text and "idle" in page.text


def test_time_axis_ticks_fall_on_round_utc_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30: local time would show 05:30, not 00:00
    time.tzset()
    # one hour: 3600 / 7 = 514 s → the next round step is 10 minutes, ticks 00:00 ... 01:00 UTC
    ticks, step = time_ticks(0, 3600)
    assert (ticks, step) == ([0, 600, 1200, 1800, 2400, 3000, 3600], 600)
    page = Page(render_svg(_graph([0, 3600], [1, 2]), FRAME))
    tick_texts = [t for t in page.text.split() if ":" in t]
    assert tick_texts == ["00:00", "00:10", "00:20", "00:30", "00:40", "00:50", "01:00"]
    assert "time (UTC), 1970-01-01" in " ".join(page.text.split())
    # under a minute apart the seconds show; 50 s / 7 → 10 s steps starting at the next round 10 s
    assert time_ticks(5, 55) == ([10, 20, 30, 40, 50], 10)
    seconds = Page(render_svg(_graph([5, 55], [1, 2]), FRAME))
    assert [t for t in seconds.text.split() if ":" in t] == ["00:00:10", "00:00:20", "00:00:30", "00:00:40", "00:00:50"]


def test_value_ticks_are_round_numbers_covering_the_data() -> None:
    assert value_ticks(40.0, 96.0) == [40, 60, 80, 100]  # 56 / 5 = 11.2 → step 20
    assert value_ticks(0.1, 0.9) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]  # 0.8 / 5 = 0.16 → step 0.2
    # a flat line is widened by 10 % each way (4.5..5.5): 1 / 5 = 0.2 → step 0.2, out to 4.4 and 5.6
    assert value_ticks(5.0, 5.0) == [4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6]


def test_value_axis_carries_the_unit_and_the_legend_names_each_line() -> None:
    graph = _graph([0, 60], [0, 10], thresholds=[{"label": "shutdown", "value": 12}])
    graph["series"].append({"label": "GPU 1", "t": [0, 60], "v": [2, 3]})
    page = Page(render_svg(graph, FRAME))
    titles = [t for t in page.all("text") if t.get("class") == "axis-title"]
    assert "transform" in titles[0]  # the unit runs up the value axis
    words = page.text.split()
    assert "°C" in words
    legend = page.text[page.text.rindex("GPU 0") :]
    assert "GPU 1" in legend and "shutdown" in legend
    colours = {p["stroke"] for p in page.all("polyline")}
    assert len(colours) == 2


def test_a_graph_without_readings_says_so_instead_of_drawing() -> None:
    svg = render_svg(_graph([0, 10], [None, None]), FRAME)
    assert "<svg" not in svg
    assert 'n/a (no readings for the graph "Test graph")' in " ".join(Page(svg).text.split())


def test_graph_text_is_escaped() -> None:
    graph = _graph([0, 60], [0, 10], bands=[{"label": "<b>load</b>", "start": 0, "end": 30}])
    graph["series"][0]["label"] = "</svg><script>x</script>"
    page = Page(render_svg(graph, FRAME))
    assert not page.all("script") and not page.all("b")
    assert "</svg><script>x</script>" in page.text and "<b>load</b>" in page.text


def test_a_long_series_is_thinned_to_the_plot_width_and_keeps_its_spikes() -> None:
    # a day at 1 Hz, flat at 50 but for one spike to 90 and one dip to 10: the plot is 600
    # units wide, so at most 2 readings per unit (1,200 points) remain, the spike and dip among them.
    t = [float(s) for s in range(86_400)]
    v: list[float | None] = [50.0] * 86_400
    v[30_000], v[60_000] = 90.0, 10.0
    page = Page(render_svg(_graph(t, v), FRAME))
    points = [tuple(map(float, p.split(","))) for p in page.all("polyline")[0]["points"].split()]
    assert len(points) <= 1_200
    # values 10..90: ticks every 20 (80 / 5 = 16 → 20) from 0 to 100, y = 220 - 2 v:
    # the spike (90) at y = 40, the dip (10) at y = 200, the rest (50) at y = 120
    assert sorted({y for _, y in points}) == [40.0, 120.0, 200.0]
    # x = 50 + 600 × t / 86399: the spike at t = 30000 is at 258.34, the dip at 466.67
    spike = next(x for x, y in points if y == 40.0)
    dip = next(x for x, y in points if y == 200.0)
    assert (round(spike, 2), round(dip, 2)) == (258.34, 466.67)
    assert points[0] == (50.0, 120.0) and points[-1] == (650.0, 120.0)


def test_a_long_series_broken_by_many_gaps_is_thinned_too() -> None:
    # 86,400 readings with a null every 1,000: 87 runs of under 1,000 readings each. Thinned run
    # by run to at most 2 per unit of width, all together stay near 2 × 600 (a run's edge columns
    # may be shared with its neighbour: at most 2 more per run).
    t = [float(s) for s in range(86_400)]
    v: list[float | None] = [None if s % 1000 == 0 else float(s % 7) for s in range(86_400)]
    page = Page(render_svg(_graph(t, v), FRAME))
    lines = page.all("polyline")
    assert len(lines) == 87
    assert sum(len(p["points"].split()) for p in lines) <= 1_200 + 2 * 87


def test_bytes_are_drawn_in_gib_and_byte_rates_in_mb_per_s() -> None:
    # 0..2 GiB (2**31 B): drawn as 0..2 GiB, ticks every 0.5 (2 / 5 = 0.4 → 0.5), so 1 GiB
    # (2**30 B) sits half-way up, y = 120; a threshold at 1.5 GiB at y = 220 - 0.75 × 200 = 70.
    graph = _graph([0, 30, 60], [0, 2**30, 2**31], thresholds=[{"label": "limit", "value": 1.5 * 2**30}])
    graph["unit"] = "B"
    page = Page(render_svg(graph, FRAME))
    assert [p["points"] for p in page.all("polyline")] == ["50,220 350,120 650,20"]
    assert [line["y1"] for line in page.all("line") if line.get("class") == "threshold"] == ["70"]
    words = page.text.split()
    ticks = [w for w in words if w[:1].isdigit() and "." in w][:5]
    assert "GiB" in words and ticks == ["0.0", "0.5", "1.0", "1.5", "2.0"]
    assert "limit 1.5 GiB" in " ".join(words)
    rate = _graph([0, 60], [0, 250e6])
    rate["unit"] = "B/s"
    assert "MB/s" in Page(render_svg(rate, FRAME)).text.split()


def test_a_constant_series_with_a_rounding_difference_is_drawn_not_a_math_error() -> None:
    """Bucket means of 232.4 W come back as 232.4 and 232.40000000000003: a 3e-14 span made ticks
    that rounding turned into one value, and log10(0) ("math domain error") stopped the whole report."""
    svg = render_svg(
        {
            "id": "p",
            "title": "Power",
            "unit": "W",
            "series": [{"label": "GPU 1", "t": [0, 60], "v": [232.4, 232.40000000000003]}],
        }
    )
    assert "<polyline" in svg or "<path" in svg
    assert value_ticks(232.4, 232.40000000000003) == value_ticks(232.4, 232.4)
