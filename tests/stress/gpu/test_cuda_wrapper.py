"""The CUDA wrapper's parts that need no GPU: PCI bus ids, and a machine without the driver."""

from __future__ import annotations

import pytest
from cuda.bindings import driver

from app.stress.gpu.cuda import CudaDevice, CudaError, init_driver, normalize_pci_bus_id


@pytest.mark.parametrize(
    ("nvml", "cuda"),
    [
        ("00000000:17:00.0", "0000:17:00.0"),  # NVML's 8-digit domain (nvmlDeviceGetPciInfo busId)
        ("0000:65:00.0", "0000:65:00.0"),  # CUDA's own form (cuDeviceGetPCIBusId)
        ("00000001:B3:00.1", "0001:b3:00.1"),
        (" 0000:0a:1f.7 ", "0000:0a:1f.7"),
    ],
)
def test_pci_bus_ids_from_nvml_are_written_as_cuda_writes_them(nvml: str, cuda: str) -> None:
    assert normalize_pci_bus_id(nvml) == cuda


@pytest.mark.parametrize("bad", ["", "gpu0", "0", "0000:17:00", "0000:zz:00.0"])
def test_a_bus_id_that_is_not_one_is_a_clear_error(bad: str) -> None:
    with pytest.raises(CudaError, match="not a PCI bus id"):
        normalize_pci_bus_id(bad)


def test_missing_driver_becomes_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    # What cuda-bindings 12.9 raises when libcuda.so.1 cannot be loaded.
    def no_driver(flags: int) -> None:
        raise RuntimeError("Failed to dlopen libcuda.so.1")

    monkeypatch.setattr(driver, "cuInit", no_driver)
    with pytest.raises(CudaError) as caught:
        init_driver()
    assert str(caught.value) == "no NVIDIA driver: libcuda.so.1 not found"
    with pytest.raises(CudaError, match=r"^no NVIDIA driver"):
        CudaDevice("00000000:17:00.0")


def test_a_failed_cuinit_names_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "cuInit", lambda flags: (driver.CUresult.CUDA_ERROR_NO_DEVICE,))
    monkeypatch.setattr(driver, "cuGetErrorName", lambda error: (driver.CUresult.CUDA_SUCCESS, b"CUDA_ERROR_NO_DEVICE"))
    monkeypatch.setattr(
        driver, "cuGetErrorString", lambda error: (driver.CUresult.CUDA_SUCCESS, b"no CUDA-capable device is detected")
    )
    with pytest.raises(CudaError) as caught:
        init_driver()
    assert str(caught.value) == "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)"
