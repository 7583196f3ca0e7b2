"""The one choke point for NVML: opens the library once, and turns every NVML error into
"missing, and why" (or a lost GPU), remembering calls a GPU does not support.

Versioned entry points are tried newest first; when an old driver lacks one (FUNCTION_NOT_FOUND)
the next is tried, and whichever answered is used from then on.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
from collections.abc import Callable
from typing import Any

import pynvml

log = logging.getLogger(__name__)

Attempt = tuple[Any, ...]  # (function, *args): the function first, then its arguments

# Errors that will not change while the program runs: remembered, never retried.
_PERMANENT = {
    pynvml.NVML_ERROR_NOT_SUPPORTED: "not supported by this GPU or driver",
    pynvml.NVML_ERROR_NO_PERMISSION: "needs more permissions (run as root)",
    pynvml.NVML_ERROR_INVALID_ARGUMENT: "not available on this GPU",
}

_START_FAILURES = {
    pynvml.NVML_ERROR_LIBRARY_NOT_FOUND: "NVML library (libnvidia-ml) not found: no NVIDIA driver is installed",
    pynvml.NVML_ERROR_DRIVER_NOT_LOADED: "NVIDIA driver is installed but not loaded (is the kernel module running?)",
    pynvml.NVML_ERROR_LIB_RM_VERSION_MISMATCH: (
        "NVIDIA driver/library version mismatch: the driver was updated without a reboot; reboot to load it"
    ),
    pynvml.NVML_ERROR_NO_PERMISSION: "no permission to open the NVIDIA driver (check /dev/nvidia* permissions)",
}


class GpuLostError(Exception):
    """NVML said the GPU is lost (fell off the bus); it stays lost until the driver is reloaded."""


class NvmlSession:
    """One NVML session for the program's life. `status` says in words why it is not usable."""

    def __init__(self, library: str | None = None) -> None:
        self._unsupported: dict[tuple[int, str], str] = {}
        self._chosen: dict[tuple[int, str], int] = {}
        self.status = "ok"
        self.started = False
        try:
            _load_library(library or os.environ.get("AIWM_NVML_LIBRARY"))
            pynvml.nvmlInit()
            self.started = True
        except pynvml.NVMLError as error:
            self.status = _START_FAILURES.get(error.value, f"NVML failed to start: {_describe(error)}")

    def system(self, call: Callable[[], Any]) -> Any | None:
        """A system-wide query (driver version); `None` when it fails."""
        try:
            return call() if self.started else None
        except pynvml.NVMLError as error:
            log.info("NVML %s failed: %s", getattr(call, "__name__", call), _describe(error))
            return None

    def query(self, gpu: int, field: str, *attempts: Attempt) -> tuple[Any | None, str | None]:
        """Value of `field` for GPU `gpu` from the first attempt that answers, or `(None, why)`.

        Raises `GpuLostError` when NVML says the GPU is lost.
        """
        key = (gpu, field)
        if key in self._unsupported:
            return None, self._unsupported[key]
        first = self._chosen.get(key, 0)
        why = "not available"
        for index in range(first, len(attempts)):
            function, *args = attempts[index]
            try:
                value = function(*args)
            except pynvml.NVMLError as error:
                if error.value == pynvml.NVML_ERROR_GPU_IS_LOST:
                    raise GpuLostError(field) from None
                if error.value == pynvml.NVML_ERROR_FUNCTION_NOT_FOUND:
                    why = f"driver too old for {function.__name__}"
                    continue
                return None, self._failed(key, error)
            self._chosen[key] = index
            return value, None
        self._unsupported[key] = why
        return None, why

    def _failed(self, key: tuple[int, str], error: pynvml.NVMLError) -> str:
        why = _PERMANENT.get(error.value)
        if why is None:
            return f"NVML error: {_describe(error)}"  # transient (timeout, unknown): retried next tick
        self._unsupported[key] = why
        return why

    def is_unsupported(self, gpu: int, field: str) -> bool:
        return (gpu, field) in self._unsupported

    def close(self) -> None:
        if self.started:
            self.started = False
            with contextlib.suppress(pynvml.NVMLError):
                pynvml.nvmlShutdown()


def _load_library(path: str | None) -> None:
    """Use the NVML library at `path` (odd installs, WSL, tests) instead of the system's."""
    if not path:
        return
    try:
        library = ctypes.CDLL(path)
    except OSError:
        raise pynvml.NVMLError(pynvml.NVML_ERROR_LIBRARY_NOT_FOUND) from None
    pynvml.nvmlLib = library
    pynvml._nvmlGetFunctionPointer_cache.clear()  # pointers of a previously loaded library


def _describe(error: pynvml.NVMLError) -> str:
    try:
        return str(error)
    except Exception:  # nvmlErrorString itself may be missing from a broken library
        return f"error {error.value}"


def as_text(value: Any) -> str | None:
    """NVML strings arrive as bytes in older bindings and str in newer ones."""
    if value is None:
        return None
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
