"""A cooling test's graphs, from the series its `aiwm.thermal/1` result carries (`details.series`):
temperature with the GPU's slowdown and max operating temperatures, SM clock, power with its limit,
and the workload's throughput, each with the idle / load / cooldown phases as bands.

The series' times are seconds since the test began (the engine's clock, simulated seconds at a
time scale); the graphs put them on the wall clock from the result's `started_at`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from app.report.graphs import graph
from app.report.graphs import series as graph_series

# key in the carried series -> (graph id suffix, title, unit)
_DRAWN = (
    ("temperature_c", "", "temperature", "°C"),
    ("sm_clock_mhz", "_sm_clock", "SM clock", "MHz"),
    ("power_w", "_power", "power", "W"),
)


def carried_series(result: dict[str, Any]) -> dict[str, Any] | None:
    carried = result.get("series") or (result.get("details") or {}).get("series")
    return carried if isinstance(carried, dict) else None


def thermal_graphs(result: dict[str, Any], gpu: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every graph the result's series allows, the temperature's first; none without a series.
    `gpu` (this machine's GPU the result belongs to) gives the temperature thresholds."""
    carried = carried_series(result)
    if carried is None:
        return []
    start = epoch(result.get("started_at"))
    bands = _bands(result, start)
    device = str(result.get("device", "?"))
    drawn = []
    times: Any = carried.get("t") or carried.get("times_s")
    for key, suffix, title, unit in _DRAWN:
        values: Any = carried.get(key)
        if not _drawable(times, values):
            continue
        thresholds = _thresholds(key, gpu, result)
        drawn.append(
            graph(
                f"thermal_{device}{suffix}",
                "tests",
                f"Cooling test {device}: {title}",
                unit,
                [graph_series(title, _on_wall_clock(times, start), _floats(values))],
                bands,
                thresholds,
            )
        )
    throughput_times: Any = carried.get("throughput_t")
    throughput: Any = carried.get("throughput")
    if _drawable(throughput_times, throughput):
        unit = str(carried.get("throughput_unit") or "")
        drawn.append(
            graph(
                f"thermal_{device}_throughput",
                "tests",
                f"Cooling test {device}: throughput",
                unit or None,
                [graph_series("throughput", _on_wall_clock(throughput_times, start), _floats(throughput))],
                bands,
            )
        )
    return drawn if drawn and drawn[0]["id"] == f"thermal_{device}" else []


def _drawable(times: Any, values: Any) -> bool:
    return isinstance(times, list) and isinstance(values, list) and 0 < len(times) == len(values)


def _floats(values: list[Any]) -> np.ndarray:
    return np.asarray([np.nan if not isinstance(v, int | float) else v for v in values], float)


def _on_wall_clock(times: list[Any], start: float | None) -> np.ndarray:
    t = np.asarray(times, float)
    offset = start if start is not None and t.size and float(t[0]) < 1e9 else 0.0  # run-clock seconds: add the start
    return t + offset


def _bands(result: dict[str, Any], start: float | None) -> list[dict[str, Any]]:
    return [
        {"label": p["phase"], "start": float(p["start_s"]) + (start or 0.0), "end": float(p["end_s"]) + (start or 0.0)}
        for p in result.get("phases") or ()
        if isinstance(p, dict) and {"phase", "start_s", "end_s"} <= p.keys()
    ]


def _thresholds(key: str, gpu: dict[str, Any] | None, result: dict[str, Any]) -> list[dict[str, Any]]:
    if key == "temperature_c" and gpu is not None:
        pairs = (("temp_slowdown_c", "slowdown"), ("temp_max_operating_c", "max operating"))
        return [{"label": label, "value": float(gpu[k])} for k, label in pairs if isinstance(gpu.get(k), int | float)]
    limit = (result.get("details") or {}).get("power_limit_w")
    if key == "power_w" and isinstance(limit, int | float):
        return [{"label": "power limit", "value": float(limit)}]
    return []


def epoch(text: Any) -> float | None:
    if isinstance(text, int | float):
        return float(text)
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
