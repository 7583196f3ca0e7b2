"""TimePlot draws less: curves move only when they would move by a pixel, values update every time."""

from __future__ import annotations

from app.core.sampling.history import History
from app.core.sampling.sample import Sample
from app.ui.theme import LIGHT
from app.ui.widgets.time_plot import TimePlot
from tests.core.fakes import CounterReading

T0 = 1_800_000_000.0


def test_curves_redraw_only_after_a_pixel_of_movement_but_values_always_update(qtbot) -> None:
    plot = TimePlot("Test", LIGHT, (0, 1000), "a test plot")
    qtbot.addWidget(plot)
    plot.add_curve("s.value", "value", lambda v: "n/a" if v is None else f"{v:.0f}")
    plot.resize(400, 200)
    plot.show()
    history = History()
    for i in range(700):
        history.add(Sample("s", 1.0, T0 + i, 0, 0, CounterReading("s", float(i))))
    plot.refresh(history, T0 + 600, 600.0)
    drawn = plot.curves[0].item.getData()[1].copy()
    width = plot._plot.getPlotItem().getViewBox().width()
    assert 100 < width < 400
    plot.refresh(history, T0 + 601, 600.0)  # less than a pixel at 600 s over ~350 px
    assert (plot.curves[0].item.getData()[1] == drawn).all()
    assert "<b>601</b>" in plot._label.text(), "the title shows the newest value anyway"
    plot.refresh(history, T0 + 605, 600.0)
    assert plot.curves[0].item.getData()[1][-1] == 605.0
    plot.set_window(60.0)
    plot.refresh(history, T0 + 605.5, 60.0)
    assert plot.curves[0].item.getData()[0][0] >= -60.0, "a new window always redraws"
