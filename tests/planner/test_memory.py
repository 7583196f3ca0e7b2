"""Memory formulas against published worked examples, and the properties any sizing must keep."""

from __future__ import annotations

import pytest

from app.core.errors import UserError
from app.planner.catalog import find_model, list_models
from app.planner.memory import estimate_memory, memory_parts, per_gpu_bytes
from app.planner.records import WORKLOADS, ModelSpec, PlanRequest

GIB = 2**30


def _request(model: ModelSpec, workload: str = "inference", **kw: object) -> PlanRequest:
    return PlanRequest(model=model, workload=workload, **kw)  # type: ignore[arg-type]


def _custom(params: float, **shape: int) -> ModelSpec:
    return ModelSpec(name="custom", params=params, **shape)  # type: ignore[arg-type]


def test_full_finetune_with_mixed_precision_adamw_is_16_bytes_per_parameter() -> None:
    # Transformer Math 101 (blog.eleuther.ai/transformer-math): 2 (bf16 weights) + 2 (gradients)
    # + 12 (fp32 master, momentum, variance) = 16 bytes per parameter; a 7B model needs 112 GB.
    memory = estimate_memory(_request(_custom(7e9), "full-finetune"))
    assert memory.weights_bytes == 14_000_000_000
    assert memory.gradients_bytes == 14_000_000_000
    assert memory.optimizer_bytes == 84_000_000_000
    assert memory.weights_bytes + memory.gradients_bytes + memory.optimizer_bytes == 112_000_000_000


def test_llama_3_8b_kv_cache_is_128_kib_per_token_in_bf16() -> None:
    # 32 layers x 8 KV heads x 128 head_dim x 2 (K, V) x 2 bytes = 131,072 bytes a token;
    # 0.5 GiB at 4k context and 16 GiB at 128k (NVIDIA "Mastering LLM Techniques: Inference Optimization").
    llama = find_model("llama-3.1-8b")
    assert estimate_memory(_request(llama, context=1)).kv_cache_bytes == 128 * 1024
    assert estimate_memory(_request(llama, context=4096)).kv_cache_bytes == GIB // 2
    assert estimate_memory(_request(llama, context=131072)).kv_cache_bytes == 16 * GIB


def test_kv_cache_scales_with_batch_and_uses_kv_heads_not_attention_heads() -> None:
    # Llama-3-70B: 80 layers x 8 KV heads x 128 x 2 x 2 = 320 KiB a token; Llama-2-7B (no GQA,
    # 32 layers x 32 KV heads x 128): 512 KiB a token, 1 GiB at 2k context (same NVIDIA post).
    assert estimate_memory(_request(find_model("llama-3.1-70b"), context=1)).kv_cache_bytes == 320 * 1024
    llama2 = _custom(6.74e9, layers=32, hidden=4096, heads=32, kv_heads=32, head_dim=128)
    assert estimate_memory(_request(llama2, context=2048)).kv_cache_bytes == GIB
    assert estimate_memory(_request(llama2, context=2048, batch=3)).kv_cache_bytes == 3 * GIB


def test_fp32_inference_keeps_a_4_byte_kv_cache() -> None:
    llama = find_model("llama-3.1-8b")
    assert estimate_memory(_request(llama, context=1, precision="fp32")).kv_cache_bytes == 256 * 1024


def test_inference_weights_are_parameters_times_bytes_per_weight() -> None:
    llama = find_model("llama-3.1-8b")  # 8,030,261,248 parameters
    assert estimate_memory(_request(llama, precision="bf16")).weights_bytes == 16_060_522_496
    assert estimate_memory(_request(llama, precision="fp32")).weights_bytes == 32_121_044_992


