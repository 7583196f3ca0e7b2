"""Version parsing and comparison: what the doctor compares drivers, CUDA and frameworks with."""

from __future__ import annotations

import pytest

from app.core.errors import UserError
from app.doctor.versions import branch_of, parse_compute_capability, parse_version


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("470.82.01", "525.60.13"),  # numeric, not text, order: "470" < "525"
        ("525.60.13", "525.85.12"),
        ("535.86.09", "535.104.05"),  # 86 < 104 although "86" > "104" as text
        ("12.4", "12.4.1"),
        ("9.1.0", "9.10.2"),
        ("2.5.1", "2.5.1.1"),
    ],
)
def test_versions_compare_by_number(lower: str, higher: str) -> None:
    assert parse_version(lower) < parse_version(higher)
    assert parse_version(higher) > parse_version(lower)


def test_missing_parts_count_as_zero() -> None:
    assert parse_version("12.4") == parse_version("12.4.0")
    assert parse_version("580") == parse_version("580.0.0")


@pytest.mark.parametrize("text", ["2.5.1+cu124", "2.8.0+cpu", "2.6.0rc1", "1.13.0.dev20221001"])
def test_framework_versions_with_local_or_pre_release_parts_parse(text: str) -> None:
    assert parse_version(text).major_minor() in (
        parse_version("2.5"),
        parse_version("2.8"),
        parse_version("2.6"),
        parse_version("1.13"),
    )


@pytest.mark.parametrize("text", ["12.x.y", "", "latest", "12..4", "v12.4", "12.4-beta", "1 2", None, 12.4, ["12"]])
def test_anything_else_is_one_line_user_error_naming_the_field(text: object) -> None:
    with pytest.raises(UserError) as error:
        parse_version(text, "cuda_toolkit")
    message = str(error.value)
    assert message.startswith("cuda_toolkit: ") and "not a version" in message and "\n" not in message


@pytest.mark.parametrize("text", ["8", "8.9.1", "eight"])
def test_compute_capability_is_exactly_major_minor(text: str) -> None:
    with pytest.raises(UserError):
        parse_compute_capability(text)
    assert parse_compute_capability("12.0").major == 12


@pytest.mark.parametrize(
    ("driver", "os_name", "branch"),
    [
        ("535.104.05", "linux", 535),
        ("580.178.04", "linux", 580),
        # Windows numbers run ahead: 582.78 is the R580 fix, 616.92 the R615 fix, 596.86 the R595 fix
        # (bulletin 5861, https://github.com/NVIDIA/product-security/tree/main/2026/5861).
        ("582.78", "windows", 580),
        ("616.92", "windows", 615),
        ("596.86", "windows", 595),
        ("566.36", "windows", 565),
    ],
)
def test_branch_of_a_driver(driver: str, os_name: str, branch: int) -> None:
    assert branch_of(parse_version(driver), os_name) == branch
