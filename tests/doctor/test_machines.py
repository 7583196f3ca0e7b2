"""Realistic machines (tests/data/facts/): the findings each gets, by id and status.

Expected statuses are worked out by hand from the published tables cited in helpers.py: e.g. the
GTX 1080 Ti (6.1) has no sm_6x in a 2.8 cu128 wheel (RELEASE.md: cu128 from 2.8 drops Pascal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.doctor.document import load_facts_file
from app.doctor.rules import evaluate
from tests.doctor.helpers import TODAY

FACTS = Path(__file__).parents[1] / "data" / "facts"

MACHINES = {
    "rtx4090_linux_torch25_cu124.json": (
        "warn",
        {
            ("driver.loaded", "pass"),
            ("driver.for_framework", "pass"),  # 550.127.05 >= 550.54.14 (CUDA 12.4 GA)
            ("driver.for_toolkit", "pass"),
            ("gpu.arch_in_build", "pass"),  # sm_86 runs on 8.9
            ("toolkit.builds_for_gpu", "pass"),
            ("cudnn.supports_gpu", "pass"),
            ("gpu.persistence_off", "info"),
            ("upkeep.driver_eol", "warn"),  # R550 is not among R580, R595, R620
            ("upkeep.driver_security", "warn"),  # no R550 fix in bulletin 5861
        },
    ),
    "rtx5090_old_torch_cu124.json": (
        "fail",
        {
            ("driver.loaded", "pass"),
            ("driver.for_framework", "pass"),  # 570.153.02 >= 550.54.14
            ("gpu.arch_in_build", "fail"),  # cu124 has no sm_12x and no PTX
            # cuDNN 9.1.0 lists compute capability 5.0 to 9.0 (its support matrix); 12.0 is beyond it, and
            # cuDNN 9 runs only a subset of graphs on newer GPUs: a warning
            ("cudnn.supports_gpu", "warn"),
            ("upkeep.driver_security", "warn"),
            ("upkeep.data_encryption", "info"),
        },
    ),
    "gtx1080ti_torch28_cu128.json": (
        "fail",
        {
            ("driver.loaded", "pass"),
            ("driver.for_framework", "pass"),
            ("gpu.arch_in_build", "fail"),
            ("cudnn.supports_gpu", "pass"),
        },
    ),
    "h100_tensorflow_jax.json": (
        "warn",
        {
            ("driver.for_framework", "pass"),
            ("gpu.arch_in_build", "pass"),
            ("toolkit.several", "warn"),  # 12.8 and 12.4
            ("cudnn.matches_cuda", "pass"),
            ("upkeep.driver_eol", "pass"),  # R580 LTSB until June 2028
            ("upkeep.driver_security", "warn"),  # 580.95.05 < 580.178.04
            ("upkeep.ssh_password", "warn"),
        },
    ),
    "windows_laptop_rtx4060_tf215.json": (
        "warn",
        {
            ("driver.loaded", "pass"),
            ("tensorflow.windows_native", "warn"),
            ("upkeep.os_updates", "warn"),
            ("upkeep.ssh_password", "skip"),
        },
    ),
    "no_nvidia_cpu_torch.json": (
        "warn",
        {("gpu.none", "warn"), ("upkeep.firewall", "warn"), ("upkeep.os_updates", "skip")},
    ),
}

ABSENT = {
    "rtx4090_linux_torch25_cu124.json": {
        "framework.cpu_only",
        "framework.cuda_unavailable",
        "toolkit.several",
        "gpu.pcie_link",
    },
    "windows_laptop_rtx4060_tf215.json": {"framework.cpu_only", "gpu.persistence_off", "driver.nouveau"},
    "no_nvidia_cpu_torch.json": {"driver.loaded", "framework.cpu_only", "gpu.arch_in_build"},
}


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_each_machine_gets_its_expected_findings(name: str) -> None:
    overall, expected = MACHINES[name]
    report = evaluate(load_facts_file(FACTS / name), today=TODAY)
    got = {(f.id, f.status) for f in report.findings}
    assert expected <= got, sorted(expected - got)
    assert report.overall == overall
    assert not ABSENT.get(name, set()) & {f.id for f in report.findings}


def test_the_pascal_machine_is_told_to_install_the_cu126_wheel() -> None:
    report = evaluate(load_facts_file(FACTS / "gtx1080ti_torch28_cu128.json"), today=TODAY)
    finding = next(f for f in report.findings if f.id == "gpu.arch_in_build")
    assert finding.fix_command == (
        '/home/pat/.venv/bin/python -m pip install --force-reinstall "torch==2.14.*"'
        " --index-url https://download.pytorch.org/whl/cu126"
    )
    assert "if torchvision or torchaudio are installed, add them" in (finding.fix or "")


def test_the_blackwell_machine_is_told_to_install_a_cu128_wheel_its_driver_runs() -> None:
    # driver 570.153.02 < 580: cu130 is out; 2.11 cu128 has sm_120 (RELEASE.md support matrix)
    report = evaluate(load_facts_file(FACTS / "rtx5090_old_torch_cu124.json"), today=TODAY)
    fix = next(f.fix_command for f in report.findings if f.id == "gpu.arch_in_build") or ""
    assert fix.endswith('"torch==2.11.*" --index-url https://download.pytorch.org/whl/cu128')


def test_every_machine_file_is_a_facts_document() -> None:
    names = sorted(path.name for path in FACTS.glob("*.json"))
    assert names == sorted(MACHINES)


def test_simulated_facts_say_so_first() -> None:
    from dataclasses import replace

    facts = replace(load_facts_file(FACTS / "rtx4090_linux_torch25_cu124.json"), simulated=True)
    first = evaluate(facts, today=TODAY).findings[0]
    assert (first.id, first.status, first.title) == ("facts.simulated", "info", "SIMULATED GPUs")


def test_findings_come_in_a_stable_order() -> None:
    facts = load_facts_file(FACTS / "h100_tensorflow_jax.json")
    ids = [f.id for f in evaluate(facts, today=TODAY).findings]
    assert ids == [f.id for f in evaluate(facts, today=TODAY).findings]
    assert ids.index("driver.loaded") < ids.index("driver.for_framework") < ids.index("gpu.arch_in_build")
    assert ids[-4:] == ["upkeep.os_updates", "upkeep.firewall", "upkeep.ssh_password", "upkeep.data_encryption"]


def test_a_healthy_machine_passes() -> None:
    from tests.doctor.helpers import facts, framework

    # driver 580.178.04: the R580 fix of bulletin 5861; R580 is supported until June 2028;
    # torch 2.14 cu130 carries sm_86, which runs on 8.9
    healthy = facts(
        frameworks=(framework(version="2.14.0", cuda="13.0", cudnn="9.17.1", arch_list=("sm_86", "sm_90")),)
    )
    report = evaluate(healthy, today=TODAY)
    assert report.overall == "pass", [f for f in report.findings if f.status not in ("pass", "info", "skip")]


def test_simulated_gpus_without_a_driver_skip_the_driver_check_instead_of_failing() -> None:
    """`aiwm doctor --demo` has simulated GPUs and no driver: that is not a broken driver."""
    from dataclasses import replace

    real = load_facts_file(FACTS / "rtx4090_linux_torch25_cu124.json")
    facts = replace(real, simulated=True, nvidia_driver=None, nvml_error=None)
    loaded = next(f for f in evaluate(facts, today=TODAY).findings if f.id == "driver.loaded")
    assert loaded.status == "skip" and "SIMULATED" in loaded.title
    unsimulated = next(
        f for f in evaluate(replace(facts, simulated=False), today=TODAY).findings if f.id == "driver.loaded"
    )
    assert unsimulated.status == "fail"
