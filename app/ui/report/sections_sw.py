"""The software and tests sections of the printed report."""

from __future__ import annotations

from typing import Any

from app.report.display import label_of, quantity
from app.ui.report.blocks import Block, Heading, Paragraph, Table
from app.ui.report.text import Values, field, records, verdict


def software_blocks(software: Any, values: Values) -> list[Block]:
    if not isinstance(software, dict):
        return [Paragraph(values.na("software"), muted=True)]
    facts = software.get("facts")
    values = values.with_reasons("software.facts", field(facts, "missing"))  # the facts' own reasons
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
    if isinstance(facts, dict) and not records(facts.get("frameworks")):
        rows.append(["Frameworks", values.na("software.facts.frameworks").replace("n/a", "none", 1)])
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
    for kind, results in (("stress", stress), ("thermal", thermal)):
        for index, result in enumerate(results):
            keys = ("kind", "device") if kind == "stress" else ("device",)
            what = " ".join(str(result[k]) for k in keys if result.get(k))
            name = "Stress test" if kind == "stress" else "Cooling test"
            title = f"{name} {what}: {verdict(result.get('verdict'))}"
            blocks += [Heading(title + _simulated(result), 2), *_result_rows(result, values, f"tests.{kind}[{index}]")]
            blocks += [Paragraph(f"Baseline: {line}") for line in result.get("baseline_comparison") or []]
    return blocks


def _simulated(result: dict[str, Any]) -> str:
    return " (SIMULATED)" if result.get("simulated") else ""


def _result_rows(result: dict[str, Any], values: Values, path: str) -> list[Block]:
    rows = [["Started", values.show(result.get("started_at"), f"{path}.started_at")]]
    if "duration_s" in result:
        rows.append(["Duration", values.show(result.get("duration_s"), f"{path}.duration_s", "s")])
    if result.get("errors") is not None:
        rows.append(["Errors", values.show(result.get("errors"), f"{path}.errors")])
    if result.get("abort_reason"):
        rows.append(["Stopped because", str(result["abort_reason"])])
    metrics = result.get("metrics")
    if isinstance(metrics, dict):  # the same words and units as the HTML report (app/report/display.py)
        rows += [[label_of(str(k)), _metric(str(k), v, values, f"{path}.metrics.{k}")] for k, v in metrics.items()]
    rows += [["Reason", str(reason)] for reason in result.get("reasons") or []]
    return Table((), (1, 2), rows).blocks()


def _metric(key: str, value: Any, values: Values, path: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return quantity(key, value)
    return values.show(value, path)
