"""Drive health through `smartctl --json`, when it is installed and permitted (usually root).

Read at a slow rate: a SMART query wakes the drive and can take tens of milliseconds.
Field names follow smartmontools' JSON output (smartctl 7.x, `--json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.proc import CommandResult, run_command
from app.core.records import SmartHealth, SmartReading
from app.core.sysfs import SYSFS, physical_disks

Runner = Callable[[list[str]], CommandResult]


def parse_smartctl_json(name: str, text: str) -> SmartHealth:
    """One drive's health from smartctl's JSON; a document saying it could not open the drive becomes a `problem`."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return _unread(name, "smartctl printed no JSON")
    if not isinstance(doc, dict):
        return _unread(name, "smartctl printed no JSON object")
    if "smart_status" not in doc and "nvme_smart_health_information_log" not in doc and "temperature" not in doc:
        return _unread(name, _smartctl_message(doc) or "smartctl reported no health data")
    nvme = doc.get("nvme_smart_health_information_log") or {}
    return SmartHealth(
        name=name,
        passed=_get(doc, "smart_status", "passed"),
        percentage_used=_number(nvme.get("percentage_used", _get(doc, "endurance_used", "current_percent"))),
        critical_warning=nvme.get("critical_warning"),
        temperature_c=_number(_get(doc, "temperature", "current", default=nvme.get("temperature"))),
        warning_temp_minutes=_number(nvme.get("warning_temp_time")),
        critical_temp_minutes=_number(nvme.get("critical_comp_time")),
    )


def _smartctl_message(doc: dict[str, Any]) -> str | None:
    messages = _get(doc, "smartctl", "messages", default=[]) or []
    text = " ".join(str(m.get("string", "")) for m in messages if isinstance(m, dict)).strip()
    if "Permission denied" in text or "Operation not permitted" in text:
        return "smartctl needs root to read this drive"
    return text or None


def _get(doc: dict[str, Any], *keys: str, default: Any = None) -> Any:
    node: Any = doc
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _unread(name: str, problem: str) -> SmartHealth:
    return SmartHealth(name, None, None, None, None, None, None, problem=problem)


class SmartSource:
    """Runs smartctl once per drive per interval; a missing smartctl is reported once per drive, not raised."""

    name = "smart"

    def __init__(self, interval_s: float = 60.0, sysfs: Path = SYSFS, runner: Runner | None = None) -> None:
        self.interval_s = interval_s
        self._drives = physical_disks(sysfs)
        self._run: Runner = runner or (lambda args: run_command(args, timeout_s=10.0))

    def read(self) -> SmartReading:
        return SmartReading(tuple(self._read_drive(name) for name in self._drives))

    def _read_drive(self, name: str) -> SmartHealth:
        result = self._run(["smartctl", "--json", "-H", "-A", f"/dev/{name}"])
        if result.problem:
            return _unread(name, result.problem)
        return parse_smartctl_json(name, result.stdout)

    def close(self) -> None:
        """Nothing held."""
