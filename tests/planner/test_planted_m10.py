"""Tests that kill bugs planted in the planner which the rest of the suite let through (issue 10
mutation testing). Each figure is worked out by hand from its inputs, or taken from the source cited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.paths import resources_dir
from app.planner.catalog import custom_model, find_model
from app.planner.compute import estimate_compute
from app.planner.document import plan_text
from app.planner.hardware import (
    GB,
    DedicatedServer,
    GpuSpec,
    HardwareCatalog,
    RentPrice,
    Settings,
    VpsPlan,
    load_hardware,
)
from app.planner.memory import CUDA_CONTEXT_BYTES, MemoryParts, estimate_memory, memory_parts, per_gpu_bytes
from app.planner.options import Sizing, break_even_utilisation
from app.planner.plan import make_plan
from app.planner.records import ModelSpec, Option, Plan, PlanRequest

KIB = 1024
SMALL = GpuSpec("Small 24", ("small",), 24 * GB, 1000e9, 100.0, 50.0, 400, "8.9", 2000.0, "test", "t")
BIG = GpuSpec("Big 80", ("big",), 80 * GB, 2000e9, 400.0, 60.0, 700, "9.0", None, "test", "t")
SLOW = GpuSpec("Slow 24", (), 24 * GB, 1000e9, 50.0, 25.0, 300, "8.6", None, "test", "t")
FAST = GpuSpec("Fast 24", (), 24 * GB, 1000e9, 200.0, 80.0, 450, "8.9", None, "test", "t")
SETTINGS = Settings(electricity_usd_per_kwh=0.2, pue=1.5, amortisation_months=36)
RENT = (RentPrice("Small 24", 1.0, 2.0, "test", "t"), RentPrice("Big 80", 2.0, 4.0, "test", "t"))

# As tests/planner/test_options.py: 1e9 parameters full fine-tuned need 16.8 GB, one 24 GB GPU;
# 6 x 1e9 x 1e10 = 6e19 FLOPs: 416.67 h on Small (100 TFLOPS x 0.4), 104.17 h on Big (400 x 0.4).
ONE_B = ModelSpec("one-b", 1e9, layers=16, hidden=2048, heads=16, kv_heads=16, head_dim=128)
TRAIN = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10)
# 2e9 parameters: 32e9 bytes of training state + 0.14e9 checkpointed activations + 0.68e9 context;
# 32.8 GB does not fit one 24 GB GPU, two hold 16e9 + 0.14e9 + 0.68e9 = 16.8 GB each.
TWO_B = ModelSpec("two-b", 2e9, layers=16, hidden=2048, heads=16, kv_heads=16, head_dim=128)
TRAIN_TWO = PlanRequest(TWO_B, "full-finetune", context=1024, tokens=1e10)  # 1.2e20 FLOPs


def _catalog(
    gpus: tuple[GpuSpec, ...] = (SMALL, BIG),
    rent: tuple[RentPrice, ...] = RENT,
    dedicated: tuple[DedicatedServer, ...] = (DedicatedServer("Dedi Big", "Big 80", 1, 1500.0, "test", "t"),),
    vps: tuple[VpsPlan, ...] = (VpsPlan("Tiny", 4, 8 * GB, 10.0, "test", "t"),),
) -> HardwareCatalog:
    return HardwareCatalog(gpus, rent, dedicated, vps, SETTINGS)


def _option(plan: Plan, kind: str, gpu: str | None = None) -> Option:
    return next(o for o in plan.options if o.kind == kind and (gpu is None or o.gpu == gpu))


# --- memory -------------------------------------------------------------------------------------------


def test_kv_head_dim_is_hidden_over_attention_heads_when_the_config_gives_none() -> None:
    # Llama-3-8B's shape without head_dim: 4096 / 32 heads = 128 (not 4096 / 8 KV heads = 512), so
    # 32 layers x 8 KV heads x 128 x 2 (K, V) x 2 bytes = 128 KiB a token, as with head_dim given.
    shape = ModelSpec("no-head-dim", 8.03e9, layers=32, hidden=4096, heads=32, kv_heads=8)
    assert estimate_memory(PlanRequest(shape, "inference", context=1)).kv_cache_bytes == 128 * KIB


def test_gemma_2_kv_cache_uses_the_configs_head_dim_not_hidden_over_heads() -> None:
    # google/gemma-2-9b config.json: 42 layers, 8 KV heads, head_dim 256 (hidden 3584 / 16 heads = 224);
    # 2 x 42 x 8 x 256 x 2 bytes = 344,064 bytes a token.
    gemma = find_model("gemma-2-9b")
    assert gemma.head_dim == 256
    assert estimate_memory(PlanRequest(gemma, "inference", context=1)).kv_cache_bytes == 344_064


@pytest.mark.parametrize("precision", ["int8", "int4", "q4_k_m", "q8_0"])
def test_quantised_weights_keep_a_16_bit_kv_cache(precision: str) -> None:
    # llama.cpp (-ctk/-ctv f16 by default), vLLM (kv_cache_dtype "auto" = model dtype) and
    # transformers keep the cache in 16 bits whatever the weights: still 128 KiB a token for Llama-3-8B.
    llama = find_model("llama-3.1-8b")
    assert estimate_memory(PlanRequest(llama, "inference", precision, context=1)).kv_cache_bytes == 128 * KIB


def test_fp32_full_finetune_is_also_16_bytes_per_parameter() -> None:
    # Pure fp32 AdamW: 4 (weights) + 4 (gradients) + 8 (momentum and variance), no master copy
    # (Transformer Math 101): 7e9 parameters need 112 GB, the same as mixed precision.
    memory = estimate_memory(PlanRequest(ModelSpec("seven-b", 7e9), "full-finetune", "fp32"))
    assert (memory.weights_bytes, memory.gradients_bytes, memory.optimizer_bytes) == (28e9, 28e9, 56e9)


def test_every_gpu_of_a_sharded_training_job_has_its_own_cuda_context() -> None:
    parts = MemoryParts(2e9, 2e9, 12e9, 1e9, 0.5e9, 0.0, training=True)
    # FSDP / ZeRO-3 on 4 GPUs: 16e9 / 4 sharded + 1e9 activations (each its own micro-batch) + the context.
    assert per_gpu_bytes(parts, 4) == int(4e9 + 1e9 + CUDA_CONTEXT_BYTES)
    assert per_gpu_bytes(parts, 4, checkpointing=True) == int(4e9 + 0.5e9 + CUDA_CONTEXT_BYTES)


def test_tensor_parallel_inference_splits_weights_kv_cache_and_part_of_the_activations() -> None:
    # Megatron tensor parallelism (Korthikanti et al. 2022, eq. 2): per layer s·b·h·(10 + 24/t) bytes,
    # so 34·s·b·h = 3.4e9 on one GPU becomes 3.4e9 x (10 + 12) / 34 = 2.2e9 on two; weights (16e9) and
    # the KV cache (4e9) are split across the two.
    parts = MemoryParts(16e9, 0.0, 0.0, 3.4e9, None, 4e9, training=False)
    assert per_gpu_bytes(parts, 1) == int(16e9 + 4e9 + 3.4e9 + CUDA_CONTEXT_BYTES)
    assert per_gpu_bytes(parts, 2) == pytest.approx(10e9 + 2.2e9 + CUDA_CONTEXT_BYTES, abs=2)


def test_a_share_that_fits_is_not_enough_when_all_gpus_together_hold_less_than_the_total() -> None:
    # The contract of Sizing.fits_on: each GPU its share AND all of them the plan's total.
    parts = memory_parts(TRAIN)
    sizing = Sizing(TRAIN, parts, estimate_compute(TRAIN), _catalog(), total_bytes=10**15)
    assert sizing.per_gpu(2) <= 24 * GB
    assert not sizing.fits_on(2, 24 * GB)
    assert Sizing(TRAIN, parts, estimate_compute(TRAIN), _catalog(), total_bytes=20 * GB).fits_on(2, 24 * GB)


# --- options --------------------------------------------------------------------------------------------


def test_dedicated_months_are_rounded_up_not_to_the_nearest() -> None:
    # 6 x 1e9 x 1e11 = 6e20 FLOPs / (400 TFLOPS x 0.4) = 1,041.7 h = 1.43 months: two months billed.
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e11)
    dedicated = _option(make_plan(request, [], hardware=_catalog()), "dedicated")
    assert dedicated.estimated_hours == pytest.approx(1041.67, rel=1e-4)
    assert dedicated.estimated_cost_usd == pytest.approx(3000.0)


def test_dedicated_server_is_billed_for_the_whole_project_length() -> None:
    # 104.17 h of work, but a 6-month project: 6 x USD 1,500.
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, months=6)
    dedicated = _option(make_plan(request, [], hardware=_catalog()), "dedicated")
    assert dedicated.estimated_cost_usd == pytest.approx(9000.0)


def test_rent_price_per_hour_counts_every_gpu() -> None:
    rent = _option(make_plan(TRAIN_TWO, [], hardware=_catalog()), "rent", "Small 24")
    assert rent.fits and rent.gpu_count == 2
    assert rent.usd_per_hour == pytest.approx(2 * 1.5)  # two GPUs at the USD 1-2 midpoint


@pytest.mark.parametrize(("params", "fits"), [(6.9e9, True), (7.1e9, False)])
def test_a_vps_keeps_a_gigabyte_for_the_operating_system(params: float, fits: bool) -> None:
    # int8 weights of a shape-less model: `params` bytes, no KV cache, no activations; Tiny has 8 GB of
    # RAM, 7 GB of it for the model.
    request = PlanRequest(ModelSpec("bare", params), "inference", "int8")
    assert _option(make_plan(request, [], hardware=_catalog()), "vps").fits is fits


def test_mixed_local_gpus_are_timed_at_the_slowest_one() -> None:
    # Two 24 GB GPUs are needed; the work goes at the pace of the slower: 1.2e20 FLOPs /
    # (2 x 50 TFLOPS x 0.4) = 3e6 s = 833.33 h (the faster one alone would say 208.33 h).
    catalog = _catalog(gpus=(SMALL, BIG, SLOW, FAST))
    plan = make_plan(TRAIN_TWO, [("Fast 24", 24 * GB), ("Slow 24", 24 * GB)], hardware=catalog)
    local = _option(plan, "local")
    assert local.fits and local.gpu_count == 2
    assert local.estimated_hours == pytest.approx(833.333, rel=1e-4)


def test_local_purchase_is_amortised_at_most_once_over_a_long_project() -> None:
    # Serving 48 months on a Small (USD 2,000, amortised over 36): 35,040 h x 0.4 kW x PUE 1.5 x USD 0.2
    # = 4,204.80 of electricity + the whole purchase (not 48/36 of it) = 6,204.80.
    request = PlanRequest(ONE_B, "inference", months=48)
    local = _option(make_plan(request, [("Small 24", 24 * GB)], hardware=_catalog()), "local")
    assert local.estimated_hours == pytest.approx(48 * 730)
    assert local.estimated_cost_usd == pytest.approx(6204.80, rel=1e-6)


def test_local_break_even_is_the_same_as_renting_the_same_gpu() -> None:
    # Against the midpoint of the USD 1-2 rent: 2000 / (26,280 h x (1.50 - 0.12)) = 5.51 % for both.
    plan = make_plan(TRAIN, [("Small 24", 24 * GB)], hardware=_catalog())
    rent = _option(plan, "rent", "Small 24").break_even_utilisation
    assert _option(plan, "local").break_even_utilisation == pytest.approx(rent) == pytest.approx(0.05515, rel=1e-3)


# --- recommendation ---------------------------------------------------------------------------------


def test_a_dedicated_server_costing_the_same_as_rent_is_preferred() -> None:
    # A month of serving: rent Small 730 h x USD 1.50 = 1,095; the dedicated server 1 x USD 1,095.
    # A 5e9-parameter model (10 GB in bf16) does not fit the 8 GB VPS.
    catalog = _catalog(dedicated=(DedicatedServer("Dedi Small", "Small 24", 1, 1095.0, "test", "t"),))
    plan = make_plan(PlanRequest(ModelSpec("five-b", 5e9), "inference", months=1), [], hardware=catalog)
    assert _option(plan, "rent", "Small 24").estimated_cost_usd == pytest.approx(1095.0)
    assert plan.recommendation is not None and plan.recommendation.kind == "dedicated"


@pytest.mark.parametrize("cheap_first", [True, False])
def test_sensitive_data_goes_to_the_cheapest_dedicated_server(cheap_first: bool) -> None:
    # 416.67 h on Small and 104.17 h on Big: one month each, USD 1,000 against USD 3,000.
    servers = (
        DedicatedServer("Dedi Small", "Small 24", 1, 1000.0, "test", "t"),
        DedicatedServer("Dedi Big", "Big 80", 1, 3000.0, "test", "t"),
    )
    catalog = _catalog(dedicated=servers if cheap_first else servers[::-1])
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, sensitive_data=True)
    plan = make_plan(request, [], hardware=catalog)
    assert plan.recommendation is not None and plan.recommendation.kind == "dedicated"
    chosen = plan.options[plan.recommendation.option_index]
    assert chosen.gpu == "Small 24" and chosen.estimated_cost_usd == pytest.approx(1000.0)


# --- the table ----------------------------------------------------------------------------------------


def test_the_table_shows_the_rent_cost_range_low_to_high() -> None:
    # 416.67 h on Small at USD 1-2 an hour: 417-833.
    text = plan_text(make_plan(TRAIN, [], hardware=_catalog()))
    assert any("Small 24" in line and line.endswith("417-833") for line in text.splitlines())


# --- catalogs ---------------------------------------------------------------------------------------


def test_an_override_names_a_shipped_row_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "planner_overrides.json"
    path.write_text(json.dumps({"gpus": [{"name": "nvidia h100 80gb hbm3", "purchase_usd": 12345}]}))
    catalog = load_hardware(overrides=path)
    h100 = [g for g in catalog.gpus if g.name.lower() == "nvidia h100 80gb hbm3"]
    assert len(h100) == 1 and h100[0].purchase_usd == 12345 and h100[0].vram_bytes == 80 * GB


@pytest.mark.parametrize("section", ["gpus", "rent", "dedicated", "vps"])
@pytest.mark.parametrize("field", ["source", "checked"])
def test_a_shipped_row_without_its_source_or_date_is_refused(tmp_path: Path, section: str, field: str) -> None:
    doc = json.loads((resources_dir() / "planner" / "hardware.json").read_text(encoding="utf-8"))
    del doc[section][0][field]
    path = tmp_path / "hardware.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(UserError, match=field):
        load_hardware(path, overrides=tmp_path / "absent.json")


# --- second round -----------------------------------------------------------------------------------


def test_a_deadline_adds_only_as_many_gpus_as_it_needs() -> None:
    # 416.67 h on one Small; a 250 h deadline is met by two (208.33 h), so not four.
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, deadline_hours=250)
    rent = _option(make_plan(request, [], hardware=_catalog()), "rent", "Small 24")
    assert rent.gpu_count == 2 and rent.estimated_hours == pytest.approx(208.333, rel=1e-4)


def test_a_local_misfit_reports_the_smallest_gpu_here() -> None:
    big_job = PlanRequest(ModelSpec("ten-b", 10e9), "full-finetune", tokens=1e9)  # 160 GB of training state
    local = _option(make_plan(big_job, [("Small 24", 8 * GB), ("Small 24", 24 * GB)], hardware=_catalog()), "local")
    assert not local.fits and local.gpu_count == 2 and local.vram_bytes_per_gpu == 8 * GB
    assert any("has 8.0 GB" in note for note in local.notes)


def test_local_gpus_of_different_sizes_report_the_smaller() -> None:
    # 32.8 GB fits neither alone (24 or 30 GB), both together at 16.8 GB each: the smaller one bounds it.
    local = _option(make_plan(TRAIN_TWO, [("Small 24", 24 * GB), ("Small 24", 30 * GB)], hardware=_catalog()), "local")
    assert local.fits and local.gpu_count == 2 and local.vram_bytes_per_gpu == 24 * GB


def test_local_electricity_and_purchase_count_every_gpu() -> None:
    # Two Smalls: 1.2e20 / (2 x 100 TFLOPS x 0.4) = 416.67 h; 0.8 kW x 416.67 h x 1.5 x USD 0.2 = 100.00
    # + 2 x USD 2,000 x 416.67 / (730 x 36) = 63.42.
    local = _option(make_plan(TRAIN_TWO, [("Small 24", 24 * GB)] * 2, hardware=_catalog()), "local")
    assert local.gpu_count == 2 and local.estimated_hours == pytest.approx(416.667, rel=1e-4)
    assert local.estimated_cost_usd == pytest.approx(100.0 + 4000 * 416.6667 / (730 * 36), rel=1e-4)


def test_inference_uses_up_to_eight_gpus_of_one_server() -> None:
    # int8 weights of a shape-less model: 400 GB fit 8 x 80 GB (50 GB each), not 4; 700 GB need 16,
    # and tensor parallelism stays inside one 8-GPU server.
    plan = make_plan(PlanRequest(ModelSpec("b400", 400e9), "inference", "int8"), [], hardware=_catalog())
    assert _option(plan, "rent", "Big 80").fits and _option(plan, "rent", "Big 80").gpu_count == 8
    plan = make_plan(PlanRequest(ModelSpec("b700", 700e9), "inference", "int8"), [], hardware=_catalog())
    assert not _option(plan, "rent", "Big 80").fits and _option(plan, "rent", "Big 80").gpu_count == 8


def test_generating_tokens_takes_tokens_over_the_rate_in_hours() -> None:
    # ONE_B in bf16 on one Big: each step reads 2e9 bytes of weights + the 4k-context KV cache
    # (2 x 4096 x 16 x 16 x 128 x 2 = 536,870,912 bytes) at 2,000 GB/s: 788.4 tokens/s (compute allows
    # 400 TFLOPS x 0.4 / 2e9 = 80,000); 1e9 tokens take 1e9 / 788.4 / 3600 = 352.3 h.
    plan = make_plan(PlanRequest(ONE_B, "inference", tokens=1e9), [], hardware=_catalog())
    rate = 2000e9 / (2e9 + 536_870_912)
    assert _option(plan, "rent", "Big 80").estimated_hours == pytest.approx(1e9 / rate / 3600, rel=1e-6)


def test_a_custom_model_without_kv_heads_assumes_no_grouped_query_attention() -> None:
    spec, notes = custom_model(7e9, layers=32, hidden=4096)
    assert (spec.heads, spec.kv_heads, spec.head_dim) == (32, 32, 128)
    assert any("no grouped-query attention" in note for note in notes)


def test_a_training_misfit_without_checkpointing_says_what_checkpointing_would_need() -> None:
    # Without checkpointing 34 x 1024 x 2048 x 16 = 1.14e9 bytes of activations; with it 0.14e9:
    # one Small needs 32e9 + 0.14e9 + 0.68e9 = 32.8 GB.
    request = PlanRequest(TWO_B, "full-finetune", context=1024, tokens=1e10, activation_checkpointing=False)
    local = _option(make_plan(request, [("Small 24", 24 * GB)], hardware=_catalog()), "local")
    assert not local.fits
    assert any(note == "with activation checkpointing: 32.8 GB per GPU" for note in local.notes)


def test_a_deadline_is_not_met_by_an_option_of_unknown_hours() -> None:
    # No --tokens for a fine-tune: the hours are unknown, so no option can promise a 10 h deadline.
    request = PlanRequest(ONE_B, "full-finetune", context=1024, deadline_hours=10)
    plan = make_plan(request, [], hardware=_catalog())
    assert any("within the 10 h deadline" in warning and "misses a limit" in warning for warning in plan.warnings)


@pytest.mark.parametrize("rent", [0.12, 0.10])
def test_no_break_even_when_rent_costs_no_more_than_the_electricity(rent: float) -> None:
    # Small: 0.4 kW x PUE 1.5 x USD 0.2 = USD 0.12 an hour of electricity.
    assert break_even_utilisation(_catalog(), SMALL, rent) is None


def test_a_vps_must_hold_the_kv_cache_too() -> None:
    # ONE_B in bf16 at 40,960 tokens: 2e9 weights + 131,072 x 40,960 = 5.37e9 KV cache + 34 x 2048 x 2048
    # = 0.14e9 activations + 1 GB for the system = 8.5 GB: more than Tiny's 8 GB.
    vps = _option(make_plan(PlanRequest(ONE_B, "inference", context=40960), [], hardware=_catalog()), "vps")
    assert not vps.fits and any("needs 8.5 GB" in note for note in vps.notes)
