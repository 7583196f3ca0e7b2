"""The overview's sparkline: values land where a hand calculation puts them; gaps are skipped."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from app.ui.theme import LIGHT
from app.ui.widgets.sparkline import Sparkline


def test_sparkline_puts_0_50_100_percent_at_bottom_middle_top_and_skips_gaps(qtbot) -> None:
    line = Sparkline(LIGHT.curves[0], LIGHT.plot_background, 0.0, 100.0)
    qtbot.addWidget(line)
    line.resize(101, 25)  # 100 x 24 px between the first and last pixel
    line.set_values(np.array([0.0, np.nan, 50.0, 100.0, 150.0]))
    # x: 5 values over 100 px, 25 px apart; y: 0 % at 24, 50 % at 12, 100 % (and 150 %, clipped) at 0.
    assert line.points() == [QPointF(0, 24), QPointF(50, 12), QPointF(75, 0), QPointF(100, 0)]


def test_sparkline_repaints_only_when_values_change(qtbot, monkeypatch) -> None:
    line = Sparkline(LIGHT.curves[0], LIGHT.plot_background, 0.0, 100.0)
    qtbot.addWidget(line)
    calls: list[int] = []
    monkeypatch.setattr(line, "update", lambda *args: calls.append(1))
    line.set_values(np.array([1.0, np.nan]))
    line.set_values(np.array([1.0, np.nan]))
    assert len(calls) == 1
