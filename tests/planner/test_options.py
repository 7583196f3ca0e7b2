"""Options and the recommendation, on a small hardware catalog made here so every expected figure can
be worked out by hand from its inputs."""

from __future__ import annotations

import pytest

from app.planner.catalog import list_models
from app.planner.hardware import DedicatedServer, GpuSpec, HardwareCatalog, RentPrice, Settings, VpsPlan, load_hardware
from app.planner.plan import make_plan
from app.planner.records import WORKLOADS, ModelSpec, Option, Plan, PlanRequest

GB = 10**9
SMALL = GpuSpec("Small 24", ("small",), 24 * GB, 1000e9, 100.0, 50.0, 400, "8.9", 2000.0, "test", "2026-11-28")
BIG = GpuSpec("Big 80", ("big",), 80 * GB, 2000e9, 400.0, 60.0, 700, "9.0", None, "test", "2026-11-28")


def _catalog(dedicated_monthly: float = 1500.0) -> HardwareCatalog:
    return HardwareCatalog(
        gpus=(SMALL, BIG),
        rent=(RentPrice("Small 24", 1.0, 2.0, "test", "t"), RentPrice("Big 80", 2.0, 4.0, "test", "t")),
        dedicated=(DedicatedServer("Dedi Big", "Big 80", 1, dedicated_monthly, "test", "t"),),
        vps=(VpsPlan("Tiny", 4, 8 * GB, 10.0, "test", "t"),),
        settings=Settings(electricity_usd_per_kwh=0.2, pue=1.5, amortisation_months=36),
    )


# 1e9 parameters, 16 layers, hidden 2048: full fine-tuning needs 16e9 bytes + checkpointed activations
# (2 x 1024 x 2048 x 16 + 34 x 1024 x 2048 = 0.14e9) + 650 MiB of CUDA context = 16.8 GB: one 24 GB GPU.
ONE_B = ModelSpec("one-b", 1e9, layers=16, hidden=2048, heads=16, kv_heads=16, head_dim=128)
TRAIN = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10)  # 6 x 1e9 x 1e10 = 6e19 FLOPs


def _plan(request: PlanRequest, local: list[tuple[str, int]] | None = None, **catalog: float) -> Plan:
    return make_plan(request, local or [], hardware=_catalog(**catalog))


def _option(plan: Plan, kind: str, gpu: str | None = None) -> Option:
    return next(o for o in plan.options if o.kind == kind and (gpu is None or o.gpu == gpu))


def test_rent_hours_and_cost_range_are_worked_out_from_the_price_range() -> None:
    rent = _option(_plan(TRAIN), "rent", "Small 24")
    # 6e19 FLOPs / (100 TFLOPS x 0.40) = 1.5e6 s = 416.67 h; at USD 1-2 an hour: 416.67-833.33, midpoint 625.
    assert rent.fits and rent.gpu_count == 1
    assert rent.estimated_hours == pytest.approx(416.667, rel=1e-4)
    assert (rent.cost_low_usd, rent.cost_high_usd) == (
        pytest.approx(416.667, rel=1e-4),
        pytest.approx(833.333, rel=1e-4),
    )
    assert rent.estimated_cost_usd == pytest.approx(625.0, rel=1e-4)


def test_break_even_utilisation_of_buying_against_renting() -> None:
    rent = _option(_plan(TRAIN), "rent", "Small 24")
    # P / (36 months x 730 h x (rent 1.50 - 0.4 kW x PUE 1.5 x USD 0.2)) = 2000 / (26,280 x 1.38) = 5.51 %.
    assert rent.break_even_utilisation == pytest.approx(0.05515, rel=1e-3)
    assert _option(_plan(TRAIN), "rent", "Big 80").break_even_utilisation is None  # no purchase price


