"""The plans section: project plans the user kept ("add to report"), from the data folder's plans/."""

from __future__ import annotations

import json
from typing import Any

PLAN_SCHEMA = "aiwm.plan/1"


def plans_section(missing: dict[str, str]) -> list[dict[str, Any]]:
    from app.core.errors import UserError
    from app.core.paths import data_dir

    try:
        folder = data_dir() / "plans"
    except UserError as error:
        missing["plans"] = str(error)
        return []
    plans = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            missing[f"plans:{path.name}"] = f"unreadable plan file: {error}"
            continue
        if isinstance(doc, dict) and doc.get("schema") == PLAN_SCHEMA:
            plans.append(doc)
    return plans
