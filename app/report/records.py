"""The report document (`aiwm.report/1`): its top-level keys, shared by the builder, the
renderers (HTML here, PDF in the window layer) and the Reports page.

`tests/data/report/example_report.json` is a complete example; `resources/report.schema.json`
(the JSON Schema, written with the builder) is the authority. Top level:

- schema, program_version, generated_at (UTC ISO-8601), simulated, redacted, title
- period: {start, end, seconds, source}: the history's span and where it came from
- sections: [{id, title}] in reading order; a section left out is absent from the list and its key
- summary: {overall: pass|warn|fail|unknown, lines: [...], fit_for: [...]}
- machine: {hostname, os, user, cpu, memory, storage: [...], network: [...]}
- gpus: [full inventory per GPU]
- software: {overall, facts (aiwm.facts/1), findings: [{id, status, title, detail, fix}]}
- tests: {stress: [aiwm.stress/1 ...], thermal: [aiwm.thermal/1 ... with "graph": graph id]}
- history: {metrics: [{name, label, unit, description, min, mean, max, samples}], alerts: [...]}
- plans: [aiwm.plan/1 ...]
- graphs: [{id, section, title, unit, series: [{label, t: [epoch s], v: [number|null]}],
           bands: [{label, start, end}], thresholds: [{label, value}]}]: every graph as data, so
           each renderer draws it its own way (SVG in HTML, QPainter in PDF)
- missing: {path: why} for every null
"""

from __future__ import annotations

REPORT_SCHEMA = "aiwm.report/1"
SECTION_IDS = ("summary", "machine", "gpus", "software", "tests", "history", "plans")