def test_this_machine_costs_electricity_plus_amortised_purchase() -> None:
    local = _option(_plan(TRAIN, [("Small 24", 24 * GB)]), "local")
    # electricity 0.4 kW x 416.67 h x PUE 1.5 x USD 0.2 = 50.00; purchase 2000 x (416.67 / 730 / 36) = 31.71.
    assert local.fits and local.estimated_hours == pytest.approx(416.667, rel=1e-4)
    assert local.estimated_cost_usd == pytest.approx(81.71, rel=1e-3)
    yearly = _option(
        _plan(PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, months=12), [("Small 24", 24 * GB)]),
        "local",
    )
    assert yearly.estimated_cost_usd == pytest.approx(50.0 + 2000 / 3, rel=1e-3)


def test_this_machine_is_recommended_first_when_it_fits() -> None:
    plan = _plan(TRAIN, [("Small 24", 24 * GB)])
    assert plan.recommendation is not None and plan.recommendation.kind == "local"
    assert plan.options[plan.recommendation.option_index].kind == "local"
    assert any("this machine" in reason for reason in plan.recommendation.reasons)


def test_this_machine_is_passed_over_when_it_misses_the_deadline() -> None:
    plan = _plan(
        PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, deadline_hours=200), [("Small 24", 24 * GB)]
    )
    assert plan.recommendation is not None and plan.recommendation.kind != "local"


def test_a_too_small_local_gpu_does_not_fit_and_says_how_much_is_needed() -> None:
    local = _option(_plan(TRAIN, [("Small 24", 8 * GB)]), "local")
    assert not local.fits and local.estimated_cost_usd is None
    assert any("does not fit" in note and "8.0 GB" in note for note in local.notes)


def test_heavy_training_without_local_gpus_goes_to_the_cheapest_rent() -> None:
    # Big: 6e19 / (400 TFLOPS x 0.4) = 104.17 h x USD 3 (midpoint) = 312.50; Small: 416.67 h x 1.5 = 625;
    # the dedicated server: one month, 1,500.
    plan = _plan(TRAIN)
    assert plan.recommendation is not None and plan.recommendation.kind == "rent"
    assert plan.options[plan.recommendation.option_index].gpu == "Big 80"
    assert plan.options[plan.recommendation.option_index].estimated_cost_usd == pytest.approx(312.5)


def test_sensitive_data_prefers_a_dedicated_server_over_cheaper_shared_rent() -> None:
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, sensitive_data=True)
    plan = _plan(request)
    assert plan.recommendation is not None and plan.recommendation.kind == "dedicated"
    assert any("sensitive" in reason for reason in plan.recommendation.reasons)


def test_sensitive_data_that_no_private_option_holds_gets_no_rented_gpus_and_is_told_what_would_fit() -> None:
    big_job = PlanRequest(
        ModelSpec("big", 30e9, layers=48, hidden=7168, heads=56, kv_heads=8, head_dim=128),
        "full-finetune",
        context=1024,
        tokens=1e9,
        sensitive_data=True,
    )  # 480 GB of training state: no single 80 GB dedicated server holds it; rented GPUs (8 x 80) would
    plan = _plan(big_job)
    assert not _option(plan, "dedicated").fits and _option(plan, "rent", "Big 80").fits
    assert plan.recommendation is None, "shared rented GPUs are never recommended for sensitive data"
    assert any("sensitive data: the requirement cannot be met" in w for w in plan.warnings)
    # LoRA: 30e9 x 2 bytes of frozen weights + 1 % adapters at 16 bytes = 64.8 GB + activations < 80 GB.
    assert any(w == "what would: --workload lora fits Dedi Big (USD 1,500 a month)" for w in plan.warnings)


def test_long_running_serving_goes_to_a_dedicated_server_when_its_months_cost_less() -> None:
    seven_b = ModelSpec("seven-b", 7e9, layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128)
    request = PlanRequest(seven_b, "inference", months=12)  # 8,760 h: rent Small 13,140; dedicated 12 x 500
    plan = _plan(request, dedicated_monthly=500.0)
    assert plan.recommendation is not None and plan.recommendation.kind == "dedicated"
    assert _option(plan, "dedicated").estimated_cost_usd == 6000.0
    assert _option(plan, "rent", "Small 24").estimated_cost_usd == pytest.approx(8760 * 1.5)


