"""The VRAM test on a real GPU: `kernels/vram.ptx` through `CudaDevice`."""

from __future__ import annotations

import numpy as np

from app.stress.gpu import kernels
from app.stress.gpu.cuda import CudaDevice, KernelArg
from app.stress.gpu.mismatches import Mismatches, fresh_counters

BLOCK = 256
BLOCKS_PER_SM = 8  # grid-stride kernels: enough blocks in flight to saturate the memory bus


class CudaVram:
    """`VramDevice` on one GPU."""

    def __init__(self, pci_bus_id: str) -> None:
        self._gpu = CudaDevice(pci_bus_id)
        try:
            self.name = self._gpu.name
            functions = self._gpu.load_ptx(kernels.ptx_text(kernels.VRAM), kernels.VRAM.entries)
            self._fill, self._check = functions["vram_fill"], functions["vram_check"]
            self._counters = self._gpu.allocate(fresh_counters().nbytes)
            self._grid = self._gpu.sm_count * BLOCKS_PER_SM
        except BaseException:
            self._gpu.close()
            raise

    def memory_info(self) -> tuple[int, int]:
        return self._gpu.memory_info()

    def allocate(self, size_bytes: int) -> int:
        return self._gpu.allocate(size_bytes)

    def free(self, address: int) -> None:
        self._gpu.free(address)

    def fill(self, address: int, words: int, mode: int, param: int) -> None:
        args: list[KernelArg] = [np.uint64(address), np.uint64(words), np.uint32(mode), np.uint32(param)]
        self._gpu.launch(self._fill, self._grid, BLOCK, args)

    def check(self, address: int, words: int, mode: int, param: int, then: tuple[int, int] | None) -> Mismatches:
        counters = fresh_counters()
        self._gpu.copy_from_host(self._counters, counters)
        write_mode, write_param = then or (0, 0)
        args: list[KernelArg] = [
            np.uint64(address),
            np.uint64(words),
            np.uint32(mode),
            np.uint32(param),
            np.uint64(self._counters),
            np.uint32(then is not None),
            np.uint32(write_mode),
            np.uint32(write_param),
        ]
        self._gpu.launch(self._check, self._grid, BLOCK, args)
        self._gpu.copy_to_host(self._counters, counters)  # synchronous: waits for the kernel
        return Mismatches.from_counters(counters)

    def flip_bit(self, address: int, bit: int) -> None:
        value = np.zeros(1, dtype=np.uint32)
        self._gpu.synchronize()
        self._gpu.copy_to_host(address, value)
        value ^= np.uint32(1 << bit)
        self._gpu.copy_from_host(address, value)

    def close(self) -> None:
        self._gpu.close()


def open_cuda_vram(pci_bus_id: str) -> CudaVram:
    """The default `OpenVramDevice` (module level, so the spawned worker can unpickle it)."""
    return CudaVram(pci_bus_id)
