"""The .deb (packaging/linux/build_deb.sh), built from a stand-in bundle and read back with dpkg-deb.

Installing it is done by `make package-test` in CI (it needs root and the real bundle), not here.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.packaging.stand_in import (
    LINUX,
    ROOT,
    deb_field,
    deb_listing,
    packaging_tree,
    run_recipe,
    stand_in_bundle,
)

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed (Debian's dpkg)")

VERSION = "2.7.1"
# The libraries Qt's xcb plugin needs, as issue 12 names them (and Qt's "Qt for X11 Requirements" page lists
# libxcb-cursor0 since Qt 6.5); libxcb-xinerama0 is left out on purpose: Qt 6 no longer links it.
XCB_NEEDS = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the .deb, the stand-in bundle) for version 2.7.1 written into a stand-in app/__init__.py."""
    where = tmp_path_factory.mktemp("deb")
    tree = packaging_tree(where, VERSION)
    bundle = stand_in_bundle(where)
    result = run_recipe(tree / "packaging" / "linux" / "build_deb.sh", bundle, where / "out")
    assert result.returncode == 0, result.stderr
    return where / "out" / f"aiwm_{VERSION}_amd64.deb", bundle


def _depends(deb: Path) -> list[str]:
    return [entry.strip() for entry in deb_field(deb, "Depends").split(",")]


def test_the_package_is_aiwm_for_amd64_at_the_version_in_app_init(built: tuple[Path, Path]) -> None:
    deb, _ = built
    assert deb.is_file()
    assert deb_field(deb, "Package") == "aiwm"
    assert deb_field(deb, "Version") == VERSION
    assert deb_field(deb, "Architecture") == "amd64"
    assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", deb_field(deb, "Maintainer"))
    assert deb_field(deb, "Description").startswith("AI Workstation Manager")


