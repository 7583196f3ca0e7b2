"""Cost against time: one point per option that has both, labelled with its number in the table,
the price range as a bar.

The recommended option is a larger star; options that do not fit are hollow and muted. Labels are
the option's number only (its name is in the table and the point's tooltip), so that neighbouring
points' labels do not run into each other, and a label near the right edge runs leftwards. Options
with no hours or no cost cannot be placed: the line under the chart names them and says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.planner.records import Plan
from app.ui.pages.planner.option_text import missing_reason, option_label
from app.ui.theme import Theme


@dataclass(frozen=True)
class ChartPoint:
    """One option as drawn: hours, cost (the middle of a range), its range, label, and how it looks."""

    hours: float
    cost_usd: float
    low_usd: float
    high_usd: float
    label: str  # the option's number in the table
    fits: bool
    recommended: bool
    name: str = ""  # '2 rent: H100 × 1', for the tooltip


def chart_points(plan: Plan) -> tuple[list[ChartPoint], list[str]]:
    """The options that can be drawn, and for each one that cannot, its label and why."""
    recommended = plan.recommendation.option_index if plan.recommendation else None
    points, left_out = [], []
    for index, option in enumerate(plan.options):
        low = option.cost_low_usd if option.cost_low_usd is not None else option.estimated_cost_usd
        high = option.cost_high_usd if option.cost_high_usd is not None else option.estimated_cost_usd
        cost = option.estimated_cost_usd if option.estimated_cost_usd is not None else _middle(low, high)
        if option.estimated_hours is None or cost is None or low is None or high is None:
            left_out.append(f"{option_label(index, option)} ({missing_reason(option)})")
            continue
        name = option_label(index, option)
        recommended_here = index == recommended
        points.append(
            ChartPoint(option.estimated_hours, cost, low, high, str(index + 1), option.fits, recommended_here, name)
        )
    return points, left_out


def _middle(low: float | None, high: float | None) -> float | None:
    return None if low is None or high is None else (low + high) / 2


LOG_SPREAD = 20.0  # a dedicated server's month next to a few hours' rent: linear would flatten the rest


def wants_log_scale(values: Sequence[float]) -> bool:
    """A logarithmic axis when the values are all positive and span more than `LOG_SPREAD` times."""
    return bool(values) and min(values) > 0 and max(values) / min(values) > LOG_SPREAD


def usd_tick(value: float) -> str:
    return f"${value:,.0f}" if value >= 1 else f"${value:.2f}"


def hours_tick(value: float) -> str:
    return f"{value:,.0f} h" if value >= 1 else f"{value:.1f} h"


FINE_TICK_DECADES = 3  # beyond three powers of ten, 1-2-5 ticks crowd a small plot: powers of ten only


def log_ticks(values: Sequence[float], name: Callable[[float], str]) -> list[list[tuple[float, str]]]:
    """Ticks for a log axis at their log10: 1, 2 and 5 times each power of ten around `values`, or
    each power of ten alone when they span more than `FINE_TICK_DECADES`."""
    lowest, highest = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    multiples = (1, 2, 5) if highest - lowest <= FINE_TICK_DECADES else (1,)
    steps = [m * 10.0**k for k in range(lowest, highest + 1) for m in multiples]
    return [[(math.log10(v), name(v)) for v in steps], []]


NEAR_SHARE = 0.04  # labels closer than this share of the plotted span, both ways, would overlap


def label_lifts(spots: Sequence[tuple[float, float]]) -> list[int]:
    """For each point (x, y as placed), how many label heights to raise its label so that it clears
    the labels of earlier points that sit almost on it (two A100s of the same hours and price)."""
    if not spots:
        return []
    span_x = (max(x for x, _ in spots) - min(x for x, _ in spots)) or 1.0
    span_y = (max(y for _, y in spots) - min(y for _, y in spots)) or 1.0
    lifts: list[int] = []
    for n, (x, y) in enumerate(spots):
        near = [
            lifts[m]
            for m, (x2, y2) in enumerate(spots[:n])
            if abs(x - x2) < NEAR_SHARE * span_x and abs(y - y2) < NEAR_SHARE * span_y
        ]
        lift = 0
        while lift in near:
            lift += 1
        lifts.append(lift)
    return lifts


class CostChart(QWidget):
    """A scatter of estimated hours (x) against estimated cost in USD (y), one labelled point per option."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.theme = theme
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "estimated hours")
        self.plot.setLabel("left", "estimated cost (USD)")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumHeight(180)
        self.left_out = QLabel("")
        self.left_out.setWordWrap(True)
        self.left_out.setStyleSheet(f"color: {theme.muted};")
        self.points: list[ChartPoint] = []
        self.log_x = self.log_y = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.plot, 1)
        column.addWidget(self.left_out)

    def show_plan(self, plan: Plan) -> None:
        self.points, left_out = chart_points(plan)
        self.plot.clear()
        self.log_x = wants_log_scale([p.hours for p in self.points])
        self.log_y = wants_log_scale([v for p in self.points for v in (p.low_usd, p.high_usd)])
        # On a log axis the points are placed at log10 of their values, and the ticks say the values.
        self.plot.getAxis("bottom").setTicks(
            log_ticks([p.hours for p in self.points], hours_tick) if self.log_x else None
        )
        costs = [v for p in self.points for v in (p.low_usd, p.high_usd)]
        self.plot.getAxis("left").setTicks(log_ticks(costs, usd_tick) if self.log_y else None)
        self.plot.setLabel("bottom", "estimated hours" + (" (log scale)" if self.log_x else ""))
        self.plot.setLabel("left", "estimated cost (USD" + (", log scale)" if self.log_y else ")"))
        spots = [self.placed(p)[:2] for p in self.points]
        xs = [x for x, _ in spots]
        middle = _middle(min(xs, default=0.0), max(xs, default=0.0))
        for point, (x, _), lift in zip(self.points, spots, label_lifts(spots), strict=True):
            self._draw(point, right_half=middle is not None and x > middle, lift=lift)
        self.left_out.setText("Not drawn: " + "; ".join(left_out) if left_out else "")
        self.left_out.setVisible(bool(left_out))
        self.plot.enableAutoRange()

    def placed(self, point: ChartPoint) -> tuple[float, float, float, float]:
        """Where a point is drawn: x, y, and its range's low and high y, in the axes' coordinates."""
        x = math.log10(point.hours) if self.log_x else point.hours
        ys = (point.cost_usd, point.low_usd, point.high_usd)
        y, low, high = (math.log10(v) for v in ys) if self.log_y else ys
        return x, y, low, high

    def _draw(self, point: ChartPoint, right_half: bool, lift: int = 0) -> None:
        color = self.theme.ok if point.recommended else (self.theme.curves[0] if point.fits else self.theme.muted)
        x, y, low, high = self.placed(point)
        if high > low:
            bar = pg.ErrorBarItem(
                x=np.array([x]), y=np.array([y]), top=np.array([high - y]), bottom=np.array([y - low]),
                beam=0, pen=pg.mkPen(color, width=2),
            )  # fmt: skip
            self.plot.addItem(bar)
        brush = pg.mkBrush(color) if point.fits else pg.mkBrush(None)
        spot = pg.ScatterPlotItem(
            [x], [y], size=18 if point.recommended else 11, tip=None,
            symbol="star" if point.recommended else "o", brush=brush, pen=pg.mkPen(color, width=2),
        )  # fmt: skip
        spot.setToolTip(point.name)
        self.plot.addItem(spot)
        # Labels of points on the right run leftwards, so that none runs off the plot.
        label = ("★ " if point.recommended else "") + point.label
        text = pg.TextItem(label, color=color, anchor=(1 if right_half else 0, 1 + lift))
        text.setPos(x, y)
        self.plot.addItem(text)
