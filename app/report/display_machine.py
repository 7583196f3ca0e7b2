"""The machine section's drives as text, shared by the HTML and PDF reports: one row per drive that
fits a printed page (name, model, kind, size, mount points, serial, temperature, health), where
the document holds a size twice (`total_bytes` and `size_bytes`) and health as eight fields.

`why(path)` gives the document's reason for a null at `path` (its `missing` map), so a null reads
"n/a (smartctl is not installed)" once per cell, not once per field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.units import NA, format_bytes
from app.report.display import is_number, label_of, mapping, scalar_text

Why = Callable[[str], str | None]
DRIVE_COLUMNS = ("Drive", "Model", "Kind", "Size", "Mounted at", "Serial", "Temperature", "Health")
DRIVE_SHOWN = ("name", "model", "kind", "size_bytes", "total_bytes", "mountpoints", "serial", "temperature_c",
               "temperature_warning_c", "temperature_critical_c", "health")  # fmt: skip
HEALTH_SHOWN = ("passed", "percentage_used", "media_errors", "critical_warning", "temperature_c", "problem")


def na(path: str, why: Why) -> str:
    reason = why(path)
    return f"{NA} ({reason})" if reason else NA


def field_text(record: Mapping[str, Any], key: str, path: str, why: Why) -> str:
    value = record.get(key)
    if value is None:
        return na(f"{path}.{key}", why)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    return scalar_text(key, value)


def drive_cells(drive: Mapping[str, Any], path: str, why: Why) -> list[str]:
    """The cells of one drive under DRIVE_COLUMNS."""
    size_key = "size_bytes" if drive.get("size_bytes") is not None else "total_bytes"
    size = drive.get(size_key)
    return [
        field_text(drive, "name", path, why),
        field_text(drive, "model", path, why),
        field_text(drive, "kind", path, why),
        format_bytes(float(size)) if is_number(size) else na(f"{path}.{size_key}", why),
        field_text(drive, "mountpoints", path, why),
        field_text(drive, "serial", path, why),
        temperature_text(drive, path, why),
        health_text(drive.get("health"), f"{path}.health", why),
    ]


def drive_extras(drive: Mapping[str, Any], path: str, why: Why) -> list[tuple[str, str]]:
    """Keys of a drive this layout does not show, as (label, text), so nothing is dropped."""
    return [(label_of(k), field_text(drive, k, path, why)) for k in drive if k not in DRIVE_SHOWN]


def temperature_text(drive: Mapping[str, Any], path: str, why: Why) -> str:
    """ "41 °C (warning 70 °C, critical 85 °C)": the sensor's reading, else SMART's; the thresholds
    only when known."""
    smart = mapping(drive.get("health")).get("temperature_c")  # SMART's reading when hwmon has none
    if drive.get("temperature_c") is None and is_number(smart):
        now = scalar_text("temperature_c", smart)
    else:
        now = field_text(drive, "temperature_c", path, why)
    limits = [f"{word} {scalar_text(key, drive[key])}" for key, word in
              (("temperature_warning_c", "warning"), ("temperature_critical_c", "critical"))
              if is_number(drive.get(key))]  # fmt: skip
    return f"{now} ({', '.join(limits)})" if limits else now


def health_text(health: Any, path: str, why: Why) -> str:
    """SMART health in one line: "PASSED, 3 % used, 0 media errors"; one n/a with the reason when
    nothing could be read (every field null for the same reason)."""
    record = mapping(health)
    if not record:
        return na(path, why)
    if record.get("problem") and all(record.get(k) is None for k in HEALTH_SHOWN if k != "problem"):
        return f"{NA} ({record['problem']})"
    parts = []
    passed = record.get("passed")
    parts.append(na(f"{path}.passed", why) if passed is None else ("PASSED" if passed else "FAILED"))
    for key, after in (("percentage_used", " used"), ("media_errors", " media errors")):
        if record.get(key) is not None:
            parts.append(f"{scalar_text(key, record[key])}{after}")
    if record.get("critical_warning"):
        parts.append(f"critical warning {record['critical_warning']}")
    if record.get("problem"):
        parts.append(str(record["problem"]))
    parts += [f"{label_of(k)} {scalar_text(k, v)}" for k, v in record.items()
              if k not in HEALTH_SHOWN and v is not None]  # fmt: skip
    return ", ".join(parts)
