"""The device check's comparison with nvidia-smi, on real `nvidia-smi -q -x` captures
(tests/data/nvidia_smi/README.md names their sources) and snapshot values written by hand from them."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.gpu.smi_compare import Check, compare, parse_smi_xml
from tests.conftest import DATA

MIB = 2**20


def _smi(name: str) -> dict[str, Any]:
    return parse_smi_xml((DATA / "nvidia_smi" / name).read_text())


def _gpu(index: int, **values: Any) -> dict[str, Any]:
    """A GPU of an `aiwm snapshot --json` document, only the fields the comparison reads."""
    return {"index": index, **values}


# What aiwm would print on each captured machine, read by hand from the capture.
PAI_GTX1070_X2 = {
    "nvidia": {"driver_version": "384.66", "cuda_driver_version": "9.0"},  # R384 supports CUDA 9.0
    "gpus": [
        _gpu(0, name="GeForce GTX 1070", uuid="GPU-e511a7b2-f9d5-ba47-9b98-853732ca6c1b",
             vram_total_bytes=8112 * MIB, power_limit_w=180.0, temperature_c=60.0, temp_slowdown_c=96.0,
             sm_clock_mhz=1923.0, mem_clock_mhz=3802.0, pcie_gen_max=3, pcie_width_max=16, pcie_gen=3, pcie_width=1),
        _gpu(1, name="GeForce GTX 1070", uuid="GPU-28daffaf-8abe-aaf8-c298-4bd13aecb5e6",
             vram_total_bytes=8114 * MIB, power_limit_w=180.0, temperature_c=59.0, temp_slowdown_c=96.0,
             sm_clock_mhz=1936.0, mem_clock_mhz=3802.0, pcie_gen_max=2, pcie_width_max=16, pcie_gen=2, pcie_width=1),
    ],
}  # fmt: skip
RTX4000_ADA_R595 = {
    "nvidia": {"driver_version": "595.84", "cuda_driver_version": "13.2"},
    "gpus": [
        # nvidia-smi R595 prints only T.Limit margins for this Ada card, no gpu_temp_slow_threshold.
        # NVML still reads the slowdown threshold; from the capture's margins: 38 C + 49 C below
        # T.Limit = 87 C, slowdown 2 C past it (gpu_temp_slow_tlimit_threshold -2 C) = 89 C.
        _gpu(0, name="NVIDIA RTX 4000 SFF Ada Generation", uuid="GPU-37037c3f-65c8-ec4d-24a9-420204ad8026",
             vram_total_bytes=20475 * MIB, power_limit_w=70.0, temperature_c=38.0, temp_slowdown_c=89.0,
             sm_clock_mhz=210.0, mem_clock_mhz=405.0, pcie_gen_max=4, pcie_width_max=16, pcie_gen=1, pcie_width=16),
    ],
}  # fmt: skip
A100_MIG_R535 = {
    "nvidia": {"driver_version": "535.54.03", "cuda_driver_version": "12.2"},
    "gpus": [
        _gpu(0, name="NVIDIA A100-SXM4-80GB", uuid="GPU-513536b6-7d19-9063-b049-1e69664bb298",
             vram_total_bytes=81920 * MIB, power_limit_w=500.0, temperature_c=27.0, temp_slowdown_c=89.0,
             sm_clock_mhz=1275.0, mem_clock_mhz=1593.0, pcie_gen_max=4, pcie_width_max=16, pcie_gen=4, pcie_width=16),
    ],
}  # fmt: skip
CAPTURES = [
    ("pai_gtx1070_x2_r384.xml", PAI_GTX1070_X2),
    ("telegraf_rtx4000_sff_ada_r595.xml", RTX4000_ADA_R595),
    ("telegraf_a100_sxm4_mig_r535.xml", A100_MIG_R535),
]


def _copy(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {"nvidia": dict(snapshot["nvidia"]), "gpus": [dict(g) for g in snapshot["gpus"]]}


def _failed(checks: list[Check]) -> dict[str, list[tuple[int, str]]]:
    """(GPU, field) of the failed checks, strict and allowed; -1 stands for driver-wide checks."""
    return {
        "strict": sorted((-1 if c.gpu is None else c.gpu, c.field) for c in checks if c.strict and not c.ok),
        "allowed": sorted((-1 if c.gpu is None else c.gpu, c.field) for c in checks if not c.strict and not c.ok),
    }


def test_parse_reads_old_and_new_power_sections_and_ignores_mig_devices_memory() -> None:
    pai, ada, a100 = (_smi(name) for name, _ in CAPTURES)
    assert (pai["driver_version"], pai["cuda_version"], len(pai["gpus"])) == ("384.66", None, 2)
    assert [g["power_limit_w"] for g in pai["gpus"]] == [180.0, 180.0]  # <power_readings>
    assert [g["pcie_gen_max"] for g in pai["gpus"]] == [3.0, 2.0]
    # Both newer captures have only <gpu_power_readings><current_power_limit>, no <power_readings>.
    assert (ada["gpus"][0]["power_limit_w"], a100["gpus"][0]["power_limit_w"]) == (70.0, 500.0)
    assert ada["gpus"][0]["temp_slowdown_c"] is None  # R595 prints T.Limit margins, no gpu_temp_slow_threshold
    assert (ada["cuda_version"], ada["gpus"][0]["pcie_gen_max"], ada["gpus"][0]["pcie_gen"]) == ("13.2", 4.0, 1.0)
    # The A100 lists four MIG devices of 19968 MiB each before the GPU's own fb_memory_usage.
    assert (len(a100["gpus"]), a100["gpus"][0]["vram_total_mib"]) == (1, 81920.0)
    assert (a100["gpus"][0]["temp_slowdown_c"], a100["gpus"][0]["sm_clock_mhz"]) == (89.0, 1275.0)


# The only differences a matching snapshot may show: what that nvidia-smi does not print.
ONLY_OURS = {
    "pai_gtx1070_x2_r384.xml": [(-1, "cuda_driver_version")],  # R384 printed no CUDA version
    "telegraf_rtx4000_sff_ada_r595.xml": [(0, "temp_slowdown_c")],  # only T.Limit margins
    "telegraf_a100_sxm4_mig_r535.xml": [],
}


@pytest.mark.parametrize(("capture", "snapshot"), CAPTURES)
def test_matching_snapshot_agrees_with_a_real_capture(capture: str, snapshot: dict[str, Any]) -> None:
    checks = compare(snapshot, _smi(capture))
    assert _failed(checks) == {"strict": [], "allowed": ONLY_OURS[capture]}
    assert len(checks) == 3 + 12 * len(snapshot["gpus"])


def test_values_only_one_side_has() -> None:
    pai = _smi("pai_gtx1070_x2_r384.xml")
    checks = {(c.gpu, c.field): c for c in compare(PAI_GTX1070_X2, pai)}
    cuda = checks[(None, "cuda_driver_version")]  # nvidia-smi R384 printed no CUDA version
    assert (cuda.ok, cuda.strict) == (False, False)
    ada = _smi("telegraf_rtx4000_sff_ada_r595.xml")
    only_ours = {(c.gpu, c.field): c for c in compare(RTX4000_ADA_R595, ada)}[(0, "temp_slowdown_c")]
    assert (only_ours.ours, only_ours.smi, only_ours.ok, only_ours.strict) == (89.0, None, False, False)
    snapshot = _copy(PAI_GTX1070_X2)
    snapshot["gpus"][1]["temperature_c"] = None  # the driver shows it and we missed it: a failure
    assert _failed(compare(snapshot, pai))["strict"] == [(1, "temperature_c")]
    snapshot = _copy(RTX4000_ADA_R595)
    snapshot["gpus"][0]["temp_slowdown_c"] = None  # neither side has it: agreement
    assert _failed(compare(snapshot, ada)) == {"strict": [], "allowed": []}


# (field, the capture's value, the largest difference allowed): A100 capture, hand-computed.
TOLERANCES = [
    ("temperature_c", 27.0, 3.0),
    ("power_limit_w", 500.0, 1.0),
    ("temp_slowdown_c", 89.0, 0.5),
    ("sm_clock_mhz", 1275.0, 255.0),  # 20 % of 1275 MHz, more than the 150 MHz floor
    ("mem_clock_mhz", 1593.0, 318.6),  # 20 % of 1593 MHz
    ("pcie_gen_max", 4, 0),
    ("pcie_width_max", 16, 0),
]


@pytest.mark.parametrize(("field", "value", "tolerance"), TOLERANCES)
@pytest.mark.parametrize("sign", [1, -1])
def test_each_tolerance_holds_at_its_boundary_and_fails_just_past_it(field, value, tolerance, sign) -> None:
    smi = _smi("telegraf_a100_sxm4_mig_r535.xml")
    snapshot = _copy(A100_MIG_R535)
    snapshot["gpus"][0][field] = value + sign * tolerance
    assert _failed(compare(snapshot, smi))["strict"] == []
    snapshot["gpus"][0][field] = value + sign * (tolerance + 1)
    assert _failed(compare(snapshot, smi))["strict"] == [(0, field)]


def test_vram_agrees_within_one_mib_and_clock_floor_is_150_mhz() -> None:
    ada = _smi("telegraf_rtx4000_sff_ada_r595.xml")
    snapshot = _copy(RTX4000_ADA_R595)
    snapshot["gpus"][0]["vram_total_bytes"] = 20476 * MIB
    snapshot["gpus"][0]["sm_clock_mhz"] = 210.0 + 150.0  # 20 % of 210 MHz is 42: the 150 MHz floor applies
    assert _failed(compare(snapshot, ada))["strict"] == []
    snapshot["gpus"][0]["vram_total_bytes"] = 20476 * MIB + 1
    snapshot["gpus"][0]["sm_clock_mhz"] = 210.0 + 151.0
    assert _failed(compare(snapshot, ada))["strict"] == [(0, "sm_clock_mhz"), (0, "vram_total_mib")]


def test_link_that_retrained_between_reads_is_reported_not_failed() -> None:
    snapshot = _copy(A100_MIG_R535)
    snapshot["gpus"][0].update(pcie_gen=3, pcie_width=8)
    assert _failed(compare(snapshot, _smi("telegraf_a100_sxm4_mig_r535.xml"))) == {
        "strict": [],
        "allowed": [(0, "pcie_gen"), (0, "pcie_width")],
    }


def test_a_gpu_count_mismatch_fails_and_compares_the_gpus_both_list() -> None:
    snapshot = _copy(PAI_GTX1070_X2)
    del snapshot["gpus"][1]
    checks = compare(snapshot, _smi("pai_gtx1070_x2_r384.xml"))
    count = next(c for c in checks if c.field == "gpu_count")
    assert (count.ours, count.smi, count.ok, count.strict) == (1, 2, False, True)
    assert _failed(checks)["strict"] == [(-1, "gpu_count")]
    assert {c.gpu for c in checks} == {None, 0}
