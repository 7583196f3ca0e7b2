"""The planner's records: what the user asks (`PlanRequest`) and the answer (`Plan`).

Immutable; shared by the engine (catalogs, formulas, options), the CLI, the Planner page and the
report. Sizes are bytes, compute FLOPs, money US dollars, time hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PLAN_SCHEMA = "aiwm.plan/1"

Workload = Literal["inference", "lora", "qlora", "full-finetune", "pretrain"]
WORKLOADS: tuple[Workload, ...] = ("inference", "lora", "qlora", "full-finetune", "pretrain")
OptionKind = Literal["local", "rent", "dedicated", "vps"]


@dataclass(frozen=True)
class ModelSpec:
    """A model's architecture facts; a custom model may give only `params`."""

    name: str
    params: float  # total parameters
    active_params: float | None = None  # mixture-of-experts: parameters used per token
    layers: int | None = None
    hidden: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    vocab: int | None = None
    max_context: int | None = None
    source: str | None = None
    tied_embeddings: bool | None = None  # config.json's tie_word_embeddings: lm_head shares the embeddings


@dataclass(frozen=True)
class PlanRequest:
    """What the user plans: the model, the work, and the limits it must fit."""

    model: ModelSpec
    workload: Workload
    precision: str = "bf16"  # fp32, bf16, fp16, int8, int4, or a GGUF name (q4_k_m, ...)
    context: int = 4096
    batch: int = 1
    tokens: float | None = None  # training tokens (D); None: Chinchilla's ~20 per parameter for pretrain
    deadline_hours: float | None = None
    budget_usd: float | None = None
    months: float | None = None  # how long the project runs (rent vs buy)
    sensitive_data: bool = False
    mfu: float = 0.40  # utilisation of peak
    activation_checkpointing: bool = True  # training: keep layer inputs only (2·s·b·h·L, not 34·s·b·h·L)


@dataclass(frozen=True)
class MemoryEstimate:
    weights_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    activations_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int
    total_bytes: int


@dataclass(frozen=True)
class ComputeEstimate:
    total_flops: float
    tokens: float | None = None  # D used for training
    note: str | None = None
    flops_per_token: float | None = None  # 2·N (inference) or 6·N (training), N the active parameters


@dataclass(frozen=True)
class Option:
    """One place the work could run, sized and costed."""

    kind: OptionKind
    gpu: str | None  # None for a CPU-only VPS
    gpu_count: int
    vram_bytes_per_gpu: int | None
    fits: bool
    estimated_hours: float | None
    estimated_cost_usd: float | None
    notes: tuple[str, ...] = ()
    cost_low_usd: float | None = None  # rental prices are ranges
    cost_high_usd: float | None = None
    break_even_utilisation: float | None = None  # share of hours at which buying beats renting
    usd_per_hour: float | None = None  # what an hour of this option costs, all its GPUs (for cost-vs-time)
    batch: int | None = None  # sequences per step it was sized for (a deadline may raise inference's batch)


@dataclass(frozen=True)
class Recommendation:
    kind: OptionKind
    option_index: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    request: PlanRequest
    memory: MemoryEstimate
    compute: ComputeEstimate
    options: tuple[Option, ...]
    recommendation: Recommendation | None
    simulated: bool = False  # this machine's GPUs were simulated (--demo)
    warnings: tuple[str, ...] = field(default_factory=tuple)
