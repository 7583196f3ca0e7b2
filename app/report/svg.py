"""A report graph (the document's graph spec) as inline SVG: no script, no external reference.

Series are polylines broken at nulls (a gap stays a gap; a lone reading is a dot), the time axis
is UTC with ticks on round clock times, the value axis carries the unit, phases are shaded bands
with their labels, thresholds are dashed lines, and a legend names each line. The SVG scales to
the width of its container, so it fits a printed page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.units import BINARY_UNITS, RATE_UNITS
from app.report.display import number_text, threshold_label_spots
from app.report.html_values import esc

SERIES_COLOURS = ("#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490")
BAND_COLOURS = ("#dbeafe", "#fde68a", "#d1fae5", "#fce7f3", "#e5e7eb")
# Round tick spacings for a time axis, in seconds: 1 s up to a week.
TIME_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
                604800)  # fmt: skip
MAX_TIME_TICKS = 7
THRESHOLD_LABEL_GAP = 13.0  # a label's line height at the graph's 11 px text
VALUE_TICKS = 5


@dataclass(frozen=True)
class Frame:
    """The drawing's size and the margins around the plot area, in SVG user units."""

    width: float = 720.0
    height: float = 280.0
    left: float = 60.0
    right: float = 20.0
    top: float = 16.0
    bottom: float = 70.0  # time labels, axis title, legend

    @property
    def plot_left(self) -> float:
        return self.left

    @property
    def plot_right(self) -> float:
        return self.width - self.right

    @property
    def plot_top(self) -> float:
        return self.top

    @property
    def plot_bottom(self) -> float:
        return self.height - self.bottom


@dataclass(frozen=True)
class Scale:
    """A linear map from data `lo`..`hi` to pixels `start`..`end`."""

    lo: float
    hi: float
    start: float
    end: float

    def at(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def value_ticks(lo: float, hi: float, target: int = VALUE_TICKS) -> list[float]:
    """Ticks at 1, 2 or 5 × 10^k covering `lo`..`hi`; the first and last are the axis' ends."""
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):  # constant, up to rounding (232.4 and 232.40000000000003)
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def time_ticks(start: float, end: float) -> tuple[list[float], int]:
    """Ticks on round UTC clock times within `start`..`end` (epoch seconds), and their spacing."""
    span = max(end - start, 1.0)
    step = next((s for s in TIME_STEPS_S if span / s <= MAX_TIME_TICKS), TIME_STEPS_S[-1])
    first = math.ceil(start / step) * step
    return [float(t) for t in range(int(first), int(end) + 1, step)], step


