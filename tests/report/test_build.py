"""The document builder: sections chosen, SIMULATED marks, the history or why there is none,
stored test results (latest per device, graphs from what they carry), the planner's "fit for",
and the atomic, never-overwriting writer."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.engine import Engine, EngineOptions
from app.core.errors import UserError
from app.report import build
from app.report.build import ReportOptions, build_report, write_report
from app.report.records import SECTION_IDS
from tests.report.fixtures import T0, doctor_report, write_session


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine(EngineOptions(demo="rtx4090,rtx3090")) as demo:
        yield demo


def _build(engine: Engine, **options: Any) -> dict[str, Any]:
    return build_report(engine, ReportOptions(**options), doctor=doctor_report())


UUIDS = {"gpu0": "GPU-SIMULATED-0000-rtx4090", "gpu1": "GPU-SIMULATED-0001-rtx3090"}  # the demo cards'


def _thermal(device: str, started_at: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {"schema": "aiwm.thermal/1", "device": device, "started_at": started_at, "verdict": verdict,
            "reasons": [], "metrics": {}, "simulated": True, "details": {"device_uuid": UUIDS[device]},
            **extra}  # fmt: skip


def _store(monkeypatch: pytest.MonkeyPatch, results: dict[str, list[dict[str, Any]]]) -> None:
    import app.stress.store

    monkeypatch.setattr(app.stress.store, "past_results", lambda schema, device=None: results.get(schema, []))


def test_every_section_in_order_with_the_agreed_top_level_keys(engine: Engine) -> None:
    doc = _build(engine)
    assert [s["id"] for s in doc["sections"]] == list(SECTION_IDS)
    example = json.loads((Path(__file__).parents[1] / "data" / "report" / "example_report.json").read_text())
    assert set(doc) == set(example)
    assert doc["schema"] == "aiwm.report/1"
    assert doc["generated_at"].endswith("Z")


def test_a_chosen_subset_leaves_the_other_sections_out(engine: Engine) -> None:
    doc = _build(engine, sections=("gpus", "machine"))
    assert [s["id"] for s in doc["sections"]] == ["machine", "gpus"]
    assert not {"summary", "software", "tests", "history", "plans"} & set(doc)


def test_simulated_gpus_are_marked_everywhere(engine: Engine) -> None:
    doc = _build(engine)
    assert doc["simulated"] is True
    assert "SIMULATED" in doc["title"]
    assert "SIMULATED" in doc["summary"]["lines"][0]
    assert [g["simulated"] for g in doc["gpus"]] == [True, True]
    assert all("[SIMULATED]" in g["name"] for g in doc["gpus"])


def test_every_gpu_has_its_full_inventory(engine: Engine) -> None:
    gpu = _build(engine, sections=("gpus",))["gpus"][0]
    # RTX 4090 in the catalog: 450 W default, 600 W max; PCIe Gen4 x16
    assert gpu["power"]["default_w"] == 450.0 and gpu["power"]["max_w"] == 600.0
    assert gpu["pcie"]["gen_max"] == 4 and gpu["pcie"]["width_max"] == 16
    assert set(gpu["temperatures"]) == {"max_operating_c", "slowdown_c", "shutdown_c", "target_c"}
    assert {"vbios", "serial", "uuid", "persistence_mode", "mig_mode"} <= set(gpu)


def test_every_null_value_has_its_reason(engine: Engine) -> None:
    doc = _build(engine, sections=("machine", "gpus"))
    for number, gpu in enumerate(doc["gpus"]):
        for key, value in gpu.items():
            if value is None:
                assert f"gpus[{number}].{key}" in doc["missing"], key


def test_without_sessions_the_history_says_how_to_get_one(engine: Engine) -> None:
    doc = _build(engine, sections=("history",))
    assert doc["history"]["metrics"] == []
    assert "aiwm record" in doc["history"]["note"] and "Reports page" in doc["history"]["note"]
    assert "aiwm record" in doc["missing"]["history"]
    assert doc["period"]["start"] is None and "period.start" in doc["missing"]


def test_a_session_gives_the_period_summary_graph_and_alerts(engine: Engine, tmp_path: Path) -> None:
    temps = [40.0 + (i % 50) for i in range(1_000)]  # 40..89, each 20 times: mean 64.5
    events = [(T0 + 500, "alert_fired", "GPU 0 within 5 °C of its slowdown temperature")]
    session = write_session(tmp_path / "s.aiwm", temps, events=events)
    doc = _build(engine, sections=("history",), sessions=(session,))
    (metric,) = doc["history"]["metrics"]
    assert (metric["min"], metric["mean"], metric["max"], metric["samples"]) == (40.0, 64.5, 89.0, 1000)
    assert doc["period"] == {"start": "2027-01-15T08:00:00.000Z", "end": "2027-01-15T08:16:39.000Z",
                             "seconds": 999.0, "source": f"session {session}", "requested_seconds": None,
                             "time_scale": 1.0, "notes": []}  # fmt: skip
    (graph,) = doc["graphs"]
    assert graph["id"] == "gpu0_temperature_c" and graph["section"] == "history"
    assert len(graph["series"][0]["t"]) <= 600
    assert {"label": "slowdown", "value": 91.0} in graph["thresholds"]
    assert doc["history"]["alerts"] == [
        {
            "time": "2027-01-15T08:08:20.000Z",
            "event": "fired",
            "severity": None,
            "message": "GPU 0 within 5 °C of its slowdown temperature",
        }
    ]


def test_the_latest_result_per_device_with_its_graph_when_it_carries_readings(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = {"t": [0.0, 60.0, 120.0], "temperature_c": [40.0, 70.0, 45.0]}
    phases = [{"phase": "load", "start_s": 0.0, "end_s": 60.0}]
    _store(monkeypatch, {"aiwm.thermal/1": [
        _thermal("gpu0", "2026-11-01T10:00:00Z", "fail"),
        _thermal("gpu0", "2026-11-02T10:00:00Z", "pass", series=series, phases=phases),
        _thermal("gpu1", "2026-11-01T10:00:00Z", "warn"),
    ]})  # fmt: skip
    doc = _build(engine, sections=("summary", "tests"))
    thermal = doc["tests"]["thermal"]
    assert [(r["device"], r["verdict"]) for r in thermal] == [("gpu0", "pass"), ("gpu1", "warn")]
    assert thermal[0]["graph"] == "thermal_gpu0" and thermal[1]["graph"] is None
    assert "tests.thermal[1].graph" in doc["missing"]
    (graph,) = doc["graphs"]
    start = 1_793_613_600.0  # 2026-11-02T10:00:00Z
    assert graph["series"][0]["t"] == [start, start + 60, start + 120]
    assert graph["bands"] == [{"label": "load", "start": start, "end": start + 60}]
    assert doc["summary"]["overall"] == "warn"  # doctor warn, gpu0 pass, gpu1 warn
    assert "Cooling test gpu0: PASS (2026-11-02)" in doc["summary"]["lines"]


def test_a_failed_test_makes_the_summary_fail(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _store(monkeypatch, {"aiwm.thermal/1": [_thermal("gpu0", "2026-11-02T10:00:00Z", "fail")]})
    assert _build(engine, sections=("summary",))["summary"]["overall"] == "fail"


def test_without_the_store_there_are_no_results_and_the_reason_is_given(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.stress.store

    def absent(schema: str, device: str | None = None) -> list[dict[str, Any]]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(app.stress.store, "past_results", absent)
    doc = _build(engine, sections=("tests",))
    assert doc["tests"] == {"stress": [], "thermal": [], "left_out": []}
    assert "could not be read" in doc["missing"]["tests.stress"]


def test_fit_for_names_the_largest_model_each_workload_fits_and_how(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.planner.plan
    from app.planner.records import ModelSpec, Option

    models = [ModelSpec("Small-1B", 1e9), ModelSpec("Mid-8B", 8e9), ModelSpec("Big-70B", 70e9)]
    limits = {"inference": 8e9, "lora": 1e9, "full-finetune": 0.0}
    split = {"inference": "split across 2 GPUs: tensor parallel"}

    class FakePlan:
        def __init__(self, workload: str, params: float) -> None:
            count = 2 if workload in split and params > 1e9 else 1
            notes = (split[workload],) if count == 2 else ()
            fits = params <= limits[workload]
            self.options = [Option("local", "RTX 4090", count, 24 * 2**30, fits, None, None, notes)]

    monkeypatch.setattr(app.planner.plan, "list_models", lambda: models)
    monkeypatch.setattr(
        app.planner.plan, "make_plan", lambda req, gpus, sim=False: FakePlan(req.workload, req.model.params)
    )
    doc = _build(engine, sections=("summary",))
    assert doc["summary"]["fit_for"] == [
        "runs Mid-8B in bf16 on both GPUs (tensor parallel), 4k context, batch 1",
        "fine-tunes Small-1B with LoRA in bf16 on one GPU, 4k context, batch 1",
    ]
    assert "full fine-tuning" in doc["missing"]["summary.fit_for"]  # nothing fits it: said why


def test_a_failing_planner_leaves_fit_for_empty_with_the_reason(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.planner.plan

    def absent() -> list[Any]:
        raise OSError("the model catalog is unreadable")

    monkeypatch.setattr(app.planner.plan, "list_models", absent)
    doc = _build(engine, sections=("summary",))
    assert doc["summary"]["fit_for"] == []
    assert "planner" in doc["missing"]["summary.fit_for"]


def test_redact_option_redacts_the_built_document(engine: Engine) -> None:
    import socket

    doc = _build(engine, redact=True, sections=("machine", "gpus", "software"))
    text = json.dumps(doc)
    assert doc["redacted"] is True
    assert socket.gethostname() not in json.dumps(doc["machine"])
    assert "GPU-SIMULATED" not in text and "/home/ana" not in text


def test_json_is_written_and_never_over_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    write_report({"schema": "aiwm.report/1", "title": "é"}, "json", out)
    assert json.loads(out.read_text(encoding="utf-8")) == {"schema": "aiwm.report/1", "title": "é"}
    with pytest.raises(UserError, match="already exists"):
        write_report({"other": 1}, "json", out)
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "é"


def test_a_failure_mid_write_is_one_line_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_failed(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_failed)
    out = tmp_path / "r.json"
    with pytest.raises(UserError, match="Input/output error") as failed:
        write_report({"schema": "aiwm.report/1"}, "json", out)
    assert str(failed.value) == f"cannot write {out}: Input/output error (no report was written)"
    assert list(tmp_path.iterdir()) == []


def test_html_goes_through_the_renderer_and_the_atomic_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "_html", lambda document: f"<title>{document['title']}</title>")
    write_report({"title": "x"}, "html", tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text() == "<title>x</title>"


def test_pdf_goes_through_the_given_writer_to_a_temporary_name_then_into_place(tmp_path: Path) -> None:
    seen: list[Path] = []

    def fake_pdf(document: dict[str, Any], path: Path) -> None:
        seen.append(path)
        path.write_bytes(b"%PDF-1.7 " + document["title"].encode() + b"\n%%EOF\n")

    out = tmp_path / "r.pdf"
    write_report({"title": "x"}, "pdf", out, fake_pdf)
    assert out.read_bytes() == b"%PDF-1.7 x\n%%EOF\n"
    assert seen[0] != out and seen[0].parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def test_a_pdf_writer_that_fails_leaves_no_file(tmp_path: Path) -> None:
    def broken(document: dict[str, Any], path: Path) -> None:
        path.write_bytes(b"%PDF-half")
        raise RuntimeError("painter failed")

    with pytest.raises(RuntimeError):
        write_report({}, "pdf", tmp_path / "r.pdf", broken)
    assert list(tmp_path.iterdir()) == []


def test_pdf_without_a_writer_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="PDF writer"):
        write_report({}, "pdf", tmp_path / "r.pdf")


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="json, html or pdf"):
        write_report({}, "docx", tmp_path / "r.docx")


def test_the_doctor_is_gathered_while_the_history_is_read(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial's 24-hour report took 7-10 s, 4-5.7 s of it the doctor before anything else.
    Each fake waits for the other to have started: run one after the other, they would time out."""
    import threading

    import app.doctor.gather
    import app.doctor.rules

    doctor_started, history_started = threading.Event(), threading.Event()
    real_from_sessions = build.from_sessions

    def gather(engine: Engine) -> object:
        doctor_started.set()
        assert history_started.wait(10), "the history was not read while the doctor gathered"
        return "facts"

    def read_history(paths: Any, since_s: float | None) -> Any:
        history_started.set()
        assert doctor_started.wait(10), "the doctor was not started before the history was read"
        return real_from_sessions(paths, since_s)

    monkeypatch.setattr(app.doctor.gather, "gather_facts", gather)
    monkeypatch.setattr(app.doctor.rules, "evaluate", lambda facts: doctor_report())
    monkeypatch.setattr(build, "from_sessions", read_history)
    session = write_session(tmp_path / "s.aiwm", [50.0] * 10)
    doc = build_report(engine, ReportOptions(sections=("summary", "software", "history"), sessions=(session,)))
    assert doc["software"]["overall"] == "warn" and doc["history"]["metrics"]
    assert "software" not in doc["missing"]