def test_int8_and_int4_quantise_the_linear_layers_and_keep_embeddings_and_lm_head_in_16_bits() -> None:
    # Llama-3.1-8B (config.json: vocab_size 128256, hidden_size 4096, tie_word_embeddings false): the token
    # embeddings and the lm_head hold 2 x 128,256 x 4,096 = 1,050,673,152 of the 8,030,261,248 parameters.
    # bitsandbytes, GPTQ and AWQ replace only the linear layers (6,979,588,096 parameters).
    llama = find_model("llama-3.1-8b")
    # int8: 6,979,588,096 x 1 byte + 1,050,673,152 x 2 bytes = 9,080,934,400 (~9.1 GB, not 8.0).
    assert estimate_memory(_request(llama, precision="int8")).weights_bytes == 9_080_934_400
    # int4, GPTQ/AWQ at group size 128: 4 bits + an fp16 scale and a 4-bit zero per 128 weights = 4.15625 bits;
    # 6,979,588,096 x 4.15625 / 8 = 3,626,114,128, + 2,101,346,304 = 5,727,460,432 bytes: the 5.73 GB of the
    # published AWQ INT4 checkpoint (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4), not 4.02 GB.
    assert estimate_memory(_request(llama, precision="int4")).weights_bytes == 5_727_460_432


def test_a_model_with_tied_embeddings_keeps_one_16_bit_copy() -> None:
    # Llama-3.2-1B ties lm_head to the embeddings (config.json: tie_word_embeddings true): 128,256 x 2,048 =
    # 262,668,288 in 16 bits; int8: (1,235,814,400 - 262,668,288) + 2 x 262,668,288 = 1,498,482,688.
    assert estimate_memory(_request(find_model("llama-3.2-1b"), precision="int8")).weights_bytes == 1_498_482_688


# `llama-quantize --help` (llama.cpp tools/quantize/quantize.cpp) prints each type's file size for
# Llama-3-8B in GiB; the planner's weights must land within 1 % of them.
@pytest.mark.parametrize(
    ("precision", "published_gib"),
    [("q8_0", 7.96), ("q6_k", 6.14), ("q5_k_m", 5.33), ("q4_k_m", 4.58), ("q3_k_m", 3.74), ("q2_k", 2.96)],
)
def test_gguf_weights_match_llama_quantize_sizes_for_llama_3_8b(precision: str, published_gib: float) -> None:
    weights = estimate_memory(_request(find_model("llama-3.1-8b"), precision=precision)).weights_bytes
    assert weights / GIB == pytest.approx(published_gib, rel=0.01)


def test_training_checkpoints_activations_unless_told_not_to() -> None:
    model = find_model("llama-3.1-8b")
    default = estimate_memory(_request(model, "lora"))
    assert default == estimate_memory(_request(model, "lora", activation_checkpointing=True))
    assert (
        default.activations_bytes
        < estimate_memory(_request(model, "lora", activation_checkpointing=False)).activations_bytes
    )


def test_activations_with_and_without_checkpointing_follow_transformer_math() -> None:
    # s = 2048, b = 1, h = 4096, L = 32, no vocabulary given (no logits term):
    # without recomputation (FlashAttention): 34 * s*b*h * L = 9,126,805,504 bytes;
    # full recomputation: 2 * s*b*h * L + one layer's 34 * s*b*h = 536,870,912 + 285,212,672.
    model = _custom(6.74e9, layers=32, hidden=4096, heads=32, kv_heads=32, head_dim=128)
    plain = estimate_memory(_request(model, "full-finetune", context=2048, activation_checkpointing=False))
    checkpointed = estimate_memory(_request(model, "full-finetune", context=2048, activation_checkpointing=True))
    assert plain.activations_bytes == 9_126_805_504
    assert checkpointed.activations_bytes == 822_083_584


def test_training_adds_fp32_logits_for_the_loss() -> None:
    # Llama-3.1-8B at context 1: 34 * 4096 * 32 layers = 4,456,448 plus 4 bytes x 128,256 logits = 513,024.
    memory = estimate_memory(
        _request(find_model("llama-3.1-8b"), "full-finetune", context=1, activation_checkpointing=False)
    )
    assert memory.activations_bytes == 4_456_448 + 513_024


