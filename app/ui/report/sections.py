"""The report document (`aiwm.report/1`) as blocks for the pages, section by section.

Each known section has its own layout; a section this version does not know (added later by
another capability) is still printed, as its keys and values. Graphs follow the section they
belong to (`graphs[].section`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from app.report.display import label_of
from app.ui.report.blocks import Banner, Block, Drawing, Heading, Paragraph, Spacer, Table
from app.ui.report.graph import draw_graph
from app.ui.report.sections_history import history_blocks, plan_blocks
from app.ui.report.sections_hw import gpu_blocks, machine_blocks
from app.ui.report.sections_sw import software_blocks, test_blocks
from app.ui.report.text import Values, field, records, verdict

SIMULATED_COLOR = "#b45309"
REDACTED_COLOR = "#374151"
GRAPH_PT = 200.0
VERDICT_COLORS = {"pass": "#15803d", "warn": "#b45309", "fail": "#b91c1c"}

SectionLayout = Callable[[Any, Values], list[Block]]


def summary_blocks(summary: Any, values: Values) -> list[Block]:
    overall = field(summary, "overall")
    blocks: list[Block] = [Banner(f"Overall: {verdict(overall)}", VERDICT_COLORS.get(str(overall), "#4b5563"))]
    blocks += [Paragraph(f"• {line_text(line)}", indent_pt=6) for line in field(summary, "lines") or []]
    fit_for = field(summary, "fit_for")
    blocks.append(Paragraph("Fit for:", bold=True, keep_with_next=True))  # always: an empty list says why
    if isinstance(fit_for, list) and fit_for:
        blocks += [Paragraph(f"• {line_text(line)}", indent_pt=6) for line in fit_for]
    elif isinstance(fit_for, list):
        reason = values.why("summary.fit_for") or "the report gives no reason"
        blocks.append(Paragraph(f"nothing listed ({reason})", muted=True, indent_pt=6))
    else:
        blocks.append(Paragraph(values.na("summary.fit_for"), muted=True, indent_pt=6))
    return blocks


def line_text(line: Any) -> str:
    """A summary line as text; a line a later builder gives as an object reads as its fields."""
    if isinstance(line, dict):
        text = line.get("text") or line.get("line")
        return str(text) if text else "; ".join(f"{label_of(str(k))}: {v}" for k, v in line.items())
    return "n/a" if line is None else str(line)


LAYOUTS: dict[str, SectionLayout] = {
    "summary": summary_blocks,
    "machine": machine_blocks,
    "gpus": gpu_blocks,
    "software": software_blocks,
    "tests": test_blocks,
    "history": history_blocks,
    "plans": plan_blocks,
}


def document_blocks(document: dict[str, Any]) -> list[Block]:
    """The whole document in reading order: title, marks, then each listed section and its graphs."""
    values = Values(document)
    blocks = _title_blocks(document)
    for section in records(document.get("sections")):
        key = str(section.get("id") or "")
        blocks.append(Heading(str(section.get("title") or key)))
        layout = LAYOUTS.get(key, generic_blocks)
        blocks += layout(document.get(key), values)
        blocks += graph_blocks(document, key)
    return blocks


def _title_blocks(document: dict[str, Any]) -> list[Block]:
    title = str(document.get("title") or "System report")
    period = document.get("period")
    meta = [
        f"Generated {document.get('generated_at') or 'n/a'} (UTC) by aiwm {document.get('program_version') or 'n/a'}",
        f"Period: {field(period, 'start') or 'n/a'} to {field(period, 'end') or 'n/a'}"
        + (f" ({field(period, 'source')})" if field(period, "source") else ""),
    ]
    blocks: list[Block] = [Paragraph(title, bold=True, size_pt=18), *(Paragraph(m, muted=True) for m in meta)]
    if document.get("simulated"):
        blocks.append(
            Banner(
                "SIMULATED: readings in this report come from simulated GPUs (--demo), not real hardware",
                SIMULATED_COLOR,
            )
        )
    if document.get("redacted"):
        blocks.append(
            Banner(
                "REDACTED: host and user names, paths, serials, UUIDs, MAC and IP addresses are placeholders",
                REDACTED_COLOR,
            )
        )
    return blocks


def graph_blocks(document: dict[str, Any], section: str) -> list[Block]:
    """The section's graphs; each marked SIMULATED by its own `simulated`, else by the document's."""
    graphs = [g for g in records(document.get("graphs")) if g.get("section") == section]
    simulated = document.get("simulated") is True
    return [Drawing(partial(_paint_graph, graph=g, simulated=_own_flag(g, simulated)), GRAPH_PT) for g in graphs]


def _own_flag(graph: dict[str, Any], document_flag: bool) -> bool:
    own = graph.get("simulated")
    return own if isinstance(own, bool) else document_flag


def _paint_graph(painter: Any, rect: Any, graph: dict[str, Any], simulated: bool) -> None:
    draw_graph(painter, rect, graph, simulated)


def generic_blocks(content: Any, values: Values) -> list[Block]:
    """A section this renderer has no layout for: its values flattened into rows (path, value)."""
    rows = [(path, text) for path, text in _flatten(content, "")]
    if not rows:
        return [Paragraph("nothing recorded", muted=True)]
    return [*Table(("Item", "Value"), (2, 3), [list(r) for r in rows[:200]]).blocks(), Spacer(4)]


def _flatten(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in _flatten(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [row for i, item in enumerate(value) for row in _flatten(item, f"{path}[{i}]")]
    return [(path or "value", "n/a" if value is None else Values({}).show(value, path))]
