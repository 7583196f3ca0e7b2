"""Build the `aiwm.report/1` document from the engine, the doctor, stored test results, kept plans
and a history, and write it as JSON, HTML or PDF atomically (never over an existing file).

Each section comes from its own module under `app/report/sections/`; a reading that could not be
had is `null` with its reason in `missing`; simulated hardware is marked SIMULATED in the title,
the summary, every GPU and the top-level `simulated` flag. Redaction runs last, over every string.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.core.atomic import atomic_text_writer, check_writable, current_umask, refuse_existing
from app.core.clock import iso_utc
from app.core.engine import Engine
from app.core.errors import UserError
from app.core.sampling.history import History
from app.doctor.records import DoctorReport
from app.report.history import PeriodHistory, from_sessions, from_window
from app.report.records import REPORT_SCHEMA, SECTION_IDS
from app.report.redact import redact_document

SECTION_TITLES = {
    "summary": "Summary",
    "machine": "Machine",
    "gpus": "GPUs",
    "software": "Software stack",
    "tests": "Stress and cooling tests",
    "history": "History",
    "plans": "Project plans",
}
FORMATS = ("json", "html", "pdf")
SIMULATED_LINE = "SIMULATED GPUs (--demo): the GPU readings and results describe simulated hardware"


@dataclass(frozen=True)
class ReportOptions:
    sections: tuple[str, ...] = SECTION_IDS
    redact: bool = False
    since_s: float | None = None  # the history period: the last N seconds of the history source
    sessions: tuple[Path, ...] = ()  # session files (aiwm record) to take the history from


def build_report(
    engine: Engine, options: ReportOptions, history: History | None = None, doctor: DoctorReport | None = None
) -> dict[str, Any]:
    """The `aiwm.report/1` document: inventory and readings from `engine`, the doctor's findings
    (run now when `doctor` is None and the section is wanted), stored test results and plans, and
    the history from `history` (the window's) or `options.sessions`; redacted when asked."""
    wanted = [s for s in SECTION_IDS if s in options.sections]
    missing: dict[str, str] = {}
    graphs: list[dict[str, Any]] = []
    period = _period(options, history, engine.simulated)
    snapshot = _snapshot(engine)
    doctor = doctor if doctor is not None or not {"software", "summary"} & set(wanted) else _run_doctor(engine, missing)
    parts = _sections(wanted, engine, snapshot, doctor, period, missing, graphs)
    simulated = engine.simulated or bool(period and period.simulated) or _any_simulated(parts)
    if simulated and "summary" in parts:
        parts["summary"]["lines"].insert(0, SIMULATED_LINE)
    hostname = str((snapshot.get("host") or {}).get("hostname") or "this machine")
    document: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "program_version": __version__,
        "generated_at": iso_utc(time.time()),
        "simulated": simulated,
        "redacted": False,
        "title": f"System report: {hostname}" + (" [SIMULATED]" if simulated else ""),
        "period": _period_document(period, missing),
        "sections": [{"id": s, "title": SECTION_TITLES[s]} for s in wanted],
        **parts,
        "graphs": graphs,
        "missing": missing,
    }
    return redact_document(document) if options.redact else document


def _period(options: ReportOptions, history: History | None, simulated: bool) -> PeriodHistory | None:
    if options.sessions:
        return from_sessions(options.sessions, options.since_s)
    if history is not None:
        return from_window(history, options.since_s, simulated)
    return None


def _snapshot(engine: Engine) -> dict[str, Any]:
    from app.core.snapshot import take_snapshot

    return take_snapshot(engine)


def _run_doctor(engine: Engine, missing: dict[str, str]) -> DoctorReport | None:
    """The doctor's answer for this machine now; None with the reason if gathering fails."""
    try:
        from app.doctor.gather import gather_facts
        from app.doctor.rules import evaluate

        return evaluate(gather_facts(engine))
    except Exception as error:  # the report still tells the rest
        missing["software"] = f"the doctor could not run: {type(error).__name__}: {error}"
        return None


