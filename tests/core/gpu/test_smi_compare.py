"""The device check's comparison with nvidia-smi, on recorded `nvidia-smi -q -x` documents."""

from __future__ import annotations

from app.core.gpu.smi_compare import compare, parse_smi_xml
from tests.conftest import DATA
from tests.core.gpu.conftest import snapshot_with_stub, write_scenario


def test_parse_reads_new_and_old_power_sections() -> None:
    new = parse_smi_xml((DATA / "nvidia_smi" / "two_gpus_r550.xml").read_text())
    old = parse_smi_xml((DATA / "nvidia_smi" / "old_driver_r530.xml").read_text())
    assert [g["power_limit_w"] for g in new["gpus"]] == [450.0, 350.0]
    assert old["gpus"][0]["power_limit_w"] == 190.0
    assert old["cuda_version"] == "Not Found" and old["gpus"][0]["temp_slowdown_c"] == 96.0
    assert new["gpus"][1]["pcie_width"] == 8.0 and new["gpus"][1]["vram_total_mib"] == 24576.0


def test_nvml_snapshot_agrees_with_nvidia_smi_for_the_same_machine(stub_libraries, tmp_path) -> None:
    snapshot = snapshot_with_stub(stub_libraries.full, write_scenario("two_models", tmp_path))
    checks = compare(snapshot, parse_smi_xml((DATA / "nvidia_smi" / "two_gpus_r550.xml").read_text()))
    failed = [c.line() for c in checks if c.strict and not c.ok]
    assert failed == []
    assert len(checks) == 3 + 2 * 12


def test_a_wrong_reading_is_a_strict_mismatch(stub_libraries, tmp_path) -> None:
    snapshot = snapshot_with_stub(stub_libraries.full, write_scenario("two_models", tmp_path))
    snapshot["gpus"][1]["power_limit_w"] = 300.0
    snapshot["gpus"][0]["temperature_c"] = 50.0
    snapshot["gpus"][0]["pcie_gen"] = 4
    checks = compare(snapshot, parse_smi_xml((DATA / "nvidia_smi" / "two_gpus_r550.xml").read_text()))
    strict = sorted((c.gpu, c.field) for c in checks if c.strict and not c.ok)
    assert strict == [(0, "temperature_c"), (1, "power_limit_w")]
    allowed = [(c.gpu, c.field) for c in checks if not c.strict and not c.ok]
    assert allowed == [(0, "pcie_gen")]
