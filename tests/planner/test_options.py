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


def test_sensitive_data_with_no_dedicated_server_that_fits_rents_with_a_caution() -> None:
    big_job = PlanRequest(
        ModelSpec("big", 30e9, layers=48, hidden=7168, heads=56, kv_heads=8, head_dim=128),
        "full-finetune",
        context=1024,
        tokens=1e9,
        sensitive_data=True,
    )  # 480 GB of training state: no single 80 GB dedicated server holds it
    plan = _plan(big_job)
    assert not _option(plan, "dedicated").fits
    assert plan.recommendation is not None and plan.recommendation.kind == "rent"
    assert any("sensitive data on shared rented GPUs" in reason for reason in plan.recommendation.reasons)


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
