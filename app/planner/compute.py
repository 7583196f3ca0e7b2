"""How much arithmetic a workload is, and how long it takes on a given set of GPUs.

Training: C ≈ 6·N·D FLOPs (forward 2·N·D, backward 4·N·D; Transformer Math 101, after Kaplan et al.
2020), N the parameters used per token (the active ones of a mixture-of-experts). Time = C / (GPUs ×
peak × MFU). Inference: 2·N FLOPs a generated token; speed is the slower of reading the weights and
KV cache from memory once per step and doing the arithmetic (a roofline).
"""

from __future__ import annotations

from app.planner.hardware import GpuSpec, VpsPlan
from app.planner.records import ComputeEstimate, PlanRequest

CHINCHILLA_TOKENS_PER_PARAM = 20  # Hoffmann et al. 2022, compute-optimal, as Transformer Math 101 states it
TRAINING_FLOPS_PER_PARAM_TOKEN = 6
INFERENCE_FLOPS_PER_PARAM_TOKEN = 2
SECONDS_PER_HOUR = 3600
# A CPU's peak, per vCPU: 2.0 GHz x 32 fp32 FLOPs a cycle (AVX2: two 256-bit FMA units, 8 lanes x 2
# FLOPs each). An assumption for shared cloud vCPUs (no published figure), used only as the compute
# bound of CPU generation; the memory bound (RAM bandwidth) is the tighter one at small batches.
CPU_FLOPS_PER_VCPU = 2.0e9 * 32


def active_params(request: PlanRequest) -> float:
    return request.model.active_params or request.model.params


def training_tokens(request: PlanRequest) -> tuple[float | None, str | None]:
    """D and, when it was chosen for the user, why: pretraining defaults to Chinchilla's 20 per parameter."""
    if request.tokens is not None:
        return request.tokens, None
    if request.workload == "pretrain":
        tokens = CHINCHILLA_TOKENS_PER_PARAM * request.model.params
        return tokens, f"no --tokens: Chinchilla's ~20 tokens per parameter suggests {tokens:.3g} tokens"
    return None, None


def estimate_compute(request: PlanRequest) -> ComputeEstimate:
    """The `compute` of the plan: total FLOPs when the token count is known, else FLOPs per token."""
    n = active_params(request)
    if request.workload == "inference":
        per_token = INFERENCE_FLOPS_PER_PARAM_TOKEN * n
        if request.tokens is None:
            return ComputeEstimate(per_token, None, "no --tokens: FLOPs per generated token", per_token)
        return ComputeEstimate(per_token * request.tokens, request.tokens, None, per_token)
    per_token = TRAINING_FLOPS_PER_PARAM_TOKEN * n
    tokens, note = training_tokens(request)
    if tokens is None:
        note = "no --tokens: FLOPs per training token; give --tokens for the time and cost"
        return ComputeEstimate(per_token, None, note, per_token)
    if request.workload in ("lora", "qlora"):
        note = "6·N·D is an upper bound for LoRA/QLoRA: frozen weights need no weight gradients (~4·N·D)"
    return ComputeEstimate(per_token * tokens, tokens, note, per_token)


def peak_flops(gpu: GpuSpec, precision: str) -> tuple[float, str | None]:
    """The peak rate the work runs at: dense BF16/FP16 tensor, or FP32 where that is all there is."""
    if precision.lower() == "fp32" or gpu.bf16_tflops is None:
        why = None if precision.lower() == "fp32" else f"{gpu.name}: no dense BF16 figure, FP32 peak used"
        return gpu.fp32_tflops * 1e12, why
    return gpu.bf16_tflops * 1e12, None


def training_hours(total_flops: float, gpu: GpuSpec, gpu_count: int, precision: str, mfu: float) -> float:
    rate, _ = peak_flops(gpu, precision)
    return total_flops / (gpu_count * rate * mfu) / SECONDS_PER_HOUR


def decode_tokens_per_s(
    request: PlanRequest, gpu: GpuSpec, gpu_count: int, weight_bytes: float, kv_bytes: float
) -> float:
    """Generated tokens a second: each step reads the active weights and the KV cache once and makes
    `batch` tokens (memory bound), unless the arithmetic, 2·N a token at peak × MFU, is slower."""
    active_share = active_params(request) / request.model.params
    bytes_per_step = weight_bytes * active_share + kv_bytes
    memory_bound = request.batch * gpu_count * gpu.bandwidth_bytes_per_s / bytes_per_step
    rate, _ = peak_flops(gpu, request.precision)
    compute_bound = gpu_count * rate * request.mfu / (INFERENCE_FLOPS_PER_PARAM_TOKEN * active_params(request))
    return min(memory_bound, compute_bound)


def cpu_tokens_per_s(request: PlanRequest, vps: VpsPlan, weight_bytes: float, kv_bytes: float) -> float:
    """Generated tokens a second on a CPU-only server: each step reads the active weights and the KV
    cache from RAM once and makes `batch` tokens (llama.cpp's decode is bound by memory bandwidth),
    unless the vCPUs' arithmetic, 2·N a token at `CPU_FLOPS_PER_VCPU` x MFU, is slower."""
    active_share = active_params(request) / request.model.params
    bytes_per_step = weight_bytes * active_share + kv_bytes
    memory_bound = request.batch * vps.ram_bandwidth_bytes_per_s / bytes_per_step
    per_token = INFERENCE_FLOPS_PER_PARAM_TOKEN * active_params(request)
    compute_bound = vps.vcpus * CPU_FLOPS_PER_VCPU * request.mfu / per_token
    return min(memory_bound, compute_bound)
