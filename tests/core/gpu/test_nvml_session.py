"""The NVML choke point's own rules: which entry point answered is remembered per list of attempts,
and NVML is never shut down under a call that is still inside it."""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from pathlib import Path

import pynvml
import pytest

from app.core.gpu.nvml_session import CLOSED, NvmlSession
from app.core.gpu.nvml_source import NvidiaBackend


def _calls(library: Path, name: str) -> int:
    count = ctypes.CDLL(str(library)).aiwmFakeCallCount
    count.restype, count.argtypes = ctypes.c_ulong, [ctypes.c_char_p]
    return int(count(name.encode()))


def _not_in_this_driver() -> int:
    raise pynvml.NVMLError(pynvml.NVML_ERROR_FUNCTION_NOT_FOUND)


def _older_entry_point() -> int:
    return 1


def _only_entry_point() -> int:
    return 2


@pytest.fixture
def session(fake_nvml):
    fake_nvml("geforce_rtx4090")
    opened = NvmlSession()
    yield opened
    opened.close()


def test_one_field_asked_with_two_attempt_lists_uses_each_lists_own_winner(session) -> None:
    # First list: the newer entry point is missing, so the older one (index 1) answers.
    assert session.query(0, "memory", (_not_in_this_driver,), (_older_entry_point,)) == (1, None)
    # Second list has one entry; its winner is index 0, whatever the first list learned.
    assert session.query(0, "memory", (_only_entry_point,)) == (2, None)
    # And the first list still starts at its own winner.
    assert session.query(0, "memory", (_not_in_this_driver,), (_older_entry_point,)) == (1, None)
    assert not session.is_unsupported(0, "memory")


def _open_backend_with_a_call_inside_nvml() -> tuple[NvidiaBackend, threading.Thread]:
    """hung_call.scn makes nvmlDeviceGetUtilizationRates sleep 1.5 s inside the library."""
    backend = NvidiaBackend()
    backend.inventory()
    reader = threading.Thread(target=backend.read, name="test-hung-reader")
    reader.start()
    while backend.session.in_flight == 0 and reader.is_alive():
        time.sleep(0.005)
    assert backend.session.in_flight == 1, "the reader should be inside the hung NVML call"
    return backend, reader


def test_close_does_not_shut_nvml_down_while_a_call_is_still_inside_it(fake_nvml, caplog) -> None:
    library = fake_nvml("hung_call")
    backend, reader = _open_backend_with_a_call_inside_nvml()
    before = _calls(library, "nvmlShutdown")
    with caplog.at_level(logging.WARNING, logger="app.core.gpu.nvml_session"):
        shut_down = backend.session.close(wait_s=0.1)
    assert shut_down is False
    assert _calls(library, "nvmlShutdown") == before
    assert "NVML not shut down: 1 call(s) still inside NVML after 0.1 s" in caplog.text
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert backend.session.query(0, "temperature_c", (_only_entry_point,)) == (None, CLOSED)
    assert _calls(library, "nvmlShutdown") == before, "a later close does not shut down either"
    backend.close()
    assert _calls(library, "nvmlShutdown") == before


def test_close_waits_for_a_call_that_finishes_in_time_then_shuts_nvml_down_once(fake_nvml) -> None:
    library = fake_nvml("hung_call")
    backend, reader = _open_backend_with_a_call_inside_nvml()
    before = _calls(library, "nvmlShutdown")
    assert backend.session.close(wait_s=10.0) is True
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert _calls(library, "nvmlShutdown") == before + 1
    backend.close()
    assert _calls(library, "nvmlShutdown") == before + 1


def test_close_with_nothing_in_flight_shuts_nvml_down_at_once(fake_nvml) -> None:
    library = fake_nvml("geforce_rtx4090")
    backend = NvidiaBackend()
    backend.read()
    before = _calls(library, "nvmlShutdown")
    assert backend.session.close(wait_s=0.0) is True
    assert _calls(library, "nvmlShutdown") == before + 1
