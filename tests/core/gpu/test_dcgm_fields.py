"""The four fields dcgm-exporter serves by default that NVML gives aiwm too: total energy (mJ),
PCIe replays, memory temperature and the last XID, read through the stand-in NVML and modelled by
the simulated GPU. Expected values are the scenario files' own numbers or worked out by hand."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator

import pynvml
import pytest

from app.core.gpu.catalog import default_catalog
from app.core.gpu.nvml_source import MEMORY_TEMP_FIELD, NvidiaBackend
from app.core.gpu.simulated import NO_MEMORY_SENSOR, SimulatedGpu
from app.core.gpu.xid_events import NO_WAIT_MS

UNSUPPORTED = "not supported by this GPU or driver"
NEW_FIELDS = ("energy_mj", "pcie_replay_count", "memory_temperature_c", "last_xid")


@pytest.fixture
def open_backend(fake_nvml: Callable[..., object]) -> Iterator[Callable[..., NvidiaBackend]]:
    opened: list[NvidiaBackend] = []

    def use(scenario: str, old: bool = False) -> NvidiaBackend:
        fake_nvml(scenario, old=old)
        opened.append(NvidiaBackend())
        return opened[-1]

    yield use
    for backend in opened:
        backend.close()


def _stub_hook(name: str, restype: type) -> Callable[..., object]:
    function = getattr(pynvml.nvmlLib, name)
    function.restype = restype
    return function  # type: ignore[no-any-return]


def test_memory_temperature_is_nvml_field_82() -> None:
    """nvml.h 13 (nvidia-nvml-dev): `#define NVML_FI_DEV_MEMORY_TEMP 82`."""
    assert MEMORY_TEMP_FIELD == pynvml.NVML_FI_DEV_MEMORY_TEMP == 82


def test_datacenter_card_reports_energy_replays_and_hbm_temperature(
    open_backend: Callable[..., NvidiaBackend],
) -> None:
    gpu = open_backend("datacenter_a100").read().gpus[0]
    # The scenario's gpu0.energy_mj, pcie_replays and memory_temp, unchanged: NVML counts mJ.
    assert gpu.energy_mj == 98765432109876
    assert gpu.pcie_replay_count == 17
    assert gpu.memory_temperature_c == 71.0
    assert gpu.last_xid == 0, "watched, and no XID came"
    assert not set(dict(gpu.missing)) & set(NEW_FIELDS)
    metrics = gpu.metrics()
    assert metrics["gpu0.energy_mj"] == 98765432109876.0
    assert metrics["gpu0.memory_temperature_c"] == 71.0
    assert metrics["gpu0.pcie_replay_count"] == 17.0
    assert metrics["gpu0.last_xid"] == 0.0


def test_geforce_memory_temperature_is_missing_with_the_reason_not_zero(
    open_backend: Callable[..., NvidiaBackend],
) -> None:
    gpu = open_backend("geforce_rtx4090").read().gpus[0]
    assert gpu.memory_temperature_c is None
    assert dict(gpu.missing)["memory_temperature_c"] == UNSUPPORTED
    assert gpu.metrics()["gpu0.memory_temperature_c"] is None
    # A counter at 0 is a reading, not a gap.
    assert gpu.pcie_replay_count == 0 and "pcie_replay_count" not in dict(gpu.missing)
    assert gpu.energy_mj == 1234567890


def test_a_memory_sensor_that_answers_zero_is_missing_not_zero(open_backend: Callable[..., NvidiaBackend]) -> None:
    backend = open_backend("xid_errors")
    titan = backend.read().gpus[2]
    assert titan.memory_temperature_c is None
    assert dict(titan.missing)["memory_temperature_c"] == UNSUPPORTED
    assert backend.session.is_unsupported(2, "memory_temperature_c")


def test_energy_is_missing_before_volta(open_backend: Callable[..., NvidiaBackend]) -> None:
    """nvml.h: nvmlDeviceGetTotalEnergyConsumption is "For Volta or newer fully supported devices"."""
    gpus = open_backend("xid_errors").read().gpus
    assert gpus[2].energy_mj is None and dict(gpus[2].missing)["energy_mj"] == UNSUPPORTED
    assert (gpus[0].energy_mj, gpus[1].energy_mj) == (5000, 7000)


def test_the_last_xid_is_the_newest_code_each_gpu_raised(open_backend: Callable[..., NvidiaBackend]) -> None:
    """GPU 0 raises XID 13, then 31, once two utilisation reads were made; the others raise none."""
    backend = open_backend("xid_errors")
    first = backend.read().gpus
    assert (first[0].last_xid, first[1].last_xid) == (0, 0)
    backend.read()
    third = backend.read().gpus  # both codes are ready now and taken in one poll
    assert third[0].last_xid == 31, "the last of 13 then 31"
    assert third[1].last_xid == 0, "another GPU's XID is not this one's"
    assert backend.read().gpus[0].last_xid == 31, "the code stays until another XID comes"


def test_polling_for_xids_never_waits(open_backend: Callable[..., NvidiaBackend]) -> None:
    backend = open_backend("xid_errors")
    backend.read()
    assert NO_WAIT_MS == 0
    assert _stub_hook("aiwmFakeLastEventWaitMs", ctypes.c_long)() == 0


def test_a_gpu_without_xid_events_has_no_last_xid_and_says_why(open_backend: Callable[..., NvidiaBackend]) -> None:
    backend = open_backend("xid_errors")
    titan = backend.read().gpus[2]
    assert titan.last_xid is None
    assert dict(titan.missing)["last_xid"] == f"XID events unavailable: {UNSUPPORTED}"
    assert backend.session.is_unsupported(2, "last_xid")


def test_without_an_event_set_every_gpu_says_why(open_backend: Callable[..., NvidiaBackend]) -> None:
    gpu = open_backend("no_event_set").read().gpus[0]
    assert gpu.last_xid is None
    assert dict(gpu.missing)["last_xid"] == f"XID events unavailable: {UNSUPPORTED}"


def test_an_old_driver_without_event_sets_says_it_is_too_old(open_backend: Callable[..., NvidiaBackend]) -> None:
    gpu = open_backend("old_driver", old=True).read().gpus[0]
    assert gpu.last_xid is None
    assert dict(gpu.missing)["last_xid"] == "XID events unavailable: driver too old for this call"


def test_the_event_set_is_freed_when_the_backend_closes(fake_nvml: Callable[..., object]) -> None:
    fake_nvml("xid_errors")
    backend = NvidiaBackend()
    backend.read()
    count = _stub_hook("aiwmFakeCallCount", ctypes.c_ulong)  # counts since the library was loaded
    before = count(b"nvmlEventSetFree")
    backend.read()
    assert count(b"nvmlEventSetFree") == before, "the set lives while readings are taken"
    backend.close()
    assert count(b"nvmlEventSetFree") == before + 1


def test_simulated_energy_is_the_integral_of_its_power() -> None:
    """A100 80GB (catalog): idle 55 W; a full load asks 420 W, held at the 400 W limit. Its steady
    temperature at 400 W is 30 + 400 x 0.11 = 74 C, below the 82 C where the thermal trim begins,
    so the power stays at 400 W. By hand: 100.2 s idle = 5 511 J, then 50.1 s at 400 W = 20 040 J.
    The clock advances in uneven ticks (0.3 s, then one of 0.2 s), as a sampler's do."""
    gpu = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    assert gpu.reading().energy_mj == 0
    for tick in range(1, 335):
        gpu.advance_to(tick * 0.3)  # to 100.2 s
    assert gpu.reading().energy_mj == pytest.approx(5_511_000, abs=1)
    gpu.set_load(1.0)
    gpu.advance_to(150.0)
    gpu.advance_to(150.3)
    assert gpu.reading().energy_mj == pytest.approx(25_551_000, abs=1)


def test_simulated_hbm_follows_the_die_and_geforce_reports_no_memory_temperature() -> None:
    """A100 at 400 W for 20 minutes (20 time constants): the die settles at 74 C (above), and the
    HBM at 30 + 0.9 x (74 - 30) = 69.6 C; the noise on the sensors is 0.2 C."""
    a100 = SimulatedGpu(default_catalog()["a100-80gb"], 0, start_s=0.0)
    idle_c = a100.reading().memory_temperature_c
    a100.set_load(1.0)
    a100.advance_to(1200.0)
    loaded = a100.reading()
    assert idle_c is not None and idle_c < 40.0
    assert loaded.memory_temperature_c == pytest.approx(69.6, abs=1.0)
    assert loaded.pcie_replay_count == 0 and loaded.last_xid == 0
    geforce = SimulatedGpu(default_catalog()["rtx4090"], 0, start_s=0.0).reading()
    assert geforce.memory_temperature_c is None
    assert dict(geforce.missing)["memory_temperature_c"] == NO_MEMORY_SENSOR
    assert geforce.energy_mj == 0 and geforce.pcie_replay_count == 0 and geforce.last_xid == 0
