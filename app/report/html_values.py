"""Values of the report document as escaped HTML: units from the key's name, "n/a" with its reason.

Every piece of text that came from the document passes through `esc` (html.escape), so a finding
whose detail holds "<script>" shows those characters and never runs. The unit of a number comes
from its key, as the project names fields (`_bytes`, `_c`, `_w`, `_s`, `_percent`, ...), so keys
the builder adds later render with their units without a change here.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

from app.core.units import NA, format_bytes, format_rate

# (key ending, unit) in the order they are tried: longer endings first ("_bytes_per_s" before "_s").
_UNIT_ENDINGS: tuple[tuple[str, str], ...] = (
    ("c_per_w", "°C/W"),
    ("percentage_used", "%"),
    ("seconds", "s"),
    ("_mbps", "Mbit/s"),
    ("_mhz", "MHz"),
    ("_percent", "%"),
    ("tflops", "TFLOPS"),
    ("_flops", "FLOP"),
    ("_usd", "USD"),
    ("_hours", "h"),
    ("_c", "°C"),
    ("_w", "W"),
    ("_s", "s"),
)

# Labels for keys whose plain-words form would be unclear ("idle_c" would read "Idle").
_LABELS = {
    "idle_c": "Idle temperature",
    "peak_c": "Peak temperature",
    "steady_c": "Steady temperature",
    "target_c": "Target temperature",
    "time_to_steady_s": "Time to steady state",
    "time_constant_s": "Thermal time constant",
    "headroom_to_slowdown_c": "Headroom to slowdown",
    "sustained_ratio": "Sustained clock ratio",
    "throttle_percent": "Time throttled",
    "power_fraction": "Power as a fraction of the limit",
    "c_per_w": "Temperature rise per watt",
    "cooldown_s": "Cooldown time",
    "tflops": "Throughput",
    "peak_tflops": "Peak throughput",
    "percent_of_peak": "Share of peak",
    "vram_total_bytes": "VRAM",
    "pci_bus_id": "PCI bus ID",
    "uuid": "UUID",
    "vbios": "VBIOS",
    "mig_mode": "MIG mode",
    "mac": "MAC address",
    "nvidia_driver": "NVIDIA driver",
    "cuda_toolkit": "CUDA toolkit",
    "cudnn": "cuDNN",
    "cuda": "CUDA",
    "os": "OS",
    "cpu": "CPU",
    "nvml_error": "NVML error",
    "percentage_used": "Wear (percentage used)",
    "media_errors": "Media errors",
    "speed_mbps": "Speed",
    "size_bytes": "Size",
    "seconds": "Length",
}

_ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(?:Z|[+-]00:?00)$")


def esc(value: object) -> str:
    """Text from the document, safe inside an element or a quoted attribute."""
    return html.escape(str(value), quote=True)


class Missing:
    """The document's `missing` map: why a value at a path ("gpus[0].serial") is null."""

    def __init__(self, reasons: object) -> None:
        self._reasons = {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, Mapping) else {}

    def why(self, path: str) -> str | None:
        return self._reasons.get(path)

    def na(self, path: str) -> str:
        """The n/a mark and, where the document says, why the value is missing."""
        reason = self.why(path)
        why = f' <span class="why">({esc(reason)})</span>' if reason else ""
        return f'<span class="na">{NA}</span>{why}'


def unit_of(key: str) -> str:
    """The unit a key's name carries ("peak_c" → "°C"), or "" for a plain number."""
    if key.startswith("percent_"):
        return "%"
    return next((unit for ending, unit in _UNIT_ENDINGS if key == ending.lstrip("_") or key.endswith(ending)), "")


def label_of(key: str) -> str:
    """A key in plain words, without its unit: "time_to_steady_s" → "Time to steady state"."""
    if key in _LABELS:
        return _LABELS[key]
    words = key
    for ending in ("_bytes_per_s", "_bytes", *(e for e, _ in _UNIT_ENDINGS if e.startswith("_"))):
        if words.endswith(ending) and len(words) > len(ending):
            words = words[: -len(ending)]
            break
    words = words.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def number_text(value: float) -> str:
    """A number as people read it: whole numbers without a point, others to at most 3 decimals."""
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if not math.isfinite(value):
        return NA
    if abs(value) >= 1e6:
        return f"{value:.4g}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def utc_text(value: str) -> str | None:
    """An ISO-8601 UTC time as "2026-11-28 15:00:00 UTC"; None when `value` is not one."""
    match = _ISO_UTC.match(value)
    return f"{match.group(1)} {match.group(2)} UTC" if match else None


def quantity(key: str, value: float) -> str:
    """A number with the unit its key names: bytes in binary units (GiB), rates in MB/s."""
    if key.endswith("_bytes_per_s"):
        return format_rate(value)
    if key.endswith("_bytes") or key == "bytes":
        return format_bytes(value)
    unit = unit_of(key)
    text = number_text(value)
    if text == NA:
        return NA
    return f"{text} {unit}".rstrip()


