"""numpy stand-ins for a GPU with the stress kernels loaded: the same semantics as the PTX kernels
(kernels/*.ptx) behind the same small interfaces (`BurnDevice`, `VramDevice`), so the loops' error
counting, bit-exact comparison and error injection run for real without a GPU.

Module-level openers, so that a spawned worker process can unpickle them (with functools.partial).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable

import numpy as np

from app.stress.gpu.cuda import CudaError
from app.stress.gpu.mismatches import BITS, Mismatches

GIB = 2**30
FAKE_BASE_ADDRESS = 0x7F00_0000_0000


def compare_words(expected: np.ndarray, actual: np.ndarray) -> Mismatches:
    """What kernels/compare.ptx and vram_check count: differing words, the lowest index, bits flipped."""
    flipped = np.bitwise_xor(expected, actual)
    bad = np.flatnonzero(flipped)
    histogram = tuple(int(np.count_nonzero(flipped[bad] & np.uint32(1 << b))) for b in range(BITS))
    return Mismatches(int(bad.size), int(bad[0]) if bad.size else None, histogram)


def fp32_burn(threads: int, loops: int) -> np.ndarray:
    """kernels/fp32_burn.ptx in numpy: 8 chains per thread, 16 rounds of x*b1+c1 then x*b2+c2 per loop.
    An FMA rounds once; float64 holds the float32 product exactly, so one rounding to float32 follows."""
    b1, b2 = np.float32(1.0001), np.float32(0.9999)
    c1, c2 = np.float32(1) - b1, np.float32(1) - b2
    seeds = (np.arange(threads, dtype=np.uint32)[:, None] * 8 + np.arange(8, dtype=np.uint32)) & 0xFFFFF
    x = (np.float32(1) + seeds.astype(np.float32) * np.float32(2**-20)).astype(np.float32)
    for _ in range(loops * 16):
        x = (x.astype(np.float64) * float(b1) + float(c1)).astype(np.float32)
        x = (x.astype(np.float64) * float(b2) + float(c2)).astype(np.float32)
    return x.reshape(-1).view(np.uint32).copy()


class FakeBurn:
    """`BurnDevice` in numpy. `faulty_launches`: launches (counted from the reference launch = 0)
    whose output the "hardware" corrupts, one bit each: (launch, word, bit)."""

    def __init__(
        self,
        *,
        name: str = "NVIDIA GeForce RTX 4090",
        threads: int = 64,
        loops: int = 2,
        flops_per_launch: float = 2e12,
        launch_s: float = 0.0,
        faulty_launches: Iterable[tuple[int, int, int]] = (),
        exit_code_at: int | None = None,
        hang_at: int | None = None,
        ignore_terminate: bool = False,
    ) -> None:
        self.name = name
        self.flops_per_launch = flops_per_launch
        self._result = fp32_burn(threads, loops)
        self._output = np.zeros_like(self._result)
        self._reference = np.zeros_like(self._result)
        self._launch_s = launch_s
        self._faults = {launch: (word, bit) for launch, word, bit in faulty_launches}
        self._exit_code_at = exit_code_at
        self._hang_at = hang_at
        self._ignore_terminate = ignore_terminate
        self.launches = -1  # the first launch (the reference) is launch 0
        self.closed = False

    def launch(self) -> None:
        self.launches += 1
        if self.launches == self._exit_code_at:
            os._exit(3)  # a crash in the driver: the process dies without a word
        if self.launches == self._hang_at:
            if self._ignore_terminate:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a process stuck in the driver ignores it too
            time.sleep(3600)  # a hung GPU: the loop never looks at "stop" again
        self._output = self._result.copy()
        if self.launches in self._faults:
            word, bit = self._faults[self.launches]
            self._output[word] ^= np.uint32(1 << bit)
        time.sleep(self._launch_s)

    def keep_as_reference(self) -> None:
        self._reference = self._output.copy()

    def compare_with_reference(self) -> Mismatches:
        return compare_words(self._reference, self._output)

    def flip_output_bit(self, word: int, bit: int) -> None:
        self._output[word] ^= np.uint32(1 << bit)

    def close(self) -> None:
        self.closed = True


def open_fake_burn(pci_bus_id: str, mode: str, **options: object) -> FakeBurn:
    return FakeBurn(**options)  # type: ignore[arg-type]


def fmix32(v: np.ndarray) -> np.ndarray:
    """murmur3's 32-bit finaliser, as kernels/vram.ptx computes it."""
    v = v.astype(np.uint64)
    v ^= v >> 16
    v = (v * 0x85EBCA6B) & 0xFFFFFFFF
    v ^= v >> 13
    v = (v * 0xC2B2AE35) & 0xFFFFFFFF
    v ^= v >> 16
    return v.astype(np.uint32)