def test_a_small_pilot_without_gpus_goes_to_a_vps() -> None:
    tiny = ModelSpec("tiny", 1e9, layers=16, hidden=2048, heads=16, kv_heads=4, head_dim=128)
    plan = _plan(PlanRequest(tiny, "inference", precision="q4_k_m", context=2048))
    assert plan.recommendation is not None and plan.recommendation.kind == "vps"
    assert not _option(_plan(TRAIN), "vps").fits  # training never fits a CPU-only server


def test_when_nothing_fits_there_is_no_recommendation_and_the_plan_says_what_would() -> None:
    huge = ModelSpec("huge", 405e9, layers=126, hidden=16384, heads=128, kv_heads=8, head_dim=128)
    plan = _plan(PlanRequest(huge, "inference", precision="fp32"))  # 1.6 TB > 8 x 80 GB
    assert plan.recommendation is None
    assert not any(o.fits for o in plan.options)
    assert any("no option fits" in w and "--precision" in w for w in plan.warnings)


def test_training_adds_gpus_to_meet_a_deadline() -> None:
    # 416.67 GPU-hours: 4 GPUs take 104.2 h, 8 take 52.1 h, the fewest powers of two within 100 h.
    request = PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, deadline_hours=100)
    rent = _option(_plan(request), "rent", "Small 24")
    assert rent.gpu_count == 8 and rent.estimated_hours == pytest.approx(52.083, rel=1e-4)
    assert any("deadline" in note for note in rent.notes)


def test_a_budget_no_option_meets_is_said() -> None:
    plan = _plan(PlanRequest(ONE_B, "full-finetune", context=1024, tokens=1e10, budget_usd=10))
    assert plan.recommendation is not None
    assert any("misses a limit" in w for w in plan.warnings)


def test_without_checkpointing_training_needs_more_gpus_at_the_same_hours() -> None:
    # 1e9 parameters at context 16384. Checkpointed: 16 GB of states + 2·s·b·h·L (1.07 GB) + one layer's
    # 34·s·b·h (1.14 GB) + 0.68 GB = 18.9 GB: one 24 GB GPU. Without: 34·s·b·h·L = 18.3 GB on every GPU
    # (data parallel), so 16/n + 18.3 + 0.68 fits first at n = 4. MFU counts model FLOPs: 416.67 GPU-hours.
    checkpointed = _option(_plan(PlanRequest(ONE_B, "full-finetune", context=16384, tokens=1e10)), "rent", "Small 24")
    plain_request = PlanRequest(ONE_B, "full-finetune", context=16384, tokens=1e10, activation_checkpointing=False)
    plain = _option(_plan(plain_request), "rent", "Small 24")
    assert checkpointed.fits and checkpointed.gpu_count == 1
    assert checkpointed.estimated_hours == pytest.approx(416.667, rel=1e-4)
    assert any("checkpointing on" in note for note in checkpointed.notes)
    assert plain.fits and plain.gpu_count == 4
    assert plain.estimated_hours == pytest.approx(416.667 / 4, rel=1e-4)


def test_simulated_local_gpus_are_labelled() -> None:
    plan = make_plan(TRAIN, [("Small 24 [SIMULATED]", 24 * GB)], simulated=True, hardware=_catalog())
    assert plan.simulated
    assert any("SIMULATED" in note for note in _option(plan, "local").notes)
    assert _option(plan, "local").estimated_hours is not None  # the simulated card is looked up by its model


def test_a_local_gpu_missing_from_the_catalog_fits_but_has_no_hours() -> None:
    local = _option(_plan(TRAIN, [("Mystery GPU", 48 * GB)]), "local")
    assert local.fits and local.estimated_hours is None
    assert any("not in the hardware catalog" in note for note in local.notes)


