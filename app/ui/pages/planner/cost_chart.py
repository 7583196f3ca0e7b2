"""Cost against time: one labelled point per option that has both, the price range as a bar.

The recommended option is a larger star; options that do not fit are hollow and muted. Options
with no hours or no cost cannot be placed: the line under the chart names them and says why.
"""

from __future__ import annotations

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
    label: str
    fits: bool
    recommended: bool


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
        label = option_label(index, option)
        points.append(ChartPoint(option.estimated_hours, cost, low, high, label, option.fits, index == recommended))
    return points, left_out


def _middle(low: float | None, high: float | None) -> float | None:
    return None if low is None or high is None else (low + high) / 2


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
        self.left_out = QLabel("")
        self.left_out.setWordWrap(True)
        self.left_out.setStyleSheet(f"color: {theme.muted};")
        self.points: list[ChartPoint] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.plot, 1)
        column.addWidget(self.left_out)

    def show_plan(self, plan: Plan) -> None:
        self.points, left_out = chart_points(plan)
        self.plot.clear()
        for point in self.points:
            self._draw(point)
        self.left_out.setText("Not drawn: " + "; ".join(left_out) if left_out else "")
        self.left_out.setVisible(bool(left_out))
        self.plot.enableAutoRange()

    def _draw(self, point: ChartPoint) -> None:
        color = self.theme.ok if point.recommended else (self.theme.curves[0] if point.fits else self.theme.muted)
        if point.high_usd > point.low_usd:
            bar = pg.ErrorBarItem(
                x=np.array([point.hours]), y=np.array([point.cost_usd]),
                top=np.array([point.high_usd - point.cost_usd]), bottom=np.array([point.cost_usd - point.low_usd]),
                beam=0, pen=pg.mkPen(color, width=2),
            )  # fmt: skip
            self.plot.addItem(bar)
        brush = pg.mkBrush(color) if point.fits else pg.mkBrush(None)
        spot = pg.ScatterPlotItem(
            [point.hours], [point.cost_usd], size=18 if point.recommended else 11,
            symbol="star" if point.recommended else "o", brush=brush, pen=pg.mkPen(color, width=2),
        )  # fmt: skip
        self.plot.addItem(spot)
        text = pg.TextItem(("★ " if point.recommended else "") + point.label, color=color, anchor=(0, 1))
        text.setPos(point.hours, point.cost_usd)
        self.plot.addItem(text)
