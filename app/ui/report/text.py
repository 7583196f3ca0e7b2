"""How the report's values read on paper: n/a with the reason for nulls, sizes, verdict words.

Numbers, units and labels come from app/report/display.py, which the HTML report uses too, so
both say "20.00 GiB" and "427.591 W" for the same value.
"""

from __future__ import annotations

from typing import Any

from app.core.units import format_bytes
from app.report.display import number_text


class Values:
    """Formats the values of one document; a null reads "n/a" with the reason `missing` gives for its path."""

    def __init__(self, document: dict[str, Any]) -> None:
        missing = document.get("missing")
        self.missing: dict[str, Any] = missing if isinstance(missing, dict) else {}

    def na(self, path: str) -> str:
        reason = self.missing.get(path)
        return f"n/a ({reason})" if reason else "n/a"

    def why(self, path: str) -> str | None:
        reason = self.missing.get(path)
        return str(reason) if reason else None

    def with_reasons(self, prefix: str, reasons: Any) -> Values:
        """These reasons and a nested record's own `missing` (the doctor's facts'), under `prefix`."""
        merged = Values({"missing": dict(self.missing)})
        if isinstance(reasons, dict):
            merged.missing.update({f"{prefix}.{k}": v for k, v in reasons.items()})
        return merged

    def show(self, value: Any, path: str, unit: str = "") -> str:
        """`value` as text with its unit, or n/a (why) when it is null."""
        if value is None:
            return self.na(path)
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, float):
            text = number_text(value)
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "none"
        else:
            text = str(value)
        return f"{text} {unit}" if unit else text

    def size(self, value: Any, path: str) -> str:
        """Bytes in binary units, as the HTML report shows them: 68719476736 -> '64.00 GiB'."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return self.na(path)
        return format_bytes(float(value))


def verdict(status: Any) -> str:
    """'PASS', 'WARN', …; n/a for a missing status."""
    return str(status).upper() if status else "n/a"


def field(record: Any, key: str) -> Any:
    """record[key] when the record is a dict, else None (a whole record may be null)."""
    return record.get(key) if isinstance(record, dict) else None


def records(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (a null list or stray item reads as nothing)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
