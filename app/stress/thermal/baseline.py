"""This run against the machine's own earlier runs of the same device (`aiwm.thermal/1` documents).

The baseline is the run marked `"baseline": true` (the latest so marked), else the first passing
run: the state of the cooler when it was known good. Temperatures depend on the room; the effective
thermal resistance (°C per W above idle) mostly does not, so only it can warn: more than 15 %
above the baseline is dust, dried paste or a weak fan (research §10.4).

Only measured values are compared: a steady temperature that was a projection (documents written
before issue 9 kept the fitted asymptote of a load that never settled) and an idle temperature
(and so °C per W) taken while the card was still cooling from earlier work are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

R_TH_WARN_RATIO = 1.15
SAME_WITHIN_C = 0.5
MEASURED_STEADY = "mean of the last 60 s of load"


@dataclass(frozen=True)
class BaselineComparison:
    lines: tuple[str, ...]  # for the user: "steady temperature 6.0 °C higher than your baseline of 2026-11-02"
    warnings: tuple[str, ...]  # reasons for the verdict
    baseline_started_at: str | None


def choose_baseline(current: Mapping[str, Any], past: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The marked baseline, else the first passing run, among earlier runs of the same device and card."""
    same = [doc for doc in past if _comparable(current, doc)]
    marked = [doc for doc in same if doc.get("baseline") is True]
    if marked:
        return marked[-1]
    return next((doc for doc in same if doc.get("verdict") == "pass"), None)


def _comparable(current: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    """Same device and same kind of data (simulated with simulated); same card when both name it."""
    if doc.get("started_at") == current.get("started_at"):
        return False
    if doc.get("device") != current.get("device") or bool(doc.get("simulated")) != bool(current.get("simulated")):
        return False
    mine, theirs = _card(current), _card(doc)
    return mine is None or theirs is None or mine == theirs


def _card(doc: Mapping[str, Any]) -> object:
    details = doc.get("details")
    return details.get("device_uuid") if isinstance(details, Mapping) else None


def compare_with_baseline(current: Mapping[str, Any], past: Sequence[Mapping[str, Any]]) -> BaselineComparison:
    """Lines comparing steady temperature, idle temperature and °C per W with the baseline's."""
    baseline = choose_baseline(current, past)
    if baseline is None:
        return BaselineComparison(("no earlier passing run of this device to compare with",), (), None)
    when = str(baseline.get("started_at", ""))[:10] or "an unknown date"
    now, then = _comparable_metrics(current), _comparable_metrics(baseline)
    lines = [
        line
        for key, label in (("steady_c", "steady temperature"), ("idle_c", "idle temperature"))
        if (line := _temperature_line(label, now.get(key), then.get(key), when)) is not None
    ]
    warnings: list[str] = []
    r_now, r_then = now.get("c_per_w"), then.get("c_per_w")
    if isinstance(r_now, int | float) and isinstance(r_then, int | float) and r_then > 0:
        change = (r_now / r_then - 1) * 100
        lines.append(
            f"effective thermal resistance {r_now:.3f} °C/W, {abs(change):.0f} %"
            f" {'above' if change >= 0 else 'below'} your baseline's {r_then:.3f} °C/W of {when}"
        )
        if change > (R_TH_WARN_RATIO - 1) * 100 + 1e-6:  # 0.115 vs 0.100 is 15 %, not 15.0000001 %
            warnings.append(
                f"BASELINE_RTH: effective thermal resistance {r_now:.3f} °C/W is {change:.0f} % above"
                f" the baseline {r_then:.3f} °C/W of {when} (over 15 %)"
            )
    return BaselineComparison(tuple(lines), tuple(warnings), str(baseline.get("started_at")))


def _comparable_metrics(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document's metrics, less a projected steady temperature and a not-settled idle."""
    metrics = doc.get("metrics")
    kept = dict(metrics) if isinstance(metrics, Mapping) else {}
    details = doc.get("details")
    details = details if isinstance(details, Mapping) else {}
    method = details.get("steady_method")
    if method is not None and method != MEASURED_STEADY:
        kept.pop("steady_c", None)
        kept.pop("c_per_w", None)
    if details.get("idle_settled") is False:
        kept.pop("idle_c", None)
        kept.pop("c_per_w", None)
    return kept


def _temperature_line(label: str, now: object, then: object, when: str) -> str | None:
    if not isinstance(now, int | float) or not isinstance(then, int | float):
        return None
    diff = now - then
    if abs(diff) < SAME_WITHIN_C:
        return f"{label} {now:.1f} °C, the same as your baseline of {when} ({then:.1f} °C)"
    return (
        f"{label} {abs(diff):.1f} °C {'higher' if diff > 0 else 'lower'} than your baseline of {when} ({then:.1f} °C)"
    )