def scalar_html(key: str, value: object) -> str:
    """A scalar from the document (not None) as escaped HTML."""
    if isinstance(value, bool):
        on, off = ("on", "off") if key.endswith("_mode") else ("yes", "no")
        return on if value else off
    if isinstance(value, int | float):
        return esc(quantity(key, value))
    text = str(value)
    return esc(utc_text(text) or text)


def value_html(key: str, value: Any, path: str, missing: Missing) -> str:
    """Any value: n/a with its reason for null, nested tables for objects and lists of objects."""
    if value is None:
        return missing.na(path)
    if isinstance(value, Mapping):
        return key_value_table(value, path, missing)
    if isinstance(value, list | tuple):
        return list_html(key, list(value), path, missing)
    return scalar_html(key, value)


def list_html(key: str, items: list[Any], path: str, missing: Missing) -> str:
    if not items:
        return '<span class="none">none</span>'
    if all(isinstance(item, Mapping) for item in items):
        return rows_table(items, path, missing)
    return ", ".join(value_html(key, item, f"{path}[{i}]", missing) for i, item in enumerate(items))


def key_value_table(mapping: Mapping[str, Any], path: str, missing: Missing, skip: tuple[str, ...] = ()) -> str:
    """A two-column table: one row per key, in the document's order."""
    rows = "".join(
        f"<tr><th>{esc(label_of(str(k)))}</th><td>{value_html(str(k), v, _join(path, str(k)), missing)}</td></tr>"
        for k, v in mapping.items()
        if k not in skip
    )
    return f'<table class="kv">{rows}</table>' if rows else '<span class="none">none</span>'


def rows_table(items: list[Any], path: str, missing: Missing, skip: tuple[str, ...] = ()) -> str:
    """A list of objects as one table: a column per key seen in any of them."""
    columns: list[str] = []
    for item in items:
        columns += [str(k) for k in item if str(k) not in columns and k not in skip]
    head = "".join(f"<th>{esc(label_of(c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{value_html(c, item.get(c), f'{path}[{i}].{c}', missing)}</td>" for c in columns)
        + "</tr>"
        for i, item in enumerate(items)
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


STATUS_WORDS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "info": "INFO", "skip": "SKIP", "unknown": "UNKNOWN"}
SIMULATED_MARK = '<span class="sim-mark" title="simulated, not real hardware">SIMULATED</span>'


def status_badge(status: object) -> str:
    """A status or verdict as a coloured word; the word is there for black-and-white prints."""
    if status is None:
        return '<span class="status unknown">UNKNOWN</span>'
    word = str(status)
    css = re.sub(r"[^a-z0-9_-]", "", word.lower()) or "unknown"
    return f'<span class="status {css}">{esc(STATUS_WORDS.get(word, word.upper()))}</span>'


def simulated_mark(item: object) -> str:
    """The SIMULATED mark for a GPU, a test or a plan that says `"simulated": true`."""
    return f" {SIMULATED_MARK}" if isinstance(item, Mapping) and item.get("simulated") is True else ""


def pairs_table(pairs: list[tuple[str, str]]) -> str:
    """A two-column table from (label, ready HTML) pairs; the label is escaped here."""
    rows = "".join(f"<tr><th>{esc(label)}</th><td>{cell}</td></tr>" for label, cell in pairs)
    return f'<table class="kv">{rows}</table>'


def flat_rows_table(items: list[Any], path: str, missing: Missing) -> str:
    """A list of objects as one table, with nested objects ("health") spread into their own columns."""
    columns: list[tuple[str, ...]] = []
    for item in (i for i in items if isinstance(i, Mapping)):
        for key, value in item.items():
            keys = [(str(key), str(k)) for k in value] if isinstance(value, Mapping) and value else [(str(key),)]
            columns += [c for c in keys if c not in columns]
    head = "".join(f"<th>{esc(': '.join(label_of(k) for k in column))}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(item, c, f'{path}[{i}]', missing)}</td>" for c in columns) + "</tr>"
        for i, item in enumerate(items)
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(item: Any, column: tuple[str, ...], path: str, missing: Missing) -> str:
    value = item
    for key in column:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value_html(column[-1], value, ".".join((path, *column)), missing)


def bullets(items: Any, path: str, missing: Missing) -> str:
    """A list of lines as bullets; null is n/a with its reason."""
    if items is None:
        return f"<p>{missing.na(path)}</p>"
    if not isinstance(items, list):
        return f"<p>{value_html('', items, path, missing)}</p>"
    if not items:
        return '<p class="none">none</p>'
    lines = "".join(f"<li>{value_html('', x, f'{path}[{i}]', missing)}</li>" for i, x in enumerate(items))
    return f"<ul>{lines}</ul>"


def extra_keys(mapping: Mapping[str, Any], shown: tuple[str, ...], path: str, missing: Missing) -> str:
    """Keys this renderer does not know yet, shown as a plain table so nothing is dropped."""
    extra = {k: v for k, v in mapping.items() if k not in shown}
    return key_value_table(extra, path, missing) if extra else ""
