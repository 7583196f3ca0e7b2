"""How much memory a workload needs, in total and per GPU when split across several.

Formulas from EleutherAI's "Transformer Math 101" (Anthony, Biderman, Schoelkopf 2023): weights at
their precision; mixed-precision AdamW at 16 bytes per trained parameter (2 weights + 2 gradients +
12 optimizer: fp32 master, momentum, variance); activations s·b·h·L·34 bytes with FlashAttention
(no s² scores kept; Korthikanti et al. 2022's selective-recomputation term, t = 1) or 2·s·b·h·L with
full activation checkpointing; the KV cache 2·batch·context·layers·kv_heads·head_dim·bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.errors import UserError
from app.planner.precision import (
    EMBEDDING_BYTES,
    QLORA_BASE_BITS,
    QUANTISED_LINEAR,
    bits_per_weight,
    kv_bytes_per_element,
    precision_problem,
)
from app.planner.records import MemoryEstimate, ModelSpec, PlanRequest

ADAMW_BYTES_PER_PARAM = 12  # fp32 master copy 4 + momentum 4 + variance 4 (Transformer Math 101)
MIXED_WEIGHT_BYTES = 2  # the bf16/fp16 working copy
MIXED_GRADIENT_BYTES = 2
LORA_ADAPTER_SHARE = 0.01  # adapters are ~0.5-1 % of the parameters; the upper end keeps fits honest
CUDA_CONTEXT_BYTES = 650 * 2**20  # per GPU: RahulSChand/gpu_poor's fixed CUDA overhead, 650 MB
ACTIVATION_BYTES_PER_SBH = 34  # 10 + 24 per layer (Transformer Math 101, selective recomputation, t = 1)
CHECKPOINT_BYTES_PER_SBH = 2  # full recomputation keeps each layer's 2-byte input
LOGIT_BYTES = 4  # fp32 logits for the loss: batch·context·vocab·4
PREFILL_CHUNK_TOKENS = 2048  # inference reads a long prompt in chunks (llama.cpp -b default 2048)


@dataclass(frozen=True)
class MemoryParts:
    """The memory terms before any splitting across GPUs, and how each one splits."""

    weights: float
    gradients: float
    optimizer: float
    activations: float  # per replica (data parallel: every GPU its own micro-batch)
    activations_checkpointed: float | None
    kv_cache: float
    training: bool
    batch: int = 1  # the global batch the activations are for; data parallelism splits it


def memory_parts(request: PlanRequest) -> MemoryParts:
    """Every term for the request on one GPU (no overhead)."""
    model, workload = request.model, request.workload
    bits_per_weight(request.precision)  # an unknown precision is refused first
    problem = precision_problem(workload, request.precision)
    if problem is not None:
        hint = " (or --workload qlora: adapters on a 4-bit base)" if workload == "full-finetune" else ""
        raise UserError(problem + hint)
    if workload in ("full-finetune", "pretrain"):
        return _full_training(request)
    if workload in ("lora", "qlora"):
        base = quantised_weight_bytes(model, QLORA_BASE_BITS) if workload == "qlora" else weight_bytes(request)
        return _adapter_training(request, base)
    return MemoryParts(
        weights=weight_bytes(request),
        gradients=0.0,
        optimizer=0.0,
        activations=float(inference_activation_bytes(request)),
        activations_checkpointed=None,
        kv_cache=float(kv_cache_bytes(model, request.context, request.batch, kv_bytes_per_element(request.precision))),
        training=False,
        batch=request.batch,
    )


def embedding_params(model: ModelSpec) -> float:
    """Parameters of the token embeddings and the output layer: vocab x hidden, twice unless tied."""
    if model.vocab is None or model.hidden is None:
        return 0.0
    copies = 1 if model.tied_embeddings else 2
    return min(float(model.params), float(copies * model.vocab * model.hidden))


def quantised_weight_bytes(model: ModelSpec, linear_bits: float) -> float:
    """Linear layers at `linear_bits` a weight; embeddings and lm_head, which bitsandbytes, GPTQ and
    AWQ leave alone, at 16 bits."""
    kept = embedding_params(model)
    return (model.params - kept) * linear_bits / 8 + kept * EMBEDDING_BYTES


def weight_bytes(request: PlanRequest) -> float:
    """The weights at the request's precision: int8/int4 quantise the linear layers only; fp32, 16-bit
    and GGUF (whose bits per weight are whole-file averages) count every parameter alike."""
    bits = bits_per_weight(request.precision)
    if request.precision.lower() in QUANTISED_LINEAR:
        return quantised_weight_bytes(request.model, bits)
    return request.model.params * bits / 8


def _full_training(request: PlanRequest) -> MemoryParts:
    """Mixed-precision AdamW: 16 bytes a parameter (pure fp32: 4 + 4 + 8 for m and v, also 16)."""
    n = request.model.params
    fp32 = request.precision.lower() == "fp32"
    return MemoryParts(
        weights=n * (4 if fp32 else MIXED_WEIGHT_BYTES),
        gradients=n * (4 if fp32 else MIXED_GRADIENT_BYTES),
        optimizer=n * (8 if fp32 else ADAMW_BYTES_PER_PARAM),
        activations=training_activation_bytes(request, checkpointed=False),
        activations_checkpointed=training_activation_bytes(request, checkpointed=True),
        kv_cache=0.0,
        training=True,
        batch=request.batch,
    )


def _adapter_training(request: PlanRequest, base_bytes: float) -> MemoryParts:
    """A frozen base of `base_bytes` plus bf16 adapters trained with mixed-precision AdamW."""
    adapters = request.model.params * LORA_ADAPTER_SHARE
    return MemoryParts(
        weights=base_bytes + adapters * MIXED_WEIGHT_BYTES,
        gradients=adapters * MIXED_GRADIENT_BYTES,
        optimizer=adapters * ADAMW_BYTES_PER_PARAM,
        activations=training_activation_bytes(request, checkpointed=False),
        activations_checkpointed=training_activation_bytes(request, checkpointed=True),
        kv_cache=0.0,
        training=True,
        batch=request.batch,
    )


def inference_activation_bytes(request: PlanRequest) -> int:
    """One layer's working set while the prompt is read: 34·s·b·h bytes, with s at most one prefill
    chunk (llama.cpp's default logical batch of 2,048 tokens; vLLM's chunked prefill does the same)."""
    tokens = min(request.context, PREFILL_CHUNK_TOKENS)
    return ACTIVATION_BYTES_PER_SBH * request.batch * tokens * _hidden(request.model)


def training_activation_bytes(request: PlanRequest, checkpointed: bool) -> float:
    """Activations kept for the backward pass, plus the fp32 logits of the loss."""
    model = request.model
    sbh = request.context * request.batch * _hidden(model)
    layers = model.layers or 1
    if checkpointed:  # each layer's input, and one layer's working set while it is recomputed
        kept = CHECKPOINT_BYTES_PER_SBH * sbh * layers + ACTIVATION_BYTES_PER_SBH * sbh
    else:
        kept = ACTIVATION_BYTES_PER_SBH * sbh * layers
    logits = LOGIT_BYTES * request.batch * request.context * (model.vocab or 0)
    return float(kept + logits)


def kv_cache_bytes(model: ModelSpec, context: int, batch: int, bytes_per_element: int) -> int:
    """2 (K and V) · batch · context · layers · kv_heads · head_dim · bytes."""
    if model.layers is None or model.kv_heads is None:
        return 0
    return 2 * batch * context * model.layers * model.kv_heads * _head_dim(model) * bytes_per_element


def _hidden(model: ModelSpec) -> int:
    return model.hidden or 0


def _head_dim(model: ModelSpec) -> int:
    if model.head_dim:
        return model.head_dim
    if model.hidden and model.heads:
        return model.hidden // model.heads
    return 0


def micro_batch(parts: MemoryParts, gpu_count: int) -> int:
    """Sequences each GPU holds when data parallelism splits the global batch over `gpu_count` GPUs."""
    return math.ceil(parts.batch / gpu_count)


def per_gpu_bytes(parts: MemoryParts, gpu_count: int, checkpointing: bool = False, micro: int | None = None) -> int:
    """Memory on each of `gpu_count` GPUs: training shards weights, gradients and optimizer (FSDP /
    ZeRO-3) and splits the global batch, each GPU keeping the activations of its micro-batch (`micro`
    sequences: gradient accumulation; default the batch's share); inference splits weights and the KV
    cache by tensor parallelism, and one layer's activations as s·b·h·(10 + 24/t). Each GPU has its context."""
    n = gpu_count
    if parts.training:
        activations = parts.activations_checkpointed if checkpointing else parts.activations
        share = (micro if micro is not None else micro_batch(parts, n)) / parts.batch
        shared = (parts.weights + parts.gradients + parts.optimizer) / n
        return int(shared + (activations or 0.0) * share + CUDA_CONTEXT_BYTES)
    activations = parts.activations * (10 + 24 / n) / ACTIVATION_BYTES_PER_SBH
    return int((parts.weights + parts.kv_cache) / n + activations + CUDA_CONTEXT_BYTES)


def estimate_memory(request: PlanRequest) -> MemoryEstimate:
    """The whole job on one GPU: the `memory` of the plan document."""
    parts = memory_parts(request)
    checkpointed = request.activation_checkpointing and parts.training
    activations = parts.activations_checkpointed if checkpointed else parts.activations
    values = [parts.weights, parts.gradients, parts.optimizer, activations or 0.0, parts.kv_cache]
    weights, gradients, optimizer, acts, kv = (int(v) for v in values)
    return MemoryEstimate(
        weights_bytes=weights,
        gradients_bytes=gradients,
        optimizer_bytes=optimizer,
        activations_bytes=acts,
        kv_cache_bytes=kv,
        overhead_bytes=CUDA_CONTEXT_BYTES,
        total_bytes=weights + gradients + optimizer + acts + kv + CUDA_CONTEXT_BYTES,
    )