def test_a_doctor_that_fails_leaves_its_reason_and_the_rest_of_the_report(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.doctor.gather

    def broken(engine: Engine) -> object:
        raise RuntimeError("probe crashed")

    monkeypatch.setattr(app.doctor.gather, "gather_facts", broken)
    doc = build_report(engine, ReportOptions(sections=("summary", "software", "gpus")))
    assert (
        doc["software"] is None
        and doc["missing"]["software"] == "the doctor could not run: RuntimeError: probe crashed"
    )
    assert len(doc["gpus"]) == 2


def test_counters_in_the_document_give_their_increase_and_validate(engine: Engine, tmp_path: Path) -> None:
    import jsonschema

    from app.report.schema import report_schema

    session = write_session(tmp_path / "s.aiwm", [50.0] * 100, counter=[float(min(i, 60)) for i in range(100)])
    doc = _build(engine, sections=("history",), sessions=(session,))
    counter = next(m for m in doc["history"]["metrics"] if m["name"] == "gpu0.power_violation_s")
    assert (counter["increase"], counter["increase_over_s"], counter["max"]) == (60.0, 99.0, None)
    assert "increase" in doc["missing"]["history.metrics:gpu0.power_violation_s.max"]
    jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)


def test_a_long_since_over_a_short_session_is_the_sessions_span_with_a_note(engine: Engine, tmp_path: Path) -> None:
    session = write_session(tmp_path / "s.aiwm", [50.0] * 1800, meta={"started_at": T0})
    period = _build(engine, sections=("history",), sessions=(session,), since_s=7 * 86400)["period"]
    assert (period["start"], period["seconds"], period["requested_seconds"]) == (
        "2027-01-15T08:00:00.000Z", 1799.0, 604800.0
    )  # fmt: skip
    assert period["notes"] == [
        "asked for the last 7 d; the history covers only 29 min 59 s (there are no earlier readings)"
    ]


