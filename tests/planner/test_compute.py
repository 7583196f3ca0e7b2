"""Compute and time against published worked examples: 6·N·D, 2·N per token, Chinchilla, the roofline."""

from __future__ import annotations

import pytest

from app.planner.catalog import find_model
from app.planner.compute import decode_tokens_per_s, estimate_compute, training_hours
from app.planner.hardware import GpuSpec
from app.planner.records import ModelSpec, PlanRequest

GIB = 2**30


def _gpu(bf16_tflops: float | None, bandwidth_gb_s: float = 1000.0, fp32_tflops: float = 50.0) -> GpuSpec:
    return GpuSpec(
        "test GPU", (), 80 * 10**9, bandwidth_gb_s * 1e9, bf16_tflops, fp32_tflops, 700, "9.0", None, "test", "test"
    )


def test_training_is_six_flops_per_parameter_per_token() -> None:
    # Research notes B2 worked example: a 7B model on 140B tokens is C = 6 x 7e9 x 140e9 = 5.88e21 FLOPs.
    compute = estimate_compute(PlanRequest(ModelSpec("m", 7e9), "full-finetune", tokens=140e9))
    assert compute.total_flops == pytest.approx(5.88e21)
    assert compute.tokens == 140e9


@pytest.mark.parametrize(
    ("peak_tflops", "mfu", "gpu_hours"),
    # 5.88e21 / (peak x MFU) / 3600: H100 989.4 TFLOPS at 40 % ~ 4.1k GPU-hours, A100 312 at 40 % ~ 13.1k,
    # at 30 % ~ 17.5k (research notes B2's table, from Transformer Math 101's T = C / (peak x MFU)).
    [(989.4, 0.40, 4127.1), (312.0, 0.40, 13087.6), (312.0, 0.30, 17450.1)],
)
def test_training_hours_divide_flops_by_peak_times_mfu(peak_tflops: float, mfu: float, gpu_hours: float) -> None:
    assert training_hours(5.88e21, _gpu(peak_tflops), 1, "bf16", mfu) == pytest.approx(gpu_hours, rel=1e-4)
    assert training_hours(5.88e21, _gpu(peak_tflops), 8, "bf16", mfu) == pytest.approx(gpu_hours / 8, rel=1e-4)


def test_fp32_training_runs_at_the_fp32_peak() -> None:
    assert training_hours(3.6e15, _gpu(1000.0, fp32_tflops=10.0), 1, "fp32", 1.0) == pytest.approx(0.1)
    assert training_hours(3.6e15, _gpu(None, fp32_tflops=10.0), 1, "bf16", 1.0) == pytest.approx(0.1)


def test_pretraining_without_tokens_suggests_chinchillas_20_per_parameter() -> None:
    compute = estimate_compute(PlanRequest(ModelSpec("m", 7e9), "pretrain"))
    assert compute.tokens == 140e9  # Hoffmann et al. 2022: ~20 tokens per parameter
    assert compute.total_flops == pytest.approx(5.88e21)
    assert "Chinchilla" in (compute.note or "")


def test_finetuning_without_tokens_gives_flops_per_token_and_says_so() -> None:
    compute = estimate_compute(PlanRequest(ModelSpec("m", 1e9), "lora"))
    assert compute.tokens is None and compute.total_flops == 6e9 and "--tokens" in (compute.note or "")


def test_mixture_of_experts_compute_uses_active_parameters() -> None:
    mixtral = find_model("mixtral-8x7b")  # 12.9B of 46.7B parameters active a token (mistral.ai)
    inference = estimate_compute(PlanRequest(mixtral, "inference", tokens=1e6))
    training = estimate_compute(PlanRequest(mixtral, "full-finetune", tokens=1e9))
    assert inference.total_flops == pytest.approx(2 * 12.88e9 * 1e6, rel=0.01)
    assert training.total_flops == pytest.approx(6 * 12.88e9 * 1e9, rel=0.01)


def test_inference_is_two_flops_per_parameter_per_token() -> None:
    compute = estimate_compute(PlanRequest(ModelSpec("m", 8e9), "inference", tokens=1000))
    assert compute.total_flops == 1.6e13 and compute.flops_per_token == 1.6e10


def test_batch_one_decoding_is_bounded_by_memory_bandwidth() -> None:
    # Research notes B2: an 8B model at Q4_K_M (4.58 GiB, llama-quantize) on an RTX 4090 (1008 GB/s)
    # makes at most 1008e9 / (4.58 x 2^30) ~ 205 tokens a second.
    request = PlanRequest(find_model("llama-3.1-8b"), "inference", precision="q4_k_m", context=1)
    rate = decode_tokens_per_s(request, _gpu(165.2, 1008.0), 1, 4.58 * GIB, 0.0)
    assert rate == pytest.approx(205.0, rel=0.01)


def test_large_batches_become_compute_bound() -> None:
    # 2 GB of weights read once a step, 1,000 GB/s, batch 10,000: memory would allow 5,000,000 tokens/s,
    # but 2 x 1e9 FLOPs a token at 100 TFLOPS x 0.5 allows 25,000.
    request = PlanRequest(ModelSpec("m", 1e9), "inference", batch=10_000, mfu=0.5)
    assert decode_tokens_per_s(request, _gpu(100.0, 1000.0), 1, 2e9, 0.0) == pytest.approx(25_000)
    small = PlanRequest(ModelSpec("m", 1e9), "inference", batch=1, mfu=0.5)
    assert decode_tokens_per_s(small, _gpu(100.0, 1000.0), 1, 2e9, 0.0) == pytest.approx(500)


def test_moe_decoding_reads_only_the_active_experts_weights() -> None:
    # Half the parameters active: each step reads half of the 2e9 weight bytes: 1e12 / 1e9 = 1,000 tokens/s.
    request = PlanRequest(ModelSpec("moe", 1e9, active_params=5e8), "inference")
    assert decode_tokens_per_s(request, _gpu(1000.0, 1000.0), 1, 2e9, 0.0) == pytest.approx(1000)
