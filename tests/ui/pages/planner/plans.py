"""A realistic plan to show: Llama-3.1-8B, LoRA in bf16, 100 M tokens, on a simulated RTX 4090.

The model facts are Llama-3.1-8B's published config.json
(https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json: 32 layers, hidden 4096,
32 heads, 8 KV heads, vocabulary 128256, 131072 positions; 8.03 B parameters on the model card).
The sizes and prices are hand-made in the ranges of ../shared/research/compatibility-and-planning.md
(bf16 weights 2 bytes per parameter = 16.06 GB; 6·N·D = 6 × 8.03e9 × 1e8 = 4.818e18 FLOPs); the
page only shows them, so they need be plausible, not the engine's.
"""

from __future__ import annotations

from dataclasses import replace

from app.planner.records import (
    ComputeEstimate,
    MemoryEstimate,
    ModelSpec,
    Option,
    Plan,
    PlanRequest,
    Recommendation,
)

GIB = 1024**3
LLAMA_31_8B = ModelSpec(
    "Llama-3.1-8B", 8.03e9, None, 32, 4096, 32, 8, 128, 128256, 131072,
    "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json",
)  # fmt: skip
LLAMA_31_70B = ModelSpec(
    "Llama-3.1-70B", 70.6e9, None, 80, 8192, 64, 8, 128, 128256, 131072,
    "https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json",
)  # fmt: skip
MIXTRAL = ModelSpec(
    "Mixtral-8x7B", 46.7e9, 12.9e9, 32, 4096, 32, 8, 128, 32000, 32768,
    "https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json",
)  # fmt: skip
CATALOG = [LLAMA_31_8B, LLAMA_31_70B, MIXTRAL]

LORA_REQUEST = PlanRequest(LLAMA_31_8B, "lora", "bf16", 4096, 4, tokens=1e8, deadline_hours=48, budget_usd=200)

LOCAL_4090 = Option(
    "local", "NVIDIA GeForce RTX 4090", 1, 24 * GIB, True, 20.2, 9.6,
    ("bf16 LoRA, gradient checkpointing", "electricity $1.64 + amortised purchase"),
)  # fmt: skip
RENT_H100 = Option(
    "rent", "H100 SXM 80GB", 1, 80 * GIB, True, 3.4, 9.35, ("price range of 4 providers, Nov 2026",),
    cost_low_usd=6.8, cost_high_usd=11.9, break_even_utilisation=0.31,
)  # fmt: skip
RENT_L40S = Option(
    "rent", "L40S 48GB", 1, 48 * GIB, True, 9.2, 9.2, ("price range of 3 providers, Nov 2026",),
    cost_low_usd=7.4, cost_high_usd=11.0,
)  # fmt: skip
DEDICATED_A100 = Option(
    "dedicated", "A100 80GB", 1, 80 * GIB, True, 10.7, 1500.0, ("one month at the monthly price",)
)  # fmt: skip
VPS = Option("vps", None, 0, None, False, None, None, ("CPU only: 8 vCPU, 32 GB RAM; no GPU for training",))

LORA_PLAN = Plan(
    LORA_REQUEST,
    MemoryEstimate(
        weights_bytes=16_060_000_000,
        gradients_bytes=83_886_080,
        optimizer_bytes=503_316_480,
        activations_bytes=3_221_225_472,
        kv_cache_bytes=0,
        overhead_bytes=1_073_741_824,
        total_bytes=20_942_169_856,
    ),
    ComputeEstimate(4.818e18, 1e8),
    (LOCAL_4090, RENT_H100, RENT_L40S, DEDICATED_A100, VPS),
    Recommendation(
        "local",
        0,
        (
            "this machine fits the work: 19.5 GiB of 24 GiB",
            "20 h meets the 48 h deadline",
            "costs $9.60, within the $200 budget",
        ),
    ),
    simulated=True,
)
NOTHING_FITS = replace(LORA_PLAN, options=(VPS,), recommendation=None, warnings=("no GPU has 20 GiB",))