def test_a_time_scaled_session_marks_its_period(engine: Engine, tmp_path: Path) -> None:
    """The trial's case: a session recorded at --time-scale 100 gave a period ending after generated_at."""
    session = write_session(tmp_path / "s.aiwm", [50.0] * 1800, meta={"started_at": T0, "time_scale": 100.0})
    period = _build(engine, sections=("history",), sessions=(session,))["period"]
    assert period["time_scale"] == 100.0
    assert "--time-scale 100" in period["notes"][0] and "18 s of real time" in period["notes"][0]


def test_the_history_says_when_its_gpus_are_not_this_machines(engine: Engine, tmp_path: Path) -> None:
    other = "GPU-0c4c1b2e-aaaa-bbbb-cccc-0123456789ab"
    session = write_session(tmp_path / "s.aiwm", [50.0] * 10, gpu_uuid=other)
    doc = _build(engine, sections=("summary", "history"), sessions=(session,))
    (note,) = doc["history"]["notes"]
    assert other in note and "GPU-SIMULATED-0000-rtx4090" in note and "other hardware" in note
    assert f"History: {note}" in doc["summary"]["lines"]


def test_the_planner_names_a_model_split_over_both_gpus_with_how(engine: Engine) -> None:
    """rtx4090 + rtx3090, 24 GiB each: qwen2.5-14b's bf16 weights (14.77e9 x 2 bytes = 29.5 GB) need
    both cards; qwen2.5-32b (65.5 GB) and gemma-2-27b (54.5 GB) do not fit in 48 GiB (51.5 GB)."""
    doc = _build(engine, sections=("summary",))
    assert "runs qwen2.5-14b in bf16 on both GPUs (tensor parallel), 4k context, batch 1" in doc["summary"]["fit_for"]
