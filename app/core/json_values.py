"""Records to JSON-ready values, one rule for every file the program writes (sessions, snapshots, reports)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any


def to_json_value(value: Any) -> Any:
    """Records to JSON-ready values: dataclasses to dicts, NaN and infinities to `None`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