def test_qlora_base_is_about_half_a_byte_per_parameter_plus_constants() -> None:
    # QLoRA (Dettmers et al. 2023): NF4 weights, 4 bits, plus double-quantised constants of 0.127 bits;
    # 65B parameters: 65e9 x 4.127 / 8 = 33.53e9 bytes, and adapters (1 %) at 2 bytes: 1.3e9.
    memory = estimate_memory(_request(_custom(65e9, layers=80, hidden=8192), "qlora", context=512))
    assert memory.weights_bytes == pytest.approx(65e9 * 4.127 / 8 + 65e7 * 2, rel=1e-3)
    assert memory.gradients_bytes == pytest.approx(65e7 * 2, rel=1e-6)
    assert memory.optimizer_bytes == pytest.approx(65e7 * 12, rel=1e-6)


def test_qlora_finetunes_65b_in_under_48_gb_where_16_bit_needs_over_780() -> None:
    # QLoRA abstract: finetuning a 65B model drops "from >780GB of GPU memory to <48GB".
    model = _custom(65.2e9, layers=80, hidden=8192, heads=64, kv_heads=64)
    qlora = estimate_memory(_request(model, "qlora", context=512, activation_checkpointing=True))
    full = estimate_memory(_request(model, "full-finetune", context=512, activation_checkpointing=True))
    assert qlora.total_bytes < 48e9
    assert full.total_bytes > 780e9


def test_lora_needs_less_than_full_finetuning_and_qlora_less_than_lora() -> None:
    for model in list_models():
        full = estimate_memory(_request(model, "full-finetune")).total_bytes
        lora = estimate_memory(_request(model, "lora")).total_bytes
        qlora = estimate_memory(_request(model, "qlora")).total_bytes
        assert qlora < lora < full, model.name


def test_lower_precision_never_needs_more_memory() -> None:
    for model in list_models():
        totals = [estimate_memory(_request(model, precision=p)).total_bytes for p in ("int4", "int8", "bf16", "fp32")]
        assert totals == sorted(totals) and len(set(totals)) == 4, model.name


@pytest.mark.parametrize("workload", WORKLOADS)
def test_more_parameters_never_need_less_memory(workload: str) -> None:
    previous = 0
    for params in [1e8 * 1.7**k for k in range(20)]:  # 100M to about 2.4T
        total = estimate_memory(_request(_custom(params, layers=32, hidden=4096, heads=32, kv_heads=8), workload))
        assert total.total_bytes >= previous, params
        previous = total.total_bytes


@pytest.mark.parametrize("workload", WORKLOADS)
def test_what_fits_on_one_gpu_fits_on_two(workload: str) -> None:
    for model in list_models():
        parts = memory_parts(_request(model, workload, context=min(4096, model.max_context or 4096)))
        for checkpointing in (False, True):
            one = per_gpu_bytes(parts, 1, checkpointing)
            assert per_gpu_bytes(parts, 2, checkpointing) <= one, model.name
            assert per_gpu_bytes(parts, 8, checkpointing) <= per_gpu_bytes(parts, 2, checkpointing), model.name


def test_total_is_the_sum_of_its_parts() -> None:
    memory = estimate_memory(_request(find_model("mistral-7b"), "lora"))
    parts = (
        memory.weights_bytes,
        memory.gradients_bytes,
        memory.optimizer_bytes,
        memory.activations_bytes,
        memory.kv_cache_bytes,
        memory.overhead_bytes,
    )
    assert memory.total_bytes == sum(parts)


def test_full_finetuning_a_quantised_model_is_refused() -> None:
    with pytest.raises(UserError, match="qlora"):
        estimate_memory(_request(find_model("gpt2"), "full-finetune", precision="int4"))


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(UserError, match="unknown precision"):
        estimate_memory(_request(find_model("gpt2"), precision="fp8"))


def test_inference_activations_are_one_layer_of_one_prefill_chunk() -> None:
    # Llama-3.1-8B, hidden 4096: 34 x 1024 x 4096 = 142,606,336 bytes at context 1024; a 131,072-token
    # prompt is read 2,048 tokens at a time (llama.cpp's default batch): 34 x 2048 x 4096 = 285,212,672.
    llama = find_model("llama-3.1-8b")
    assert estimate_memory(_request(llama, context=1024)).activations_bytes == 142_606_336
    assert estimate_memory(_request(llama, context=131072)).activations_bytes == 285_212_672
    assert estimate_memory(_request(llama, context=131072, batch=2)).activations_bytes == 2 * 285_212_672
