"""With no usable GPU the dashboard says why and what to do, in place of the GPU panels."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from app.core.engine import Engine, EngineOptions
from app.core.sampling.live import LiveSession
from app.core.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.theme import LIGHT
from tests.core.gpu import conftest as nvml_stub

stub_libraries = nvml_stub.stub_libraries  # the session fixture that compiles the stand-in libnvidia-ml

# (scenario, the headline the window must show, a phrase of what to do): the words are this
# project's, checked here as the user reads them.
CASES = [
    ("driver_not_loaded", "The NVIDIA driver is installed but not loaded.", "sudo modprobe nvidia"),
    (
        "mismatch",
        "The NVIDIA driver was updated, but the old version is still running (driver/library version mismatch).",
        "Reboot to load the new driver.",
    ),
    ("no_gpu", "The NVIDIA driver is running, but it lists no GPU.", "lspci | grep -i nvidia"),
]


@pytest.mark.parametrize(("scenario", "headline", "remedy"), CASES)
def test_window_without_gpus_shows_why_and_what_to_do(
    qtbot,
    stub_libraries,
    tmp_path,
    monkeypatch,
    scenario,
    headline,
    remedy,
) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", str(stub_libraries.full))
    monkeypatch.setenv("AIWM_FAKE_NVML_SCENARIO", str(nvml_stub.write_scenario(scenario, tmp_path)))
    live = LiveSession(Engine(EngineOptions(demo=None)), Settings().alerts)
    window = MainWindow(live, Settings(), LIGHT)
    qtbot.addWidget(window)
    try:
        window.show()
        label = window.dashboard.findChild(QLabel, "no_gpu_advice")
        assert label is not None and label.isVisible()
        assert label.text().startswith(headline + "\n")
        assert remedy in label.text()
        assert "see the NVIDIA status above" not in label.text()
    finally:
        window.shutdown()
