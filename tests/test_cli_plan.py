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
