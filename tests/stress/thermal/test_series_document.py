"""The cooling result carries its readings (`details.series`), thinned for drawing, so the report
and the past runs can draw the test again; the trial's report had no graph of any test."""

from __future__ import annotations

import pytest

from app.stress.thermal.document import SERIES_POINTS, series_document
from app.stress.thermal.series import ThermalSeries


def _series(rows: int, polls: int = 0) -> ThermalSeries:
    return ThermalSeries(
        times_s=tuple(float(i) for i in range(rows)),
        temperature_c=tuple(30.0 + i / 100 for i in range(rows)),
        sm_clock_mhz=tuple(2500.0 for _ in range(rows)),
        power_w=(450.0,) * (rows - 1),  # the last power reading never came
        throughput_times_s=tuple(10.0 * i for i in range(polls)),
        throughput=tuple(80.0 - i / 10 for i in range(polls)),
    )


def test_a_short_run_keeps_every_reading() -> None:
    doc = series_document(_series(3, polls=2), "gpu0")
    assert doc == {
        "t": [0.0, 1.0, 2.0],
        "temperature_c": [30.0, 30.01, 30.02],
        "sm_clock_mhz": [2500.0, 2500.0, 2500.0],
        "power_w": [450.0, 450.0, None],
        "throughput_t": [0.0, 10.0],
        "throughput": [80.0, 79.9],
        "throughput_unit": "TFLOPS",
    }


def test_a_twenty_minute_run_at_4_hz_keeps_every_eighth_reading() -> None:
    # 1200 s x 4 readings/s = 4800 rows; ceil(4800 / 600) = 8: rows 0, 8, ..., 4792 (600 of them)
    doc = series_document(_series(4800), "gpu0")
    assert SERIES_POINTS == 600 and len(doc["t"]) == 600
    assert doc["t"][:3] == [0.0, 8.0, 16.0] and doc["t"][-1] == 4792.0
    assert len(doc["temperature_c"]) == len(doc["sm_clock_mhz"]) == len(doc["power_w"]) == 600


@pytest.mark.parametrize(("device", "unit"), [("gpu1", "TFLOPS"), ("cpu", "GFLOPS")])
def test_the_throughput_unit_follows_the_device(device: str, unit: str) -> None:
    assert series_document(_series(2), device)["throughput_unit"] == unit


def test_a_finished_simulated_test_carries_its_series(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A short test on the simulated RTX 4090 at 100x: the readings span the three phases and peak
    where the metrics say (the thinned series may miss the very peak reading, by a fraction of a degree)."""
    from app.stress.thermal.run import ThermalPlan
    from tests.stress.thermal.test_run_simulated import _run

    with pytest.MonkeyPatch.context() as patch:
        import app.stress.thermal.judge as judge
        from tests.stress.thermal.fakes import MemoryStore

        patch.setenv("AIWM_HOME", str(tmp_path_factory.mktemp("home")))
        patch.setattr(judge, "past_results", MemoryStore().past_results)
        result = _run("rtx4090", ThermalPlan("gpu0", idle_s=20.0, load_s=120.0, cooldown_s=40.0), scale=100.0).result
    series = result.details["series"]
    assert isinstance(series, dict)
    assert series["t"][0] < 2.0 and series["t"][-1] == pytest.approx(180.0, abs=3.0)
    assert max(v for v in series["temperature_c"] if v is not None) == pytest.approx(result.metrics["peak_c"], abs=1.0)
    assert series["throughput_unit"] == "TFLOPS" and all(v > 0 for v in series["throughput"])
