"""The report as one self-contained HTML file: inline styles, graphs as inline SVG, no script,
no external URL (the only links are #anchors to its own sections), light and printable on A4.

Rendered from the `aiwm.report/1` document alone (app/report/records.py): any key may be missing
or null, and shows "n/a" with the reason the document gives under `missing`; sections and keys
this renderer does not know are shown as plain tables rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.report.html_history import Graphs, history_html
from app.report.html_machine import gpus_html, machine_html, summary_html
from app.report.html_plans import plans_html
from app.report.html_results import software_html, tests_html
from app.report.html_style import STYLE
from app.report.html_values import Missing, esc, utc_text, value_html
from app.report.records import SECTION_IDS

SectionBody = Callable[[Any, Missing, Graphs, Mapping[str, Any]], str]

DEFAULT_TITLES = {
    "summary": "Summary",
    "machine": "Machine",
    "gpus": "GPUs",
    "software": "Software stack",
    "tests": "Stress and cooling tests",
    "history": "History",
    "plans": "Project plans",
}
SIMULATED_TEXT = (
    "SIMULATED: this report holds simulated GPUs or test results (--demo). "
    "Items marked SIMULATED are not readings of real hardware."
)
REDACTED_TEXT = (
    "REDACTED: hostname, user names, home paths, serial numbers, UUIDs, MAC and IP addresses are "
    "replaced by placeholders (the same value always gets the same placeholder)."
)


def render_html(document: dict[str, Any]) -> str:
    """The whole report as HTML: inline styles, graphs as inline SVG, no external URL; prints well."""
    missing = Missing(document.get("missing"))
    graphs = Graphs(document.get("graphs"), simulated=document.get("simulated") is True)
    sections = section_list(document)
    body = "".join(_section_html(sid, title, document, missing, graphs) for sid, title in sections)
    title = esc(report_title(document))
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="AI Workstation Manager {esc(document.get("program_version") or "")}">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{_header_html(document)}{_toc_html(sections)}<main>{body}</main>{_footer_html(document)}"
        f"</body>\n</html>\n"
    )


def report_title(document: Mapping[str, Any]) -> str:
    """The document's title, else one made from the machine's name, so the page is never untitled."""
    if document.get("title"):
        return str(document["title"])
    machine = document.get("machine")
    hostname = machine.get("hostname") if isinstance(machine, Mapping) else None
    return f"System report: {hostname}" if hostname else "System report"


def section_list(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(id, title) in reading order: the document's `sections`, or the known ones it holds."""
    listed = document.get("sections")
    if isinstance(listed, list):
        entries = [s for s in listed if isinstance(s, Mapping) and isinstance(s.get("id"), str)]
        return [(s["id"], str(s.get("title") or DEFAULT_TITLES.get(s["id"], s["id"]))) for s in entries]
    return [(sid, DEFAULT_TITLES[sid]) for sid in SECTION_IDS if sid in document]


def _section_html(sid: str, title: str, document: Mapping[str, Any], missing: Missing, graphs: Graphs) -> str:
    value = document.get(sid)
    render = _RENDERERS.get(sid)
    if value is None:
        body = f"<p>{missing.na(sid)}</p>"
    elif render is None or not isinstance(value, _SHAPES.get(sid, object)):
        body = value_html(sid, value, sid, missing)  # a section this renderer does not know yet
    else:
        body = render(value, missing, graphs, document)
    body += graphs.rest_of(sid)  # graphs of this section that no result or table drew
    return f'<section class="report-section" id="section-{esc(sid)}"><h2>{esc(title)}</h2>{body}</section>\n'


def _header_html(document: Mapping[str, Any]) -> str:
    generated = document.get("generated_at")
    when = utc_text(generated) if isinstance(generated, str) else None
    meta = [
        f"Generated {esc(when or generated or 'at an unknown time')}",
        f"AI Workstation Manager {esc(document.get('program_version') or 'n/a')}",
        f"document {esc(document.get('schema') or 'n/a')}",
    ]
    banners = ""
    if document.get("simulated") is True:
        banners += f'<p class="banner simulated">{esc(SIMULATED_TEXT)}</p>'
    if document.get("redacted") is True:
        banners += f'<p class="banner redacted">{esc(REDACTED_TEXT)}</p>'
    title = esc(report_title(document))
    return f'<header><h1>{title}</h1><p class="meta">{" · ".join(meta)}</p>{banners}</header>\n'


def _toc_html(sections: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#section-{esc(sid)}">{esc(title)}</a></li>' for sid, title in sections)
    return f'<nav class="toc"><h2>Contents</h2><ol>{items}</ol></nav>\n'


def _footer_html(document: Mapping[str, Any]) -> str:
    version = esc(document.get("program_version") or "n/a")
    return f"<footer>AI Workstation Manager {version} · {esc(document.get('schema') or '')}</footer>\n"


_RENDERERS: dict[str, SectionBody] = {
    "summary": lambda v, m, g, d: summary_html(v, m),
    "machine": lambda v, m, g, d: machine_html(v, m),
    "gpus": lambda v, m, g, d: gpus_html(v, m),
    "software": lambda v, m, g, d: software_html(v, m),
    "tests": lambda v, m, g, d: tests_html(v, m, g.figure),
    "history": lambda v, m, g, d: history_html(v, d.get("period"), m, g),
    "plans": lambda v, m, g, d: plans_html(v, m),
}
# The shape each known section must have to get its own layout; any other shape renders generically.
_SHAPES: dict[str, type] = {"gpus": list, "plans": list} | {
    sid: Mapping for sid in ("summary", "machine", "software", "tests", "history")
}
