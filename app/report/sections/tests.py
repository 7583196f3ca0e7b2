"""The tests section: the latest stress and cooling results per device, from the stress store,
with a graph for each cooling result that carries its readings (most carry metrics only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.report.graphs import graph
from app.report.graphs import series as graph_series

STRESS_SCHEMA = "aiwm.stress/1"
THERMAL_SCHEMA = "aiwm.thermal/1"


def stored_results(schema: str, missing: dict[str, str], path: str) -> list[dict[str, Any]]:
    """Every stored result of `schema`, oldest first; none, with the reason, when the store is absent."""
    try:
        from app.stress.store import past_results

        return list(past_results(schema, None))
    except NotImplementedError:
        missing[path] = "the test result store is not available in this build (app/stress/store.py)"
    except Exception as error:  # an unreadable data folder must not stop the report
        missing[path] = f"stored test results could not be read: {type(error).__name__}: {error}"
    return []


def latest_per_device(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest result of each (kind, device), in device order."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for result in sorted(results, key=lambda r: str(r.get("started_at") or "")):
        latest[(str(result.get("kind", "")), str(result.get("device", "")))] = result
    return [latest[key] for key in sorted(latest)]


def tests_section(missing: dict[str, str], graphs: list[dict[str, Any]]) -> dict[str, Any]:
    stress = latest_per_device(stored_results(STRESS_SCHEMA, missing, "tests.stress"))
    thermal: list[dict[str, Any]] = []
    for result in latest_per_device(stored_results(THERMAL_SCHEMA, missing, "tests.thermal")):
        drawn = thermal_graph(result)
        entry = dict(result)
        entry["graph"] = drawn["id"] if drawn else None
        if drawn:
            graphs.append(drawn)
        else:
            missing[f"tests.thermal[{len(thermal)}].graph"] = (
                "the stored result carries no temperature readings to draw"
            )
        thermal.append(entry)
    return {"stress": stress, "thermal": thermal}


def thermal_graph(result: dict[str, Any]) -> dict[str, Any] | None:
    """The cooling test's temperature over time with its phases as bands, from a `series` it carries."""
    carried = result.get("series") or (result.get("details") or {}).get("series")
    if not isinstance(carried, dict):
        return None
    times = carried.get("t") or carried.get("times_s")
    temps = carried.get("temperature_c")
    if not times or not temps or len(times) != len(temps):
        return None
    import numpy as np

    start = _epoch(result.get("started_at"))
    offset = start if start is not None and float(times[0]) < 1e9 else 0.0  # run-clock seconds: add the start
    t = np.asarray(times, float) + offset
    v = np.asarray([np.nan if x is None else x for x in temps], float)
    bands = [
        {"label": p["phase"], "start": float(p["start_s"]) + (start or 0.0), "end": float(p["end_s"]) + (start or 0.0)}
        for p in result.get("phases") or ()
        if isinstance(p, dict) and {"phase", "start_s", "end_s"} <= p.keys()
    ]
    device = result.get("device", "?")
    return graph(
        f"thermal_{device}",
        "tests",
        f"Cooling test {device}: temperature",
        "°C",
        [graph_series("temperature", t, v)],
        bands,
    )


def _epoch(text: Any) -> float | None:
    if isinstance(text, int | float):
        return float(text)
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def test_lines(section: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Summary lines for the latest results, and their verdicts."""
    lines, verdicts = [], []
    for result in section["thermal"]:
        verdict = str(result.get("verdict") or "unknown")
        lines.append(f"Cooling test {result.get('device')}: {verdict.upper()} ({str(result.get('started_at'))[:10]})")
        verdicts.append(verdict)
    for result in section["stress"]:
        verdict = str(result.get("verdict") or "unknown")
        when = str(result.get("started_at"))[:10]
        lines.append(f"Stress {result.get('kind')} {result.get('device')}: {verdict.upper()} ({when})")
        verdicts.append(verdict)
    return lines, verdicts
