"""A thin typed wrapper over the CUDA driver API (`cuda.bindings.driver`) for the GPU stress workers.

Only what the workers need: open a GPU by its PCI bus id (CUDA and NVML number GPUs differently,
so never by index), load hand-written PTX (the driver compiles it for the GPU at load time, so no
toolkit is needed), launch, copy, allocate. Every failing call becomes one `CudaError` with the
call's name and CUDA's error name; a machine without the driver gets a plain sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.stress.gpu.failures import StressFailure

KernelArg = np.uint64 | np.uint32 | np.float32
JIT_LOG_BYTES = 16384


class CudaError(StressFailure):
    """A CUDA call failed; the message is one readable line."""


def normalize_pci_bus_id(bus_id: str) -> str:
    """NVML's "00000000:17:00.0" as CUDA writes it, "0000:17:00.0" (4-digit domain, lower case).

    cuDeviceGetByPCIBusId reads both, but one spelling makes ids comparable and messages clear.
    """
    parts = bus_id.strip().lower().split(":")
    if len(parts) != 3 or "." not in parts[2]:
        raise CudaError(f"not a PCI bus id: {bus_id!r} (expected domain:bus:device.function)")
    device, function = parts[2].split(".", 1)
    try:
        numbers = [int(parts[0], 16), int(parts[1], 16), int(device, 16), int(function, 16)]
    except ValueError:
        raise CudaError(f"not a PCI bus id: {bus_id!r} (expected hexadecimal numbers)") from None
    return "{:04x}:{:02x}:{:02x}.{:x}".format(*numbers)


def _driver() -> Any:
    """The binding module, imported late so that importing this file never needs it."""
    from cuda.bindings import driver  # type: ignore[import-untyped]

    return driver


def _check(call: str, result: Any) -> Any:
    """cuda-bindings returns (CUresult, *values): raise on an error, return the values."""
    driver = _driver()
    error, *values = result if isinstance(result, tuple) else (result,)
    if error != driver.CUresult.CUDA_SUCCESS:
        _, name = driver.cuGetErrorName(error)
        _, text = driver.cuGetErrorString(error)
        label = name.decode() if isinstance(name, bytes) else str(error)
        detail = text.decode() if isinstance(text, bytes) else ""
        raise CudaError(f"{call} failed: {label}" + (f" ({detail})" if detail else ""))
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def init_driver() -> None:
    """cuInit, with the missing driver said in words (cuda-bindings raises a bare RuntimeError)."""
    try:
        driver = _driver()
        result = driver.cuInit(0)
    except ImportError as error:
        raise CudaError(f"cuda-bindings is not installed: {error}") from None
    except RuntimeError as error:
        if "libcuda" in str(error):
            raise CudaError("no NVIDIA driver: libcuda.so.1 not found") from None
        raise CudaError(f"cuInit failed: {error}") from None
    _check("cuInit", result)


@dataclass(frozen=True)
class Function:
    """One kernel of a loaded module."""

    name: str
    handle: Any


class CudaDevice:
    """One GPU with its primary context current on this thread; `close()` releases it."""

    def __init__(self, pci_bus_id: str) -> None:
        init_driver()
        self._driver = _driver()
        self.pci_bus_id = normalize_pci_bus_id(pci_bus_id)
        self._device = _check(
            f"cuDeviceGetByPCIBusId({self.pci_bus_id})", self._driver.cuDeviceGetByPCIBusId(self.pci_bus_id.encode())
        )
        self._context = _check("cuDevicePrimaryCtxRetain", self._driver.cuDevicePrimaryCtxRetain(self._device))
        _check("cuCtxSetCurrent", self._driver.cuCtxSetCurrent(self._context))
        self._modules: list[Any] = []
        self._closed = False
        raw_name = _check("cuDeviceGetName", self._driver.cuDeviceGetName(256, self._device))
        self.name = raw_name.split(b"\0", 1)[0].decode(errors="replace")
        self.sm_count = self._attribute("MULTIPROCESSOR_COUNT")
        self.max_threads_per_sm = self._attribute("MAX_THREADS_PER_MULTIPROCESSOR")
        self.compute_capability = (
            self._attribute("COMPUTE_CAPABILITY_MAJOR"),
            self._attribute("COMPUTE_CAPABILITY_MINOR"),
        )

    def _attribute(self, name: str) -> int:
        attribute = getattr(self._driver.CUdevice_attribute, f"CU_DEVICE_ATTRIBUTE_{name}")
        return int(_check(f"cuDeviceGetAttribute({name})", self._driver.cuDeviceGetAttribute(attribute, self._device)))

    def load_ptx(self, ptx: str, kernel_names: Sequence[str]) -> dict[str, Function]:
        """JIT-compile PTX for this GPU; a rejected kernel raises with the driver's own log."""
        options = [
            self._driver.CUjit_option.CU_JIT_ERROR_LOG_BUFFER,
            self._driver.CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
        ]
        log = bytearray(JIT_LOG_BYTES)
        image = ptx.encode() + b"\0"
        error, module = self._driver.cuModuleLoadDataEx(image, len(options), options, [log, JIT_LOG_BYTES])
        if error != self._driver.CUresult.CUDA_SUCCESS:
            text = bytes(log).split(b"\0", 1)[0].decode(errors="replace").strip()
            try:
                _check("cuModuleLoadDataEx", (error,))
            except CudaError as failure:
                raise CudaError(f"{failure}: {text or 'no JIT log'}") from None
        self._modules.append(module)
        return {
            name: Function(
                name, _check(f"cuModuleGetFunction({name})", self._driver.cuModuleGetFunction(module, name.encode()))
            )
            for name in kernel_names
        }

    def launch(self, function: Function, grid: int, block: int, args: Sequence[KernelArg]) -> None:
        """Queue one launch on the default stream; arguments are numpy scalars of the kernel's types."""
        holders = [np.array([value], dtype=value.dtype) for value in args]
        pointers = np.array([holder.ctypes.data for holder in holders], dtype=np.uint64)
        _check(
            f"cuLaunchKernel({function.name})",
            self._driver.cuLaunchKernel(
                function.handle, grid, 1, 1, block, 1, 1, 0, self._driver.CUstream(0), pointers.ctypes.data, 0
            ),
        )

    def synchronize(self) -> None:
        """Wait for the queued work; an error inside a kernel surfaces here."""
        _check("cuCtxSynchronize", self._driver.cuCtxSynchronize())

    def allocate(self, size_bytes: int) -> int:
        return int(_check(f"cuMemAlloc({size_bytes})", self._driver.cuMemAlloc(size_bytes)))

    def free(self, address: int) -> None:
        _check("cuMemFree", self._driver.cuMemFree(address))

    def memory_info(self) -> tuple[int, int]:
        """(free, total) bytes of this GPU, as the driver sees them now."""
        free, total = _check("cuMemGetInfo", self._driver.cuMemGetInfo())
        return int(free), int(total)

    def fill_words(self, address: int, value: int, words: int) -> None:
        _check("cuMemsetD32", self._driver.cuMemsetD32(address, value, words))

    def copy_to_host(self, address: int, out: np.ndarray[Any, Any]) -> None:
        _check("cuMemcpyDtoH", self._driver.cuMemcpyDtoH(out.ctypes.data, address, out.nbytes))

    def copy_from_host(self, address: int, data: np.ndarray[Any, Any]) -> None:
        _check("cuMemcpyHtoD", self._driver.cuMemcpyHtoD(address, data.ctypes.data, data.nbytes))

    def copy_device(self, destination: int, source: int, size_bytes: int) -> None:
        _check("cuMemcpyDtoD", self._driver.cuMemcpyDtoD(destination, source, size_bytes))

    def close(self) -> None:
        """Unload modules and release the context; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for module in self._modules:
            self._driver.cuModuleUnload(module)
        self._driver.cuDevicePrimaryCtxRelease(self._device)
