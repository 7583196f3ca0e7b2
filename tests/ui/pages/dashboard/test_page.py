"""The Dashboard page: the chosen time window stands out; n/a values say what is missing."""

from __future__ import annotations

import pytest

from app.core.inventory import HostInventory
from app.core.records import CpuReading
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings, Settings
from app.ui.pages.dashboard.host_panel import HostPanel
from app.ui.pages.dashboard.page import DashboardPage
from app.ui.theme import DARK, LIGHT, Theme, contrast_ratio


@pytest.fixture(scope="module")
def host() -> HostInventory:
    return HostInventory.read()


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_selected_time_window_button_stands_out_in_both_themes(qtbot, host, theme: Theme) -> None:
    page = DashboardPage(host, (), theme, 600.0)
    qtbot.addWidget(page)
    page.show()
    buttons = page._window_buttons.buttons()
    chosen = next(b for b in buttons if b.isChecked())
    assert chosen.text() == "10 min"
    background = chosen.grab().toImage().pixelColor(4, 4).name()
    # theme.apply() paints unchecked buttons in theme.panel: 3:1 is WCAG's minimum for UI parts.
    assert contrast_ratio(background, theme.panel) >= 3.0, f"{background} on {theme.panel}"
    assert chosen.font().bold() or "bold" in chosen.styleSheet()


def test_host_summary_says_why_the_cpu_temperature_is_na(qtbot, host) -> None:
    panel = HostPanel(host, LIGHT)
    qtbot.addWidget(panel)
    state = MonitorState([], AlertSettings())
    why = "the OS exposes no CPU temperature sensor"
    reading = CpuReading(12.0, (10.0, 14.0), 2400.0, 0.5, None, (("temperature_c", why),))
    state.add(Sample("cpu", 1.0, 1_800_000_000.0, 0, 0, reading))
    panel.refresh(state, 1_800_000_000.0, 600.0)
    assert f"temp n/a ({why})" in panel.summary.text(), "the n/a on screen names what and why, not only a tooltip"
    assert "CPU 2400 MHz" in panel.summary.text() and "load 0.50" in panel.summary.text()
    assert f"CPU temperature n/a: {why}" in panel.summary.toolTip()


def test_a_remembered_1h_window_opens_on_the_last_minute_not_an_empty_hour(qtbot, make_window) -> None:
    window = make_window(time_scale=1.0, settings=Settings("light", 3600.0, False, AlertSettings()))
    page = window.dashboard
    assert page.window_s == 3600.0 and next(b for b in page._window_buttons.buttons() if b.isChecked()).text() == "1 h"
    qtbot.waitUntil(lambda: window.state.history.newest_time() is not None, timeout=10_000)
    window.redraw_now()
    for plot in page.host_panel.plots + page.gpu_panels[0].plots:
        assert plot._plot.getPlotItem().getViewBox().viewRange()[0] == [-60.0, 0.0], plot._title


def _cpu_seconds(state: MonitorState, first_s: int, last_s: int) -> None:
    for second in range(first_s, last_s + 1):
        reading = CpuReading(26.0, (20.0, 32.0), 2400.0, 0.5, 40.0)
        state.add(Sample("cpu", 1.0, 1_800_000_000.0 + second, 0, 0, reading))


def _page_after_eight_seconds(qtbot, host) -> tuple[DashboardPage, MonitorState]:  # type: ignore[no-untyped-def]
    """A shown Dashboard with a 10 min window and the first 8 s of CPU readings drawn."""
    page = DashboardPage(host, (), LIGHT, 600.0)
    qtbot.addWidget(page)
    page.show()
    state = MonitorState([], AlertSettings())
    _cpu_seconds(state, 0, 8)
    page.refresh(state, 1_800_000_008.0)
    return page, state


def test_a_window_not_yet_full_says_how_much_is_collected_and_what_the_axis_shows(qtbot, host) -> None:
    page, state = _page_after_eight_seconds(qtbot, host)
    assert page.status.text() == "10 min window: 8 s collected so far; the graphs show the last 1 min until it fills"
    assert page.status.isVisible()
    _cpu_seconds(state, 9, 200)
    page.refresh(state, 1_800_000_200.0)
    assert page.status.text() == "10 min window: 3 min collected so far; the graphs show the last 5 min until it fills"
    page.set_window(60.0)
    page.refresh(state, 1_800_000_200.0)
    assert not page.status.isVisible(), "the 1 min window is full: nothing to explain"
    page.set_window(86400.0)
    page.refresh(state, 1_800_000_200.0)
    assert page.status.text() == "24 h window: 3 min collected so far; the graphs show the last 5 min until it fills"
    _cpu_seconds(state, 201, 610)
    page.set_window(600.0)
    page.refresh(state, 1_800_000_610.0)
    assert not page.status.isVisible(), "the 10 min window is full"


def test_the_collected_note_changing_every_second_does_not_re_lay_out_the_page(qtbot, host) -> None:
    page, _ = _page_after_eight_seconds(qtbot, host)
    qtbot.wait(20)
    width, buttons = page.width(), [b.geometry() for b in page._window_buttons.buttons()]
    page.status.setText(page.status.text() + " and more" * 300)  # far wider than the row
    qtbot.wait(20)  # a layout request would be handled here
    assert page.width() == width
    assert [b.geometry() for b in page._window_buttons.buttons()] == buttons
