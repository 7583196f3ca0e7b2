"""The history section: min / mean / max of every metric over the period, the alerts raised,
and graphs of the metrics a reader looks at first (GPU temperature, power, use, VRAM; CPU, memory)."""

from __future__ import annotations

import re
from typing import Any

from app.core.clock import iso_utc
from app.core.metric_catalog import lookup
from app.report.graphs import graph, series
from app.report.history import PeriodHistory, label_of, metric_summary
from app.report.sections.belonging import ThisMachine

NO_HISTORY = (
    "no history: give --session FILE (recorded with 'aiwm record --out FILE --duration S'), "
    "or make the report from the window's Reports page, which uses the window's history"
)
GRAPHED = re.compile(
    r"gpu\d+\.(temperature_c|power_w|util_percent|vram_used_bytes|sm_clock_mhz)|cpu\.util_percent|mem\.used_bytes"
)
_SKIPPED = re.compile(r"cpu\.core\d+\.")  # one row per core would drown the table; the CPU's total is kept


def history_section(
    period: PeriodHistory | None,
    missing: dict[str, str],
    graphs: list[dict[str, Any]],
    machine: ThisMachine | None = None,
) -> dict[str, Any]:
    if period is None:
        missing["history"] = NO_HISTORY
        return {"metrics": [], "alerts": [], "note": NO_HISTORY, "notes": []}
    metrics = []
    for name in sorted(period.metrics):
        if _SKIPPED.match(name):
            continue
        summary = metric_summary(period.metrics[name])
        if summary is None:
            missing[f"history.metrics:{name}"] = "no reading of this metric in the period"
            continue
        metrics.append(summary)
        if summary["kind"] == "counter":
            for key in ("min", "mean", "max"):
                missing[f"history.metrics:{name}.{key}"] = "a cumulative counter: its increase over the period is given"
        if GRAPHED.fullmatch(name):
            graphs.append(_graph(period, name))
    alerts = [
        {"time": iso_utc(a.wall_s), "event": a.kind, "message": a.message, "severity": None} for a in period.alerts
    ]
    if alerts:
        missing["history.alerts[].severity"] = "session files keep an alert's time and message, not its severity"
    notes = other_hardware_notes(period, machine) if machine is not None else []
    return {"metrics": metrics, "alerts": alerts, "notes": notes}


def other_hardware_notes(period: PeriodHistory | None, machine: ThisMachine) -> list[str]:
    """One line per GPU of the sessions that is not this machine's GPU of the same index (by UUID)."""
    notes = []
    for gpu in period.inventory_gpus if period is not None else ():
        index, uuid = gpu.get("index"), gpu.get("uuid")
        mine = machine.gpus.get(index) if isinstance(index, int) else None
        what = f"{gpu.get('name') or 'a GPU'} ({uuid})"
        if mine is None:
            notes.append(f"the sessions' GPU {index} is {what}; this machine has no GPU {index}")
        elif uuid and mine.get("uuid") and uuid != mine["uuid"]:
            notes.append(
                f"the sessions' GPU {index} is {what}, not this machine's GPU {index} "
                f"({mine.get('name')}, {mine['uuid']}): the history was recorded on other hardware"
            )
    return notes


def _graph(period: PeriodHistory, name: str) -> dict[str, Any]:
    metric = period.metrics[name]
    spec = lookup(name)
    return graph(
        name.replace(".", "_"),
        "history",
        label_of(name),
        spec.unit if spec else None,
        [series(label_of(name), metric.times_s, metric.values)],
        thresholds=_thresholds(period, name),
    )


def _thresholds(period: PeriodHistory, name: str) -> list[dict[str, Any]]:
    """The GPU's own slowdown and shutdown temperatures on its temperature graph, from the session's inventory."""
    match = re.fullmatch(r"gpu(\d+)\.temperature_c", name)
    if not match:
        return []
    gpu = next((g for g in period.inventory_gpus if g.get("index") == int(match.group(1))), {})
    return [
        {"label": label, "value": gpu[key]}
        for key, label in (("temp_slowdown_c", "slowdown"), ("temp_shutdown_c", "shutdown"))
        if isinstance(gpu.get(key), int | float)
    ]
