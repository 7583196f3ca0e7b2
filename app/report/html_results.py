"""The software and tests sections of the HTML report: the doctor's facts and findings, and the
stress and cooling test results with their verdicts, metrics, baseline and graphs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.report.html_values import (
    Missing,
    bullets,
    esc,
    extra_keys,
    key_value_table,
    pairs_table,
    simulated_mark,
    status_badge,
    value_html,
)

FINDING_ORDER = ("fail", "warn", "info", "skip", "pass")
GROUP_TITLES = {"fail": "Failed", "warn": "Warnings", "info": "Information", "skip": "Skipped", "pass": "Passed"}
RESULT_SHOWN = ("schema", "kind", "device", "verdict", "reasons", "metrics", "baseline_comparison", "simulated",
                "graph", "started_at", "duration_s", "errors", "abort_reason")  # fmt: skip

GraphFigure = Callable[[str], str]  # a graph id → its <figure>, or "" when the document has none


def software_html(software: Mapping[str, Any], missing: Missing) -> str:
    """The overall state, the facts (versions, libraries, devices), and the findings by status."""
    parts = [f'<p class="overall {esc(software.get("overall") or "unknown")}">Doctor: '
             f"{status_badge(software.get('overall'))}</p>"]  # fmt: skip
    facts = software.get("facts")
    parts.append("<h3>Facts</h3>")
    parts.append(facts_html(facts, missing) if isinstance(facts, Mapping)
                 else value_html("facts", facts, "software.facts", missing))  # fmt: skip
    parts.append("<h3>Findings</h3>" + findings_html(software.get("findings"), missing))
    parts.append(extra_keys(software, ("overall", "facts", "findings"), "software", missing))
    return "".join(parts)


def facts_html(facts: Mapping[str, Any], missing: Missing) -> str:
    """The doctor's facts in words ("PCIe generation now", "Firewall active"); a null or empty fact
    gives the reason from the facts' own `missing` map, which is not shown as a table of its own."""
    reasons = missing.with_reasons("software.facts", facts.get("missing"))
    if "nvml_error" in facts and facts["nvml_error"] is None and not reasons.why("software.facts.nvml_error"):
        facts = {**facts, "nvml_error": "none"}  # null here means NVML answered, not that the error is unknown
    return key_value_table(facts, "software.facts", reasons, skip=("schema", "missing"))


def findings_html(findings: Any, missing: Missing) -> str:
    """Findings grouped fail, warn, info, skip, pass (any other status last), in document order within."""
    if not isinstance(findings, list):
        return f"<p>{missing.na('software.findings')}</p>"
    if not findings:
        return '<p class="none">No findings.</p>'
    indexed = [(i, f) for i, f in enumerate(findings) if isinstance(f, Mapping)]
    statuses = [*FINDING_ORDER, *sorted({str(f.get("status")) for _, f in indexed} - set(FINDING_ORDER))]
    parts = []
    for status in statuses:
        group = [(i, f) for i, f in indexed if str(f.get("status")) == status]
        if group:
            title = GROUP_TITLES.get(status, status)
            parts.append(f"<h4>{status_badge(status)} {esc(title)} ({len(group)})</h4>")
            parts += [_finding_html(f, f"software.findings[{i}]", missing) for i, f in group]
    return "".join(parts)


def tests_html(tests: Mapping[str, Any], missing: Missing, figure: GraphFigure) -> str:
    """Every stress and cooling test result, each with its graph when the document has one."""
    parts = []
    for key, title, name in (("stress", "Stress tests", "Stress test"), ("thermal", "Cooling tests", "Cooling test")):
        results = tests.get(key)
        parts.append(f"<h3>{title}</h3>")
        if not isinstance(results, list) or not results:
            reason = missing.na(f"tests.{key}") if results is None else '<span class="none">none</span>'
            parts.append(f"<p>{reason}</p>")
            continue
        parts += [_result_html(r, name, f"tests.{key}[{i}]", missing, figure) for i, r in enumerate(results)]
    parts.append(extra_keys(tests, ("stress", "thermal"), "tests", missing))
    return "".join(parts)


def _finding_html(finding: Mapping[str, Any], path: str, missing: Missing) -> str:
    fix = finding.get("fix")
    fix_html = f"<div>Fix:</div><pre>{esc(fix)}</pre>" if fix else ""
    detail = finding.get("detail")
    detail_html = f"<pre>{esc(detail)}</pre>" if detail is not None else f"<p>{missing.na(f'{path}.detail')}</p>"
    shown = ("id", "status", "title", "detail", "fix")
    return (
        f'<div class="finding">{status_badge(finding.get("status"))} <strong>{esc(finding.get("title") or "")}</strong>'
        f' <code class="id">{esc(finding.get("id") or "")}</code>{detail_html}{fix_html}'
        f"{extra_keys(finding, shown, path, missing)}</div>"
    )


def _result_html(result: Any, name: str, path: str, missing: Missing, figure: GraphFigure) -> str:
    """One result: heading with verdict and SIMULATED mark, facts, reasons, metrics, baseline, graph."""
    if not isinstance(result, Mapping):
        return f"<p>{value_html('result', result, path, missing)}</p>"
    what = " ".join(str(result[k]) for k in ("kind", "device") if result.get(k))
    verdict = status_badge(result.get("verdict"))
    heading = f"<h4>{esc(name)}: {esc(what or 'unnamed')} {verdict}{simulated_mark(result)}</h4>"
    facts = [
        (label, value_html(key, result.get(key), f"{path}.{key}", missing))
        for key, label in (("started_at", "Started"), ("duration_s", "Duration"), ("errors", "Errors"))
        if key in result
    ]
    if "abort_reason" in result:  # null here means the test ran to its end, not that a value is unknown
        reason = result.get("abort_reason")
        facts.append(("Aborted", f"yes: {esc(reason)}" if reason else "no, it ran to its planned end"))
    parts = [heading, pairs_table(facts) if facts else ""]
    parts.append("<h5>Why this verdict</h5>" + bullets(result.get("reasons"), f"{path}.reasons", missing))
    metrics = result.get("metrics")
    parts.append("<h5>Metrics</h5>" + (key_value_table(metrics, f"{path}.metrics", missing)
                                       if isinstance(metrics, Mapping) else missing.na(f"{path}.metrics")))  # fmt: skip
    if "baseline_comparison" in result:
        comparison = bullets(result.get("baseline_comparison"), f"{path}.baseline_comparison", missing)
        parts.append("<h5>Compared with the baseline</h5>" + comparison)
    if isinstance(result.get("graph"), str):
        parts.append(figure(result["graph"]) or f"<p>Graph: {missing.na(f'{path}.graph')}</p>")
    parts.append(extra_keys(result, RESULT_SHOWN, path, missing))
    return f'<div class="result">{"".join(parts)}</div>'