def _sections(
    wanted: list[str],
    engine: Engine,
    snapshot: dict[str, Any],
    doctor: DoctorReport | None,
    period: PeriodHistory | None,
    missing: dict[str, str],
    graphs: list[dict[str, Any]],
) -> dict[str, Any]:
    from app.report.sections.gpus import gpus_section
    from app.report.sections.history import history_section
    from app.report.sections.machine import machine_section
    from app.report.sections.plans import plans_section
    from app.report.sections.software import software_section

    parts: dict[str, Any] = {}
    if "machine" in wanted:
        parts["machine"] = machine_section(snapshot, missing)
    if "gpus" in wanted:
        parts["gpus"] = gpus_section(snapshot, missing)
    if "software" in wanted:
        parts["software"] = software_section(doctor) if doctor is not None else None
    if "tests" in wanted or "summary" in wanted:
        from app.report.sections.tests import tests_section

        tests = tests_section(missing, graphs)
        if "tests" in wanted:
            parts["tests"] = tests
        else:
            graphs.clear()
    if "history" in wanted:
        parts["history"] = history_section(period, missing, graphs)
    if "plans" in wanted:
        parts["plans"] = plans_section(missing)
    if "summary" in wanted:
        parts = {"summary": _summary(engine, snapshot, doctor, tests, missing), **parts}
    return parts


def _summary(
    engine: Engine,
    snapshot: dict[str, Any],
    doctor: DoctorReport | None,
    tests: dict[str, Any],
    missing: dict[str, str],
) -> dict[str, Any]:
    from app.report.sections.software import doctor_line
    from app.report.sections.summary import fit_for, overall
    from app.report.sections.tests import test_lines

    lines, verdicts = test_lines(tests)
    if doctor is not None:
        lines.insert(0, doctor_line(doctor))
    else:
        missing.setdefault("summary.doctor", "the doctor's findings are not in this report")
    if not verdicts:
        lines.append("No stress or cooling test results stored (aiwm thermal runs one)")
    local = [(str(g["name"]), int(g["vram_total_bytes"])) for g in snapshot["gpus"] if g.get("vram_total_bytes")]
    return {
        "overall": overall(doctor.overall if doctor else None, verdicts),
        "lines": lines,
        "fit_for": fit_for(local, engine.simulated, missing),
    }


def _any_simulated(parts: dict[str, Any]) -> bool:
    tests = parts.get("tests") or {}
    results = [*tests.get("stress", ()), *tests.get("thermal", ()), *parts.get("gpus", ())]
    return any(bool(r.get("simulated")) for r in results)


def _period_document(period: PeriodHistory | None, missing: dict[str, str]) -> dict[str, Any]:
    if period is None or period.start_s is None or period.end_s is None:
        for key in ("start", "end", "seconds"):
            missing[f"period.{key}"] = "no history in this report"
        return {"start": None, "end": None, "seconds": None, "source": period.source if period else None}
    return {
        "start": iso_utc(period.start_s),
        "end": iso_utc(period.end_s),
        "seconds": round(period.end_s - period.start_s, 3),
        "source": period.source,
    }


PdfWriter = Callable[[dict[str, Any], Path], None]


def write_report(document: dict[str, Any], fmt: str, out: Path, pdf_writer: PdfWriter | None = None) -> None:
    """Write `document` as json, html or pdf to `out` atomically; never over an existing file.

    The PDF is drawn with Qt, which this layer may not import: the caller (the CLI, the Reports
    page) hands in `app.ui.report_pdf.write_pdf` as `pdf_writer`."""
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt}: choose json, html or pdf")
    check_writable(out)
    refuse_existing(out)
    try:
        if fmt == "pdf":
            if pdf_writer is None:
                raise UserError("--format pdf needs the window layer's PDF writer (app.ui.report_pdf)")
            _write_pdf(document, out, pdf_writer)
            return
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n" if fmt == "json" else _html(document)
    except (NotImplementedError, ModuleNotFoundError) as error:  # a renderer not in this build yet
        raise UserError(
            f"--format {fmt}: this build cannot render {fmt} yet ({type(error).__name__}); use json"
        ) from None
    with atomic_text_writer(out, replace=False) as handle:
        handle.write(text)


def _html(document: dict[str, Any]) -> str:
    from app.report.html import render_html

    return render_html(document)


def _write_pdf(document: dict[str, Any], out: Path, write_pdf: PdfWriter) -> None:
    """The PDF to a temporary name in the same folder, then linked into place (never replacing)."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~current_umask())
        write_pdf(document, tmp)
        try:
            os.link(tmp, out)
        except FileExistsError:
            refuse_existing(out)
            raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
