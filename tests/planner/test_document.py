"""The aiwm.plan/1 document, the readable table, and the plan kept for the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.planner.catalog import find_model
from app.planner.document import plan_text
from app.planner.plan import make_plan, plan_document, save_plan
from app.planner.records import PlanRequest

MEMORY_KEYS = {
    "weights_bytes",
    "gradients_bytes",
    "optimizer_bytes",
    "activations_bytes",
    "kv_cache_bytes",
    "overhead_bytes",
    "total_bytes",
}
OPTION_KEYS = {
    "kind",
    "gpu",
    "gpu_count",
    "vram_bytes_per_gpu",
    "fits",
    "estimated_hours",
    "estimated_cost_usd",
    "notes",
}


def _plan(simulated: bool = False):
    request = PlanRequest(find_model("llama-3.1-8b"), "qlora", tokens=1e8)
    return make_plan(request, [("NVIDIA GeForce RTX 4090", 25_757_220_864)], simulated)


def test_the_document_has_the_issues_keys() -> None:
    doc = json.loads(json.dumps(plan_document(_plan())))  # JSON all the way through
    assert doc["schema"] == "aiwm.plan/1"
    assert set(doc["memory"]) >= MEMORY_KEYS
    assert "total_flops" in doc["compute"]
    assert doc["options"] and all(set(option) >= OPTION_KEYS for option in doc["options"])
    assert {option["kind"] for option in doc["options"]} == {"local", "rent", "dedicated", "vps"}
    assert set(doc["recommendation"]) >= {"kind", "option_index", "reasons"}
    assert doc["options"][doc["recommendation"]["option_index"]]["kind"] == doc["recommendation"]["kind"]
    assert doc["simulated"] is False


def test_simulated_plans_say_so_in_the_document_and_the_table() -> None:
    plan = _plan(simulated=True)
    assert plan_document(plan)["simulated"] is True
    assert plan_text(plan).startswith("SIMULATED")
    assert "SIMULATED" not in plan_text(_plan())


def test_the_table_lists_every_option_and_the_recommendation() -> None:
    plan = _plan()
    text = plan_text(plan)
    assert "recommendation: option 0 (local)" in text
    assert len([line for line in text.splitlines() if re.match(r"\s*\d+\s+(local|rent|dedicated|vps)\b", line)]) == len(
        plan.options
    )


def test_save_plan_writes_a_new_file_in_the_data_folder_each_time(private_home: Path) -> None:
    plan = _plan()
    first, second = save_plan(plan), save_plan(plan)
    assert first.parent == private_home / "plans" and second.parent == first.parent
    assert first != second
    assert re.fullmatch(r"\d{8}T\d{6}Z-llama-3\.1-8b(-\d+)?\.json", first.name)
    assert json.loads(first.read_text()) == json.loads(json.dumps(plan_document(plan)))
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
