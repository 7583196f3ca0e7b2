"""The plans section: project plans the user kept ("add to report"), from the data folder's plans/.

A plan sized for simulated GPUs (`--demo`) is left out of the real machine's report (its "fits on
this machine" is about hardware the machine does not have); the reason and the count are in `missing`.
"""

from __future__ import annotations

import json
from typing import Any

PLAN_SCHEMA = "aiwm.plan/1"


def plans_section(missing: dict[str, str], simulated_report: bool = True) -> list[dict[str, Any]]:
    from app.core.errors import UserError
    from app.core.paths import data_dir

    try:
        folder = data_dir() / "plans"
    except UserError as error:
        missing["plans"] = str(error)
        return []
    plans, left_out = [], 0
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            missing[f"plans:{path.name}"] = f"unreadable plan file: {error}"
            continue
        if not isinstance(doc, dict) or doc.get("schema") != PLAN_SCHEMA:
            continue
        if doc.get("simulated") and not simulated_report:
            left_out += 1
            continue
        plans.append(doc)
    if left_out:
        missing["plans:left_out"] = (
            f"{left_out} plan(s) sized for SIMULATED GPUs (--demo) left out of this report of the real machine"
        )
    return plans
