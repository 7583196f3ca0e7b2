"""Rebuilds records from the JSON a session file stores, so a replay shows the same records live use."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from app.core.gpu.records import GpuSetReading, PcieThroughputReading
from app.core.records import (
    CpuReading,
    DiskIoReading,
    DriveTemperatureReading,
    MemoryReading,
    NetworkReading,
    Reading,
    SmartReading,
)

READING_TYPES: dict[str, type] = {
    "cpu": CpuReading,
    "memory": MemoryReading,
    "disk_io": DiskIoReading,
    "network": NetworkReading,
    "nvme_temperature": DriveTemperatureReading,
    "smart": SmartReading,
    "gpu": GpuSetReading,
    "gpu_pcie": PcieThroughputReading,
}


def decode_reading(source: str, detail: Any) -> Reading | None:
    """The record a source wrote, or `None` for an unknown source or a detail that does not fit."""
    kind = READING_TYPES.get(source)
    if kind is None or detail is None:
        return None
    try:
        return typing.cast(Reading, decode(kind, detail))
    except (TypeError, ValueError, KeyError):
        return None


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def decode(kind: Any, value: Any) -> Any:
    """`value` (from JSON) as an instance of the annotated type `kind`."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return decode(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        if not isinstance(value, list | tuple):
            raise ValueError(f"{value!r} is not a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in value)
        return tuple(decode(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise ValueError(f"{kind.__name__} stored as {type(value).__name__}")
        hints = _hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: decode(hints[k], v) for k, v in value.items() if k in fields})
    if kind in (float, int) and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{value!r} is not a number")  # "hot" where a temperature belongs
    if kind is float and isinstance(value, int):
        return float(value)
    return value
