"""The one choke point for NVML: opens the library once, and turns every NVML error into
"missing, and why" (or a lost GPU), remembering calls a GPU does not support.

Versioned entry points are tried newest first; when an old driver lacks one (FUNCTION_NOT_FOUND)
the next is tried, and whichever answered is used from then on for that list of attempts.

Worker threads call in here; a call that hangs inside the driver is why they exist. `close()`
therefore waits, for a bounded time, for calls still inside NVML and does not shut NVML down
under them (nvitop does the same: it waits for in-flight calls before nvmlShutdown).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
from collections.abc import Callable, Hashable
from typing import Any

import pynvml

log = logging.getLogger(__name__)

Attempt = tuple[Any, ...]  # (function, *args): the function first, then its arguments

CLOSE_WAIT_S = 2.0  # how long close() waits for calls still inside NVML
CLOSED = "NVML is closed (the program is shutting down)"

# Errors that will not change while the program runs: remembered, never retried.
_PERMANENT = {
    pynvml.NVML_ERROR_NOT_SUPPORTED: "not supported by this GPU or driver",
    pynvml.NVML_ERROR_NO_PERMISSION: "needs more permissions (run as root)",
    pynvml.NVML_ERROR_INVALID_ARGUMENT: "not available on this GPU",
}

# NVML's start errors, by the name `status_advice` and the window know them.
START_CAUSES = {
    pynvml.NVML_ERROR_LIBRARY_NOT_FOUND: "library_not_found",
    pynvml.NVML_ERROR_DRIVER_NOT_LOADED: "driver_not_loaded",
    pynvml.NVML_ERROR_LIB_RM_VERSION_MISMATCH: "version_mismatch",
    pynvml.NVML_ERROR_NO_PERMISSION: "no_permission",
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


class SessionClosedError(Exception):
    """The session was closed: no more NVML calls are made."""


class NvmlSession:
    """One NVML session for the program's life. `status` says in words why it is not usable.

    Safe to use from several threads: the memo dictionaries are guarded by a lock that is never
    held while NVML runs, so a hung call in one thread does not stop the others.
    """

    def __init__(self, library: str | None = None) -> None:
        self._unsupported: dict[Hashable, str] = {}
        self._chosen: dict[Hashable, int] = {}
        self._never_asked: set[tuple[int, str]] = set()  # (gpu, field) remembered as unsupported
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self.status = "ok"
        # START_CAUSES value, "named_library_unusable", "failed", or None when NVML started
        self.cause: str | None = None
        self.started = False
        named = library or os.environ.get("AIWM_NVML_LIBRARY")
        try:
            _load_library(named)
        except OSError as error:  # the user's own choice of library: say so, not "no driver installed"
            self.status = _unusable_library(named or "", "AIWM_NVML_LIBRARY" if library is None else None, error)
            self.cause = "named_library_unusable"
            return
        try:
            pynvml.nvmlInit()
            self.started = True
        except pynvml.NVMLError as error:
            self.status = _START_FAILURES.get(error.value, f"NVML failed to start: {describe(error)}")
            self.cause = START_CAUSES.get(error.value, "failed")

    @property
    def in_flight(self) -> int:
        """How many calls are inside NVML right now."""
        with self._lock:
            return self._in_flight

    def _enter(self) -> bool:
        """Count a call as inside NVML; False (nothing counted) once the session is closed."""
        with self._lock:
            if self.started:
                self._in_flight += 1
            return self.started

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def system(self, call: Callable[[], Any]) -> Any | None:
        """A system-wide query (driver version); `None` when it fails."""
        if not self._enter():
            return None
        try:
            return call()
        except pynvml.NVMLError as error:
            log.info("NVML %s failed: %s", getattr(call, "__name__", call), describe(error))
            return None
        finally:
            self._leave()

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """One NVML call counted as in flight, its NVMLError raised as is (for callers that act on
        the error code, such as the XID event set); raises `SessionClosedError` once closed."""
        if not self._enter():
            raise SessionClosedError(CLOSED)
        try:
            return function(*args)
        finally:
            self._leave()

    def handle(self, index: int) -> tuple[Any | None, str | None]:
        """GPU `index`'s handle, or `(None, why)`; raises `GpuLostError` when NVML says it is lost."""
        handle, why = self.query(index, "handle", (pynvml.nvmlDeviceGetHandleByIndex, index))
        if why is not None:
            why = f"could not be opened: {why}"
        return handle, why

    def query(
        self, gpu: int, field: str, *attempts: Attempt, also: tuple[str, ...] = ()
    ) -> tuple[Any | None, str | None]:
        """Value of `field` for GPU `gpu` from the first attempt that answers, or `(None, why)`.

        `also` names the record fields this one query fills (memory fills used and total), so that
        `is_unsupported` answers for them too. Raises `GpuLostError` when NVML says the GPU is lost.
        """
        key = (gpu, field)
        # Which entry point answered depends on the list offered: the same field may be asked with
        # different lists (the inventory's memory and the reading's memory), so the memo is per list.
        chosen_key = (gpu, field, tuple(attempt[0] for attempt in attempts))
        with self._lock:
            remembered = self._unsupported.get(key) or self._unsupported.get(chosen_key)
            first = self._chosen.get(chosen_key, 0)
        if remembered is not None:
            return None, remembered
        why = "not available"
        for index in range(first, len(attempts)):
            function, *args = attempts[index]
            if not self._enter():
                return None, CLOSED
            try:
                value = function(*args)
            except pynvml.NVMLError as error:
                if error.value == pynvml.NVML_ERROR_GPU_IS_LOST:
                    raise GpuLostError(field) from None
                if error.value == pynvml.NVML_ERROR_FUNCTION_NOT_FOUND:
                    why = f"driver too old for {function.__name__}"
                    continue
                return None, self._failed(key, error, also)
            finally:
                self._leave()
            if index != first or chosen_key not in self._chosen:
                with self._lock:
                    self._chosen[chosen_key] = index
            return value, None
        with self._lock:
            self._unsupported[chosen_key] = why
            self._never_asked.update((gpu, name) for name in (field, *also))
        return None, why

    def _failed(self, key: tuple[int, str], error: pynvml.NVMLError, also: tuple[str, ...]) -> str:
        why = _PERMANENT.get(error.value)
        if why is None:
            return f"NVML error: {describe(error)}"  # transient (timeout, unknown): retried next tick
        with self._lock:
            self._unsupported[key] = why
            self._never_asked.update((key[0], name) for name in (key[1], *also))
        return why

    def remember_unsupported(self, gpu: int, field: str, why: str) -> None:
        """Record that `field` of GPU `gpu` is read for good by other means than `query` (the XID
        event set, registered once) and will not be tried again, so `is_unsupported` answers for it."""
        with self._lock:
            self._unsupported[(gpu, field)] = why
            self._never_asked.add((gpu, field))

    def is_unsupported(self, gpu: int, field: str) -> bool:
        """Whether `field` of GPU `gpu` (a query's name or a record field it fills) is never asked again."""
        with self._lock:
            return (gpu, field) in self._never_asked

    def close(self, wait_s: float = CLOSE_WAIT_S) -> bool:
        """Shut NVML down once no call is inside it; refuse new calls from now on.

        Waits up to `wait_s` for calls in flight. If one is still inside NVML (a hung driver
        call), nvmlShutdown is not called: tearing the library down under a running call can
        crash the process, while leaving it open costs nothing at exit. Returns whether NVML
        was shut down.
        """
        with self._lock:
            if not self.started:
                return False
            self.started = False
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout=wait_s):
                log.warning(
                    "NVML not shut down: %d call(s) still inside NVML after %.1f s (a hung driver call)",
                    self._in_flight,
                    wait_s,
                )
                return False
        with contextlib.suppress(pynvml.NVMLError):
            pynvml.nvmlShutdown()
        return True


