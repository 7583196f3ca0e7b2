"""The catalog's peak TFLOPS: the published figures, looked up by the driver's GPU name."""

from __future__ import annotations

import json

import pytest

from app.core.errors import UserError
from app.core.gpu.catalog import default_catalog, default_compute_peaks, load_compute_peaks, peak_tflops

# Published peak FP32 TFLOPS, typed in from the vendor documents (not from the catalog):
PUBLISHED_FP32 = {
    "NVIDIA H100 80GB HBM3": 67,  # H100 datasheet, SXM column: 67 TFLOPS
    "NVIDIA H100 PCIe": 51,  # H100 datasheet, PCIe column: 51 TFLOPS
    "NVIDIA H200": 67,  # H200 datasheet, SXM column: 67 TFLOPS
    "NVIDIA GeForce RTX 5090": 104.8,  # RTX Blackwell whitepaper, appendix A
    "NVIDIA GeForce RTX 4090": 82.6,  # Ada whitepaper v2.1, appendix A
    "NVIDIA GeForce RTX 3090": 35.6,  # GA102 whitepaper, table 1
    "NVIDIA A100-SXM4-80GB": 19.5,  # A100 datasheet
    "NVIDIA L40S": 91.6,  # L40S datasheet
    "NVIDIA GeForce RTX 4060 Laptop GPU": 14.56,  # 3072 cores x 2 x 2.37 GHz, NVIDIA's laptop spec page (max boost)
}


@pytest.mark.parametrize(("name", "published"), PUBLISHED_FP32.items())
def test_catalog_peak_matches_the_published_figure(name: str, published: float) -> None:
    peak = peak_tflops(name)
    assert peak is not None, f"{name} missing from compute_peaks"
    assert peak == pytest.approx(published, rel=0.005)


@pytest.mark.parametrize("name", sorted(default_compute_peaks()))
def test_every_peak_is_sms_times_lanes_times_two_times_boost(name: str) -> None:
    entry = default_compute_peaks()[name]
    assert entry.fp32_tflops == pytest.approx(
        entry.sm_count * entry.fp32_lanes_per_sm * 2 * entry.boost_clock_mhz / 1e6, rel=0.002
    )


def test_every_peak_has_a_source() -> None:
    from app.core.paths import resources_dir

    table = json.loads((resources_dir() / "gpu_catalog.json").read_text(encoding="utf-8"))["compute_peaks"]
    assert all(entry["sources"] for entry in table.values())


def test_simulated_profiles_have_a_peak_so_the_demo_shows_a_percentage() -> None:
    for profile in default_catalog().values():
        assert peak_tflops(profile.spec.name) is not None, profile.spec.name


def test_tensor_peak_is_dense_fp16_with_fp32_accumulate_and_none_when_unknown() -> None:
    assert peak_tflops("NVIDIA H200", "tensor") == pytest.approx(989.4)  # 1979 with sparsity / 2
    assert peak_tflops("NVIDIA GeForce RTX 4090", "tensor") == pytest.approx(165.2)  # Ada whitepaper, FP32 accumulate
    assert peak_tflops("NVIDIA GeForce RTX 4060 Laptop GPU", "tensor") is None


def test_unknown_gpu_has_no_peak_and_spacing_does_not_matter() -> None:
    assert peak_tflops("NVIDIA Imaginary 9000") is None
    assert peak_tflops("NVIDIA  H200 ") == pytest.approx(66.9)


def test_broken_table_is_a_one_line_error(tmp_path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('{"compute_peaks": {"X": {"sm_count": 1}}}', encoding="utf-8")
    with pytest.raises(UserError, match="unreadable: KeyError"):
        load_compute_peaks(path)
