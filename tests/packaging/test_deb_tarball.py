"""The portable .tar.gz (packaging/linux/build_tarball.sh) and its install-user.sh, from a stand-in bundle."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.packaging.stand_in import LINUX, packaging_tree, run_recipe, stand_in_bundle

VERSION = "5.0.1"
ID = "io.github.aiwm.AIWM"


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("tarball")
    tree = packaging_tree(where, VERSION)
    result = run_recipe(tree / "packaging" / "linux" / "build_tarball.sh", stand_in_bundle(where), where / "out")
    assert result.returncode == 0, result.stderr
    return where / "out" / f"aiwm-{VERSION}-linux-x86_64.tar.gz"


def _unpack(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as archive:
        archive.extractall(into, filter="tar")
    return into / f"aiwm-{VERSION}"


def test_the_tarball_is_named_for_the_version_and_unpacks_into_one_folder(tarball: Path) -> None:
    assert tarball.is_file()
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        members = archive.getmembers()
    assert {name.split("/")[0] for name in names} == {f"aiwm-{VERSION}"}
    assert all((member.uid, member.gid) == (0, 0) for member in members)
    assert not [name for name in names if "__pycache__" in name]


def test_the_folder_holds_the_bundle_the_menu_files_the_installer_and_a_readme(tarball: Path, tmp_path: Path) -> None:
    top = _unpack(tarball, tmp_path)
    assert (top / "aiwm" / "aiwm").stat().st_mode & 0o777 == 0o755
    assert (top / "aiwm" / "_internal" / "resources" / "gpu_catalog.json").is_file()
    assert (top / "install-user.sh").stat().st_mode & 0o777 == 0o755
    assert (top / "share" / "applications" / f"{ID}.desktop").is_file()
    assert (top / "share" / "icons" / "hicolor" / "256x256" / "apps" / "aiwm.png").is_file()
    readme = (top / "README.txt").read_text()
    assert VERSION in readme and "./install-user.sh" in readme and "--remove" in readme


def _install_user(top: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "HOME": str(home)}
    return subprocess.run(
        ["sh", str(top / "install-user.sh"), *args], capture_output=True, text=True, env=environment, timeout=60
    )


def test_install_user_adds_a_menu_entry_that_runs_this_folders_aiwm(tarball: Path, tmp_path: Path) -> None:
    """Unpacked into a folder whose name has a space and an ampersand, as a user's Downloads may."""
    top = _unpack(tarball, tmp_path / "My Apps & Tools")
    home = tmp_path / "home"
    result = _install_user(top, home)
    assert result.returncode == 0, result.stderr
    entry_file = home / ".local" / "share" / "applications" / f"{ID}.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry_file)
    command = shlex.split(parser["Desktop Entry"]["Exec"])
    assert command == [str(top / "aiwm" / "aiwm")]
    ran = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=30)
    assert ran.stdout == "stand-in aiwm --version\n"
    assert (home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / "aiwm.png").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry_file)], capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout


def test_install_user_remove_takes_the_entry_and_icons_away_and_keeps_the_folder(tarball: Path, tmp_path: Path) -> None:
    top = _unpack(tarball, tmp_path)
    home = tmp_path / "home"
    assert _install_user(top, home).returncode == 0
    (home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / "other.png").write_bytes(b"not ours")
    result = _install_user(top, home, "--remove")
    assert result.returncode == 0, result.stderr
    share = home / ".local" / "share"
    assert not (share / "applications" / f"{ID}.desktop").exists()
    assert not [p for p in share.rglob("aiwm.*")]
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / "other.png").read_bytes() == b"not ours"
    assert (top / "aiwm" / "aiwm").is_file()


def test_install_user_outside_the_unpacked_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    shutil.copy(LINUX / "install-user.sh", tmp_path / "install-user.sh")
    result = _install_user(tmp_path, tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "missing" in result.stderr
    assert not (tmp_path / "home").exists()


def test_a_missing_bundle_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_recipe(LINUX / "build_tarball.sh", tmp_path / "nothing", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "make bundle" in result.stderr
