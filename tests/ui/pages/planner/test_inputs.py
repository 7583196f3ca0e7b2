"""The wizard's number rules, without Qt: what is parsed, what is refused, and the reason given."""

from __future__ import annotations

import pytest

from app.planner.precision import precision_problem
from app.ui.pages.planner.inputs import (
    Architecture,
    amount_problem,
    architecture_problem,
    context_problem,
    optional_amount_problem,
    parse_amount,
    whole_number_problem,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("8B", 8e9), ("350 m", 3.5e8), ("1.5T", 1.5e12), ("7.2e9", 7.2e9), ("$5,000", 5000.0), ("40k", 40_000.0),
     ("48", 48.0), ("", None), ("abc", None), ("8X", None), ("inf", None), ("nan", None)],
)  # fmt: skip
def test_amounts_are_read_with_their_suffixes(text: str, value: float | None) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", "parameters must be more than zero"),
        ("-8B", "parameters must be more than zero"),
        ("eight", "parameters: “eight” is not a number (e.g. 8B, 350M, 1.5T or 7.2e9)"),
        ("8", "parameters: 8 is too small (at least 1e+06; write 8B for 8 billion)"),
        ("500T", "parameters: 500T is more than the most this planner takes (1e+14)"),
    ],
)
def test_model_sizes_of_zero_negative_garbage_or_absurd_are_refused_with_the_reason(text: str, reason: str) -> None:
    assert amount_problem(text, "parameters", 1e6, 1e14) == reason


def test_a_plausible_size_passes_and_an_empty_optional_field_is_no_limit() -> None:
    assert amount_problem("8B", "parameters", 1e6, 1e14) is None
    assert optional_amount_problem("  ", "deadline") is None
    assert optional_amount_problem("0", "deadline") == "deadline must be more than zero"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", None), ("32", None), ("0", "layers must be more than zero"), ("3.5", "layers: “3.5” is not a whole number"),
     ("-2", "layers: “-2” is not a whole number"), ("2000", "layers: 2000 is more than 1000")],
)  # fmt: skip
def test_layer_counts_must_be_whole_and_positive(text: str, reason: str | None) -> None:
    assert whole_number_problem(text, "layers", 1000) == reason


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        # Llama-3.1-8B's config.json: hidden 4096, 32 heads, 8 KV heads — a real model passes.
        (Architecture(32, 4096, 32, 8), None),
        (Architecture(None, None, None, None), None),
        (Architecture(32, 4096, 30, None), "heads (30) must divide the hidden size (4096) evenly"),
        (Architecture(32, 4096, 32, 64), "KV heads (64) cannot be more than attention heads (32)"),
        (Architecture(32, 4096, 32, 5), "KV heads (5) must divide attention heads (32) evenly"),
        (Architecture(32, 4096, None, 8), "give the attention heads too: KV heads are a share of them"),
    ],
)
def test_head_counts_must_fit_the_hidden_size_and_each_other(shape: Architecture, reason: str | None) -> None:
    assert architecture_problem(shape) == reason


@pytest.mark.parametrize(
    ("workload", "precision", "reason"),
    [
        ("inference", "q4_k_m", None),
        ("inference", "int4", None),
        ("lora", "bf16", None),
        ("qlora", "int4", None),
        ("full-finetune", "bf16", None),
        ("full-finetune", "int8", "full-finetune trains every weight: choose fp32, bf16 or fp16, not int8"),
        ("pretrain", "q8_0", "pretrain trains every weight: choose fp32, bf16 or fp16, not q8_0"),
        ("lora", "q4_k_m", "GGUF (q4_k_m) is for inference with llama.cpp; fine-tune in bf16, fp16, int8 or int4"),
    ],
)
def test_precisions_that_cannot_be_trained_are_refused_for_training(
    workload: str, precision: str, reason: str | None
) -> None:
    assert precision_problem(workload, precision) == reason


def test_a_context_longer_than_the_model_reads_is_refused() -> None:
    # Llama-3.1-8B: max_position_embeddings 131072 (its config.json).
    assert context_problem(131072, 131072, "Llama-3.1-8B") is None
    assert context_problem(131073, 131072, "Llama-3.1-8B") == (
        "context 131,073 is longer than Llama-3.1-8B's maximum of 131,072 tokens"
    )
    assert context_problem(10**6, None, "custom model") is None
