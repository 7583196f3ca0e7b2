"""The `aiwm.stream/1` wire format: one JSON object per line, the header first.

Line 1: {"schema": "aiwm.stream/1", "program_version", "host", "simulated", "interval_s",
         "started_at", "inventory"}  (the inventory as a session file's metadata holds it)
        optional: "sources": "all" | "simulated only" (what is sampled, as a session's metadata says;
         "simulated only" at a --time-scale leaves the host's readings out); absent from older writers
Then, in any order, one per line:
  {"type": "sample", "source", "interval_s", "tick_wall_s", "error", "detail"}
      (the same fields and `detail` JSON as a session file's samples table)
  {"type": "alert", "wall_s", "kind", "message"}   (an alert fired or cleared remotely)
  {"type": "dropped", "wall_s", "count"}           (samples dropped for a slow reader, in all)
Unknown "type" values are skipped by the reader, so a later 1.x writer may add kinds of line.
A header whose schema is not "aiwm.stream/1" is another major version: the reader refuses it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from app.core.inventory import Inventory
from app.core.json_values import to_json_value
from app.core.sampling.sample import Sample
from app.core.sessions.decode import decode, decode_reading
from app.fleet.records import STREAM_SCHEMA, StreamAlert, StreamDropped, StreamHeader

StreamItem = Sample | StreamAlert | StreamDropped
UNKNOWN_VERSION = "unknown version"  # a header without "program_version"


class StreamFormatError(ValueError):
    """A line that is not the stream format; the message is one line, fit for the window."""


class StreamSchemaError(StreamFormatError):
    """The header names another schema (an older or newer aiwm on the remote side)."""

    def __init__(self, schema: str, program_version: str) -> None:
        self.schema = schema
        self.program_version = program_version
        super().__init__(f"{self.speaker} speaks {schema}, this aiwm speaks {STREAM_SCHEMA}")

    @property
    def speaker(self) -> str:
        """Who sent the header: "the remote aiwm 0.1.0", or one that does not give its version."""
        if self.program_version == UNKNOWN_VERSION:
            return "an aiwm that does not give its version"
        return f"the remote aiwm {self.program_version}"


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def header_line(
    host: str,
    simulated: bool,
    interval_s: float,
    started_at: float,
    inventory: Inventory,
    program_version: str,
    sources: str | None = None,
) -> str:
    """The first line (no newline at the end); `sources` ("all" / "simulated only") only when given."""
    header = {
        "schema": STREAM_SCHEMA,
        "program_version": program_version,
        "host": host,
        "simulated": simulated,
        "interval_s": interval_s,
        "started_at": started_at,
        "inventory": to_json_value(inventory),
    }
    if sources is not None:
        header["sources"] = sources
    return _dumps(header)


def sample_line(sample: Sample) -> str:
    """One sample as a line: the fields a session file stores for it."""
    return _dumps(
        {
            "type": "sample",
            "source": sample.source,
            "interval_s": sample.interval_s,
            "tick_wall_s": sample.tick_wall_s,
            "error": sample.error,
            "detail": to_json_value(sample.reading) if sample.reading is not None else None,
        }
    )


def alert_line(wall_s: float, kind: str, message: str) -> str:
    return _dumps({"type": "alert", "wall_s": wall_s, "kind": kind, "message": message})


def dropped_line(wall_s: float, count: int) -> str:
    return _dumps({"type": "dropped", "wall_s": wall_s, "count": count})


def _object(line: str | bytes) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        shown = (line if isinstance(line, str) else line.decode("utf-8", "replace")).strip()[:80]
        raise StreamFormatError(f"not an aiwm stream line: {shown!r}") from None
    if not isinstance(value, dict):
        raise StreamFormatError(f"not an aiwm stream line: {type(value).__name__} instead of an object")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StreamFormatError(f"stream {what} is not a number: {value!r}")
    return float(value)


def parse_header(line: str | bytes) -> StreamHeader:
    """The first line as a `StreamHeader`; `StreamSchemaError` for another schema, else `StreamFormatError`."""
    value = _object(line)
    schema = value.get("schema")
    if not isinstance(schema, str):
        raise StreamFormatError("the first line has no stream schema: not `aiwm stream` output")
    version = str(value.get("program_version", UNKNOWN_VERSION))
    if schema != STREAM_SCHEMA:
        raise StreamSchemaError(schema, version)
    inventory_json = value.get("inventory")
    try:
        inventory = decode(Inventory, inventory_json)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise StreamFormatError(f"stream header inventory does not fit: {error}") from None
    if not isinstance(inventory, Inventory) or not isinstance(inventory_json, dict):
        raise StreamFormatError("stream header has no inventory")
    return StreamHeader(
        schema=schema,
        program_version=version,
        host=str(value.get("host", "")),
        simulated=bool(value.get("simulated")),
        interval_s=_number(value.get("interval_s"), "interval"),
        started_at=_number(value.get("started_at"), "start time"),
        inventory=inventory,
        inventory_json=inventory_json,
        sources=sources if isinstance(sources := value.get("sources"), str) else None,
    )


def parse_item(line: str | bytes) -> StreamItem | None:
    """A line after the header; `None` for a kind of line this version does not know (skipped)."""
    value = _object(line)
    kind = value.get("type")
    if kind == "sample":
        source = value.get("source")
        if not isinstance(source, str):
            raise StreamFormatError("stream sample without a source")
        error = value.get("error")
        reading = decode_reading(source, value.get("detail"))
        return Sample(
            source=source,
            interval_s=_number(value.get("interval_s"), "interval"),
            tick_wall_s=_number(value.get("tick_wall_s"), "tick time"),
            duration_s=0.0,
            cpu_s=0.0,
            reading=reading,
            error=str(error) if error is not None else None,
        )
    if kind == "alert":
        wall_s = _number(value.get("wall_s"), "alert time")
        return StreamAlert(wall_s, str(value.get("kind")), str(value.get("message")))
    if kind == "dropped":
        return StreamDropped(_number(value.get("wall_s"), "drop time"), int(_number(value.get("count"), "drop count")))
    return None
