"""`aiwm plan` end to end: the document, the table, --list-models, --demo, --facts, --save, the
override file, and bad input as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

NO_NVML = "/nonexistent/libnvidia-ml.so.1"


@pytest.fixture(autouse=True)
def no_real_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIWM_NVML_LIBRARY", NO_NVML)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["plan", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    status, out, err = _run(capsys, "--json", *args)
    assert status == 0, err
    return json.loads(out)


def test_plan_json_has_the_issues_document(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "inference", "--context", "1")
    assert doc["schema"] == "aiwm.plan/1"
    assert doc["memory"]["weights_bytes"] == 16_060_522_496  # 2 bytes x 8,030,261,248 parameters
    assert doc["memory"]["kv_cache_bytes"] == 131_072  # 128 KiB for one token
    assert doc["compute"]["total_flops"] == pytest.approx(2 * 8_030_261_248)  # per generated token
    assert {o["kind"] for o in doc["options"]} == {"rent", "dedicated", "vps"}  # no GPU on this machine
    assert doc["simulated"] is False
    assert any("no NVIDIA GPU" in w for w in doc["warnings"])


def test_full_finetune_with_tokens_costs_the_rented_options(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "full-finetune", "--tokens", "1B", "--context", "2048")
    assert doc["compute"]["total_flops"] == pytest.approx(6 * 8_030_261_248 * 1e9)
    assert doc["memory"]["optimizer_bytes"] == 12 * 8_030_261_248
    rented = [o for o in doc["options"] if o["kind"] == "rent" and o["fits"]]
    assert rented and all(o["estimated_hours"] > 0 and o["cost_low_usd"] <= o["cost_high_usd"] for o in rented)
    assert doc["recommendation"]["kind"] == "rent"


def test_custom_model_by_params_alone_warns_its_shape_is_an_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--params", "7e9", "--workload", "lora")
    assert doc["request"]["model"]["name"] == "custom" and doc["request"]["model"]["params"] == 7e9
    assert any("ESTIMATE" in w for w in doc["warnings"])
    with_shape = _json(
        capsys,
        "--params",
        "7B",
        "--layers",
        "32",
        "--hidden",
        "4096",
        "--heads",
        "32",
        "--kv-heads",
        "8",
        "--workload",
        "lora",
    )
    assert not any("ESTIMATE" in w for w in with_shape["warnings"])


def test_demo_gpus_are_this_machine_and_marked_simulated(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "llama-3.2-1b", "--workload", "qlora", "--tokens", "1e8", "--demo", "rtx4090")
    assert doc["simulated"] is True
    local = doc["options"][0]
    assert local["kind"] == "local" and local["fits"] and "SIMULATED" in " ".join(local["notes"])
    assert doc["recommendation"]["kind"] == "local"
    status, out, _ = _run(capsys, "--model", "llama-3.2-1b", "--workload", "qlora", "--demo", "rtx4090")
    assert status == 0 and out.startswith("SIMULATED")


def test_the_readable_table_names_the_recommendation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--model", "gpt2", "--workload", "inference", "--precision", "q4_k_m")
    assert status == 0
    assert "recommendation: option" in out and "kind" in out and "VRAM/GPU" in out


def test_list_models_prints_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--list-models")
    assert status == 0 and "llama-3.1-70b" in out and "mixtral-8x7b" in out
    doc = _json(capsys, "--list-models")
    assert any(m["name"] == "qwen2.5-72b" and m["layers"] == 80 for m in doc["models"])


def test_facts_file_gpus_stand_in_for_this_machines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshot = tmp_path / "snap.json"
    gpu = {"name": "NVIDIA H100 80GB HBM3", "vram_total_bytes": 85_520_809_984}
    snapshot.write_text(json.dumps({"schema": "aiwm.snapshot/1", "simulated": False, "gpus": [gpu, gpu]}))
    doc = _json(capsys, "--model", "llama-3.1-70b", "--workload", "inference", "--facts", str(snapshot))
    local = doc["options"][0]
    assert local["kind"] == "local" and local["fits"] and local["gpu_count"] == 2  # 141 GB of bf16 weights
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"schema": "aiwm.facts/1", "gpus": [{"name": "NVIDIA GeForce RTX 4090"}]}))
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "inference", "--facts", str(facts))
    assert doc["options"][0]["vram_bytes_per_gpu"] == 24e9  # from the hardware catalog


def test_save_keeps_the_plan_in_the_data_folder(capsys: pytest.CaptureFixture[str], private_home: Path) -> None:
    status, _, err = _run(capsys, "--model", "gpt2", "--workload", "inference", "--save")
    saved = list((private_home / "plans").glob("*-gpt2.json"))
    assert status == 0 and len(saved) == 1 and str(saved[0]) in err
    assert json.loads(saved[0].read_text())["schema"] == "aiwm.plan/1"


def test_override_prices_change_the_plan(capsys: pytest.CaptureFixture[str], private_home: Path) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    rent = {"gpu": "NVIDIA H100 80GB HBM3", "low_usd_per_hour": 1.0, "high_usd_per_hour": 1.0}
    (private_home / "planner_overrides.json").write_text(json.dumps({"rent": [rent]}))
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "full-finetune", "--tokens", "1e9")
    h100 = next(o for o in doc["options"] if o["kind"] == "rent" and o["gpu"] == "NVIDIA H100 80GB HBM3")
    assert h100["cost_low_usd"] == h100["cost_high_usd"] == pytest.approx(h100["estimated_hours"] * h100["gpu_count"])


def test_a_broken_override_file_is_one_line_exit_2_and_untouched(
    capsys: pytest.CaptureFixture[str], private_home: Path
) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    path = private_home / "planner_overrides.json"
    path.write_text('{"rent": [ broken')
    before = path.read_bytes()
    status, out, err = _run(capsys, "--model", "gpt2", "--workload", "inference")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "planner_overrides.json" in err and "not valid JSON" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "llama-9", "--workload", "inference"], "unknown model 'llama-9'"),
        (["--model", "gpt2", "--workload", "training"], "invalid choice: 'training'"),
        (["--model", "gpt2", "--workload", "inference", "--precision", "fp8"], "invalid choice: 'fp8'"),
        (["--params", "0", "--workload", "inference"], "not a positive count"),
        (["--params=-7e9", "--workload", "inference"], "not a positive count"),
        (["--params", "lots", "--workload", "inference"], "not a positive count"),
        (["--params", "1e9", "--hidden", "1000", "--heads", "3", "--workload", "lora"], "does not divide"),
        (["--params", "1e9", "--hidden", "1024", "--heads", "8", "--kv-heads", "16", "--workload", "lora"], "kv-heads"),
        (["--params", "1e9", "--layers", "0", "--workload", "lora"], "positive whole number"),
        (["--model", "gpt2", "--workload", "inference", "--context", "-1"], "positive whole number"),
        (["--model", "gpt2", "--workload", "inference", "--batch", "0"], "positive whole number"),
        (["--model", "gpt2", "--workload", "lora", "--tokens", "0"], "not a positive count"),
        (["--model", "gpt2", "--workload", "lora", "--budget", "-5"], "positive number"),
        (["--model", "gpt2", "--workload", "lora", "--months", "0"], "positive number"),
        (["--model", "gpt2", "--workload", "lora", "--deadline-hours", "nan"], "positive number"),
        (["--model", "gpt2", "--workload", "lora", "--mfu", "1.5"], "at most 1"),
        (["--model", "gpt2", "--workload", "inference", "--context", "4096"], "longer than gpt2's maximum"),
        (["--model", "gpt2", "--workload", "full-finetune", "--precision", "int4"], "qlora"),
        (["--model", "gpt2", "--params", "1e9", "--workload", "lora"], "not both"),
        (["--model", "gpt2", "--layers", "4", "--workload", "lora"], "--layers describes a custom model"),
        (["--workload", "lora"], "give --model"),
        (["--model", "gpt2"], "give --workload"),
        (["--model", "gpt2", "--workload", "lora", "--facts", "/nonexistent/facts.json"], "No such file"),
        (["--model", "gpt2", "--workload", "lora", "--facts", "pyproject.toml"], "not JSON"),
        (["--model", "gpt2", "--workload", "lora", "--demo", "nosuchgpu"], "nosuchgpu"),
        (["--model", "gpt2", "--workload", "lora", "--facts", "f.json", "--demo"], "cannot go with --facts"),
        (["--model", "gpt2", "--workload", "lora", "--time-scale", "10"], "--time-scale needs --demo"),
        # The trial's absurd numbers: the Planner page's bounds (app/planner/limits.py).
        (["--params", "1e30", "--workload", "inference"], "--params 1e+30 is more than the most the planner takes"),
        (["--model", "gpt2", "--workload", "lora", "--tokens", "1e30"], "--tokens 1e+30 is more than the most"),
        (["--model", "gpt2", "--workload", "lora", "--months", "1e6"], "--months 1,000,000 is more than the most"),
        (["--model", "gpt2", "--workload", "lora", "--batch", "1000000"], "--batch 1,000,000 is more than the most"),
        (["--model", "gpt2", "--workload", "lora", "--deadline-hours", "1e5"], "--deadline-hours 100,000 is more"),
        (["--model", "gpt2", "--workload", "lora", "--budget", "1e11"], "--budget 100,000,000,000 is more"),
        # A negative number after a space reaches the check (argparse took it for an option).
        (["--params", "-7e9", "--workload", "inference"], "'-7e9' is not a positive count"),
        (["--model", "gpt2", "--workload", "lora", "--months", "-2"], "-2 must be a positive number"),
        # 1e9 is a whole number, then bounded; 1e400 is infinite, not negative.
        (["--params", "7e9", "--layers", "1e9", "--workload", "lora"], "--layers 1,000,000,000 is more than the most"),
        (["--model", "gpt2", "--workload", "lora", "--deadline-hours", "1e400"], "1e400 is not a finite number"),
        (["--model", "gpt2", "--workload", "lora", "--batch", "2.5"], "'2.5' is not a whole number"),
        (
            ["--model", "gpt2", "--workload", "pretrain", "--precision", "q4_k_m"],
            "pretrain trains every weight: choose fp32, bf16 or fp16, not q4_k_m",
        ),
        (["--model", "gpt2", "--workload", "lora", "--precision", "q4_k_m"], "GGUF (q4_k_m) is for inference"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    status, out, err = _bad(capsys, args)
    assert status == 2 and out == ""
    assert err.startswith("aiwm: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def _bad(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    try:
        status = main(["plan", *args])
    except SystemExit as exited:  # argparse's errors exit from inside the parser
        status = int(exited.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_a_facts_gpu_of_unknown_memory_is_left_out_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"schema": "aiwm.facts/1", "gpus": [{"name": "Mystery Card"}]}))
    doc = _json(capsys, "--model", "gpt2", "--workload", "lora", "--facts", str(facts))
    assert not [o for o in doc["options"] if o["kind"] == "local"]
    assert any("Mystery Card" in w and "left out" in w for w in doc["warnings"])


@pytest.mark.parametrize(
    "fixture", sorted((Path(__file__).parent / "data" / "facts").glob("*.json")), ids=lambda p: p.stem
)
def test_every_recorded_facts_file_plans(capsys: pytest.CaptureFixture[str], fixture: Path) -> None:
    doc = _json(capsys, "--model", "llama-3.2-1b", "--workload", "qlora", "--facts", str(fixture))
    names = [g["name"] for g in json.loads(fixture.read_text())["gpus"]]
    local = [o for o in doc["options"] if o["kind"] == "local"]
    assert len(local) == (1 if names else 0)
    assert not any("left out" in w for w in doc["warnings"])  # every recorded GPU is in the hardware catalog


def test_a_real_doctor_facts_file_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    facts = Path(__file__).parent / "data" / "facts" / "rtx4090_linux_torch25_cu124.json"
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "qlora", "--facts", str(facts))
    local = doc["options"][0]
    assert local["kind"] == "local" and local["gpu"].startswith("NVIDIA GeForce RTX 4090")


def test_pretraining_a_gguf_model_is_refused_without_suggesting_qlora(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _bad(capsys, ["--model", "gpt2", "--workload", "pretrain", "--precision", "q4_k_m"])
    assert status == 2 and "qlora" not in err


# --- issue 10's new-user trial (T10-report.md): the exact commands --------------------------------


def test_a_vps_that_would_take_years_is_not_recommended_and_its_hours_are_estimated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = _json(
        capsys, "--model", "llama-3.1-8b", "--workload", "inference", "--precision", "q4_k_m", "--tokens", "1e9"
    )
    assert doc["recommendation"]["kind"] != "vps"
    fitting_vps = [o for o in doc["options"] if o["kind"] == "vps" and o["fits"]]
    assert fitting_vps and all(o["estimated_hours"] > 8760 for o in fitting_vps)  # years on a few vCPUs
    # Billed for the months the work takes, not one: 8B q4_k_m reads 4.92 GB a token at 20 GB/s.
    assert all(o["estimated_cost_usd"] >= 12 * 10.01 for o in fitting_vps if "CX33" in o["notes"][0])


def test_sensitive_data_goes_to_a_dedicated_server_not_to_rented_gpus(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(
        capsys, "--model", "llama-3.1-8b", "--workload", "lora", "--tokens", "1e8", "--months", "12", "--sensitive-data"
    )
    assert doc["recommendation"]["kind"] == "dedicated"
    assert not any("isolation" in reason for reason in doc["recommendation"]["reasons"])


def test_sensitive_data_no_private_option_holds_is_said_to_be_unmet_with_what_would(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 405B parameters x 16 bytes = 6.5 TB: no dedicated server in the catalog (8 x 180 GB at most) holds it.
    doc = _json(
        capsys, "--model", "llama-3.1-405b", "--workload", "full-finetune", "--tokens", "1e9", "--sensitive-data"
    )
    assert doc["recommendation"] is None
    assert any("the requirement cannot be met" in w for w in doc["warnings"])
    # LoRA: 811 GB of bf16 weights + 1 % adapters, ~103 GB on each of 8 H200s (141 GB).
    assert "what would: --workload lora fits Qubrid bare metal 8x H200 (USD 17,520 a month)" in doc["warnings"]


def test_the_batch_is_split_across_gpus_and_unfit_rows_show_no_count(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--model", "llama-3.1-8b", "--workload", "lora", "--batch", "32", "--tokens", "1e8")
    doc = _json(capsys, *args)
    split = [o for o in doc["options"] if o["fits"] and o["kind"] == "rent" and o["gpu_count"] > 1]
    assert split and all(any("the global batch of 32" in n for n in o["notes"]) for o in split)
    _, out, _ = _run(capsys, *args)
    rows = [line.split() for line in out.splitlines() if line[:2].strip().isdigit()]
    unfit = [row for row in rows if " no " in " ".join(row)]
    assert unfit and all("-" in row and "1024" not in row for row in unfit)


def test_int4_weights_keep_embeddings_in_16_bits(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "llama-3.1-8b", "--workload", "inference", "--precision", "int4")
    assert doc["memory"]["weights_bytes"] == 5_727_460_432  # the 5.73 GB AWQ checkpoint, not 4.02 GB


def test_an_inference_deadline_raises_the_batch_on_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    # Batch 8 on a 4090: 8 x 1,008 GB/s / (16.06 GB of weights + 4.29 GB of KV cache) = 396 tokens/s, 70.1 h;
    # batch 4 would take 125 h. 16.06 + 4.29 + 2.28 (activations) + 0.68 = 23.3 GB of its 24.
    doc = _json(
        capsys, "--model", "llama-3.1-8b", "--workload", "inference", "--tokens", "1e8", "--deadline-hours", "100",
        "--demo", "rtx4090",
    )  # fmt: skip
    local = doc["options"][0]
    assert doc["recommendation"]["kind"] == "local" and local["batch"] == 8
    assert local["estimated_hours"] == pytest.approx(70.1, rel=2e-3)


def test_the_same_card_has_the_same_vram_here_and_rented(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "gpt2", "--workload", "inference", "--demo", "rtx4090")
    local = doc["options"][0]
    rented = next(o for o in doc["options"] if o["kind"] == "rent" and o["gpu"] == "NVIDIA GeForce RTX 4090")
    assert local["vram_bytes_per_gpu"] == rented["vram_bytes_per_gpu"] == 24_000_000_000
    assert any("NVML total 25.8 GB" in note for note in local["notes"])


def test_an_unknown_override_key_is_one_line_naming_it(capsys: pytest.CaptureFixture[str], private_home: Path) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    path = private_home / "planner_overrides.json"
    path.write_text(json.dumps({"settings": {"elec": 0.3}}))
    status, out, err = _bad(capsys, ["--model", "gpt2", "--workload", "inference"])
    assert status == 2 and out == "" and err.count("\n") == 1 and "unknown key 'elec'" in err


def test_a_pascal_card_is_warned_off_bf16(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"schema": "aiwm.facts/1", "gpus": [{"name": "NVIDIA GeForce GTX 1080 Ti"}]}))
    doc = _json(capsys, "--model", "llama-3.2-1b", "--workload", "inference", "--facts", str(facts))
    assert any("compute capability 6.1" in n and "fp16" in n for n in doc["options"][0]["notes"])
    assert doc["recommendation"]["kind"] != "local"
    fp16 = _json(
        capsys, "--model", "llama-3.2-1b", "--workload", "inference", "--precision", "fp16", "--facts", str(facts)
    )
    assert fp16["recommendation"]["kind"] == "local"


def test_unlike_local_gpus_are_each_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    gpus = [{"name": "NVIDIA GeForce RTX 4090"}, {"name": "NVIDIA GeForce RTX 3090"}]
    facts.write_text(json.dumps({"schema": "aiwm.facts/1", "gpus": gpus}))
    # Qwen2.5-14B in bf16: 29.5 GB of weights, more than one 24 GB card; half on each.
    doc = _json(capsys, "--model", "qwen2.5-14b", "--workload", "inference", "--facts", str(facts))
    local = doc["options"][0]
    assert local["fits"] and local["gpu_count"] == 2
    assert local["gpu"] == "NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 3090"


def test_a_custom_shape_far_from_its_parameters_is_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--params", "7e9", "--layers", "100", "--hidden", "65536", "--workload", "inference")
    assert any(w.startswith("CHECK: --layers 100 and --hidden 65536") for w in doc["warnings"])


def test_the_table_labels_reasons_and_notes_and_says_context_and_batch(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--model", "gpt2", "--workload", "inference", "--precision", "q4_k_m")
    assert status == 0
    assert "context 1,024 tokens (gpt2's maximum), batch 1" in out
    assert "\n  reasons:\n" in out and "\n  notes of option " in out
    assert "estimated USD 6.67 on CPU only" in out and "0 x CPU" not in out


def test_small_numbers_keep_their_precision(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--model", "gpt2", "--workload", "inference", "--tokens", "1000", "--demo", "rtx4090")
    assert status == 0 and "for < 0.1 h" in out and "~0.0 h" not in out and "USD 0 " not in out
    status, out, _ = _run(capsys, "--params", "350000", "--workload", "inference")
    assert "(350,000 parameters)" in out and "e-" not in out.splitlines()[0]


def test_qlora_says_the_precision_does_not_apply(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--model", "llama-3.2-1b", "--workload", "qlora", "--precision", "int8")
    assert any("4-bit NF4" in w and "int8 does not apply" in w for w in doc["warnings"])


def test_nothing_fits_names_the_largest_gpu_in_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(
        capsys, "--model", "llama-3.1-405b", "--workload", "inference", "--precision", "fp32", "--context", "131072"
    )
    assert any("largest GPU in the catalog: 180.0 GB" in w for w in doc["warnings"])
