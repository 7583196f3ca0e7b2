"""The software, tests, history and plans sections of the printed report."""

from __future__ import annotations

from typing import Any

from app.ui.report.blocks import Block, Heading, Paragraph, Table
from app.ui.report.text import Values, field, records, verdict


def software_blocks(software: Any, values: Values) -> list[Block]:
    if not isinstance(software, dict):
        return [Paragraph(values.na("software"), muted=True)]
    facts = software.get("facts")
    rows = [
        ["Overall", verdict(software.get("overall"))],
        ["NVIDIA driver", values.show(field(facts, "nvidia_driver"), "software.facts.nvidia_driver")],
        ["CUDA toolkit", values.show(field(facts, "cuda_toolkit"), "software.facts.cuda_toolkit")],
        ["cuDNN", values.show(field(facts, "cudnn"), "software.facts.cudnn")],
    ]
    for framework in records(field(facts, "frameworks")):
        built = f"CUDA {framework.get('cuda') or 'n/a'}, cuDNN {framework.get('cudnn') or 'n/a'}"
        arch = ", ".join(str(a) for a in framework.get("arch_list") or []) or "n/a"
        rows.append(
            [
                str(framework.get("name") or "framework"),
                f"{framework.get('version') or 'n/a'} ({built}; built for {arch})",
            ]
        )
    blocks = Table((), (1, 3), rows).blocks()
    findings = records(software.get("findings"))
    blocks.append(Heading("Findings", 2))
    if not findings:
        return [*blocks, Paragraph("no findings", muted=True)]
    table = [
        [verdict(f.get("status")), str(f.get("title") or ""), str(f.get("detail") or ""), str(f.get("fix") or "")]
        for f in findings
    ]
    return blocks + Table(("Status", "Finding", "Detail", "Fix"), (0.7, 2, 2.4, 2), table).blocks()


def test_blocks(tests: Any, values: Values) -> list[Block]:
    stress, thermal = records(field(tests, "stress")), records(field(tests, "thermal"))
    if not stress and not thermal:
        return [Paragraph("no stress or cooling test results stored", muted=True)]
    blocks: list[Block] = []
    for result in stress:
        title = f"Stress test {result.get('kind') or ''} {result.get('device') or ''}: {verdict(result.get('verdict'))}"
        blocks += [Heading(title + _simulated(result), 2), *_result_rows(result, values)]
    for result in thermal:
        title = f"Cooling test {result.get('device') or ''}: {verdict(result.get('verdict'))}"
        blocks += [Heading(title + _simulated(result), 2), *_result_rows(result, values)]
        blocks += [Paragraph(f"Baseline: {line}") for line in result.get("baseline_comparison") or []]
    return blocks


def _simulated(result: dict[str, Any]) -> str:
    return " (SIMULATED)" if result.get("simulated") else ""


def _result_rows(result: dict[str, Any], values: Values) -> list[Block]:
    rows = [["Started", values.show(result.get("started_at"), "started_at")]]
    if "duration_s" in result:
        rows.append(["Duration", values.show(result.get("duration_s"), "duration_s", "s")])
    if result.get("errors") is not None:
        rows.append(["Errors", values.show(result.get("errors"), "errors")])
    if result.get("abort_reason"):
        rows.append(["Stopped because", str(result["abort_reason"])])
    metrics = result.get("metrics")
    rows += (
        [[str(k), "n/a" if v is None else values.show(v, k)] for k, v in (metrics or {}).items()]
        if isinstance(metrics, dict)
        else []
    )
    rows += [["Reason", str(reason)] for reason in result.get("reasons") or []]
    return Table((), (1, 2), rows).blocks()


def history_blocks(history: Any, values: Values) -> list[Block]:
    metrics = records(field(history, "metrics"))
    blocks: list[Block] = []
    if metrics:
        rows = [
            [
                str(m.get("label") or m.get("name") or ""),
                str(m.get("unit") or ""),
                *(values.show(m.get(k), f"history.{m.get('name')}.{k}") for k in ("min", "mean", "max", "samples")),
            ]
            for m in metrics
        ]
        blocks += Table(("Metric", "Unit", "Min", "Mean", "Max", "Samples"), (3, 0.8, 1, 1, 1, 1), rows).blocks()
    else:
        blocks.append(Paragraph("no history in this period", muted=True))
    alerts = records(field(history, "alerts"))
    blocks.append(Heading("Alerts", 2))
    if not alerts:
        return [*blocks, Paragraph("no alerts in this period", muted=True)]
    rows = [[str(a.get("time") or "n/a"), str(a.get("severity") or ""), str(a.get("message") or "")] for a in alerts]
    return blocks + Table(("Time (UTC)", "Severity", "Alert"), (1.4, 0.8, 4), rows).blocks()


def plan_blocks(plans: Any, values: Values) -> list[Block]:
    stored = records(plans)
    if not stored:
        return [Paragraph("no plans saved", muted=True)]
    rows = []
    for plan in stored:
        recommendation = plan.get("recommendation")
        reasons = "; ".join(str(r) for r in field(recommendation, "reasons") or [])
        rows.append(
            [
                str(plan.get("model") or "n/a"),
                str(plan.get("workload") or "n/a"),
                str(field(recommendation, "kind") or "n/a"),
                reasons,
            ]
        )
    return Table(("Model", "Workload", "Recommendation", "Why"), (1.5, 1, 1.5, 3), rows).blocks()
