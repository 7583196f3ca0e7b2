"""The compute burn on a real GPU: the PTX kernels of `kernels/` through `CudaDevice`."""

from __future__ import annotations

import time

import numpy as np

from app.stress.gpu import kernels
from app.stress.gpu.burn import BurnMode
from app.stress.gpu.cuda import CudaDevice, KernelArg
from app.stress.gpu.mismatches import Mismatches, fresh_counters

BLOCK = 256
MAX_LOOPS = 2**24
TARGET_LAUNCH_S = 0.05  # long enough that the compare and the launch gaps cost < 1 %, short for a quick stop
# fp32_burn.ptx: 16 rounds x 2 halves x 8 chains = 256 FFMA per loop trip and thread, 2 FLOP each.
FP32_FLOPS_PER_TRIP_PER_THREAD = 256 * 2
FP32_WORDS_PER_THREAD = 8
# mma_f16_*.ptx: 16 mma per trip and warp; an m16n8kK mma is 2 * 16 * 8 * K FLOP.
MMA_PER_TRIP = 16
MMA_WORDS_PER_THREAD = 16
# x -> x*b1 + c1 and x -> x*b2 + c2 both have the fixed point 1; b1*b2 < 1 keeps the chains bounded.
B1, B2 = np.float32(1.0001), np.float32(0.9999)
C1, C2 = np.float32(1) - B1, np.float32(1) - B2


class CudaBurn:
    """`BurnDevice` on one GPU: the burn kernel, output, reference and the compare kernel's counters."""

    def __init__(self, pci_bus_id: str, mode: BurnMode) -> None:
        self._gpu = CudaDevice(pci_bus_id)
        try:
            self._setup(mode)
        except BaseException:
            self._gpu.close()
            raise

    def _setup(self, mode: BurnMode) -> None:
        gpu = self._gpu
        self.name = gpu.name
        self._mode = mode
        self._grid = gpu.sm_count * max(1, gpu.max_threads_per_sm // BLOCK)
        threads = self._grid * BLOCK
        if mode == "fp32":
            self._burn = gpu.load_ptx(kernels.ptx_text(kernels.FP32_BURN), ["fp32_burn"])["fp32_burn"]
            self._words = threads * FP32_WORDS_PER_THREAD
            self._flops_per_trip = float(threads * FP32_FLOPS_PER_TRIP_PER_THREAD)
        else:
            kernel = kernels.tensor_kernel_for(gpu.compute_capability)
            self._burn = gpu.load_ptx(kernels.ptx_text(kernel), ["mma_burn"])["mma_burn"]
            k = 16 if kernel is kernels.MMA_SM80 else 8
            self._words = threads * MMA_WORDS_PER_THREAD
            self._flops_per_trip = float(threads // 32 * MMA_PER_TRIP * 2 * 16 * 8 * k)
        self._compare = gpu.load_ptx(kernels.ptx_text(kernels.COMPARE), ["compare_words"])["compare_words"]
        self._output = gpu.allocate(self._words * 4)
        self._reference = gpu.allocate(self._words * 4)
        self._counters = gpu.allocate(fresh_counters().nbytes)
        self._loops = 1
        self._calibrate()

    @property
    def flops_per_launch(self) -> float:
        return self._flops_per_trip * self._loops

    def _calibrate(self) -> None:
        """Choose the loop count so that one launch takes about TARGET_LAUNCH_S on this GPU: grow it
        until a launch lasts at least a fifth of that (short launches time badly), then scale."""
        self._loops = 16
        self.launch()  # warm-up
        while True:
            started = time.perf_counter()
            self.launch()
            self._gpu.synchronize()
            elapsed = time.perf_counter() - started
            if elapsed >= TARGET_LAUNCH_S / 5 or self._loops >= MAX_LOOPS:
                break
            self._loops = min(MAX_LOOPS, self._loops * 4)
        self._loops = int(min(MAX_LOOPS, max(1, self._loops * TARGET_LAUNCH_S / elapsed)))

    def launch(self) -> None:
        args: list[KernelArg]
        if self._mode == "fp32":
            args = [np.uint64(self._output), np.uint32(self._loops), B1, C1, B2, C2]
        else:
            args = [np.uint64(self._output), np.uint32(self._loops)]
        self._gpu.launch(self._burn, self._grid, BLOCK, args)

    def keep_as_reference(self) -> None:
        self._gpu.copy_device(self._reference, self._output, self._words * 4)
        self._gpu.synchronize()

    def compare_with_reference(self) -> Mismatches:
        counters = fresh_counters()
        self._gpu.copy_from_host(self._counters, counters)
        args: list[KernelArg] = [
            np.uint64(self._reference),
            np.uint64(self._output),
            np.uint64(self._words),
            np.uint64(self._counters),
        ]
        self._gpu.launch(self._compare, self._gpu.sm_count * 4, BLOCK, args)
        self._gpu.copy_to_host(self._counters, counters)  # synchronous: waits for the burn and the compare
        return Mismatches.from_counters(counters)

    def flip_output_bit(self, word: int, bit: int) -> None:
        value = np.zeros(1, dtype=np.uint32)
        self._gpu.synchronize()
        self._gpu.copy_to_host(self._output + 4 * word, value)
        value ^= np.uint32(1 << bit)
        self._gpu.copy_from_host(self._output + 4 * word, value)

    def close(self) -> None:
        self._gpu.close()


def open_cuda_burn(pci_bus_id: str, mode: BurnMode) -> CudaBurn:
    """The default `OpenBurnDevice` (module level, so the spawned worker can unpickle it)."""
    return CudaBurn(pci_bus_id, mode)
