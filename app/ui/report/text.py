"""How the report's values read on paper: n/a with the reason for nulls, sizes, verdict words."""

from __future__ import annotations

from typing import Any

UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


class Values:
    """Formats the values of one document; a null reads "n/a" with the reason `missing` gives for its path."""

    def __init__(self, document: dict[str, Any]) -> None:
        missing = document.get("missing")
        self.missing: dict[str, Any] = missing if isinstance(missing, dict) else {}

    def na(self, path: str) -> str:
        reason = self.missing.get(path)
        return f"n/a ({reason})" if reason else "n/a"

    def show(self, value: Any, path: str, unit: str = "") -> str:
        """`value` as text with its unit, or n/a (why) when it is null."""
        if value is None:
            return self.na(path)
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, float):
            text = f"{value:.3f}".rstrip("0").rstrip(".")
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "none"
        else:
            text = str(value)
        return f"{text} {unit}" if unit else text

    def size(self, value: Any, path: str) -> str:
        """Bytes in binary units: 68719476736 -> '64.0 GiB'."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return self.na(path)
        amount, unit = float(value), 0
        while amount >= 1024 and unit < len(UNITS) - 1:
            amount, unit = amount / 1024, unit + 1
        return f"{amount:.1f} {UNITS[unit]}" if unit else f"{int(amount)} B"


def verdict(status: Any) -> str:
    """'PASS', 'WARN', …; n/a for a missing status."""
    return str(status).upper() if status else "n/a"


def field(record: Any, key: str) -> Any:
    """record[key] when the record is a dict, else None (a whole record may be null)."""
    return record.get(key) if isinstance(record, dict) else None


def records(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (a null list or stray item reads as nothing)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
