"""cuDNN against the toolkit and the GPUs; several toolkits, nouveau, persistence mode, PCIe links."""

from __future__ import annotations

import pytest

from app.doctor.records import ToolkitFact
from tests.doctor.helpers import CUDNN_895, CUDNN_917, facts, found, framework, gpu, one


@pytest.mark.parametrize(
    ("cudnn", "toolkit", "status", "source"),
    [
        ("8.9.5", "12.2", "pass", CUDNN_895),
        ("8.9.5", "11.8", "pass", CUDNN_895),
        ("8.9.5", "12.4", "warn", CUDNN_895),  # the 8.9.5 matrix lists 12.0 - 12.2
        ("8.9.5", "13.0", "fail", CUDNN_895),  # no CUDA 13 build
        ("9.17.0", "13.1", "pass", CUDNN_917),
        ("9.17.0", "11.8", "fail", CUDNN_917),  # 9.17 has CUDA 12 and 13 builds only
    ],
)
def test_cudnn_matches_the_toolkits_cuda(cudnn, toolkit, status, source) -> None:
    finding = one(facts(cudnn=cudnn, cuda_toolkit=toolkit), "cudnn.matches_cuda")
    assert finding.status == status and toolkit in finding.detail + finding.title, (finding, source)


@pytest.mark.parametrize(
    ("cudnn", "gpu_name", "cc", "status", "source"),
    [
        ("9.17.0", "NVIDIA GeForce GTX 1080 Ti", "6.1", "fail", CUDNN_917),  # 9.17 lists 7.5 and up
        ("9.17.0", "Tesla T4", "7.5", "pass", CUDNN_917),
        ("8.9.5", "NVIDIA GeForce GTX 1080 Ti", "6.1", "pass", CUDNN_895),  # 8.9.5 lists 5.0 and up
        ("8.9.5", "Tesla K80", "3.7", "fail", CUDNN_895),
    ],
)
def test_cudnn_supports_the_gpu(cudnn, gpu_name, cc, status, source) -> None:
    finding = one(facts(cudnn=cudnn, gpus=(gpu(gpu_name, cc),)), "cudnn.supports_gpu")
    assert finding.status == status and cc in finding.detail, source


def test_a_frameworks_bundled_cudnn_is_checked_against_the_gpu_too() -> None:
    build = framework(version="2.11.0", cuda="13.0", cudnn="9.17.1", arch_list=("sm_75",))
    findings = found(facts(gpus=(gpu("Tesla P40", "6.1"),), frameworks=(build,)), "cudnn.supports_gpu")
    assert [f.status for f in findings] == ["fail"] and "PyTorch 2.11.0" in findings[0].title


def test_several_toolkits_are_listed_with_their_paths() -> None:
    toolkits = (
        ToolkitFact("12.8", "/usr/local/cuda-12.8", "nvcc on PATH"),
        ToolkitFact("11.8", "/opt/cuda-11.8", "CUDA_HOME"),
    )
    finding = one(facts(toolkits=toolkits), "toolkit.several")
    assert (
        finding.status == "warn"
        and "/opt/cuda-11.8" in finding.detail
        and "/usr/local/cuda-12.8/bin" in (finding.fix_command or "")
    )


def test_one_toolkit_found_twice_is_not_several() -> None:
    toolkits = (
        ToolkitFact("12.8", "/usr/local/cuda-12.8", "nvcc on PATH"),
        ToolkitFact("12.8", "/usr/local/cuda", "CUDA_HOME"),
    )
    assert found(facts(toolkits=toolkits), "toolkit.several") == []


def test_two_cuda_library_folders_are_several() -> None:
    finding = one(
        facts(cuda_library_paths=("/usr/local/cuda-12.8/lib64", "/usr/local/cuda-11.8/lib64")), "toolkit.several"
    )
    assert "/usr/local/cuda-11.8/lib64" in finding.detail


@pytest.mark.parametrize(
    ("os_name", "driver", "expected"),
    [("linux", None, "fail"), ("linux", "580.178.04", "warn"), ("windows", None, None)],
)
def test_nouveau_loaded(os_name, driver, expected) -> None:
    findings = found(
        facts(
            os=os_name,
            nvidia_driver=driver,
            nouveau_loaded=True,
            nvml_error="driver_not_loaded" if driver is None else None,
        ),
        "driver.nouveau",
    )
    assert [f.status for f in findings] == ([expected] if expected else [])
    if findings:
        assert "blacklist nouveau" in (findings[0].fix_command or "")


@pytest.mark.parametrize(
    ("os_name", "mode", "expected"),
    [("linux", False, ["info"]), ("linux", True, []), ("linux", None, []), ("windows", False, [])],
)
def test_persistence_mode_off_on_linux_is_information(os_name, mode, expected) -> None:
    findings = found(facts(os=os_name, gpus=(gpu(persistence_mode=mode),)), "gpu.persistence_off")
    assert [f.status for f in findings] == expected


@pytest.mark.parametrize(
    ("link", "expected", "said"),
    [
        ((3, 4, 16, 16), ["warn"], "Gen3 x16 of Gen4 x16"),
        ((4, 4, 8, 16), ["warn"], "Gen4 x8 of Gen4 x16"),
        ((4, 4, 16, 16), [], ""),
        ((None, 4, 16, 16), [], ""),
    ],
)
def test_a_pcie_link_below_its_maximum_warns_and_says_idle_links_slow_down(link, expected, said) -> None:
    gen, gen_max, width, width_max = link
    the_gpu = gpu(pcie_gen_current=gen, pcie_gen_max=gen_max, pcie_width_current=width, pcie_width_max=width_max)
    findings = found(facts(gpus=(the_gpu,)), "gpu.pcie_link")
    assert [f.status for f in findings] == expected
    if findings:
        assert said in findings[0].detail and "Idle" in findings[0].detail and "under load" in (findings[0].fix or "")
