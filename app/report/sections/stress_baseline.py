"""A stress result against the previous passing run of the same kind on the same device: "71.2
TFLOPS, 2 % below your earlier 72.6 (2026-11-01)". Only kinds that measure a speed compare; the
VRAM and RAM tests count errors, and their amount tested depends on how long they ran."""

from __future__ import annotations

from typing import Any

from app.report.sections.belonging import result_uuid

# kind -> (metric, unit shown, divisor from the metric's unit to the one shown)
SPEEDS: dict[str, tuple[str, str, float]] = {
    "gpu": ("tflops", "TFLOPS", 1.0),
    "cpu": ("gflops", "GFLOPS", 1.0),
    "disk": ("seq_read_bytes_per_s", "MB/s sequential read", 1e6),
}


def stress_baseline(result: dict[str, Any], earlier: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
    """The comparison with the newest passing run before `result` of the same kind, device (and GPU
    UUID where both recorded one); or None and why there is none."""
    kind = str(result.get("kind") or "")
    if kind not in SPEEDS:
        return None, f"the {kind or 'unknown'} test finds errors; it measures no speed to compare"
    metric, unit, divisor = SPEEDS[kind]
    value = _number((result.get("metrics") or {}).get(metric))
    if value is None:
        return None, f"this run measured no {metric}"
    previous = [r for r in earlier if _comparable(r, result) and _number((r.get("metrics") or {}).get(metric))]
    if not previous:
        return None, f"no earlier passing {kind} test of {result.get('device')} to compare with"
    before = previous[-1]
    old = float(before["metrics"][metric])
    change = (value - old) / old * 100.0
    return {
        "started_at": before.get("started_at"),
        "metric": metric,
        "value": old,
        "change_percent": round(change, 2),
        "line": _line(value / divisor, old / divisor, change, unit, str(before.get("started_at") or "")[:10]),
    }, None


def _comparable(earlier: dict[str, Any], result: dict[str, Any]) -> bool:
    if earlier is result or str(earlier.get("started_at") or "") >= str(result.get("started_at") or ""):
        return False
    same = all(earlier.get(k) == result.get(k) for k in ("kind", "device", "simulated"))
    uuids = result_uuid(earlier), result_uuid(result)
    return same and earlier.get("verdict") == "pass" and (None in uuids or uuids[0] == uuids[1])


def _line(value: float, old: float, change: float, unit: str, when: str) -> str:
    """ "71.2 TFLOPS, 2 % below your earlier 72.6 (2026-11-01)"; "level with" under half a percent."""
    direction = "below" if change < 0 else "above"
    how = "level with" if round(abs(change)) == 0 else f"{abs(change):.0f} % {direction}"
    return f"{value:.1f} {unit}, {how} your earlier {old:.1f} ({when})"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value <= 0:
        return None
    return float(value)
