"""The history section's values as text, shared by the HTML and PDF reports: each metric's
statistics in its catalog unit and decimals, clock-event reasons as the share of time they were
active, and the alerts' columns.

The 0/1 clock-event flags (`gpu0.clock_event.sw_power_cap`, 11 per GPU) are not levels: their
mean is the share of the period the reason held clocks down, and their min/max say nothing. They
leave the metric table for a small table of the reasons that were ever active.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core import metric_catalog
from app.core.gpu.clock_reasons import REASONS
from app.core.units import NA
from app.report.display import is_number, label_of, number_text, quantity, scalar_text, unit_of, with_unit

STATS = ("min", "mean", "max")
METRIC_KEYS = ("name", "label", "unit", "description", "min", "mean", "max", "samples", "decimals")
CLOCK_EVENT = ".clock_event."
_MEANINGS = {reason.name: reason.meaning for reason in REASONS}
# Keys of a metric row (added by later builders) whose numbers are in the metric's own unit.
_IN_METRIC_UNIT = ("increase", "first", "last", "total", "delta")


def metric_unit(metric: Mapping[str, Any]) -> str:
    """The metric's unit from the document, else from the catalog; "1" (unitless) stays "1"."""
    unit = metric.get("unit")
    if isinstance(unit, str) and unit:
        return unit
    return metric_catalog.unit(str(metric.get("name") or "")) or ""


def metric_decimals(metric: Mapping[str, Any], stat: str) -> int | None:
    """Digits after the point: the document's `decimals`, else the catalog's; a mean gets one more,
    as the mean of whole-degree readings (68.1 °C) is finer than any one of them. None: unknown."""
    given = metric.get("decimals")
    decimals = given if isinstance(given, int) and not isinstance(given, bool) else None
    if decimals is None:
        decimals = metric_catalog.decimals(str(metric.get("name") or ""))
    if decimals is None:
        return None
    return decimals + 1 if stat == "mean" else decimals


def stat_text(metric: Mapping[str, Any], stat: str) -> str | None:
    """One statistic ("min", "mean", "max") with its unit: "10495 MHz", "20.00 GiB", "2.2 GB/s";
    None when the value is not a number (the renderer shows n/a with the reason)."""
    value = metric.get(stat)
    if not is_number(value):
        return None
    return with_unit(float(value), metric_unit(metric), metric_decimals(metric, stat))


def metric_title(metric: Mapping[str, Any]) -> str:
    return str(metric.get("label") or metric.get("name") or "metric")


def metric_extras(metric: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keys a later builder added to a metric row ("increase" of a counter, a "note"), as
    (label, text): numbers in the metric's unit when the key is an amount of it, else by key."""
    extras = []
    for key, value in metric.items():
        if key in METRIC_KEYS or value is None or isinstance(value, Mapping | list):
            continue
        if is_number(value) and not unit_of(key) and any(word in key for word in _IN_METRIC_UNIT):
            decimals = metric_decimals(metric, "max")
            extras.append((label_of(key), with_unit(float(value), metric_unit(metric), decimals)))
        else:
            extras.append((label_of(key), scalar_text(key, value)))
    return extras


def is_clock_event(metric: Mapping[str, Any]) -> bool:
    return CLOCK_EVENT in str(metric.get("name") or "")


def split_metrics(metrics: Sequence[Any]) -> tuple[list[tuple[int, Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """(index, metric) of the level metrics in document order, and the clock-event flags apart."""
    levels = [(i, m) for i, m in enumerate(metrics) if isinstance(m, Mapping) and not is_clock_event(m)]
    events = [m for m in metrics if isinstance(m, Mapping) and is_clock_event(m)]
    return levels, events


@dataclass(frozen=True)
class ClockEventRow:
    """A clock-event reason that was active at some time in the period."""

    device: str  # "gpu0"
    reason: str  # "sw_power_cap"
    meaning: str
    active_text: str  # "93.3 %", "< 0.1 %", "n/a"


@dataclass(frozen=True)
class ClockEvents:
    """The reasons ever active, and per device the reasons never active (named, not listed as zeros)."""

    active: tuple[ClockEventRow, ...]
    never_active: tuple[tuple[str, tuple[str, ...]], ...]  # (device, reasons)

    def never_text(self) -> str:
        """ "Never active in this period: gpu0: board_limit, hw_slowdown; gpu1: ..." or ""."""
        if not self.never_active:
            return ""
        parts = [f"{device}: {', '.join(reasons)}" for device, reasons in self.never_active]
        return "Never active in this period: " + "; ".join(parts)


def clock_events(metrics: Sequence[Mapping[str, Any]]) -> ClockEvents:
    """The clock-event flags as reasons with the share of time active (their mean × 100)."""
    active: list[ClockEventRow] = []
    never: dict[str, list[str]] = {}
    for metric in metrics:
        device, _, reason = str(metric.get("name") or "").partition(CLOCK_EVENT)
        mean, peak = metric.get("mean"), metric.get("max")
        if (is_number(peak) and float(peak) > 0) or (is_number(mean) and float(mean) > 0) or not is_number(mean):
            active.append(ClockEventRow(device, reason, _MEANINGS.get(reason, ""), share_text(mean)))
        else:
            never.setdefault(device, []).append(reason)
    return ClockEvents(tuple(active), tuple((d, tuple(r)) for d, r in never.items()))


def share_text(fraction: object) -> str:
    """A 0..1 share as a percentage with one decimal; a share too small for that reads "< 0.1 %"."""
    if not is_number(fraction):
        return NA
    percent = float(fraction) * 100.0
    if 0 < percent < 0.05:
        return "< 0.1 %"
    return f"{percent:.1f} %"


ALERT_COLUMNS = (("time", "Time (UTC)"), ("event", "Event"), ("severity", "Severity"), ("message", "Alert"))


def alert_columns(alerts: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(key, title) of the alert table: time, fired/cleared and severity (where the alerts have them,
    even as null, so a null says why), the message, then any other key."""
    known = [key for key, _ in ALERT_COLUMNS]
    present = {str(k) for alert in alerts for k in alert}
    others: list[str] = []
    for alert in alerts:
        others += [str(k) for k in alert if str(k) not in known and str(k) not in others]
    columns = [(key, title) for key, title in ALERT_COLUMNS if key in present or key in ("time", "message")]
    return [*columns, *((key, label_of(key)) for key in others)]


def alert_reason_path(index: int, key: str) -> tuple[str, str]:
    """The two `missing` paths that may say why an alert's value is null: this alert's, or all alerts'."""
    return f"history.alerts[{index}].{key}", f"history.alerts[].{key}"


def shared_null_notes(alerts: Sequence[Mapping[str, Any]], why: Callable[[str], str | None]) -> list[str]:
    """ "Severity: n/a (session files keep ...)" for each column null in every alert for one reason
    the document gives for all alerts: said once under the table, not in every row."""
    notes = []
    for key, title in alert_columns(alerts):
        reason = why(alert_reason_path(0, key)[1])
        if reason and all(alert.get(key) is None for alert in alerts):
            notes.append(f"{title}: {NA} ({reason})")
    return notes


def samples_text(value: object) -> str | None:
    return number_text(float(value)) if is_number(value) else None


def period_text(key: str, value: object) -> str:
    return scalar_text(key, value) if not is_number(value) else quantity(key, float(value))
