"""The hand-written PTX kernels (package data) and the lowest GPU architecture each needs."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Kernel:
    """One PTX file: its entry points and the oldest architecture (sm_XY as XY) that has its instructions."""

    file: str
    entries: tuple[str, ...]
    lowest_sm: int


FP32_BURN = Kernel("fp32_burn.ptx", ("fp32_burn",), 75)
COMPARE = Kernel("compare.ptx", ("compare_words",), 75)
VRAM = Kernel("vram.ptx", ("vram_fill", "vram_check"), 75)
MMA_SM75 = Kernel("mma_f16_sm75.ptx", ("mma_burn",), 75)  # m16n8k8: Turing's shape
MMA_SM80 = Kernel("mma_f16_sm80.ptx", ("mma_burn",), 80)  # m16n8k16: Ampere and newer
ALL = (FP32_BURN, COMPARE, VRAM, MMA_SM75, MMA_SM80)


def ptx_text(kernel: Kernel) -> str:
    return resources.files(__name__).joinpath(kernel.file).read_text(encoding="ascii")


def tensor_kernel_for(compute_capability: tuple[int, int]) -> Kernel:
    """The mma.sync burn for a GPU: the m16n8k16 shape from sm_80 on, m16n8k8 on Turing."""
    major, minor = compute_capability
    return MMA_SM80 if major * 10 + minor >= MMA_SM80.lowest_sm else MMA_SM75