def test_a_python_pre_release_becomes_a_debian_version_that_sorts_before_the_release(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, "3.0.0rc2")
    result = run_recipe(tree / "packaging" / "linux" / "build_deb.sh", stand_in_bundle(tmp_path), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    deb = tmp_path / "out" / "aiwm_3.0.0~rc2_amd64.deb"
    assert deb_field(deb, "Version") == "3.0.0~rc2"
    # dpkg itself says how it orders them: the release candidate first.
    assert subprocess.run(["dpkg", "--compare-versions", "3.0.0~rc2", "lt", "3.0.0"]).returncode == 0


def test_depends_names_every_library_qt_xcb_needs_and_recommends_smartmontools(built: tuple[Path, Path]) -> None:
    deb, _ = built
    depends = _depends(deb)
    names = {entry.split()[0] for entry in depends}
    assert set(XCB_NEEDS) <= names
    assert "libxcb-xinerama0" not in names
    assert "libc6" in names
    assert deb_field(deb, "Recommends") == "smartmontools"


def test_the_bundle_sits_in_opt_with_a_root_owned_command_on_the_path(built: tuple[Path, Path]) -> None:
    deb, bundle = built
    listing = deb_listing(deb)
    assert listing["/usr/bin/aiwm"] == ("lrwxrwxrwx", "root/root", "/opt/aiwm/aiwm")
    assert listing["/opt/aiwm/aiwm"][:2] == ("-rwxr-xr-x", "root/root")
    assert listing["/opt/aiwm/_internal/resources/gpu_catalog.json"][:2] == ("-rw-r--r--", "root/root")
    carried = {f"/opt/aiwm/{p.relative_to(bundle)}" for p in bundle.rglob("*") if "__pycache__" not in p.parts}
    in_package = {name for name in listing if name.startswith("/opt/aiwm/")}
    assert in_package == carried


def test_no_compiled_python_cache_is_packaged_so_dpkg_r_can_empty_opt_aiwm(built: tuple[Path, Path]) -> None:
    deb, bundle = built
    assert (bundle / "_internal" / "__pycache__").is_dir()  # the stand-in has one, as a test run may leave
    assert not [name for name in deb_listing(deb) if "__pycache__" in name or name.endswith(".pyc")]


def test_every_entry_is_owned_by_root_and_none_is_writable_by_others(built: tuple[Path, Path]) -> None:
    deb, _ = built
    for name, (mode, owner, _) in deb_listing(deb).items():
        assert owner == "root/root", name
        if not mode.startswith("l"):
            assert mode[5] == "-" and mode[8] == "-", f"{name} is {mode}"
            if mode.startswith("d"):
                assert mode == "drwxr-xr-x", name


def test_the_menu_entry_metainfo_and_hicolor_icons_are_installed(built: tuple[Path, Path]) -> None:
    deb, _ = built
    listing = deb_listing(deb)
    expected = [
        "/usr/share/applications/io.github.aiwm.AIWM.desktop",
        "/usr/share/metainfo/io.github.aiwm.AIWM.metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/aiwm.svg",
    ] + [f"/usr/share/icons/hicolor/{n}x{n}/apps/aiwm.png" for n in (16, 24, 32, 48, 64, 128, 256, 512)]
    for name in expected:
        assert listing[name][:2] == ("-rw-r--r--", "root/root"), name


def test_the_package_holds_nothing_outside_opt_aiwm_usr_bin_and_usr_share(built: tuple[Path, Path]) -> None:
    deb, _ = built
    allowed = (
        "/opt/aiwm/",
        "/usr/share/applications/",
        "/usr/share/metainfo/",
        "/usr/share/icons/hicolor/",
        "/usr/share/doc/aiwm/",
    )
    for name, (mode, _, _) in deb_listing(deb).items():
        if not mode.startswith("d"):
            assert name == "/usr/bin/aiwm" or name.startswith(allowed), name


def test_installed_size_grows_by_a_files_size_in_kib_rounded_up(tmp_path: Path, built: tuple[Path, Path]) -> None:
    """Debian Policy 5.6.20: Installed-Size is in KiB; 5000 bytes are 4.88 KiB, counted as 5."""
    deb, _ = built
    tree = packaging_tree(tmp_path, VERSION)
    bundle = stand_in_bundle(tmp_path)
    (bundle / "_internal" / "five-thousand-bytes").write_bytes(b"x" * 5000)
    result = run_recipe(tree / "packaging" / "linux" / "build_deb.sh", bundle, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    bigger = tmp_path / "out" / f"aiwm_{VERSION}_amd64.deb"
    assert int(deb_field(bigger, "Installed-Size")) - int(deb_field(deb, "Installed-Size")) == 5
    assert 50 <= int(deb_field(deb, "Installed-Size")) <= 200  # the stand-in: ~40 KiB of icons plus folders


def test_a_missing_bundle_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_recipe(LINUX / "build_deb.sh", tmp_path / "no-bundle", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "make bundle" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_maintainer_scripts_are_executable_sh_scripts_in_the_package(built: tuple[Path, Path]) -> None:
    deb, _ = built
    info = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=True).stdout
    for script in ("postinst", "postrm"):
        assert re.search(rf"\*\s+{script}\s+#!/bin/sh", info), info
        assert subprocess.run(["sh", "-n", str(LINUX / "deb" / script)]).returncode == 0


def test_the_depends_list_in_the_repository_builds_into_the_package_unchanged(built: tuple[Path, Path]) -> None:
    deb, _ = built
    lines = (line.split("#", 1)[0].strip() for line in (LINUX / "deb" / "depends").read_text().splitlines())
    listed = [line for line in lines if line]
    assert [entry.split()[0] for entry in _depends(deb)] == ["libc6", *listed]


def test_the_makefile_builds_the_deb_from_the_bundle_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^deb: bundle\n\tbash packaging/linux/build_deb.sh$", makefile, re.MULTILINE)
    assert re.search(r"^tarball: bundle\n\tbash packaging/linux/build_tarball.sh$", makefile, re.MULTILINE)


def _members(deb: Path) -> list[str]:
    """The ar members of a .deb (debian-binary, control.tar.*, data.tar.*), read by hand: a .deb is an ar
    archive ("!<arch>\\n", then 60-byte headers whose first 16 bytes are the name; bodies padded to even)."""
    data = deb.read_bytes()
    assert data[:8] == b"!<arch>\n"
    names, offset = [], 8
    while offset < len(data):
        header = data[offset : offset + 60]
        names.append(header[:16].decode().strip().rstrip("/"))
        size = int(header[48:58].decode().strip())
        offset += 60 + size + (size % 2)
    return names


def test_the_deb_is_xz_compressed_unless_asked_otherwise(built: tuple[Path, Path], tmp_path: Path) -> None:
    deb, _ = built
    assert _members(deb)[0] == "debian-binary"
    assert _members(deb)[2] == "data.tar.xz"
    tree = packaging_tree(tmp_path, VERSION)
    script = tree / "packaging" / "linux" / "build_deb.sh"
    result = subprocess.run(
        ["bash", str(script), str(stand_in_bundle(tmp_path)), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**os.environ, "AIWM_DEB_COMPRESSION": "gzip"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert _members(tmp_path / "out" / f"aiwm_{VERSION}_amd64.deb")[2] == "data.tar.gz"


def test_an_unknown_compression_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(LINUX / "build_deb.sh"), str(stand_in_bundle(tmp_path)), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**os.environ, "AIWM_DEB_COMPRESSION": "rar"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "xz, gzip or zstd" in result.stderr


# --- copyright, changelog and maintainer (Debian Policy 12.5, 12.7; lintian's no-copyright-file, no-changelog,
# bogus-mail-host) ---


def _with_env(tmp_path: Path, version: str, **environment: str) -> Path:
    """Build the stand-in .deb with extra environment variables; the package's path."""
    tree = packaging_tree(tmp_path, version)
    result = subprocess.run(
        [
            "bash",
            str(tree / "packaging" / "linux" / "build_deb.sh"),
            str(stand_in_bundle(tmp_path)),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (deb,) = (tmp_path / "out").glob("*.deb")
    return deb


def deb_file(deb: Path, name: str) -> bytes:
    """One file's bytes from the package's data (`dpkg-deb --fsys-tarfile` read with tar)."""
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    return subprocess.run(["tar", "-xO", f".{name}"], input=tar, capture_output=True, check=True).stdout


def _paragraphs(copyright_text: str) -> list[dict[str, str]]:
    """A DEP-5 file read as its paragraphs (blank-line separated), field -> first-line value + continuation."""
    paragraphs = []
    for block in copyright_text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        last = ""
        for line in block.splitlines():
            if line.startswith(" "):
                fields[last] += "\n" + line.strip()
            else:
                last, _, value = line.partition(":")
                fields[last] = value.strip()
        paragraphs.append(fields)
    return paragraphs


def test_the_maintainer_is_the_projects_github_noreply_address_unless_debfullname_and_debemail_say(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    deb, _ = built
    assert deb_field(deb, "Maintainer") == "AIWM maintainers <aiwm@users.noreply.github.com>"
    other = _with_env(tmp_path, VERSION, DEBFULLNAME="Ada & Co | Lab", DEBEMAIL="ada@example.org")
    assert deb_field(other, "Maintainer") == "Ada & Co | Lab <ada@example.org>"
    copyright_text = deb_file(other, "/usr/share/doc/aiwm/copyright").decode()
    assert _paragraphs(copyright_text)[0]["Upstream-Contact"] == "Ada & Co | Lab <ada@example.org>"


def test_the_copyright_file_is_dep5_with_our_licence_and_points_at_the_bundled_licence_texts(
    built: tuple[Path, Path],
) -> None:
    deb, _ = built
    assert deb_listing(deb)["/usr/share/doc/aiwm/copyright"][:2] == ("-rw-r--r--", "root/root")
    header, *paragraphs = _paragraphs(deb_file(deb, "/usr/share/doc/aiwm/copyright").decode())
    assert header["Format"] == "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    assert "/opt/aiwm/licenses/" in header["Comment"]
    files = [p for p in paragraphs if "Files" in p]
    licenses = {p["License"].split("\n")[0]: p["License"] for p in paragraphs if "Files" not in p}
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert files[0]["Files"] == "*" and files[0]["License"] == ours
    assert re.fullmatch(r"\d{4} The AI Workstation Manager developers", files[0]["Copyright"])
    third_party = next(p for p in files if "opt/aiwm/_internal/*" in p["Files"].split())
    assert "/opt/aiwm/licenses/" in third_party["Copyright"]
    # every short licence name a Files paragraph uses has its stand-alone License paragraph with text
    for paragraph in files:
        assert "\n" in licenses[paragraph["License"]], paragraph["License"]


def test_the_changelog_is_a_gzipped_debian_entry_with_the_version_and_the_build_date(tmp_path: Path) -> None:
    # 1 700 000 000 s after the epoch is Tue, 14 Nov 2023 22:13:20 UTC (date -u -R -d @1700000000).
    deb = _with_env(tmp_path, "3.0.0rc2", SOURCE_DATE_EPOCH="1700000000")
    listing = deb_listing(deb)
    assert listing["/usr/share/doc/aiwm/changelog.gz"][:2] == ("-rw-r--r--", "root/root")
    text = gzip.decompress(deb_file(deb, "/usr/share/doc/aiwm/changelog.gz")).decode()
    lines = text.splitlines()
    assert lines[0] == "aiwm (3.0.0~rc2) unstable; urgency=medium"
    assert lines[-1] == " -- AIWM maintainers <aiwm@users.noreply.github.com>  Tue, 14 Nov 2023 22:13:20 +0000"
    copyright_text = deb_file(deb, "/usr/share/doc/aiwm/copyright").decode()
    assert "Copyright: 2023 The AI Workstation Manager developers" in copyright_text


def test_lintian_finds_a_copyright_file_a_changelog_and_a_real_maintainer_address(built: tuple[Path, Path]) -> None:
    deb, _ = built
    lintian = shutil.which("lintian")
    if lintian is None:  # as tests/packaging/test_desktop.py: a skip here, a failure on CI (.ci/run installs it)
        reason = "lintian is not installed (apt-get install lintian); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run(
        [lintian, "--no-cfg", str(deb)], capture_output=True, text=True, timeout=300, env={**os.environ}
    )
    tags = {line.split()[2] for line in result.stdout.splitlines() if re.match(r"[EWIPX]: aiwm", line)}
    assert "dir-or-file-in-opt" in tags, result.stdout  # lintian ran and read the package (we install in /opt)
    assert not tags & {"no-copyright-file", "no-changelog", "bogus-mail-host"}, result.stdout
    assert not {tag for tag in tags if "copyright" in tag or "changelog" in tag}, result.stdout