def time_label(epoch_s: float, step_s: int) -> str:
    """A tick's UTC clock time: seconds only when ticks are under a minute apart, a date from a day."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    if step_s >= 86400:
        return moment.strftime("%m-%d")
    return moment.strftime("%H:%M:%S" if step_s < 60 else "%H:%M")


def runs(t: Sequence[Any], v: Sequence[Any]) -> list[list[tuple[float, float]]]:
    """The (t, v) points split at every null or non-finite value: each run is drawn unbroken."""
    pieces: list[list[tuple[float, float]]] = [[]]
    for time_s, value in zip(t, v, strict=False):
        if _finite(time_s) and _finite(value):
            pieces[-1].append((float(time_s), float(value)))
        elif pieces[-1]:
            pieces.append([])
    return [piece for piece in pieces if piece]


def thin(pieces: list[list[tuple[float, float]]], x: Scale) -> list[list[tuple[float, float]]]:
    """At most the lowest and highest reading per unit of width of each run, in time order, once a
    series has more than two readings per unit: a day at 1 Hz (86,400 readings) draws as about
    1,300 points and keeps every spike and dip."""
    if sum(len(piece) for piece in pieces) <= 2 * abs(x.end - x.start):
        return pieces
    return [_thin_run(piece, x) for piece in pieces]


def _thin_run(piece: list[tuple[float, float]], x: Scale) -> list[tuple[float, float]]:
    columns: dict[int, tuple[int, int]] = {}  # column → indices of its lowest and highest reading
    for i, (t, v) in enumerate(piece):
        column = int(x.at(t))
        low, high = columns.get(column, (i, i))
        columns[column] = (i if v < piece[low][1] else low, i if v > piece[high][1] else high)
    return [piece[i] for i in sorted({i for pair in columns.values() for i in pair})]


def render_svg(graph: Mapping[str, Any], frame: Frame = Frame(), simulated: bool = False) -> str:
    """The graph as an <svg> element; a graph with no reading says so in a box instead. A `simulated`
    graph says SIMULATED inside its plot, so the picture carries the mark wherever it is copied."""
    series = [s for s in _list(graph.get("series")) if isinstance(s, Mapping)]
    drawn = [(s, runs(_list(s.get("t")), _list(s.get("v")))) for s in series]
    points = [p for _, pieces in drawn for piece in pieces for p in piece]
    title = esc(graph.get("title") or graph.get("id") or "graph")
    if not points:
        return f'<p class="na">n/a <span class="why">(no readings for the graph "{title}")</span></p>'
    thresholds = [h for h in _list(graph.get("thresholds")) if isinstance(h, Mapping) and _finite(h.get("value"))]
    factor, unit = display_unit(str(graph.get("unit") or ""), max(abs(p[1]) for p in points))
    if factor != 1.0:
        drawn = [(s, [[(t, v / factor) for t, v in piece] for piece in pieces]) for s, pieces in drawn]
        points = [(t, v / factor) for t, v in points]
        thresholds = [{**h, "value": float(h["value"]) / factor} for h in thresholds]
    x, y, v_ticks = _scales(points, thresholds, frame)
    parts = [
        _bands(_list(graph.get("bands")), x, frame),
        _value_axis(v_ticks, y, unit, frame),
        _time_axis(x, frame),
        *(_series(pieces, i, x, y) for i, (_, pieces) in enumerate(drawn)),
        _thresholds(thresholds, y, unit, frame),
        _legend([str(s.get("label") or f"series {i + 1}") for i, s in enumerate(series)], thresholds, frame),
    ]
    if simulated:
        parts.append(
            f'<text class="sim-text" x="{_n(frame.plot_right - 4)}" y="{_n(frame.plot_bottom - 6)}" '
            f'text-anchor="end">SIMULATED</text>'
        )
    return (
        f'<svg class="graph" viewBox="0 0 {_n(frame.width)} {_n(frame.height)}" role="img" '
        f'aria-label="{title}"><title>{title}</title>{"".join(parts)}</svg>'
    )


def display_unit(unit: str, largest: float) -> tuple[float, str]:
    """The divisor and unit to draw in: bytes in the binary unit of the largest reading (GiB), as
    the tables show them, byte rates in decimal units (MB/s); any other unit as it is."""
    units: tuple[str, ...]
    if unit == "B":
        units, base = BINARY_UNITS, 1024.0
    elif unit == "B/s":
        units, base = RATE_UNITS, 1000.0
    else:
        return 1.0, unit
    index = 0
    while index < len(units) - 1 and largest >= base ** (index + 1):
        index += 1
    return base**index, units[index]


def _scales(
    points: list[tuple[float, float]], thresholds: list[Mapping[str, Any]], frame: Frame
) -> tuple[Scale, Scale, list[float]]:
    """The time scale spans the readings; the value scale spans readings and thresholds, rounded."""
    t_lo, t_hi = min(p[0] for p in points), max(p[0] for p in points)
    if t_hi <= t_lo:
        t_lo, t_hi = t_lo - 30.0, t_hi + 30.0
    values = [p[1] for p in points] + [float(h["value"]) for h in thresholds]
    ticks = value_ticks(min(values), max(values))
    x = Scale(t_lo, t_hi, frame.plot_left, frame.plot_right)
    y = Scale(ticks[0], ticks[-1], frame.plot_bottom, frame.plot_top)
    return x, y, ticks


def _bands(bands: list[Any], x: Scale, frame: Frame) -> str:
    """Shaded spans (idle, load, cooldown), clipped to the plot, each labelled at its top left."""
    out = []
    for i, band in enumerate(b for b in bands if isinstance(b, Mapping)):
        if not (_finite(band.get("start")) and _finite(band.get("end"))):
            continue
        left = max(x.at(float(band["start"])), frame.plot_left)
        right = min(x.at(float(band["end"])), frame.plot_right)
        if right <= left:
            continue
        colour = BAND_COLOURS[i % len(BAND_COLOURS)]
        height = frame.plot_bottom - frame.plot_top
        out.append(
            f'<rect class="band" x="{_n(left)}" y="{_n(frame.plot_top)}" width="{_n(right - left)}" '
            f'height="{_n(height)}" fill="{colour}"/>'
            f'<text class="band-label" x="{_n(left + 4)}" y="{_n(frame.plot_top + 12)}">'
            f"{esc(band.get('label') or '')}</text>"
        )
    return "".join(out)


def _value_axis(ticks: list[float], y: Scale, unit: str, frame: Frame) -> str:
    decimals = max(0, -math.floor(math.log10(ticks[1] - ticks[0]))) if len(ticks) > 1 else 0
    out = [f'<line class="axis" x1="{_n(frame.plot_left)}" y1="{_n(frame.plot_top)}" x2="{_n(frame.plot_left)}" '
           f'y2="{_n(frame.plot_bottom)}"/>']  # fmt: skip
    for tick in ticks:
        at = _n(y.at(tick))
        out.append(
            f'<line class="grid" x1="{_n(frame.plot_left)}" y1="{at}" x2="{_n(frame.plot_right)}" y2="{at}"/>'
            f'<text class="tick" x="{_n(frame.plot_left - 6)}" y="{at}" text-anchor="end" '
            f'dominant-baseline="middle">{tick:.{decimals}f}</text>'
        )
    middle = _n((frame.plot_top + frame.plot_bottom) / 2)
    out.append(
        f'<text class="axis-title" x="14" y="{middle}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle})">{esc(unit or "value")}</text>'
    )
    return "".join(out)


def _time_axis(x: Scale, frame: Frame) -> str:
    ticks, step = time_ticks(x.lo, x.hi)
    base = _n(frame.plot_bottom)
    out = [f'<line class="axis" x1="{_n(frame.plot_left)}" y1="{base}" x2="{_n(frame.plot_right)}" y2="{base}"/>']
    for tick in ticks:
        at = _n(x.at(tick))
        out.append(
            f'<line class="axis" x1="{at}" y1="{base}" x2="{at}" y2="{_n(frame.plot_bottom + 5)}"/>'
            f'<text class="tick" x="{at}" y="{_n(frame.plot_bottom + 18)}" text-anchor="middle">'
            f"{time_label(tick, step)}</text>"
        )
    out.append(
        f'<text class="axis-title" x="{_n((frame.plot_left + frame.plot_right) / 2)}" '
        f'y="{_n(frame.plot_bottom + 36)}" text-anchor="middle">time (UTC), {_date_span(x.lo, x.hi)}</text>'
    )
    return "".join(out)


def _series(pieces: list[list[tuple[float, float]]], index: int, x: Scale, y: Scale) -> str:
    """One series: a polyline per unbroken run, a dot for a run of one reading."""
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    out = []
    for piece in thin(pieces, x):
        if len(piece) == 1:
            out.append(f'<circle class="lone" cx="{_n(x.at(piece[0][0]))}" cy="{_n(y.at(piece[0][1]))}" '
                       f'r="2.5" fill="{colour}"/>')  # fmt: skip
        else:
            coords = " ".join(f"{_n(x.at(t))},{_n(y.at(v))}" for t, v in piece)
            out.append(f'<polyline class="series" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return "".join(out)


def _thresholds(thresholds: list[Mapping[str, Any]], y: Scale, unit: str, frame: Frame) -> str:
    """Dashed lines with their labels at the right, just above each line; labels of lines close
    together (slowdown 96 °C, shutdown 101 °C) are moved apart so they never print over each other."""
    values = [float(h["value"]) for h in thresholds]
    lines = [y.at(value) for value in values]
    spots = threshold_label_spots(
        lines, THRESHOLD_LABEL_GAP, frame.plot_top + THRESHOLD_LABEL_GAP, frame.plot_bottom - 2
    )
    out = []
    for threshold, value, spot in zip(thresholds, values, spots, strict=True):
        at = _n(y.at(value))
        label = f"{threshold.get('label') or 'threshold'} {number_text(value)} {unit}".strip()
        out.append(
            f'<line class="threshold" x1="{_n(frame.plot_left)}" y1="{at}" x2="{_n(frame.plot_right)}" y2="{at}" '
            f'stroke="#b91c1c" stroke-dasharray="6 4"/>'
            f'<text class="threshold-label" x="{_n(frame.plot_right - 4)}" y="{_n(spot)}" '
            f'text-anchor="end">{esc(label)}</text>'
        )
    return "".join(out)


def _legend(labels: list[str], thresholds: list[Mapping[str, Any]], frame: Frame) -> str:
    """One entry per series (a line in its colour) and per threshold (a dashed line)."""
    out, left, top = [], frame.plot_left, frame.height - 12
    entries = [(label, SERIES_COLOURS[i % len(SERIES_COLOURS)], "") for i, label in enumerate(labels)]
    entries += [(str(h.get("label") or "threshold"), "#b91c1c", ' stroke-dasharray="6 4"') for h in thresholds]
    for label, colour, dash in entries:
        out.append(
            f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left + 18)}" y2="{_n(top)}" stroke="{colour}" '
            f'stroke-width="2"{dash}/><text class="legend" x="{_n(left + 22)}" y="{_n(top)}" '
            f'dominant-baseline="middle">{esc(label)}</text>'
        )
        left += 34 + 7 * len(label)
    return f'<g class="legend">{"".join(out)}</g>'


def _date_span(start: float, end: float) -> str:
    first, last = (datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d") for t in (start, end))
    return first if first == last else f"{first} to {last}"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _n(value: float) -> str:
    """A coordinate with at most two decimals: "60", "120.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