def _load_library(path: str | None) -> None:
    """Use the NVML library at `path` (odd installs, WSL, tests) instead of the system's."""
    if not path:
        return
    library = ctypes.CDLL(path)  # OSError when it is missing or not a library for this machine
    pynvml.nvmlLib = library
    pynvml._nvmlGetFunctionPointer_cache.clear()  # pointers of a previously loaded library


def _unusable_library(path: str, variable: str | None, error: OSError) -> str:
    """Why the NVML library the user named (by `variable`, or directly) cannot be used, in one line."""
    named = f"{variable}={path}" if variable else f"NVML library {path}"
    if not os.path.exists(path):
        return f"{named}: that file does not exist"
    return f"{named} cannot be loaded: {error}"


def reason_for(error: pynvml.NVMLError) -> str:
    """Why a call failed, in the words `query` uses for the same error."""
    if error.value == pynvml.NVML_ERROR_FUNCTION_NOT_FOUND:
        return "driver too old for this call"
    return _PERMANENT.get(error.value) or f"NVML error: {describe(error)}"


def describe(error: pynvml.NVMLError) -> str:
    try:
        return str(error)
    except Exception:  # nvmlErrorString itself may be missing from a broken library
        return f"error {error.value}"


def as_text(value: Any) -> str | None:
    """NVML strings arrive as bytes in older bindings and str in newer ones."""
    if value is None:
        return None
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
