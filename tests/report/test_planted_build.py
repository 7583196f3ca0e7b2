"""Build cases the first tests left open, found by planting bugs in app/report/build.py and
app/report/sections: SIMULATED from a session or a stored result alone, the worst-of overall,
and the --since cut applied to alerts as to readings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.report import build
from app.report.build import SIMULATED_LINE, ReportOptions, build_report
from app.report.history import from_sessions
from app.report.sections.summary import overall
from tests.report.fixtures import T0, doctor_report, write_session


class _RealEngine:
    """An engine over real hardware (no GPU): nothing in it is simulated."""

    simulated = False


@pytest.fixture
def real_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = {"host": {"hostname": "box"}, "gpus": [], "missing": {}}
    monkeypatch.setattr(build, "_snapshot", lambda engine: snapshot)


def _store(monkeypatch: pytest.MonkeyPatch, results: dict[str, list[dict[str, Any]]]) -> None:
    import app.stress.store

    monkeypatch.setattr(app.stress.store, "past_results", lambda schema, device=None: results.get(schema, []))


def _build(**options: Any) -> dict[str, Any]:
    return build_report(_RealEngine(), ReportOptions(**options), doctor=doctor_report())  # type: ignore[arg-type]


def _assert_simulated(doc: dict[str, Any]) -> None:
    assert doc["simulated"] is True
    assert doc["title"].endswith("[SIMULATED]")
    assert doc["summary"]["lines"][0].startswith("SIMULATED")  # which part is simulated, said first


def test_a_simulated_session_marks_a_report_of_real_hardware_simulated(
    real_machine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _store(monkeypatch, {})
    session = write_session(tmp_path / "s.aiwm", [40.0, 41.0], simulated=True)
    _assert_simulated(_build(sections=("summary", "history"), sessions=(session,)))


def test_a_real_session_on_real_hardware_is_not_marked(
    real_machine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _store(monkeypatch, {})
    session = write_session(tmp_path / "s.aiwm", [40.0, 41.0], simulated=False)
    doc = _build(sections=("summary", "history"), sessions=(session,))
    assert doc["simulated"] is False and "SIMULATED" not in doc["title"]
    assert SIMULATED_LINE not in doc["summary"]["lines"]


@pytest.mark.parametrize("schema", ["aiwm.thermal/1", "aiwm.stress/1"])
def test_a_simulated_stored_result_is_left_out_of_a_real_machines_report_and_said(
    real_machine: None, monkeypatch: pytest.MonkeyPatch, schema: str
) -> None:
    """A demo run kept in the data folder is no result of this real machine (the report's trial):
    it neither appears as one nor turns the real report SIMULATED, and the report says it left it out."""
    result = {"schema": schema, "kind": "gemm", "device": "gpu0", "started_at": "2026-11-02T10:00:00Z",
              "verdict": "pass", "simulated": True}  # fmt: skip
    _store(monkeypatch, {schema: [result]})
    doc = _build(sections=("summary", "tests"))
    assert doc["simulated"] is False and "SIMULATED" not in doc["title"]
    assert [entry["schema"] for entry in doc["tests"]["left_out"]] == [schema]
    assert any("left out" in line for line in doc["summary"]["lines"])


@pytest.mark.parametrize(
    ("doctor", "verdicts", "expected"),
    [
        ("fail", ["pass"], "fail"),  # the doctor's fail is not hidden by a passing test
        ("warn", [], "warn"),
        ("pass", ["aborted"], "warn"),  # a test that did not finish is no pass
        ("pass", ["inconclusive", "pass"], "warn"),
        ("pass", ["pass", "fail", "warn"], "fail"),
        (None, [], "unknown"),
        ("pass", ["pass"], "pass"),
    ],
)
def test_the_overall_is_the_worst_of_the_doctor_and_the_tests(
    doctor: str | None, verdicts: list[str], expected: str
) -> None:
    assert overall(doctor, verdicts) == expected


def test_since_keeps_an_alert_raised_at_the_first_kept_reading(tmp_path: Path) -> None:
    temps = [float(i) for i in range(100)]  # T0 + i holds i; --since 30 keeps T0+70 .. T0+99
    events = [(T0 + 69, "alert_fired", "before"), (T0 + 70, "alert_fired", "first"), (T0 + 70.5, "alert_cleared", "x")]
    period = from_sessions([write_session(tmp_path / "s.aiwm", temps, events=events)], since_s=30)
    assert [a.message for a in period.alerts] == ["first", "x"]
    # the period starts at the first kept reading (clipped to the data), not at the --since boundary
    assert period.start_s == T0 + 70 and period.metrics["gpu0.temperature_c"].values[0] == 70.0


def test_the_windows_old_readings_keep_their_peak_and_dip_inside_10_s_buckets() -> None:
    """Beyond 15 minutes the window keeps 10-s bucket means; min and max come from the buckets' own."""
    from app.core.sampling.history import History
    from app.core.sampling.sample import Sample
    from app.report.history import from_window, metric_summary
    from tests.report.fixtures import GpuTemperature

    history = History()
    for i in range(3_600):  # an hour at 1 s; the spike and the dip are 55 minutes old
        value = 95.0 if i == 301 else 20.0 if i == 305 else 50.0
        history.add(Sample("gpu", 1.0, T0 + i, 0.0, 0.0, GpuTemperature(value)))
    summary = metric_summary(from_window(history).metrics["gpu0.temperature_c"])
    assert summary is not None
    assert (summary["min"], summary["max"]) == (20.0, 95.0)


def test_the_windows_period_starts_at_its_first_reading_not_24_hours_back() -> None:
    from app.core.sampling.history import History
    from app.core.sampling.sample import Sample
    from app.report.history import from_window
    from tests.report.fixtures import GpuTemperature

    history = History()
    for i in range(120):
        history.add(Sample("gpu", 1.0, T0 + i, 0.0, 0.0, GpuTemperature(50.0)))
    period = from_window(history)
    assert (period.start_s, period.end_s) == (T0, T0 + 119)
    assert from_window(history, since_s=60).start_s == T0 + 60  # the first reading inside (T0+59, T0+119]


def _period(**metrics: list[float]) -> Any:
    import numpy as np

    from app.report.history import MetricHistory, PeriodHistory

    histories = {
        n: MetricHistory(n, T0 + np.arange(len(v), dtype=float), np.asarray(v, float)) for n, v in metrics.items()
    }
    return PeriodHistory("test", T0, T0 + 2, False, histories)


def test_the_history_table_keeps_the_cpus_total_and_leaves_out_each_core() -> None:
    from app.report.sections.history import history_section

    period = _period(**{"cpu.util_percent": [10.0, 20.0, 30.0], "cpu.core0.util_percent": [1.0, 2.0, 3.0],
                        "cpu.core13.util_percent": [5.0, 5.0, 5.0]})  # fmt: skip
    graphs: list[dict[str, Any]] = []
    section = history_section(period, {}, graphs)
    assert [m["name"] for m in section["metrics"]] == ["cpu.util_percent"]
    assert [g["id"] for g in graphs] == ["cpu_util_percent"]


def test_the_temperature_graph_carries_both_the_slowdown_and_the_shutdown_line(tmp_path: Path) -> None:
    from app.report.sections.history import history_section

    period = from_sessions([write_session(tmp_path / "s.aiwm", [40.0, 41.0, 42.0])])
    graphs: list[dict[str, Any]] = []
    history_section(period, {}, graphs)
    (graph,) = graphs
    assert graph["thresholds"] == [{"label": "slowdown", "value": 91.0}, {"label": "shutdown", "value": 99.0}]


@pytest.mark.parametrize("fmt", ["html", "pdf", "json"])
def test_an_existing_file_is_refused_before_anything_is_drawn(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF of a day's history takes a while to draw: the refusal comes first, and nothing is touched."""
    from app.core.errors import UserError
    from app.report.build import write_report

    drawn: list[str] = []

    def renderer(document: dict[str, Any], path: Path | None = None) -> str:
        drawn.append(fmt)
        return "<html></html>"

    monkeypatch.setattr(build, "_html", renderer)
    out = tmp_path / f"r.{fmt}"
    out.write_bytes(b"keep me")
    with pytest.raises(UserError, match="already exists"):
        write_report({"title": "x"}, fmt, out, renderer)  # type: ignore[arg-type]
    assert drawn == [] and out.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
