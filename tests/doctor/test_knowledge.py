"""The knowledge tables in resources/compat/: complete, in order, every row sourced and dated,
the published numbers the rules depend on, and a broken table said in one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.paths import resources_dir
from app.doctor.checks.lookups import coverage, minor_compat, toolkit_driver
from app.doctor.knowledge import default_knowledge, load_knowledge
from app.doctor.versions import branch_of, parse_version

K = default_knowledge()
V = parse_version
COMPAT = resources_dir() / "compat"

# Every CUDA release from 11.0 on (12.7 was never released: the 12.8 notes follow 12.6 Update 3).
EXPECTED_CUDA = (
    [f"11.{m}" for m in range(9)] + [f"12.{m}" for m in (0, 1, 2, 3, 4, 5, 6, 8, 9)] + [f"13.{m}" for m in range(5)]
)


def _all_rows() -> list[dict]:
    rows = []
    for path in sorted(COMPAT.glob("*.json")):
        doc = json.loads(path.read_text())
        for key, value in doc.items():
            if isinstance(value, list):
                rows += [(path.name, key, row) for row in value if isinstance(row, dict)]
            elif isinstance(value, dict) and key != "bulletin":
                rows.append((path.name, key, value))
    return rows


def test_every_row_of_every_table_has_a_source_url_a_table_and_a_date() -> None:
    rows = _all_rows()
    assert len(rows) > 150
    for name, key, row in rows:
        assert str(row.get("source", "")).startswith("https://"), (name, key, row)
        assert row.get("table"), (name, key, row)
        assert len(str(row.get("date", ""))) == 10, (name, key, row)


def test_every_cuda_release_from_11_0_to_the_newest_has_a_driver_row_in_order() -> None:
    versions = [row.cuda for row in K.toolkit_drivers]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert sorted({str(v.major_minor()) for v in versions}, key=V) == EXPECTED_CUDA


@pytest.mark.parametrize(
    ("cuda", "linux", "windows"),
    [
        # CUDA Toolkit and Corresponding Driver Versions,
        # https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html
        ("11.0", "450.51.05", "451.48"),  # 11.0.2 GA
        ("11.8", "520.61.05", "520.06"),
        ("12.0", "525.60.13", "527.41"),
        ("12.0.1", "525.85.12", "528.33"),
        ("12.2.2", "535.104.05", "537.13"),
        ("12.4", "550.54.14", "551.61"),
        ("12.8", "570.26", "570.65"),
        ("12.9.1", "575.57.08", "576.57"),
        ("13.0", "580.65.06", "580"),
        ("13.1", "590.44.01", "590"),
    ],
)
def test_toolkit_driver_rows_match_the_release_notes(cuda: str, linux: str, windows: str) -> None:
    row = toolkit_driver(K, V(cuda))
    assert row is not None and str(row.linux_min_driver) == linux and str(row.windows_min_driver) == windows


def test_an_update_release_uses_its_own_row_and_an_unknown_release_none() -> None:
    assert str(toolkit_driver(K, V("12.6.3")).linux_min_driver) == "560.35.05"  # type: ignore[union-attr]
    assert str(toolkit_driver(K, V("12.6.2")).linux_min_driver) == "560.35.03"  # type: ignore[union-attr]
    assert toolkit_driver(K, V("12.7")) is None and toolkit_driver(K, V("14.0")) is None


@pytest.mark.parametrize(
    ("cuda", "linux", "windows"),
    [
        # https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html
        ("11.8", "450.80.02", "452.39"),
        ("12.1", "525.60.13", "528.33"),
        ("12.9", "525.60.13", "528.33"),
        ("13.2", "580", "580"),  # CUDA 13.4 U1 notes: "13.x applications run on drivers >=580"
    ],
)
def test_minor_version_compatibility_minimums(cuda: str, linux: str, windows: str) -> None:
    row = minor_compat(K, V(cuda))
    assert row is not None and str(row.linux_min_driver) == linux and str(row.windows_min_driver) == windows


def test_cuda_11_0_has_no_minor_version_compatibility() -> None:
    assert minor_compat(K, V("11.0")) is None  # it "shipped with earlier driver versions": its own driver only


def test_architectures_are_in_compute_capability_order_and_name_the_published_drops() -> None:
    ccs = [cc for arch in K.architectures for cc in arch.compute_capabilities]
    assert ccs == sorted(ccs)
    last = {arch.name: arch.last_cuda for arch in K.architectures}
    kepler = [a for a in K.architectures if a.name == "Kepler"]
    assert str(kepler[-1].last_cuda) == "11.8"  # 12.0 dropped Kepler
    assert {str(last[name]) for name in ("Maxwell", "Pascal", "Volta")} == {"12.9"}  # 13.0 dropped them
    assert last["Turing"] is None and last["Hopper"] is None


def test_every_product_maps_to_a_known_architecture() -> None:
    known = {cc for arch in K.architectures for cc in arch.compute_capabilities}
    assert all(p.compute_capability in known for p in K.products)


def test_pytorch_releases_are_sorted_and_each_has_cuda_variants() -> None:
    versions = [r.version for r in K.pytorch]
    assert versions == sorted(versions)
    assert [r.released for r in K.pytorch] == sorted(r.released for r in K.pytorch)
    assert all(r.variants for r in K.pytorch)


def _variant(release: str, tag: str) -> tuple[str, ...]:
    rel = next(r for r in K.pytorch if str(r.version) == release)
    return next(v.arch_list for v in rel.variants if v.tag == tag)


@pytest.mark.parametrize("release", ["2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"])
def test_cu126_keeps_maxwell_and_pascal_and_cu128_from_2_8_does_not(release: str) -> None:
    # RELEASE.md "PyTorch CUDA Support Matrix"; PR #158700 ("Maxwell and Pascal removed for CUDA 12.8+ builds")
    cu126 = _variant(release, "cu126")
    assert coverage(cu126, V("5.2")) == "sass" and coverage(cu126, V("6.1")) == "sass"
    if release in ("2.8", "2.9", "2.10", "2.11"):  # 2.12 and later have no cu128 wheel
        assert coverage(_variant(release, "cu128"), V("6.1")) is None


def test_cu128_in_2_11_drops_volta_that_2_10_had() -> None:
    assert coverage(_variant("2.10", "cu128"), V("7.0")) == "sass"
    assert coverage(_variant("2.11", "cu128"), V("7.0")) is None  # RFC #172352


def test_only_cuda_12_8_or_newer_wheels_carry_blackwell() -> None:
    for release in K.pytorch:
        for variant in release.variants:
            if coverage(variant.arch_list, V("12.0")) is not None:
                assert variant.cuda >= V("12.8"), (release.version, variant.tag)


def test_tensorflow_rows_are_sorted_and_native_windows_gpu_ends_with_2_10() -> None:
    versions = [r.version for r in K.tensorflow]
    assert versions == sorted(versions)
    assert {str(r.version) for r in K.tensorflow if r.windows_native_gpu} == {f"2.{m}" for m in range(4, 11)}
    assert str(next(r for r in K.tensorflow if str(r.version) == "2.15").cuda) == "12.2"  # tested build configurations


def test_cudnn_rows_are_sorted_and_9_17_needs_turing() -> None:
    versions = [r.version for r in K.cudnn]
    assert versions == sorted(versions)
    row = next(r for r in K.cudnn if str(r.version) == "9.17.0")
    assert str(row.min_compute_capability) == "7.5" and {major for major, _, _ in row.cuda_ranges} == {12, 13}


def test_branches_are_sorted_and_each_bulletin_fix_belongs_to_its_branch() -> None:
    branches = [b.branch for b in K.branches]
    assert branches == sorted(branches)
    assert {(f.os, f.branch) for f in K.bulletin_fixes} >= {("linux", 580), ("windows", 580)}
    for fix in K.bulletin_fixes:
        assert branch_of(fix.fixed_version, fix.os) == fix.branch, fix
    assert K.bulletin.published == "2026-09-30"


def _broken(tmp_path: Path, name: str, edit) -> Path:
    folder = tmp_path / "compat"
    shutil.copytree(COMPAT, folder)
    path = folder / name
    path.write_text(edit(path.read_text()))
    return folder


@pytest.mark.parametrize(
    ("name", "edit", "said"),
    [
        ("cuda_drivers.json", lambda text: text[:-20], "not valid JSON"),
        ("pytorch.json", lambda text: text.replace('"cuda": "12.4"', '"cuda": "12.x"', 1), "not a version"),
        ("cudnn.json", lambda text: text.replace('"source": "https://', '"source": "ftp://', 1), "not an https URL"),
        ("tensorflow.json", lambda text: text.replace('"date": "2026-03-11"', '"date": "March"', 1), "not YYYY-MM-DD"),
        ("gpu_architectures.json", lambda text: text.replace('"architectures"', '"archs"'), "missing or empty"),
    ],
)
def test_a_broken_table_is_one_line_naming_the_file(tmp_path: Path, name: str, edit, said: str) -> None:
    with pytest.raises(UserError) as error:
        load_knowledge(_broken(tmp_path, name, edit))
    message = str(error.value)
    assert name in message and said in message and "\n" not in message


def test_a_missing_table_is_one_line(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "cudnn.json", lambda text: text)
    (folder / "cudnn.json").unlink()
    with pytest.raises(UserError, match=r"cudnn\.json is missing"):
        load_knowledge(folder)


# cuDNN minors whose NVIDIA support matrix the table carries (issue 8's trial: 8.9.2 fell back to 8.5.0's).
EXPECTED_CUDNN_MINORS = ["7.6", "8.0", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9"] + [
    f"9.{m}" for m in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17)
]


def test_cudnn_has_a_row_for_each_minor_and_every_row_a_compute_capability_range() -> None:
    minors = sorted({str(r.version.major_minor()) for r in K.cudnn}, key=V)
    assert minors == EXPECTED_CUDNN_MINORS
    for row in K.cudnn:
        assert row.min_compute_capability <= row.max_compute_capability, row
        if row.version.major == 9 and row.version.minor < 11:
            assert row.cited.source.startswith("https://docs.nvidia.com/deeplearning/cudnn/"), row


@pytest.mark.parametrize(
    ("cudnn", "cuda", "highest"),
    [
        # docs.nvidia.com/deeplearning/cudnn/backend/v9.0.0 and v9.5.0 support matrices: 5.0 to 9.0
        ("9.0.0", "12.3", "9.0"),
        ("9.5.0", "12.6", "9.0"),
        # v9.10.2: the builds for CUDA 12.8 and 12.9 list 10.0 and 12.0, the others stop at 9.0
        ("9.10.2", "12.6", "9.0"),
        ("9.10.2", "12.8", "12.0"),
        ("8.9.1", "12.1", "9.0"),  # archives/cudnn-891: 5.0 to 9.0
    ],
)
def test_the_highest_compute_capability_of_a_cudnn_build(cudnn: str, cuda: str, highest: str) -> None:
    row = next(r for r in K.cudnn if str(r.version) == cudnn)
    assert row.max_for(V(cuda)) == V(highest)


def test_cudnn_9_11_has_no_cuda_13_build() -> None:
    # CUDA 13.0 came after cuDNN 9.11.0; NVIDIA's conda channel has one (CUDA 12) linux-64 build of 9.11.0.98
    row = next(r for r in K.cudnn if str(r.version) == "9.11.0")
    assert [major for major, _, _ in row.cuda_ranges] == [12]


def test_r580_end_of_life_is_nvidias_own_date() -> None:
    # docs.nvidia.com/datacenter/tesla/drivers/620 and /615, 'Supported Drivers and CUDA Toolkit Versions':
    # R580 Long Term Support Branch, End of Life June 2028 (both pages, read 2026-11-28)
    row = next(b for b in K.branches if b.branch == 580)
    assert row.end_of_life == (2028, 6) and row.cited.source.startswith("https://docs.nvidia.com/datacenter/")


@pytest.mark.parametrize(
    ("torch", "torchvision", "torchaudio", "any_newer"),
    [
        # pytorch/vision README: 2.13 -> 0.28, 2.8 -> 0.23, 2.0 -> 0.15, 1.13 -> 0.14;
        # torchaudio 2.11 installation page: 2.8 -> 2.8.0, 2.10 -> 2.10.0, "2.11 and above" -> 2.11.0
        ("2.13", "0.28", "2.11", True),
        ("2.11", "0.26", "2.11", True),
        ("2.10", "0.25", "2.10", False),
        ("2.8", "0.23", "2.8", False),
        ("2.0", "0.15", "2.0", False),
        ("1.13", "0.14", "0.13", False),
    ],
)
def test_torchvision_and_torchaudio_for_each_torch(
    torch: str, torchvision: str, torchaudio: str, any_newer: bool
) -> None:
    row = next(r for r in K.pytorch_companions if str(r.torch) == torch)
    assert (str(row.torchvision), str(row.torchaudio), row.torchaudio_any_newer_torch) == (
        torchvision,
        torchaudio,
        any_newer,
    )


def test_the_last_native_windows_tensorflow_gpu_build_and_its_pythons() -> None:
    # tensorflow.org/install/source_windows: tensorflow_gpu-2.10.0, Python 3.7-3.10, cuDNN 8.1, CUDA 11.2
    last = K.tensorflow_windows_last
    assert (str(last.version), str(last.python_min), str(last.python_max)) == ("2.10.0", "3.7", "3.10")
    assert (str(last.cuda), str(last.cudnn), last.requirement) == ("11.2", "8.1", "tensorflow<2.11")
