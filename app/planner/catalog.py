"""The model catalog (resources/planner/models.json) and custom models given by their size.

Each catalog row holds a model's architecture facts as its published config.json states them,
with the source and the day it was checked; a custom model may give only its parameter count,
and then its shape is estimated (and said to be).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.paths import resources_dir
from app.planner.records import ModelSpec

MODELS_SCHEMA = "aiwm.planner-models/1"

_INT_FIELDS = ("layers", "hidden", "heads", "kv_heads", "head_dim", "vocab", "max_context")


@dataclass(frozen=True)
class CatalogModel:
    """A catalog row: the model and the day its facts were last compared with the source."""

    spec: ModelSpec
    checked: str


def models_path() -> Path:
    return resources_dir() / "planner" / "models.json"


@cache
def catalog_models() -> tuple[CatalogModel, ...]:
    """Every catalog row, in the file's order (by parameters, then name)."""
    return load_models(models_path())


def load_models(path: Path) -> tuple[CatalogModel, ...]:
    """Read and check a model catalog; a broken one is a one-line `UserError`."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"cannot read the model catalog {path}: {error}") from None
    if not isinstance(doc, dict) or doc.get("schema") != MODELS_SCHEMA or not isinstance(doc.get("models"), list):
        raise UserError(f"{path} is not an {MODELS_SCHEMA} model catalog")
    return tuple(_row(row, f"{path}: models[{n}]") for n, row in enumerate(doc["models"]))


def _row(row: Any, where: str) -> CatalogModel:
    if not isinstance(row, dict):
        raise UserError(f"{where} is not an object")
    for key in ("name", "source", "checked"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise UserError(f"{where} has no {key}")
    params = row.get("params")
    if not isinstance(params, (int, float)) or not params > 0:
        raise UserError(f"{where} needs a positive params")
    ints = {key: row.get(key) for key in _INT_FIELDS}
    for key, value in ints.items():
        if not isinstance(value, int) or value <= 0:
            raise UserError(f"{where} needs a positive whole {key}")
    active = row.get("active_params")
    tied = row.get("tied_embeddings", False)
    if not isinstance(tied, bool):
        raise UserError(f"{where}: tied_embeddings must be true or false")
    spec = ModelSpec(
        name=row["name"],
        params=float(params),
        active_params=float(active) if isinstance(active, (int, float)) else None,
        source=row["source"],
        tied_embeddings=tied,
        **ints,
    )
    return CatalogModel(spec, row["checked"])


def list_models() -> list[ModelSpec]:
    return [row.spec for row in catalog_models()]


def find_model(name: str) -> ModelSpec:
    """A catalog model by name, case-insensitive; an unknown name says which names exist."""
    wanted = name.strip().lower()
    for row in catalog_models():
        if row.spec.name.lower() == wanted:
            return row.spec
    names = ", ".join(row.spec.name for row in catalog_models())
    raise UserError(f"unknown model {name!r}; known models: {names} (or give --params)")


def custom_model(
    params: float,
    layers: int | None = None,
    hidden: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
) -> tuple[ModelSpec, tuple[str, ...]]:
    """A model given by its size, with the notes that say what was estimated.

    Without an architecture the shape follows the dense-transformer rule params ≈ 12·layers·hidden²
    (Kaplan et al. 2020, "Scaling Laws", section 2.1) with layers ≈ hidden / 128, the ratio of
    Llama-2-7B (32 layers, hidden 4096); the KV cache then assumes no grouped-query attention.
    """
    _check_positive("params", params)
    given = {"layers": layers, "hidden": hidden, "heads": heads, "kv_heads": kv_heads}
    for key, value in given.items():
        if value is not None:
            _check_positive(key.replace("_", "-"), value)
    if heads is not None and hidden is not None and hidden % heads:
        raise UserError(f"--heads {heads} does not divide --hidden {hidden}")
    if kv_heads is not None and heads is not None and (kv_heads > heads or heads % kv_heads):
        raise UserError(f"--kv-heads {kv_heads} must divide --heads {heads} (and be no more than it)")
    notes: list[str] = []
    if layers is not None and hidden is not None:
        notes += _shape_mismatch(params, layers, hidden)
    if layers is None or hidden is None:
        est_layers, est_hidden = estimated_shape(params)
        layers = layers or est_layers
        hidden = hidden or est_hidden
        notes.append(
            f"ESTIMATE: layers {layers} and hidden {hidden} estimated from {params:.3g} parameters"
            " (params ≈ 12·layers·hidden², layers ≈ hidden/128); give --layers and --hidden for a real model"
        )
    if heads is None:
        heads = max(1, hidden // 128) if hidden % 128 == 0 else _divisor_near(hidden, 128)
        notes.append(f"ESTIMATE: {heads} attention heads of {hidden // heads} assumed; give --heads")
    if kv_heads is None:
        kv_heads = heads
        notes.append("ESTIMATE: KV heads = attention heads (no grouped-query attention); give --kv-heads")
    spec = ModelSpec(
        name="custom",
        params=float(params),
        layers=layers,
        hidden=hidden,
        heads=heads,
        kv_heads=kv_heads,
        head_dim=hidden // heads,
        source="given on the command line",
    )
    return spec, tuple(notes)


SHAPE_TOLERANCE = 2.0  # 12·L·h² is within ~10 % for dense models; off by 2x the shape or the count is wrong


def _shape_mismatch(params: float, layers: int, hidden: int) -> list[str]:
    """A warning when the layers and hidden size given cannot make `params` parameters: a dense
    transformer has about 12·layers·hidden² (Kaplan et al. 2020, section 2.1; embeddings aside)."""
    implied = 12 * layers * hidden * hidden
    ratio = implied / params
    if 1 / SHAPE_TOLERANCE <= ratio <= SHAPE_TOLERANCE:
        return []
    return [
        f"CHECK: --layers {layers} and --hidden {hidden} make about {implied:.3g} parameters"
        f" (12·layers·hidden²), {ratio:.3g}x the --params {params:.3g}; the sizes follow the architecture"
        " for the activations and the KV cache and --params for the weights: check both"
    ]


def estimated_shape(params: float) -> tuple[int, int]:
    """(layers, hidden) of a dense transformer with about `params` parameters; hidden a multiple of 128."""
    hidden_exact = (params * 128 / 12) ** (1 / 3)  # 12·(hidden/128)·hidden² = params
    hidden = max(128, 128 * round(hidden_exact / 128))
    layers = max(1, round(params / (12 * hidden * hidden)))
    return layers, hidden


def _divisor_near(number: int, size: int) -> int:
    """The head count whose head size is nearest `size` among the divisors of `number`."""
    divisors = [d for d in range(1, number + 1) if number % d == 0]
    return min(divisors, key=lambda d: abs(number / d - size))


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"--{name} must be a positive number, not {value:g}")
