"""The tray and the overview rows mark a GPU near slowdown by the engine's one rule (is_near_slowdown).

Bugs planted here (the hottest taken as the coolest, arguments swapped, the shutdown threshold
read instead of the slowdown one) left the suite green before these tests.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QWidget

from app.core.gpu.catalog import default_catalog
from app.core.gpu.records import GpuSetReading, NvidiaStatus
from app.core.gpu.simulated import SimulatedGpu
from app.core.sampling.monitor import MonitorState
from app.core.sampling.sample import Sample
from app.core.settings import AlertSettings
from app.ui.pages.dashboard.gpu_overview import GpuRow
from app.ui.theme import LIGHT
from app.ui.tray import Tray

STATUS = NvidiaStatus("SIMULATED", None, None, None, simulated=True)


def _gpu(index: int, temperature_c: float, slowdown_c: float = 88.0, shutdown_c: float = 98.0):  # type: ignore[no-untyped-def]
    simulated = SimulatedGpu(default_catalog()["a100-80gb"], index, start_s=0.0)
    info = replace(simulated.info(), temp_slowdown_c=slowdown_c, temp_shutdown_c=shutdown_c)
    reading = replace(simulated.reading(), temperature_c=temperature_c, temp_margin_c=None)
    return info, reading


def _tray_shows(qtbot, gpus) -> list[tuple[float | None, bool, str]]:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    tray = Tray(parent)
    shown: list[tuple[float | None, bool, str]] = []
    tray.show_temperature = lambda t, hot, tip: shown.append((t, hot, tip))  # type: ignore[method-assign]
    state = MonitorState(tuple(info for info, _ in gpus), AlertSettings())
    state.add(Sample("gpu", 1.0, 1_800_000_000.0, 0, 0, GpuSetReading(STATUS, tuple(r for _, r in gpus))))
    tray.show_hottest(state, near_slowdown_c=5.0)
    return shown


def test_the_tray_shows_the_hottest_gpu_and_marks_it_within_five_degrees_of_its_slowdown(qtbot) -> None:
    # GPU 1 at 85 °C with slowdown at 88 °C: 85 >= 88 - 5, so hot.
    assert _tray_shows(qtbot, [_gpu(0, 60.0), _gpu(1, 85.0)]) == [(85.0, True, "Hottest GPU: GPU 1 at 85 °C")]


def test_the_tray_is_not_red_below_the_near_slowdown_band(qtbot) -> None:
    # 82 °C < 88 - 5: not hot; and the shutdown threshold (98 °C) plays no part.
    assert _tray_shows(qtbot, [_gpu(0, 82.0), _gpu(1, 60.0)]) == [(82.0, False, "Hottest GPU: GPU 0 at 82 °C")]


def test_an_overview_row_marks_the_temperature_near_the_slowdown_not_the_shutdown_threshold(qtbot) -> None:
    info, hot = _gpu(0, 84.0)  # 84 >= 88 - 5
    row = GpuRow(info, LIGHT)
    qtbot.addWidget(row)
    row.show_reading(hot, 5.0)
    assert f"color:{LIGHT.critical}" in row.values["temperature"].text()
    _, cool = _gpu(0, 82.0)  # 82 < 83: not near slowdown (it would be near 98 - 5 = 93 only much later)
    row.show_reading(cool, 5.0)
    assert LIGHT.critical not in row.values["temperature"].text()
