"""The model and hardware catalogs: every row sourced and dated, sorted and unique, and consistent with
the published facts and with the project's other GPU table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.planner.catalog import catalog_models, custom_model, estimated_shape, find_model, load_models
from app.planner.hardware import load_hardware

RESOURCES = Path(__file__).parents[2] / "resources"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _hardware_doc() -> dict:
    return json.loads((RESOURCES / "planner" / "hardware.json").read_text())


def test_every_model_row_is_sourced_and_dated() -> None:
    for row in catalog_models():
        assert row.spec.source and row.spec.source.startswith("https://huggingface.co/"), row.spec.name
        assert "config.json" in row.spec.source, row.spec.name
        assert DATE.match(row.checked), row.spec.name


def test_models_are_unique_and_sorted_by_size_then_name() -> None:
    specs = [row.spec for row in catalog_models()]
    names = [s.name.lower() for s in specs]
    assert len(names) == len(set(names))
    assert [(s.params, s.name) for s in specs] == sorted((s.params, s.name) for s in specs)


def test_model_architectures_are_consistent() -> None:
    for row in catalog_models():
        m = row.spec
        assert m.heads and m.kv_heads and m.heads % m.kv_heads == 0, m.name
        assert m.active_params is None or m.active_params < m.params, m.name


@pytest.mark.parametrize(
    ("name", "layers", "hidden", "heads", "kv_heads", "head_dim", "vocab", "context"),
    [
        # from each model's config.json on Hugging Face (meta-llama/Llama-3.1-8B, google/gemma-2-9b,
        # Qwen/Qwen2.5-7B, mistralai/Mixtral-8x7B-v0.1, openai-community/gpt2)
        ("llama-3.1-8b", 32, 4096, 32, 8, 128, 128256, 131072),
        ("gemma-2-9b", 42, 3584, 16, 8, 256, 256000, 8192),
        ("qwen2.5-7b", 28, 3584, 28, 4, 128, 152064, 131072),
        ("mixtral-8x7b", 32, 4096, 32, 8, 128, 32000, 32768),
        ("gpt2", 12, 768, 12, 12, 64, 50257, 1024),
    ],
)
def test_catalog_rows_match_published_configs(
    name: str, layers: int, hidden: int, heads: int, kv_heads: int, head_dim: int, vocab: int, context: int
) -> None:
    m = find_model(name)
    assert (m.layers, m.hidden, m.heads, m.kv_heads, m.head_dim, m.vocab, m.max_context) == (
        layers,
        hidden,
        heads,
        kv_heads,
        head_dim,
        vocab,
        context,
    )


def test_the_catalog_has_the_models_the_issue_names() -> None:
    wanted = {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b"}
    wanted |= {"mixtral-8x7b", "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b", "gemma-2-9b"}
    wanted |= {"gemma-2-27b", "phi-3-mini", "gpt2"}
    assert wanted <= {row.spec.name for row in catalog_models()}
    assert find_model("mixtral-8x7b").active_params == pytest.approx(12.9e9, rel=0.01)  # mistral.ai: 12.9B active


def test_model_names_are_found_case_insensitively_and_unknown_ones_refused() -> None:
    assert find_model("LLAMA-3.1-8B").name == "llama-3.1-8b"
    with pytest.raises(UserError, match="unknown model 'llama-9'"):
        find_model("llama-9")


def test_a_broken_model_catalog_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "models.json"
    path.write_text('{"schema": "aiwm.planner-models/1", "models": [{"name": "x", "params": 1}]}')
    with pytest.raises(UserError, match="has no source"):
        load_models(path)


def test_a_custom_model_by_size_alone_says_its_shape_is_estimated() -> None:
    model, notes = custom_model(7e9)
    assert model.layers and model.hidden and model.kv_heads and model.head_dim
    assert any("ESTIMATE" in note and "layers" in note for note in notes)
    assert any("KV heads" in note for note in notes)


def test_the_estimated_shape_is_close_to_a_real_dense_model() -> None:
    # Llama-2-7B: 6.74B parameters, 32 layers, hidden 4096 (meta-llama/Llama-2-7b-hf config.json).
    layers, hidden = estimated_shape(6.74e9)
    assert hidden == 4096
    assert 29 <= layers <= 35


def test_a_custom_model_with_its_architecture_is_not_estimated() -> None:
    model, notes = custom_model(7e9, layers=32, hidden=4096, heads=32, kv_heads=8)
    assert notes == ()
    assert (model.layers, model.hidden, model.heads, model.kv_heads, model.head_dim) == (32, 4096, 32, 8, 128)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params": 0}, "positive"),
        ({"params": -1e9}, "positive"),
        ({"params": 1e9, "hidden": 1000, "heads": 3}, "does not divide"),
        ({"params": 1e9, "hidden": 1024, "heads": 8, "kv_heads": 16}, "kv-heads"),
        ({"params": 1e9, "hidden": 1024, "heads": 8, "kv_heads": 3}, "kv-heads"),
        ({"params": 1e9, "layers": 0}, "positive"),
    ],
)
def test_bad_custom_architectures_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        custom_model(**kwargs)


def test_every_hardware_row_is_sourced_and_dated() -> None:
    doc = _hardware_doc()
    for section in ("gpus", "rent", "dedicated", "vps"):
        assert doc[section], section
        for row in doc[section]:
            assert isinstance(row["source"], str) and len(row["source"]) > 10, row
            assert DATE.match(row["checked"]), row
    assert DATE.match(doc["settings"]["checked"])


def test_hardware_rows_are_unique_and_prices_are_ranges() -> None:
    catalog = load_hardware()
    names = [g.name.lower() for g in catalog.gpus] + [a.lower() for g in catalog.gpus for a in g.aliases]
    assert len(names) == len(set(names))
    rented = [r.gpu for r in catalog.rent]
    assert len(rented) == len(set(rented))
    for price in catalog.rent:
        assert 0 < price.low_usd_per_hour <= price.high_usd_per_hour, price.gpu
    for wanted in ("h100", "h200", "a100-80gb", "l40s", "rtx4090", "rtx5090", "l4"):
        gpu = catalog.gpu(wanted)
        assert gpu is not None and any(catalog.gpu(r.gpu) == gpu for r in catalog.rent), wanted


def test_gpu_peaks_agree_with_the_gpu_catalogs_compute_peaks() -> None:
    peaks = json.loads((RESOURCES / "gpu_catalog.json").read_text())["compute_peaks"]
    catalog = load_hardware()
    shared = [name for name in peaks if catalog.gpu(name) is not None]
    assert len(shared) >= 8
    for name in shared:
        gpu = catalog.gpu(name)
        assert gpu is not None
        assert gpu.fp32_tflops == peaks[name]["fp32_tflops"], name
        if peaks[name]["tensor_fp16_tflops"] is not None and gpu.bf16_tflops is not None:
            assert gpu.bf16_tflops == peaks[name]["tensor_fp16_tflops"], name


def test_published_gpu_figures() -> None:
    # NVIDIA datasheets: H100 SXM 80 GB, 3.35 TB/s, 700 W, CC 9.0; RTX 4090 24 GB, 1008 GB/s, 450 W, CC 8.9.
    h100, rtx4090 = load_hardware().gpu("h100"), load_hardware().gpu("rtx4090")
    assert h100 is not None and rtx4090 is not None
    assert (h100.vram_bytes, h100.bandwidth_bytes_per_s, h100.tdp_w, h100.compute_capability) == (
        80e9,
        3350e9,
        700,
        "9.0",
    )
    assert (rtx4090.vram_bytes, rtx4090.bandwidth_bytes_per_s, rtx4090.tdp_w) == (24e9, 1008e9, 450)


def test_a_custom_architecture_far_from_its_parameter_count_is_flagged() -> None:
    # 12 x 100 layers x 65,536² = 5.15e12 parameters, 737x the 7e9 given: one of them is wrong.
    _, notes = custom_model(7e9, layers=100, hidden=65536, heads=512, kv_heads=8)
    assert any(n.startswith("CHECK: --layers 100 and --hidden 65536 make about 5.15e+12 parameters") for n in notes)
    # Llama-2-7B's shape: 12 x 32 x 4096² = 6.44e9 for 6.74e9 parameters (embeddings aside): no warning.
    _, fine = custom_model(6.74e9, layers=32, hidden=4096, heads=32, kv_heads=32)
    assert not any(n.startswith("CHECK") for n in fine)


def test_monthly_prices_are_the_providers_monthly_figure_not_an_hourly_rate_times_730() -> None:
    # Hetzner caps an hourly-billed server at its monthly price; the catalog keeps that cap. Each VPS row
    # quotes the cap in EUR and converts it at the ECB rate it names (1.1133 USD per EUR, 2026-10-28).
    doc = _hardware_doc()
    for row in doc["vps"]:
        cap = re.search(r"monthly cap EUR (\d+\.\d\d)", row["source"])
        assert cap is not None and "x 730" not in row["source"], row["name"]
        assert row["monthly_usd"] == round(float(cap.group(1)) * 1.1133, 2), row["name"]
    # Hetzner's price API, read 2026-09-03: CX23 EUR 5.99, CX33 EUR 8.99, CX43 EUR 16.49 a month.
    caps = {row["name"]: row["monthly_usd"] for row in doc["vps"]}
    assert caps == {"Hetzner Cloud CX23": 6.67, "Hetzner Cloud CX33": 10.01, "Hetzner Cloud CX43": 18.36}


def test_the_catalog_has_dedicated_servers_large_enough_for_sensitive_heavy_work() -> None:
    catalog = load_hardware()
    sizes = {server.name: server.gpu_count * (catalog.gpu(server.gpu).vram_bytes) for server in catalog.dedicated}  # type: ignore[union-attr]
    assert sizes["Hetzner GEX44"] == 20e9 and sizes["Hetzner GEX63"] == 96e9
    assert sizes["Qubrid bare metal 8x H200"] == 8 * 141e9 and sizes["Qubrid bare metal 8x B200"] == 8 * 180e9
