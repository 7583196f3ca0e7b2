"""The smoke test's checks that need no Qt: the doctor's answer, and the report files on disk.

Each check raises `SmokeFailure` with one line saying what is wrong; the child prints it as the
step's FAILED line.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from app.core.engine import Engine
from app.doctor.records import DOCTOR_SCHEMA, DoctorReport
from app.report.records import REPORT_SCHEMA

REPORT_FORMATS = ("json", "html", "pdf")


class SmokeFailure(Exception):
    """One smoke step did not do what it should; the message is the one-line reason."""


def run_doctor(engine: Engine) -> DoctorReport:
    """The doctor on `engine` (gather + evaluate), checked through its `aiwm.doctor/1` document."""
    from app.doctor.document import doctor_document
    from app.doctor.gather import gather_facts
    from app.doctor.rules import evaluate

    report = evaluate(gather_facts(engine))
    check_doctor_document(json.loads(json.dumps(doctor_document(report))), simulated=engine.simulated)
    return report


def check_doctor_document(doc: dict[str, Any], simulated: bool) -> None:
    """The doctor's document has its schema, an overall status, findings, and says SIMULATED when it is."""
    if doc.get("schema") != DOCTOR_SCHEMA:
        raise SmokeFailure(f"the doctor's document has schema {doc.get('schema')!r}, not {DOCTOR_SCHEMA}")
    if doc.get("overall") not in ("pass", "warn", "fail"):
        raise SmokeFailure(f"the doctor's overall status is {doc.get('overall')!r}")
    if not doc.get("findings"):
        raise SmokeFailure("the doctor made no findings")
    if doc.get("simulated") is not simulated:
        raise SmokeFailure(f"the doctor's document says simulated={doc.get('simulated')!r} for simulated={simulated}")


def report_paths(folder: Path) -> dict[str, Path]:
    """Where each format of the report goes in `folder`."""
    return {fmt: folder / f"report.{fmt}" for fmt in REPORT_FORMATS}


def check_report_files(paths: dict[str, Path], title: str, simulated: bool) -> None:
    """Each report file exists and parses: JSON with schema aiwm.report/1 that says whether it is
    SIMULATED, HTML with the title, a PDF."""
    for fmt in REPORT_FORMATS:
        if fmt not in paths or not paths[fmt].is_file():
            raise SmokeFailure(f"the {fmt} report was not written")
    try:
        doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SmokeFailure(f"the JSON report does not parse: {error}") from None
    if not isinstance(doc, dict) or doc.get("schema") != REPORT_SCHEMA:
        raise SmokeFailure(f"the JSON report's schema is not {REPORT_SCHEMA}")
    if doc.get("simulated") is not simulated:
        raise SmokeFailure(f"the JSON report says simulated={doc.get('simulated')!r} for simulated={simulated}")
    if doc.get("title") != title:
        raise SmokeFailure(f"the JSON report's title is {doc.get('title')!r}, not {title!r}")
    page = paths["html"].read_text(encoding="utf-8", errors="replace")
    if f"<title>{html.escape(title)}</title>" not in page:
        raise SmokeFailure(f"the HTML report has no <title> {title!r}")
    check_pdf(paths["pdf"].read_bytes())


def check_pdf(data: bytes) -> None:
    """A whole PDF file: the `%PDF-` header and, at its end, the `%%EOF` marker (ISO 32000-1, 7.5.2 and 7.5.5)."""
    if not data.startswith(b"%PDF-"):
        raise SmokeFailure("the PDF report does not start with %PDF-")
    if b"%%EOF" not in data[-1024:]:
        raise SmokeFailure("the PDF report does not end with %%EOF (cut short?)")
