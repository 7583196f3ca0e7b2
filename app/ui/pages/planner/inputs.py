"""The wizard's typed numbers: parsing ("8B", "350M", "$5,000") and why a value is refused.

Each check returns the one-line reason shown under the fields (and Next stays disabled), or None
when the value is acceptable. No Qt here: the rules are plain functions, tested as such. The largest
values and which precision suits which workload are the engine's (app/planner/limits.py and
precision.py), shared with the command line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
SIZE_EXAMPLES = "e.g. 8B, 350M, 1.5T or 7.2e9"
MIN_PARAMS = 1e6  # below a million the user almost surely meant billions ("8" for 8B): a typing guard


def parse_amount(text: str) -> float | None:
    """'8B' → 8e9, '350 m' → 3.5e8, '$5,000' → 5000.0, '7.2e9' → 7.2e9; None when it is not a number."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace("$", "").replace(" ", "").lower()
    if not cleaned:
        return None
    scale = 1.0
    if cleaned[-1] in SUFFIXES:
        scale = SUFFIXES[cleaned[-1]]
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def amount_problem(
    text: str, what: str, lowest: float = 0.0, highest: float = math.inf, examples: str = SIZE_EXAMPLES
) -> str | None:
    """Why `text` is not a number above `lowest` (exclusive at zero) and at most `highest`; None if it is.

    An empty text is not checked here: whether a field is optional is the caller's business.
    """
    value = parse_amount(text)
    if value is None:
        return f"{what}: “{text.strip()}” is not a number ({examples})"
    if value <= 0:
        return f"{what} must be more than zero"
    if value < lowest:
        return f"{what}: {text.strip()} is too small (at least {lowest:g}; write 8B for 8 billion)"
    if value > highest:
        return f"{what}: {text.strip()} is more than the most this planner takes ({highest:g})"
    return None


def optional_amount_problem(
    text: str, what: str, highest: float = math.inf, examples: str = SIZE_EXAMPLES
) -> str | None:
    """Like `amount_problem`, but an empty field is fine (no deadline, no budget, …)."""
    return None if not text.strip() else amount_problem(text, what, highest=highest, examples=examples)


def whole_number(text: str) -> int | None:
    """'4096' → 4096; None for an empty field or anything that is not a whole number."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    return int(cleaned) if cleaned.isdigit() else None


def whole_number_problem(text: str, what: str, highest: int) -> str | None:
    """Why an optional whole-number field is refused; None when empty or a whole number 1…highest."""
    if not text.strip():
        return None
    value = whole_number(text)
    if value is None:
        return f"{what}: “{text.strip()}” is not a whole number"
    if value <= 0:
        return f"{what} must be more than zero"
    if value > highest:
        return f"{what}: {value} is more than {highest}"
    return None


@dataclass(frozen=True)
class Architecture:
    """The optional architecture of a custom model, as typed (None where left empty)."""

    layers: int | None
    hidden: int | None
    heads: int | None
    kv_heads: int | None


def architecture_problem(shape: Architecture) -> str | None:
    """Why these heads cannot make a transformer: each head gets hidden/heads dimensions, and in
    grouped-query attention each KV head serves a whole group of query heads."""
    if shape.heads is not None and shape.hidden is not None and shape.hidden % shape.heads:
        return f"heads ({shape.heads}) must divide the hidden size ({shape.hidden}) evenly"
    if shape.kv_heads is not None and shape.heads is None:
        return "give the attention heads too: KV heads are a share of them"
    if shape.kv_heads is not None and shape.heads is not None:
        if shape.kv_heads > shape.heads:
            return f"KV heads ({shape.kv_heads}) cannot be more than attention heads ({shape.heads})"
        if shape.heads % shape.kv_heads:
            return f"KV heads ({shape.kv_heads}) must divide attention heads ({shape.heads}) evenly"
    return None


def context_problem(context: int, max_context: int | None, model_name: str) -> str | None:
    """Why a context length is refused: longer than the model was trained to read."""
    if max_context is not None and context > max_context:
        return f"context {context:,} is longer than {model_name}'s maximum of {max_context:,} tokens"
    return None