def test_every_fitting_option_has_enough_vram_across_its_gpus() -> None:
    hardware = load_hardware()
    local = [("NVIDIA GeForce RTX 4090", 24 * GB), ("NVIDIA GeForce RTX 3090", 24 * GB)]
    checked = 0
    for model in list_models():
        for workload in WORKLOADS:
            for precision in ("bf16", "int4") if workload == "inference" else ("bf16",):
                context = min(4096, model.max_context or 4096)
                request = PlanRequest(model, workload, precision=precision, context=context, tokens=1e9)
                plan = make_plan(request, local, hardware=hardware)
                for option in plan.options:
                    if option.fits and option.gpu is not None:
                        assert option.vram_bytes_per_gpu is not None
                        assert option.gpu_count * option.vram_bytes_per_gpu >= plan.memory.total_bytes, (
                            model.name,
                            option,
                        )
                        checked += 1
    assert checked > 100


def test_without_hours_rent_is_not_called_dearer_than_a_months_dedicated_server() -> None:
    # No --tokens and no --months: rent has no total to compare with one month of the dedicated server, so
    # the plan picks the rented GPU of the lowest price per hour (Small: USD 1.50 midpoint) and says why.
    seven_b = ModelSpec("seven-b", 7e9, layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128)
    plan = _plan(PlanRequest(seven_b, "inference"), dedicated_monthly=100.0)
    assert plan.recommendation is not None and plan.recommendation.kind == "rent"
    chosen = plan.options[plan.recommendation.option_index]
    assert chosen.gpu == "Small 24" and chosen.usd_per_hour == pytest.approx(1.5)
    assert any("--tokens or --months" in reason for reason in plan.recommendation.reasons)


def test_each_fitting_option_says_what_an_hour_costs() -> None:
    plan = _plan(TRAIN, [("Small 24", 24 * GB)])
    # local: 0.4 kW x 1.5 x USD 0.2 = 0.12 + 2000 / (36 x 730) = 0.0761; dedicated 1500 / 730;
    # rent Big: 1 GPU x USD 3 (the midpoint of 2-4).
    assert _option(plan, "local").usd_per_hour == pytest.approx(0.12 + 2000 / 26280)
    assert _option(plan, "dedicated").usd_per_hour == pytest.approx(1500 / 730)
    assert _option(plan, "rent", "Big 80").usd_per_hour == pytest.approx(3.0)


def test_of_two_local_gpus_that_both_hold_the_work_the_faster_one_runs_it() -> None:
    """An RTX 4090 and an RTX 3090 both hold a 1B fine-tune; the 4090 (here: Small 24 at 100 TFLOPS
    against a slower 25 GB card) must be chosen even though the slower card has a little more memory."""
    slow = GpuSpec("Slow 25", ("slow",), 25 * GB, 900e9, 35.0, 35.0, 350, "8.6", 1500.0, "test", "2026-11-28")
    catalog = _catalog()
    catalog = HardwareCatalog((*catalog.gpus, slow), catalog.rent, catalog.dedicated, catalog.vps, catalog.settings)
    plan = make_plan(TRAIN, [("Slow 25", 25 * GB), ("Small 24", 24 * GB)], hardware=catalog)
    local = _option(plan, "local")
    assert (local.gpu, local.gpu_count) == ("Small 24", 1)
    assert local.estimated_hours == pytest.approx(416.667, rel=1e-4)  # 6e19 / (100 TFLOPS x 0.40)


# --- issue 10's new-user trial (T10-report.md), each case worked out by hand -------------------------

TINY = ModelSpec("tiny", 1e9, layers=16, hidden=2048, heads=16, kv_heads=4, head_dim=128)
SEVEN_B = ModelSpec("seven-b", 7e9, layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128)


