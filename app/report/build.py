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
from concurrent.futures import ThreadPoolExecutor
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
from app.report.sections.belonging import ThisMachine
from app.report.sections.period import period_document

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
SIMULATED_HISTORY_LINE = (
    "SIMULATED history: the session files were recorded from simulated GPUs (--demo); this machine's own "
    "inventory, findings and results are real"
)
SIMULATED_RESULTS_LINE = "SIMULATED parts: some results in this report describe simulated hardware (--demo)"


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
    the history from `history` (the window's) or `options.sessions`; redacted when asked.

    The doctor's gathering (seconds: it asks the package manager and every Python interpreter, in
    subprocesses) and the snapshot (two readings 0.5 s apart, for rates) run on threads of their
    own while the history is read; the engine's GPU backend serialises its own reads."""
    wanted = [s for s in SECTION_IDS if s in options.sections]
    missing: dict[str, str] = {}
    graphs: list[dict[str, Any]] = []
    wants_doctor = doctor is None and bool({"software", "summary"} & set(wanted))
    snapshot, period, gathered = _read_in_parallel(engine, options, history, wants_doctor, missing)
    doctor = doctor or gathered
    machine = ThisMachine.from_snapshot(snapshot, engine.simulated)
    parts, tests = _sections(wanted, snapshot, doctor, period, machine, missing, graphs)
    simulated = engine.simulated or bool(period and period.simulated) or _any_simulated(parts.get("gpus"), tests)
    if "summary" in wanted:
        summary = _summary(machine, snapshot, doctor, tests, period, missing)
        if simulated:
            summary["lines"].insert(0, _simulated_line(engine.simulated, period))
        parts = {"summary": summary, **parts}
    hostname = str((snapshot.get("host") or {}).get("hostname") or "this machine")
    document: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "program_version": __version__,
        "generated_at": iso_utc(time.time()),
        "simulated": simulated,
        "redacted": False,
        "title": f"System report: {hostname}" + (" [SIMULATED]" if simulated else ""),
        "period": period_document(period, missing),
        "sections": [{"id": s, "title": SECTION_TITLES[s]} for s in wanted],
        **parts,
        "graphs": graphs,
        "missing": missing,
    }
    return redact_document(document) if options.redact else document


def _read_in_parallel(
    engine: Engine, options: ReportOptions, history: History | None, wants_doctor: bool, missing: dict[str, str]
) -> tuple[dict[str, Any], PeriodHistory | None, DoctorReport | None]:
    """The snapshot, the history and (when wanted) the doctor's answer: the doctor and the snapshot
    on threads of their own while this thread reads the history."""
    side = ThreadPoolExecutor(max_workers=2, thread_name_prefix="report")
    try:
        doctor_run = side.submit(_run_doctor, engine) if wants_doctor else None
        snapshot_read = side.submit(_snapshot, engine)  # half a second asleep between its two readings
        period = _period(options, history, engine)
        snapshot = snapshot_read.result()
        doctor, why = doctor_run.result() if doctor_run is not None else (None, None)
    finally:
        side.shutdown(wait=False, cancel_futures=True)  # Ctrl+C or a bad session: do not wait for the doctor
    if why:
        missing["software"] = why
    return snapshot, period, doctor


def _simulated_line(engine_simulated: bool, period: PeriodHistory | None) -> str:
    if engine_simulated:
        return SIMULATED_LINE
    if period is not None and period.simulated:
        return SIMULATED_HISTORY_LINE
    return SIMULATED_RESULTS_LINE


def _period(options: ReportOptions, history: History | None, engine: Engine) -> PeriodHistory | None:
    if options.sessions:
        return from_sessions(options.sessions, options.since_s)
    if history is not None:
        return from_window(history, options.since_s, engine.simulated, engine.options.time_scale)
    return None


def _snapshot(engine: Engine) -> dict[str, Any]:
    from app.core.snapshot import take_snapshot

    return take_snapshot(engine)


def _run_doctor(engine: Engine) -> tuple[DoctorReport | None, str | None]:
    """The doctor's answer for this machine now; None with the reason if gathering fails."""
    try:
        from app.doctor.gather import gather_facts
        from app.doctor.rules import evaluate

        return evaluate(gather_facts(engine)), None
    except Exception as error:  # the report still tells the rest
        return None, f"the doctor could not run: {type(error).__name__}: {error}"


