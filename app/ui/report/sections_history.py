"""The history and plans sections of the printed report, in the words and units of the HTML report
(app/report/display_history.py, app/report/display_plans.py)."""

from __future__ import annotations

from typing import Any

from app.report.display import scalar_text
from app.report.display_history import (
    STATS,
    alert_columns,
    alert_reason_path,
    clock_events,
    metric_extras,
    metric_title,
    shared_null_notes,
    split_metrics,
    stat_text,
)
from app.report.display_plans import OPTION_COLUMNS, plan_text
from app.ui.report.blocks import Block, Heading, Paragraph, Table
from app.ui.report.text import Values, field, records


def history_blocks(history: Any, values: Values) -> list[Block]:
    """Min / mean / max per metric with units; the clock-event reasons ever active; the alerts."""
    metrics = field(history, "metrics")
    levels, flags = split_metrics(metrics if isinstance(metrics, list) else [])
    blocks: list[Block] = []
    if levels:
        rows = [[_metric_name(m), *(_stat(m, k, values, i) for k in STATS), _samples(m, values, i)] for i, m in levels]
        blocks += Table(("Metric", "Min", "Mean", "Max", "Samples"), (3, 1, 1, 1, 0.8), rows).blocks()
    else:
        blocks.append(Paragraph("no history in this period", muted=True))
    if flags:
        blocks += _clock_event_blocks(flags)
    blocks.append(Heading("Alerts", 2))
    return blocks + _alert_blocks(field(history, "alerts"), values)


def _metric_name(metric: Any) -> str:
    extras = "".join(f"\n{label}: {text}" for label, text in metric_extras(metric))
    return f"{metric_title(metric)}{extras}"


def _stat(metric: Any, key: str, values: Values, index: int) -> str:
    text = stat_text(metric, key)
    return text if text is not None else values.show(metric.get(key), f"history.metrics[{index}].{key}")


def _samples(metric: Any, values: Values, index: int) -> str:
    return values.show(metric.get("samples"), f"history.metrics[{index}].samples")


def _clock_event_blocks(flags: list[Any]) -> list[Block]:
    events = clock_events(flags)
    blocks: list[Block] = [Heading("Clock-event reasons", 2)]
    if events.active:
        rows = [[r.device, r.reason, r.active_text, r.meaning] for r in events.active]
        blocks += Table(("GPU", "Reason", "Time active", "Meaning"), (0.6, 1.6, 0.9, 3), rows).blocks()
    else:
        blocks.append(Paragraph("No clock-event reason was active in this period.", muted=True))
    if events.never_text():
        blocks.append(Paragraph(events.never_text(), muted=True))
    return blocks


def _alert_blocks(alerts: Any, values: Values) -> list[Block]:
    listed = records(alerts)
    if not listed:
        return [Paragraph(values.na("history.alerts") if alerts is None else "no alerts in this period", muted=True)]
    columns = alert_columns(listed)
    rows = [[_alert_cell(alert, i, key, values) for key, _ in columns] for i, alert in enumerate(listed)]
    widths = [{"time": 2.1, "message": 4.0}.get(key, 0.8) for key, _ in columns]
    notes = [Paragraph(note, muted=True) for note in shared_null_notes(listed, values.why)]
    return [*Table([title for _, title in columns], widths, rows).blocks(), *notes]


def _alert_cell(alert: dict[str, Any], index: int, key: str, values: Values) -> str:
    """The value as the HTML report shows it (UTC times as "2026-11-28 15:49:30 UTC"); a null gives
    this alert's reason, or "n/a" when the reason is all alerts' (said once, under the table)."""
    value = alert.get(key)
    if value is not None:
        return scalar_text(key, value) if not isinstance(value, list | dict) else values.show(value, key)
    own, _ = alert_reason_path(index, key)
    return values.na(own)


def plan_blocks(plans: Any, values: Values) -> list[Block]:
    """Each plan: model and work as a heading, the recommendation and why, memory, the options compared."""
    stored = records(plans)
    if not stored:
        return [Paragraph("no plans saved", muted=True)]
    blocks: list[Block] = []
    for index, plan in enumerate(stored):
        text = plan_text(plan)
        mark = " (SIMULATED)" if plan.get("simulated") else ""
        blocks.append(Heading(f"{text.model}: {text.work}{mark}", 2))
        recommendation = (
            text.recommendation if plan.get("recommendation") else values.na(f"plans[{index}].recommendation")
        )
        rows = [["Recommendation", recommendation], ["Memory needed", text.memory], ["Compute", text.compute]]
        rows += [["Why", reason] for reason in text.reasons]
        rows += [["Warning", warning] for warning in text.warnings]
        blocks += Table((), (1, 3), rows).blocks()
        if text.options:
            blocks += Table(OPTION_COLUMNS, (0.8, 2, 0.5, 0.6, 0.9, 0.6, 2.4), [list(r) for r in text.options]).blocks()
        blocks += [Paragraph(note, muted=True) for note in text.footnotes]
    return blocks