def test_a_vps_estimates_cpu_generation_from_its_ram_bandwidth_and_bills_the_months_it_takes() -> None:
    # tiny in q4_k_m: 1e9 x 4.90 / 8 = 612.5e6 bytes of weights; KV cache 2 x 2048 x 16 x 4 x 128 x 2 = 67,108,864.
    # The VPS reads 679,608,864 bytes a token at the assumed 20 GB/s: 29.43 tokens/s (its 4 vCPUs at
    # 64 GFLOP/s x 0.40 would allow 51.2). 1e8 tokens take 943.9 h: two months at USD 10.
    request = PlanRequest(TINY, "inference", precision="q4_k_m", context=2048, tokens=1e8, months=2)
    vps = _option(_plan(request), "vps")
    assert vps.fits and vps.estimated_hours == pytest.approx(943.9, rel=1e-3)
    assert vps.estimated_cost_usd == 20.0
    assert any("20 GB/s RAM bandwidth (an assumption" in note for note in vps.notes)


def test_a_vps_that_would_take_longer_than_the_project_is_not_recommended() -> None:
    # Without --months the project is one month (730 h); the VPS needs 943.9 h, so the cheapest GPU
    # wins: Small 24 reads the 679.6 MB a token at 1,000 GB/s, 1,471 tokens/s, 18.9 h x USD 1.50 = 28.3.
    slow = _plan(PlanRequest(TINY, "inference", precision="q4_k_m", context=2048, tokens=1e8))
    assert slow.recommendation is not None and slow.recommendation.kind == "rent"
    assert slow.options[slow.recommendation.option_index].estimated_cost_usd == pytest.approx(28.33, rel=1e-3)
    # Over two months it finishes in time and costs USD 20, less than the GPU's 28.3: the VPS.
    patient = _plan(PlanRequest(TINY, "inference", precision="q4_k_m", context=2048, tokens=1e8, months=2))
    assert patient.recommendation is not None and patient.recommendation.kind == "vps"


def test_training_splits_the_global_batch_across_data_parallel_gpus() -> None:
    # ONE_B at context 1024, checkpointed: 2·s·h·L + 34·s·h = 67,108,864 + 71,303,168 = 138,412,032 bytes a
    # sequence. A global batch of 256 on one GPU: 16e9 + 35.4e9 + 0.68e9; split over 4 (64 each):
    # 16e9 / 4 + 64 x 138.4e6 + 0.68e9 = 13.54 GB, the first power of two to fit 24 GB (2 GPUs: 26.4 GB).
    rent = _option(_plan(PlanRequest(ONE_B, "full-finetune", context=1024, batch=256, tokens=1e10)), "rent", "Small 24")
    assert rent.fits and rent.gpu_count == 4
    assert any("the global batch of 256 as 64 per GPU" in note for note in rent.notes)
    assert rent.estimated_hours == pytest.approx(416.667 / 4, rel=1e-4)  # 6·N·D does not depend on the batch


def test_a_batch_too_large_even_split_suggests_gradient_accumulation() -> None:
    # Batch 512 on the one-GPU dedicated server (Big 80): 16e9 + 512 x 138.4e6 + 0.68e9 = 87.5 GB > 80 GB.
    # One sequence at a time with 512 accumulation steps: 16e9 + 138.4e6 + 681.6e6 = 16.8 GB.
    dedicated = _option(_plan(PlanRequest(ONE_B, "full-finetune", context=1024, batch=512, tokens=1e10)), "dedicated")
    assert not dedicated.fits
    assert any(
        "gradient accumulation" in note and "512 steps" in note and "16.8 GB" in note for note in dedicated.notes
    )


def test_an_inference_deadline_raises_the_batch_on_this_machine_before_renting() -> None:
    # SEVEN_B in bf16: 14e9 bytes of weights, 131,072 bytes of KV cache a token (4096 a sequence: 0.537e9).
    # Batch 1 on Small 24: 1e12 / 14.54e9 = 68.8 tokens/s, 1e8 tokens in 404 h, past a 100 h deadline.
    # Batch 8: 8 x 1e12 / (14e9 + 4,294,967,296) = 437.3 tokens/s, 63.5 h; it needs 14 + 4.29 + 2.28
    # (activations of 8 x 2048 tokens) + 0.68 = 21.3 GB of the 24.
    request = PlanRequest(SEVEN_B, "inference", context=4096, tokens=1e8, deadline_hours=100)
    plan = _plan(request, [("Small 24", 24 * GB)])
    local = _option(plan, "local")
    assert local.batch == 8 and local.gpu_count == 1
    assert local.estimated_hours == pytest.approx(63.52, rel=1e-3)
    assert any("batch 8" in note and "deadline" in note for note in local.notes)
    assert plan.recommendation is not None and plan.recommendation.kind == "local"