def vram_pattern(address: int, words: int, mode: int, param: int) -> np.ndarray:
    """kernels/vram.ptx's pattern(): 0 constant, 1 own word address xor param, 2 fmix32 of it."""
    if mode == 0:
        return np.full(words, param, dtype=np.uint32)
    word_addresses = ((address + 4 * np.arange(words, dtype=np.uint64)) >> np.uint64(2)) & np.uint64(0xFFFFFFFF)
    own = word_addresses.astype(np.uint32) ^ np.uint32(param)
    return own if mode == 1 else fmix32(own)


class FakeVram:
    """`VramDevice` in numpy, with stuck bits: {(allocation number, word): (bit, stuck value)}."""

    def __init__(
        self,
        *,
        name: str = "NVIDIA GeForce RTX 4090",
        free_bytes: int = 20 * GIB,
        total_bytes: int = 24 * GIB,
        max_allocations: int | None = None,
        stuck_bits: dict[tuple[int, int], tuple[int, int]] | None = None,
        step_s: float = 0.0,
    ) -> None:
        self.name = name
        self._info = (free_bytes, total_bytes)
        self._max_allocations = max_allocations
        self._stuck = stuck_bits or {}
        self._step_s = step_s
        self.memory: dict[int, np.ndarray] = {}
        self._numbers: dict[int, int] = {}
        self._next_address = FAKE_BASE_ADDRESS
        self.freed: list[int] = []
        self.closed = False

    def memory_info(self) -> tuple[int, int]:
        return self._info

    def allocate(self, size_bytes: int) -> int:
        if self._max_allocations is not None and len(self._numbers) >= self._max_allocations:
            raise CudaError("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY")
        address = self._next_address
        self._numbers[address] = len(self._numbers)
        self.memory[address] = np.zeros(size_bytes // 4, dtype=np.uint32)
        self._next_address += (size_bytes + 2**21 - 1) // 2**21 * 2**21  # 2 MiB aligned, like the driver
        return address

    def free(self, address: int) -> None:
        self.freed.append(address)
        del self.memory[address]

    def _store(self, address: int, values: np.ndarray) -> None:
        cells = self.memory[address]
        cells[: values.size] = values
        for (number, word), (bit, value) in self._stuck.items():
            if self._numbers[address] == number:
                mask = np.uint32(1 << bit)
                cells[word] = (cells[word] | mask) if value else (cells[word] & ~mask)
        time.sleep(self._step_s)

    def fill(self, address: int, words: int, mode: int, param: int) -> None:
        self._store(address, vram_pattern(address, words, mode, param))

    def check(self, address: int, words: int, mode: int, param: int, then: tuple[int, int] | None) -> Mismatches:
        found = compare_words(vram_pattern(address, words, mode, param), self.memory[address][:words])
        if then is not None:
            self._store(address, vram_pattern(address, words, *then))
        return found

    def flip_bit(self, address: int, bit: int) -> None:
        self.memory[address][0] ^= np.uint32(1 << bit)

    def close(self) -> None:
        self.closed = True


def open_fake_vram(pci_bus_id: str, **options: object) -> FakeVram:
    return FakeVram(**options)  # type: ignore[arg-type]
