"""Bits per weight of each precision the planner knows, with where each figure comes from."""

from __future__ import annotations

from app.core.errors import UserError

# Plain types: bytes per element (Transformer Math 101: fp32 4, fp16/bf16 2, int8 1; int4 half a byte).
# GGUF types: effective bits per weight of a whole Llama-3-8B file (8.03e9 weights) from the sizes
# `llama-quantize --help` prints (llama.cpp tools/quantize/quantize.cpp, in GiB): Q8_0 7.96 GiB → 8.52,
# Q6_K 6.14 → 6.57, Q5_K_M 5.33 → 5.70, Q4_K_M 4.58 → 4.90, Q3_K_M 3.74 → 4.00, Q2_K 2.96 → 3.17.
# They include the tensors a K-quant mix keeps at higher precision, which is why Q4_K_M is not 4.5.
BITS_PER_WEIGHT: dict[str, float] = {
    "fp32": 32.0,
    "bf16": 16.0,
    "fp16": 16.0,
    "int8": 8.0,
    "int4": 4.0,
    "q8_0": 8.52,
    "q6_k": 6.57,
    "q5_k_m": 5.70,
    "q4_k_m": 4.90,
    "q3_k_m": 4.00,
    "q2_k": 3.17,
}
PRECISIONS = tuple(BITS_PER_WEIGHT)
TRAINABLE = ("fp32", "bf16", "fp16")  # full fine-tuning and pretraining keep weights in these

# QLoRA's NF4 base: 4 bits a weight plus double-quantised constants, 8-bit absmax per 64 weights and
# an fp32 constant per 256 of those: 8/64 + 32/(64·256) = 0.127 bits (Dettmers et al. 2023, QLoRA, §3).
QLORA_BASE_BITS = 4.0 + 8 / 64 + 32 / (64 * 256)


def bits_per_weight(precision: str) -> float:
    """The effective bits per weight of a precision name (case-insensitive); unknown is a UserError."""
    try:
        return BITS_PER_WEIGHT[precision.lower()]
    except KeyError:
        raise UserError(f"unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}") from None


def kv_bytes_per_element(precision: str) -> int:
    """KV cache element size: fp32 keeps fp32, every other setting keeps the cache in 16 bits (the
    default of llama.cpp, vLLM and transformers; quantised weights do not quantise the cache)."""
    return 4 if precision.lower() == "fp32" else 2