def test_sensitive_data_is_recommended_a_dedicated_server_only_and_a_lighter_workload_when_that_fits() -> None:
    # SEVEN_B LoRA in bf16 needs 14e9 + 1 % adapters at 16 bytes (1.12e9) + activations: too much for
    # Small 24's dedicated cousin? The catalog here has one dedicated server (Big 80): it holds it.
    request = PlanRequest(SEVEN_B, "lora", context=1024, tokens=1e8, sensitive_data=True, months=12)
    plan = _plan(request)
    assert plan.recommendation is not None and plan.recommendation.kind == "dedicated"
    assert not any("rented" in reason and "isolation" in reason for reason in plan.recommendation.reasons)


def test_a_gpu_without_bf16_is_warned_about_and_not_recommended_for_bf16_work() -> None:
    pascal = GpuSpec("Old 11", ("old",), 11 * GB, 484e9, None, 11.3, 250, "6.1", 699.0, "test", "2026-11-28")
    catalog = _catalog()
    catalog = HardwareCatalog((*catalog.gpus, pascal), catalog.rent, catalog.dedicated, catalog.vps, catalog.settings)
    bf16 = make_plan(PlanRequest(TINY, "inference", context=2048), [("Old 11", 11 * GB)], hardware=catalog)
    local = _option(bf16, "local")
    assert local.fits and any("compute capability 6.1" in n and "--precision fp16 or fp32" in n for n in local.notes)
    assert bf16.recommendation is not None and bf16.recommendation.kind != "local"
    assert any("no bf16" in w for w in bf16.warnings)
    fp16 = make_plan(PlanRequest(TINY, "inference", "fp16", context=2048), [("Old 11", 11 * GB)], hardware=catalog)
    assert fp16.recommendation is not None and fp16.recommendation.kind == "local"


def test_a_machine_of_unlike_gpus_names_each_card() -> None:
    # 40 GB of bf16 weights (SEVEN_B scaled to 20e9) need both cards: 24 + 25 GB, tensor parallel.
    slow = GpuSpec("Slow 25", ("slow",), 25 * GB, 900e9, 35.0, 35.0, 350, "8.6", 1500.0, "test", "2026-11-28")
    catalog = _catalog()
    catalog = HardwareCatalog((*catalog.gpus, slow), catalog.rent, catalog.dedicated, catalog.vps, catalog.settings)
    model = ModelSpec("twenty-b", 20e9, layers=48, hidden=5120, heads=40, kv_heads=8, head_dim=128)
    plan = make_plan(
        PlanRequest(model, "inference", context=1024), [("Slow 25", 25 * GB), ("Small 24", 24 * GB)], hardware=catalog
    )
    local = _option(plan, "local")
    assert local.fits and local.gpu_count == 2
    assert set(local.gpu.split(" + ")) == {"Slow 25", "Small 24"}  # both named, not "Slow 25 x 2"


def test_this_machines_vram_is_the_catalogs_figure_for_a_card_the_catalog_knows() -> None:
    # NVML says an RTX 4090 has 25,757,220,864 bytes (24 GiB); the catalog and the rented 4090 say 24 GB.
    hardware = load_hardware()
    request = PlanRequest(TINY, "inference", context=2048)
    plan = make_plan(request, [("NVIDIA GeForce RTX 4090", 25_757_220_864)], hardware=hardware)
    local, rented = _option(plan, "local"), _option(plan, "rent", "NVIDIA GeForce RTX 4090")
    assert local.vram_bytes_per_gpu == rented.vram_bytes_per_gpu == 24 * GB
    assert any("24.0 GB as the catalog states it (NVML total 25.8 GB)" in note for note in local.notes)
