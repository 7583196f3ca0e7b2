"""Every PTX kernel assembles with ptxas for every architecture the program supports: the same
forward compilation the driver does when it loads the PTX. A kernel that an architecture lacks
fails here; nothing is skipped.

ptxas comes from the venv's `nvidia-cuda-nvcc` wheel (requirements/dev.txt) first, then PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.stress.gpu import kernels

ARCHITECTURES = (75, 80, 86, 89, 90, 100, 120)
KERNEL_DIR = Path(kernels.__file__).parent


def find_ptxas() -> str:
    """The wheel's ptxas (13.x: nvidia/cu13/bin, 12.x: nvidia/cuda_nvcc/bin) before the one on PATH."""
    for site in map(Path, sys.path):
        for relative in ("nvidia/cu13/bin/ptxas", "nvidia/cuda_nvcc/bin/ptxas"):
            if (site / relative).is_file():
                return str(site / relative)
    found = shutil.which("ptxas")
    assert found, "ptxas not found: pip install -r requirements/dev.txt (nvidia-cuda-nvcc) or put it on PATH"
    return found


def ptxas(kernel_file: Path, sm: int, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    out = tmp_path / f"{kernel_file.stem}.sm_{sm}.cubin"
    return subprocess.run(
        [find_ptxas(), f"-arch=sm_{sm}", str(kernel_file), "-o", str(out)], capture_output=True, text=True, timeout=60
    )


def ptxas_version() -> tuple[int, int]:
    text = subprocess.run([find_ptxas(), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"release (\d+)\.(\d+)", text)
    assert match, text
    return int(match[1]), int(match[2])


def test_ptxas_is_new_enough_for_every_architecture() -> None:
    # sm_120 (Blackwell GeForce) arrived with CUDA 12.8; an older ptxas cannot check it.
    assert ptxas_version() >= (12, 8)


@pytest.mark.parametrize("sm", ARCHITECTURES)
@pytest.mark.parametrize("kernel", kernels.ALL, ids=lambda k: k.file)
def test_kernel_assembles_for_every_architecture_it_claims(kernel: kernels.Kernel, sm: int, tmp_path: Path) -> None:
    if sm < kernel.lowest_sm:
        done = ptxas(KERNEL_DIR / kernel.file, sm, tmp_path)
        assert done.returncode != 0, f"{kernel.file} assembles for sm_{sm}: its lowest target could be lower"
        return
    done = ptxas(KERNEL_DIR / kernel.file, sm, tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kernel", kernels.ALL, ids=lambda k: k.file)
def test_kernel_declares_its_lowest_target(kernel: kernels.Kernel) -> None:
    text = kernels.ptx_text(kernel)
    assert f".target sm_{kernel.lowest_sm}\n" in text
    for entry in kernel.entries:
        assert f".visible .entry {entry}(" in text


@pytest.mark.parametrize(
    ("capability", "expected"),
    [
        ((7, 5), kernels.MMA_SM75),
        ((8, 0), kernels.MMA_SM80),
        ((8, 6), kernels.MMA_SM80),
        ((9, 0), kernels.MMA_SM80),
        ((12, 0), kernels.MMA_SM80),
    ],
)
def test_tensor_burn_uses_m16n8k16_from_ampere_on_and_m16n8k8_on_turing(capability, expected) -> None:
    assert kernels.tensor_kernel_for(capability) is expected


def test_fp32_burn_has_enough_independent_chains_and_little_loop_overhead(tmp_path: Path) -> None:
    """The loop body of the FP32 burn: 256 FFMA over 8 independent chains, against 3 loop instructions,
    so the SM's issue slots go to FFMA (>= 98 %); the machine code keeps all of them (no folding)."""
    text = kernels.ptx_text(kernels.FP32_BURN)
    body = text[text.index("LOOP:") : text.index("DONE:")]
    assert body.count("fma.rn.f32") == 256
    assert {m for m in re.findall(r"fma\.rn\.f32 (%x\d+)", body)} == {f"%x{k}" for k in range(8)}
    cuobjdump = shutil.which("cuobjdump")
    if cuobjdump is None:
        print("cuobjdump not on PATH: the SASS count of FFMA was not checked")
        return
    cubin = tmp_path / "burn.cubin"
    subprocess.run(
        [find_ptxas(), "-arch=sm_90", str(KERNEL_DIR / kernels.FP32_BURN.file), "-o", str(cubin)], check=True
    )
    sass = subprocess.run([cuobjdump, "-sass", str(cubin)], capture_output=True, text=True, check=True).stdout
    assert len(re.findall(r"\bFFMA\b", sass)) >= 256
