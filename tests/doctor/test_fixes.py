"""What the doctor tells a user to do: a driver fix names the driver the detail asks for (never
one already installed), every fix fits the machine's OS, `fix_command` is a command that runs as
it stands (bash on Linux), words stay in `fix`, and each finding has its own key."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli.arguments import build_parser
from app.doctor.document import load_facts_file
from app.doctor.records import Facts, SystemFacts, ToolkitFact
from app.doctor.rules import evaluate
from app.doctor.versions import parse_version
from tests.doctor.helpers import CUDA_DRIVER_TABLE, MINOR_COMPAT_TABLE, TODAY, facts, found, framework, gpu, one

FACTS = Path(__file__).parents[1] / "data" / "facts"
TF_WINDOWS = (
    "https://www.tensorflow.org/install/source_windows",
    "Tested build configurations, Windows GPU: tensorflow_gpu-2.10.0, Python 3.7-3.10",
)


def test_the_driver_fix_names_the_driver_the_detail_asks_for() -> None:
    """535.54.03 runs CUDA 12.8 builds only under minor-version compatibility (>= 525.60.13); full features
    need the 12.8 GA driver, 570.26 (CUDA_DRIVER_TABLE). The fix asks for 570.26, not 525.60.13."""
    torch = framework(version="2.8.0", cuda="12.8", arch_list=("sm_70", "sm_80"))
    finding = one(facts(nvidia_driver="535.54.03", frameworks=(torch,)), "driver.for_framework")
    assert finding.status == "info" and ">= 570.26" in finding.detail, (CUDA_DRIVER_TABLE, MINOR_COMPAT_TABLE)
    assert "570.26 or newer" in (finding.fix or "") and "525.60.13" not in (finding.fix or "")


@pytest.mark.parametrize("driver", ["470.82.01", "525.60.13", "535.54.03", "550.54.14", "570.26", "575.51.03"])
@pytest.mark.parametrize("cuda", ["11.8", "12.1", "12.4", "12.8", "12.9", "13.0", "13.2"])
def test_no_driver_fix_names_a_driver_at_or_below_the_installed_one(driver: str, cuda: str) -> None:
    torch = framework(version="2.8.0", cuda=cuda, arch_list=("sm_80",))
    for finding in found(facts(nvidia_driver=driver, frameworks=(torch,)), "driver.for_framework"):
        if finding.fix is None:
            continue
        named = finding.fix.split("install NVIDIA driver ")[1].split(" or newer")[0]
        assert parse_version(named) > parse_version(driver), finding


def test_cuda_13_asks_for_the_first_r580_driver_not_a_bare_580() -> None:
    # CUDA 13.x runs on >= 580 (13.4 U1 notes); the first R580 driver is the 13.0 GA one, 580.65.06 (CUDA_DRIVER_TABLE)
    torch = framework(version="2.13.0", cuda="13.0", arch_list=("sm_80",))
    finding = one(facts(nvidia_driver="570.172.08", frameworks=(torch,)), "driver.for_framework")
    assert finding.status == "fail" and "580.65.06 or newer" in (finding.fix or ""), CUDA_DRIVER_TABLE


@pytest.mark.parametrize(("python", "native"), [("3.11.9", False), ("3.10.14", True), (None, False)])
def test_windows_tensorflow_is_offered_the_last_native_gpu_build_only_for_a_python_it_has_wheels_for(
    python: str | None, native: bool
) -> None:
    tf = framework("tensorflow", "2.15.0", None, python=python, environment=r"C:\envs\tf\python.exe")
    finding = one(facts(os="windows", nvidia_driver="582.78", frameworks=(tf,)), "tensorflow.windows_native")
    assert "WSL2" in (finding.fix or "") and "3.7 to 3.10" in (finding.fix or ""), TF_WINDOWS
    if native:
        assert finding.fix_command == r'C:\envs\tf\python.exe -m pip install "tensorflow<2.11"'
    else:
        assert finding.fix_command is None and "tensorflow<2.11" not in (finding.fix or "")
    if python == "3.11.9":
        assert "Python 3.11.9" in (finding.fix or "")


def _windows_driver_findings() -> list:
    old = framework(version="2.8.0", cuda="12.8", arch_list=("sm_80",))
    the_facts = facts(os="windows", nvidia_driver="552.44", frameworks=(old,))
    return [f for f in evaluate(the_facts, today=TODAY).findings if "driver" in f.id]


def test_windows_driver_fixes_are_for_windows() -> None:
    fixes = [f for f in _windows_driver_findings() if f.fix]
    assert {f.id for f in fixes} >= {"upkeep.driver_eol", "driver.for_framework"}
    for finding in fixes:
        text = f"{finding.fix} {finding.fix_command}"
        assert "ubuntu-drivers" not in text and "sudo" not in text and "apt" not in text, finding
        assert "NVIDIA app" in (finding.fix or "") and "restart Windows" in (finding.fix or "")


def _many_findings() -> list[Facts]:
    """Machines that between them give every kind of fix."""
    machines = [load_facts_file(path) for path in sorted(FACTS.glob("*.json"))]
    busy = facts(
        nvidia_driver="535.54.03",
        nouveau_loaded=True,
        kernel_module_version="535.54.03",
        gpus=(
            gpu("NVIDIA GeForce GTX 1080 Ti", "6.1", persistence_mode=False),
            gpu("NVIDIA GeForce RTX 5090", "12.0", pci_bus_id="00000000:02:00.0", **_link(4, 5, 8, 16)),
        ),
        cuda_toolkit="13.0",
        cudnn="8.9.7",
        toolkits=(ToolkitFact("13.0", "/usr/local/cuda 13.0", "nvcc on PATH"), ToolkitFact("12.4", "/opt/c", "x")),
        frameworks=(
            framework(version="2.8.0", cuda="12.8", cudnn="9.17.0", environment="/home/me/my env/bin/python"),
            framework(version="2.8.0", cuda=None, environment="/venv/bin/python"),
            framework("tensorflow", "2.20.0", None),
            framework("jax", "0.7.0", None),
            framework(version="2.8.0", cuda="12.8", cuda_available=False, arch_list=("sm_120",)),
            framework(version="2.8.0", cuda=None, error="ImportError: libcudnn.so.9"),
        ),
        system=SystemFacts(False, True, 4, False),
    )
    return [*machines, busy]


def _link(gen: int, gen_max: int, width: int, width_max: int) -> dict[str, int]:
    return {"pcie_gen_current": gen, "pcie_gen_max": gen_max, "pcie_width_current": width, "pcie_width_max": width_max}


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to parse the commands")
def test_every_linux_fix_command_is_one_bash_can_parse_and_has_no_prose() -> None:
    commands = [
        finding.fix_command
        for the_facts in _many_findings()
        if the_facts.os == "linux"
        for finding in evaluate(the_facts, today=TODAY).findings
        if finding.fix_command
    ]
    assert len(commands) >= 12
    for command in commands:
        parsed = subprocess.run(["bash", "-n", "-c", command], capture_output=True, text=True, check=False)
        assert parsed.returncode == 0, (command, parsed.stderr)
        assert "`" not in command and " or your " not in command and " and LD_" not in command, command
        assert not command[0].isupper(), f"a command, not a sentence: {command}"


def test_words_are_in_fix_and_the_page_copies_only_the_command() -> None:
    findings = evaluate(_many_findings()[-1], today=TODAY).findings
    by_id = {f.id: f for f in findings}
    assert by_id["upkeep.os_updates"].fix_command == "sudo apt update && sudo apt upgrade"
    assert "(or your distribution's updater)" not in (by_id["upkeep.os_updates"].fix_command or "")
    encryption = by_id["upkeep.data_encryption"]
    assert "LUKS" in (encryption.fix or "") and encryption.fix_command is None, "no safe command encrypts a disk"
    toolkit = by_id["toolkit.several"].fix_command or ""
    assert shlex.split(toolkit)[:2] == ["export", "CUDA_HOME=/usr/local/cuda 13.0"], "paths are quoted"


def test_the_pcie_fix_runs_a_stress_command_aiwm_accepts() -> None:
    findings = [f for f in evaluate(_many_findings()[-1], today=TODAY).findings if f.id == "gpu.pcie_link"]
    (pcie,) = findings
    assert pcie.subject == "gpus[1]"
    command = pcie.fix_command or ""
    assert command == "aiwm stress gpu --device 1 --duration 60 & sleep 20; nvidia-smi -q -d PCIE -i 1; wait"
    stress = shlex.split(command.split("&")[0])
    args = build_parser().parse_args(stress[1:])
    assert (args.command, args.test, args.device, args.duration) == ("stress", "gpu", 1, 60.0)


def test_every_finding_has_its_own_key_on_every_machine() -> None:
    for the_facts in _many_findings():
        keys = [finding.key for finding in evaluate(the_facts, today=TODAY).findings]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_per_gpu_findings_keep_their_check_id_and_name_the_gpu_in_the_subject() -> None:
    two = facts(cuda_toolkit="12.4", gpus=(gpu(), gpu("NVIDIA GeForce RTX 3090", "8.6")))
    toolkit = found(two, "toolkit.builds_for_gpu")
    assert [(f.id, f.subject, f.key) for f in toolkit] == [
        ("toolkit.builds_for_gpu", "gpus[0]", "toolkit.builds_for_gpu:gpus[0]"),
        ("toolkit.builds_for_gpu", "gpus[1]", "toolkit.builds_for_gpu:gpus[1]"),
    ]


def test_torch_fixes_reinstall_the_torchvision_and_torchaudio_the_probe_saw() -> None:
    # torchvision README: torch 2.14 -> not listed (pip picks the one its wheel pins); 2.11 -> 0.26;
    # torchaudio docs: 2.11 works with 2.11 and every later torch
    seen = (("torchvision", "0.20.1"), ("torchaudio", "2.5.1"))
    old = framework(version="2.5.1", cuda=None, companions=seen, environment="/venv/bin/python")
    finding = one(
        facts(nvidia_driver="570.153.02", gpus=(gpu("NVIDIA GeForce RTX 5090", "12.0"),), frameworks=(old,)),
        "framework.cpu_only",
    )
    assert finding.fix_command == (
        '/venv/bin/python -m pip install --force-reinstall "torch==2.11.*" "torchvision==0.26.*" "torchaudio>=2.11"'
        " --index-url https://download.pytorch.org/whl/cu128"
    )
    assert "also reinstalls torchvision and torchaudio" in (finding.fix or "")


def test_a_torch_fix_without_probe_says_to_reinstall_torchvision_and_torchaudio_too() -> None:
    old = framework(version="2.5.1", cuda=None)
    finding = one(
        facts(nvidia_driver="570.153.02", gpus=(gpu("NVIDIA GeForce RTX 5090", "12.0"),), frameworks=(old,)),
        "framework.cpu_only",
    )
    assert '"torchvision' not in (finding.fix_command or "")
    assert "if torchvision or torchaudio are installed, add them to the command (torchvision==0.26.*" in (
        finding.fix or ""
    )