def _sections(
    wanted: list[str],
    snapshot: dict[str, Any],
    doctor: DoctorReport | None,
    period: PeriodHistory | None,
    machine: ThisMachine,
    missing: dict[str, str],
    graphs: list[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every wanted section but the summary, and the tests (which the summary reads even when
    their section is left out: then their graphs and reasons are not kept)."""
    from app.report.sections.gpus import gpus_section
    from app.report.sections.history import history_section
    from app.report.sections.machine import machine_section
    from app.report.sections.plans import plans_section
    from app.report.sections.software import software_section
    from app.report.sections.tests import tests_section

    parts: dict[str, Any] = {}
    if "machine" in wanted:
        parts["machine"] = machine_section(snapshot, missing)
    if "gpus" in wanted:
        parts["gpus"] = gpus_section(snapshot, missing)
    if "software" in wanted:
        parts["software"] = software_section(doctor) if doctor is not None else None
    tests: dict[str, Any] = {"stress": [], "thermal": [], "left_out": []}
    if "tests" in wanted:
        tests = parts["tests"] = tests_section(missing, graphs, machine)
    elif "summary" in wanted:
        tests = tests_section({}, [], machine)
    if "history" in wanted:
        parts["history"] = history_section(period, missing, graphs, machine)
    if "plans" in wanted:
        parts["plans"] = plans_section(missing, machine.simulated)
    return parts, tests


def _summary(
    machine: ThisMachine,
    snapshot: dict[str, Any],
    doctor: DoctorReport | None,
    tests: dict[str, Any],
    period: PeriodHistory | None,
    missing: dict[str, str],
) -> dict[str, Any]:
    from app.report.sections.history import other_hardware_notes
    from app.report.sections.summary import fit_for, overall, summary_lines
    from app.report.sections.tests import test_lines

    lines, verdicts = test_lines(tests)
    if doctor is None:
        missing.setdefault("summary.doctor", "the doctor's findings are not in this report")
    has_results = bool(tests["stress"] or tests["thermal"])
    notes = [f"History: {note}" for note in other_hardware_notes(period, machine)]
    local = [(str(g["name"]), int(g["vram_total_bytes"])) for g in snapshot["gpus"] if g.get("vram_total_bytes")]
    return {
        "overall": overall(doctor.overall if doctor else None, verdicts),
        "lines": summary_lines(doctor, lines, has_results, notes),
        "fit_for": fit_for(local, machine.simulated, missing),
    }


def _any_simulated(gpus: list[dict[str, Any]] | None, tests: dict[str, Any]) -> bool:
    results = [*tests["stress"], *tests["thermal"], *(gpus or ())]
    return any(bool(r.get("simulated")) for r in results)


PdfWriter = Callable[[dict[str, Any], Path], None]


def write_report(document: dict[str, Any], fmt: str, out: Path, pdf_writer: PdfWriter | None = None) -> None:
    """Write `document` as json, html or pdf to `out` atomically; never over an existing file.

    The PDF is drawn with Qt, which this layer may not import: the caller (the CLI, the Reports
    page) hands in `app.ui.report_pdf.write_pdf` as `pdf_writer`. A write that fails (a full disk,
    a folder that refuses files) is a one-line `UserError` and leaves no file."""
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
        with atomic_text_writer(out, replace=False) as handle:
            handle.write(text)
    except OSError as error:  # ENOSPC, EACCES, EIO, …: the atomic writer has removed its temporary file
        raise UserError(f"cannot write {out}: {error.strerror or error} (no report was written)") from None


def _html(document: dict[str, Any]) -> str:
    from app.report.html import render_html

    return render_html(document)


def _write_pdf(document: dict[str, Any], out: Path, write_pdf: PdfWriter) -> None:
    """The PDF to a temporary name in the same folder, checked whole and on disk, then linked into
    place (never replacing). Qt's PDF writer does not report a failed write (a full disk leaves a
    file cut short, without its trailer), so the file is checked before it gets the user's name."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~current_umask())
        write_pdf(document, tmp)
        check_complete_pdf(tmp, out)
        try:
            os.link(tmp, out)
        except FileExistsError:
            refuse_existing(out)
            raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


PDF_START, PDF_END = b"%PDF-", b"%%EOF"
_TAIL_BYTES = 1024  # the trailer's %%EOF is in the last bytes (the PDF standard allows some after it)


def check_complete_pdf(path: Path, out: Path) -> None:
    """Fail with a `UserError` unless `path` is a whole PDF (it ends with %%EOF), and flush it to the disk."""
    with open(path, "rb+") as handle:
        head = handle.read(len(PDF_START))
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - _TAIL_BYTES))
        if head != PDF_START or PDF_END not in handle.read():
            raise UserError(
                f"cannot write {out}: the PDF came out incomplete ({size} bytes, no end marker); "
                "is the disk full? (no report was written)"
            )
        os.fsync(handle.fileno())
