"""The smoke test's checks of the doctor's document and of the report files, on hand-made inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.smoke.checks import SmokeFailure, check_doctor_document, check_pdf, check_report_files, report_paths

TITLE = "System report: lab-7 & co [SIMULATED]"
# The smallest PDF a writer may produce: header, one object, cross-reference table, trailer, %%EOF
# (ISO 32000-1 section 7.5); QPdfWriter ends its files with "%%EOF\n".
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _report(folder: Path, json_doc: Any = None, page: str | None = None, pdf: bytes = PDF) -> dict[str, Path]:
    paths = report_paths(folder)
    doc = {"schema": "aiwm.report/1", "title": TITLE, "simulated": True} if json_doc is None else json_doc
    paths["json"].write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    # the HTML writer escapes the title: & becomes &amp;
    default_page = "<!DOCTYPE html>\n<html><head><title>System report: lab-7 &amp; co [SIMULATED]</title></head></html>"
    paths["html"].write_text(default_page if page is None else page, encoding="utf-8")
    paths["pdf"].write_bytes(pdf)
    return paths


def test_a_whole_report_passes(tmp_path: Path) -> None:
    paths = _report(tmp_path)
    assert sorted(p.name for p in paths.values()) == ["report.html", "report.json", "report.pdf"]
    check_report_files(paths, TITLE, simulated=True)


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ({"json_doc": '{"schema": "aiwm.report/1", '}, "does not parse"),
        ({"json_doc": {"schema": "aiwm.report/2", "title": TITLE}}, "schema is not aiwm.report/1"),
        ({"json_doc": ["aiwm.report/1"]}, "schema is not aiwm.report/1"),
        ({"json_doc": {"schema": "aiwm.report/1", "title": "System report: lab-7", "simulated": True}}, "title"),
        ({"json_doc": {"schema": "aiwm.report/1", "title": TITLE, "simulated": False}}, "simulated=False"),
        ({"json_doc": {"schema": "aiwm.report/1", "title": TITLE}}, "simulated=None"),
        ({"json_doc": {"schema": "aiwm.report/1", "title": TITLE, "simulated": "yes"}}, "simulated='yes'"),
        ({"page": "<html><head><title>System report: lab-7 & co [SIMULATED]</title>"}, "HTML report has no <title>"),
        ({"page": "<html><body>System report: lab-7 &amp; co [SIMULATED]</body>"}, "HTML report has no <title>"),
        ({"pdf": b""}, "does not start with %PDF-"),
        ({"pdf": b"<html>%PDF-1.4\n%%EOF\n"}, "does not start with %PDF-"),
        ({"pdf": PDF[:-7]}, "does not end with %%EOF"),
        ({"pdf": PDF + b"x" * 2000}, "does not end with %%EOF"),
    ],
)
def test_a_report_file_that_does_not_parse_fails_with_the_reason(
    tmp_path: Path, broken: dict[str, Any], reason: str
) -> None:
    with pytest.raises(SmokeFailure, match=re.escape(reason)):
        check_report_files(_report(tmp_path, **broken), TITLE, simulated=True)


@pytest.mark.parametrize("fmt", ["json", "html", "pdf"])
def test_a_missing_report_file_fails(tmp_path: Path, fmt: str) -> None:
    paths = _report(tmp_path)
    paths[fmt].unlink()
    with pytest.raises(SmokeFailure, match=f"the {fmt} report was not written"):
        check_report_files(paths, TITLE, simulated=True)


def test_a_pdf_with_an_incremental_update_still_ends_with_eof() -> None:
    check_pdf(PDF + b"1 0 obj\n<< >>\nendobj\nxref\n0 1\ntrailer\n<< /Prev 0 >>\n%%EOF\r\n")


DOCTOR = {"schema": "aiwm.doctor/1", "overall": "warn", "simulated": True, "findings": [{"id": "driver"}]}


def test_a_simulated_doctor_document_passes() -> None:
    check_doctor_document(DOCTOR, simulated=True)


@pytest.mark.parametrize(
    ("change", "simulated", "reason"),
    [
        ({"schema": "aiwm.facts/1"}, True, "schema"),
        ({"overall": "unknown"}, True, "overall status"),
        ({"overall": None}, True, "overall status"),
        ({"findings": []}, True, "no findings"),
        ({}, False, "simulated=True for simulated=False"),
        ({"simulated": False}, True, "simulated=False for simulated=True"),
        ({"simulated": 1}, True, "simulated=1 for simulated=True"),
    ],
)
def test_a_wrong_doctor_document_fails(change: dict[str, Any], simulated: bool, reason: str) -> None:
    with pytest.raises(SmokeFailure, match=reason):
        check_doctor_document({**DOCTOR, **change}, simulated=simulated)
