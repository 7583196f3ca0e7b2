"""cuDNN versions from headers (both encodings), library names, and the integer frameworks report."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.doctor.facts.cudnn import (
    cudnn_major_of_package,
    decode_cudnn_int,
    find_headers,
    find_libraries,
    library_version,
    parse_cudnn_header,
)

from .conftest import write

# The macro layout of cuDNN 8.9.7's include/cudnn_version.h (licence comment left out): note the
# 8.x encoding MAJOR*1000 in CUDNN_VERSION.
CUDNN_8_9_7 = """/**
 * \\file: The master cuDNN version file.
 */

#ifndef CUDNN_VERSION_H_
#define CUDNN_VERSION_H_

#define CUDNN_MAJOR 8
#define CUDNN_MINOR 9
#define CUDNN_PATCHLEVEL 7

#define CUDNN_VERSION (CUDNN_MAJOR * 1000 + CUDNN_MINOR * 100 + CUDNN_PATCHLEVEL)

/* cannot use constexpr here since this is a C-only file */
/* Below is the max SM version this cuDNN library is aware of and supports natively */

#define CUDNN_MAX_SM_MAJOR_NUMBER 9
#define CUDNN_MAX_SM_MINOR_NUMBER 0
#define CUDNN_MAX_DEVICE_VERSION (CUDNN_MAX_SM_MAJOR_NUMBER * 100 + CUDNN_MAX_SM_MINOR_NUMBER * 10)

#endif /* CUDNN_VERSION_H */
"""
# cuDNN 9.1's layout: the 9.x encoding MAJOR*10000.
CUDNN_9_1_0 = """#ifndef CUDNN_VERSION_H_
#define CUDNN_VERSION_H_

#define CUDNN_MAJOR 9
#define CUDNN_MINOR 1
#define CUDNN_PATCHLEVEL 0

#define CUDNN_VERSION (CUDNN_MAJOR * 10000 + CUDNN_MINOR * 100 + CUDNN_PATCHLEVEL)

/* cannot use constexpr here since this is a C-only file */
#define CUDNN_MAX_SM_MAJOR_NUMBER 9
#define CUDNN_MAX_SM_MINOR_NUMBER 0
#define CUDNN_MAX_DEVICE_VERSION (CUDNN_MAX_SM_MAJOR_NUMBER * 100) + (CUDNN_MAX_SM_MINOR_NUMBER * 10)

#endif /* CUDNN_VERSION_H */
"""


@pytest.mark.parametrize(("header", "version"), [(CUDNN_8_9_7, "8.9.7"), (CUDNN_9_1_0, "9.1.0")])
def test_header_macros_give_the_version_of_either_generation(header: str, version: str) -> None:
    assert parse_cudnn_header(header) == version


def test_a_header_without_the_three_macros_gives_no_version() -> None:
    assert parse_cudnn_header("#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n") is None


# Integers as cudnnGetVersion() / torch.backends.cudnn.version() return them, each computed by hand
# from the release's CUDNN_VERSION macro: 8.x MAJOR*1000+MINOR*100+PATCH, 9.x MAJOR*10000+MINOR*100+PATCH.
@pytest.mark.parametrize(
    ("value", "version"),
    [
        (8907, "8.9.7"),
        (8600, "8.6.0"),
        (8100, "8.1.0"),
        (7605, "7.6.5"),
        (90100, "9.1.0"),
        (90501, "9.5.1"),
        (91002, "9.10.2"),
        (0, None),
    ],
)
def test_the_version_integer_is_decoded_in_both_encodings(value: int, version: str | None) -> None:
    assert decode_cudnn_int(value) == version


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("libcudnn.so.9.1.0", "9.1.0"),
        ("libcudnn.so.8", "8"),
        ("cudnn64_9.dll", "9"),
        ("libcudnn_ops.so.9", None),
        ("libcudnn.so", None),
    ],
)
def test_library_file_names_give_their_version(name: str, version: str | None) -> None:
    assert library_version(name) == version


def test_headers_and_libraries_are_found_once_each(tmp_path: Path) -> None:
    write(tmp_path / "cuda/include/cudnn_version.h", CUDNN_9_1_0)
    write(tmp_path / "usr/include/x86_64-linux-gnu/cudnn_version_v8.h", CUDNN_8_9_7)
    (tmp_path / "usr/include/cudnn_version.h").symlink_to(tmp_path / "cuda/include/cudnn_version.h")
    headers = find_headers(
        [tmp_path / "cuda/include", tmp_path / "usr/include", tmp_path / "usr/include/x86_64-linux-gnu"]
    )
    assert [(h.version, h.found_by) for h in headers] == [("9.1.0", "cudnn_version.h"), ("8.9.7", "cudnn_version_v8.h")]
    for name in ("libcudnn.so.9", "libcudnn.so.9.1.0", "libcudnn_ops.so.9"):
        write(tmp_path / "cuda/lib64" / name, "")
    libraries = find_libraries([tmp_path / "cuda/lib64", tmp_path / "empty"])
    assert [(lib.version, lib.found_by) for lib in libraries] == [("9.1.0", "libcudnn.so.9.1.0")]


def test_pip_package_names_give_their_cuda_major() -> None:
    assert cudnn_major_of_package("nvidia-cudnn-cu12") == 12
    assert cudnn_major_of_package("nvidia-cudnn-cu13") == 13
    assert cudnn_major_of_package("nvidia-cudnn") is None
