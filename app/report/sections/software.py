"""The software section: the doctor's facts (`aiwm.facts/1`) and its findings with their fixes."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.doctor.document import facts_document
from app.doctor.records import DoctorReport


def software_section(report: DoctorReport) -> dict[str, Any]:
    return {
        "overall": report.overall,
        "simulated": report.facts.simulated,
        "facts": facts_document(report.facts),
        "findings": [asdict(finding) for finding in report.findings],
    }


def doctor_line(report: DoctorReport) -> str:
    """ "Doctor: WARN (2 warnings, 1 failure)" for the summary."""
    counts = {s: sum(f.status == s for f in report.findings) for s in ("fail", "warn")}
    words = [f"{counts['fail']} failure(s)"] if counts["fail"] else []
    words += [f"{counts['warn']} warning(s)"] if counts["warn"] else []
    detail = f" ({', '.join(words)})" if words else ""
    return f"Doctor: {report.overall.upper()}{detail}"
