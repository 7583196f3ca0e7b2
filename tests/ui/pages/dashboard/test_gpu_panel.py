"""One GPU's panel: the tile and the alert apply the same "near slowdown" rule; n/a tiles say why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.ui.pages.dashboard.gpu_panel import GpuPanel
from app.ui.theme import LIGHT

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)
SLOWDOWN_C = 89.0  # A100 80GB, from its nvidia-smi -q (resources/gpu_catalog.json), checked below


def _tile_and_alert(qtbot, temperature_c: float, margin_c: float | None) -> tuple[bool, bool]:
    """(tile drawn in the critical colour, near-slowdown alert active) for one reading."""
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    info = simulated.info()
    assert info.temp_slowdown_c == SLOWDOWN_C
    state = MonitorState([info], AlertSettings(gpu_near_slowdown_c=8.0))
    reading = replace(simulated.reading(), temperature_c=temperature_c, temp_margin_c=margin_c)
    state.add(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (reading,))))
    panel = GpuPanel(info, LIGHT)
    qtbot.addWidget(panel)
    panel.refresh(state, 1_800_000_000.0, 600.0)
    tile_hot = LIGHT.critical in panel.tiles["temperature"].value.styleSheet()
    alert = ("gpu_near_slowdown", "gpu0") in state.alerts.active
    return tile_hot, alert


@pytest.mark.parametrize(("below_c", "near"), [(7.0, True), (8.0, True), (9.0, False)])
def test_tile_and_alert_agree_with_the_setting_at_8_degrees(qtbot, below_c: float, near: bool) -> None:
    assert _tile_and_alert(qtbot, SLOWDOWN_C - below_c, None) == (near, near)


@pytest.mark.parametrize(("margin_c", "near"), [(7.0, True), (8.0, True), (9.0, False)])
def test_tile_and_alert_agree_on_the_drivers_margin_temperature(qtbot, margin_c: float, near: bool) -> None:
    # 50 degC is far below slowdown by temperature: only the driver's margin can make it near.
    assert _tile_and_alert(qtbot, 50.0, margin_c) == (near, near)


def test_a_passive_cards_fan_tile_says_why_it_is_na(qtbot) -> None:
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    state = MonitorState([simulated.info()], AlertSettings())
    state.add(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (simulated.reading(),))))
    panel = GpuPanel(simulated.info(), LIGHT)
    qtbot.addWidget(panel)
    panel.refresh(state, 1_800_000_000.0, 600.0)
    fan = panel.tiles["fan"]
    assert fan.value.text() == "n/a"
    assert fan.toolTip().endswith("n/a: passively cooled: the chassis fans are not the GPU's")
    assert "n/a:" not in panel.tiles["temperature"].toolTip(), "a value that is there has no n/a reason"


def test_an_na_in_the_process_table_says_why(qtbot) -> None:
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    simulated.set_load(1.0, vram_bytes=20 * 2**30, process_name="train.py")
    simulated.advance_to(10.0)
    state = MonitorState([simulated.info()], AlertSettings())
    state.add(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, (simulated.reading(),))))
    panel = GpuPanel(simulated.info(), LIGHT)
    qtbot.addWidget(panel)
    panel.refresh(state, 1_800_000_000.0, 600.0)
    user = panel.table.item(0, 2)
    assert user.text() == "n/a" and "owner is not visible" in user.toolTip()
    assert panel.table.item(0, 1).toolTip() == "", "the process's name is there: no n/a reason"
