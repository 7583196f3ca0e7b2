"""Recorded report parts for the readability tests: real `aiwm report` and `aiwm plan` output.

history_demo.json: the history metrics of a 30-minute demo session (RTX 4090 + RTX 3090, recorded
with `aiwm record --demo`), the alerts of a degraded RTX 4090 demo session and their `missing`
reasons, and one history graph, from `aiwm report --format json` on 2026-11-28.
plan_llama_lora.json: `aiwm plan --model llama-3.1-8b --workload lora --save --demo` (aiwm.plan/1).
facts_demo.json: the doctor's facts (aiwm.facts/1) of the same demo report.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parents[1] / "data" / "report"


def recorded(name: str) -> Any:
    """A fresh copy of tests/data/report/<name>."""
    return copy.deepcopy(json.loads((DATA / name).read_text(encoding="utf-8")))


def metric(name: str) -> dict[str, Any]:
    """One recorded history metric by name ("gpu0.mem_clock_mhz")."""
    found: dict[str, Any] = next(m for m in recorded("history_demo.json")["metrics"] if m["name"] == name)
    return found
