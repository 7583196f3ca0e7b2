"""Bits per weight of each precision the planner knows, with where each figure comes from."""

from __future__ import annotations

from app.core.errors import UserError

# Plain types: bytes per element (Transformer Math 101: fp32 4, fp16/bf16 2).
# int8 and int4 are what bitsandbytes, GPTQ and AWQ make of a model: they replace the linear layers
# only, so the token embeddings and the output layer (lm_head) stay 16-bit (see `QUANTISED_LINEAR`).
# int8 (LLM.int8(), Dettmers et al. 2022): one byte a weight plus a per-row scale (~0.01 bit, left out).
# int4 (GPTQ, Frantar et al. 2022; AWQ, Lin et al. 2023, both at their default group size of 128):
# 4 bits a weight plus an fp16 scale and a 4-bit zero point per group of 128: 4 + 20/128 = 4.156 bits.
# Llama-3.1-8B then weighs 6.98e9 x 4.156 / 8 + 1.05e9 x 2 = 5.73 GB, the size of the published
# AWQ INT4 checkpoint (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4: 5.73 GB of safetensors).
# GGUF types: effective bits per weight of a whole Llama-3-8B file (8.03e9 weights) from the sizes
# `llama-quantize --help` prints (llama.cpp tools/quantize/quantize.cpp, in GiB): Q8_0 7.96 GiB → 8.52,
# Q6_K 6.14 → 6.57, Q5_K_M 5.33 → 5.70, Q4_K_M 4.58 → 4.90, Q3_K_M 3.74 → 4.00, Q2_K 2.96 → 3.17.
# They include the tensors a K-quant mix keeps at higher precision, which is why Q4_K_M is not 4.5.
BITS_PER_WEIGHT: dict[str, float] = {
    "fp32": 32.0,
    "bf16": 16.0,
    "fp16": 16.0,
    "int8": 8.0,
    "int4": 4.0 + (16 + 4) / 128,
    "q8_0": 8.52,
    "q6_k": 6.57,
    "q5_k_m": 5.70,
    "q4_k_m": 4.90,
    "q3_k_m": 4.00,
    "q2_k": 3.17,
}
PRECISIONS = tuple(BITS_PER_WEIGHT)
TRAINABLE = ("fp32", "bf16", "fp16")  # full fine-tuning and pretraining keep weights in these
QUANTISED_LINEAR = ("int8", "int4")  # linear layers quantised, embeddings and lm_head kept in 16 bits
EMBEDDING_BYTES = 2  # what the quantisers leave unquantised stays bf16/fp16

# QLoRA's NF4 base: 4 bits a weight plus double-quantised constants, 8-bit absmax per 64 weights and
# an fp32 constant per 256 of those: 8/64 + 32/(64·256) = 0.127 bits (Dettmers et al. 2023, QLoRA, §3).
QLORA_BASE_BITS = 4.0 + 8 / 64 + 32 / (64 * 256)


def bits_per_weight(precision: str) -> float:
    """The effective bits per weight of a precision name (case-insensitive); unknown is a UserError."""
    try:
        return BITS_PER_WEIGHT[precision.lower()]
    except KeyError:
        raise UserError(f"unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}") from None


def is_gguf(precision: str) -> bool:
    """A llama.cpp GGUF quantisation (q4_k_m, ...): a file format for inference, not for training."""
    return precision.lower().startswith("q")


def precision_problem(workload: str, precision: str) -> str | None:
    """Why a precision does not suit a workload, in one line; None when it does.

    Full fine-tuning and pretraining update every weight, which needs a floating-point format;
    GGUF files are run by llama.cpp and never trained; LoRA and QLoRA train adapters on a frozen
    base, which may be int8/int4 (QLoRA always quantises its base to 4-bit NF4).
    """
    precision = precision.lower()
    if workload in ("full-finetune", "pretrain") and precision not in TRAINABLE:
        return f"{workload} trains every weight: choose fp32, bf16 or fp16, not {precision}"
    if workload != "inference" and is_gguf(precision):
        return f"GGUF ({precision}) is for inference with llama.cpp; fine-tune in bf16, fp16, int8 or int4"
    return None


def kv_bytes_per_element(precision: str) -> int:
    """KV cache element size: fp32 keeps fp32, every other setting keeps the cache in 16 bits (the
    default of llama.cpp, vLLM and transformers; quantised weights do not quantise the cache)."""
    return 4 if precision.lower() == "fp32" else 2
