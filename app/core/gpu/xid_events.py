"""XID errors through an NVML event set: the code of the last XID each GPU reported.

The driver logs an XID when a GPU hits a hardware, firmware or driver fault (79: fell off the bus,
48: double-bit ECC error). NVML hands them out through an event set: registered once, then polled
with a timeout of 0 ms at each reading, so asking never waits and never blocks the sampler. Only
events after registration are delivered (nvml.h: "All events that occurred before this call are
not recorded"), so the value is the last XID since aiwm began watching, 0 while none has come:
what dcgm-exporter serves as DCGM_FI_DEV_XID_ERRORS ("Value of the last XID error encountered",
0 with err_code "0" on a healthy GPU). NVML has no events on Windows; there the value is missing.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Sequence
from typing import Any

import pynvml

from app.core.gpu.nvml_session import NvmlSession, SessionClosedError, describe, reason_for

log = logging.getLogger(__name__)

MAX_EVENTS_PER_POLL = 64  # an XID storm is drained over several ticks, never in one long read
NO_WAIT_MS = 0  # nvmlEventSetWait_v2's timeout: return at once when no event is ready


class XidWatch:
    """The event set for every GPU that can report XIDs, and the last code each one reported.

    `poll` and `close` take a lock of their own; a wait with a 0 ms timeout returns at once, so the
    lock is never held for long.
    """

    def __init__(self, session: NvmlSession, handles: Sequence[Any | None]) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._last: dict[int, int] = {}  # GPU index -> last XID code, 0 while none came
        self._why: dict[int, str] = {}  # GPU index -> why it is not watched
        self._by_address = {_address(h): i for i, h in enumerate(handles) if h is not None}
        self._set: Any | None = self._create()
        if self._set is None:
            return
        for index, handle in enumerate(handles):
            if handle is not None:
                self._register(index, handle)
        if not self._last:
            self._free()

    def _create(self) -> Any | None:
        try:
            return self._session.call(pynvml.nvmlEventSetCreate)
        except (pynvml.NVMLError, SessionClosedError) as error:
            for index in self._by_address.values():
                self._unwatched(index, error)
            return None

    def _register(self, index: int, handle: Any) -> None:
        try:
            self._session.call(pynvml.nvmlDeviceRegisterEvents, handle, pynvml.nvmlEventTypeXidCriticalError, self._set)
            self._last[index] = 0
        except (pynvml.NVMLError, SessionClosedError) as error:
            self._unwatched(index, error)

    def _unwatched(self, index: int, error: Exception) -> None:
        """GPU `index` reports no XIDs for the program's life: registration is not retried."""
        self._why[index] = why = _why_unwatched(error)
        self._session.remember_unsupported(index, "last_xid", why)

    def last_xid(self, index: int) -> tuple[int | None, str | None]:
        """GPU `index`'s last XID code (0: none since watching began), or `(None, why)`."""
        with self._lock:
            if index in self._last:
                return self._last[index], None
            return None, self._why.get(index, "XID events were not registered for this GPU")

    def poll(self) -> None:
        """Take every event that is ready (at most MAX_EVENTS_PER_POLL) without waiting for more."""
        with self._lock:
            for _ in range(MAX_EVENTS_PER_POLL):
                if self._set is None or not self._take_one():
                    return

    def _take_one(self) -> bool:
        """Take one ready event; False when none is ready or the set cannot be read now."""
        try:
            data = self._session.call(pynvml.nvmlEventSetWait_v2, self._set, NO_WAIT_MS)
        except SessionClosedError:
            return False
        except pynvml.NVMLError as error:
            if error.value != pynvml.NVML_ERROR_TIMEOUT:  # TIMEOUT: nothing ready, the usual answer
                log.info("NVML event wait failed: %s", describe(error))  # a lost GPU shows in its reading
            return False
        index = self._by_address.get(_address(data.device))
        if index in self._last and data.eventType & pynvml.nvmlEventTypeXidCriticalError:
            self._last[index] = int(data.eventData)
        return True

    def close(self) -> None:
        """Free the event set (before NVML shuts down)."""
        with self._lock:
            self._free()

    def _free(self) -> None:
        if self._set is None:
            return
        event_set, self._set = self._set, None
        try:
            self._session.call(pynvml.nvmlEventSetFree, event_set)
        except (pynvml.NVMLError, SessionClosedError) as error:
            log.info("NVML event set not freed: %s", error)


def _why_unwatched(error: Exception) -> str:
    if isinstance(error, pynvml.NVMLError):
        return f"XID events unavailable: {reason_for(error)}"
    return f"XID events unavailable: {error}"


def _address(handle: Any) -> int | None:
    """A device handle's address: the event names its GPU by a handle equal to the one opened."""
    return ctypes.cast(handle, ctypes.c_void_p).value
