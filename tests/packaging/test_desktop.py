"""The menu entry and the AppStream metainfo, as installed by the packages: validated by freedesktop's own tools.

desktop-file-validate (desktop-file-utils) and appstreamcli (appstream) are installed by .ci/run; elsewhere
a missing tool skips its test with the reason, and on CI (CI set, as .ci/run and GitHub Actions do) it fails.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.packaging.stand_in import LINUX, ROOT, packaging_tree

ID = "io.github.aiwm.AIWM"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install {package}); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """usr/share as the packages lay it out (packaging/linux/common.sh), for version 4.5.6 on 2026-01-02."""
    where = tmp_path_factory.mktemp("share")
    tree = packaging_tree(where, "4.5.6")
    script = f'source "{tree}/packaging/linux/common.sh"; aiwm_install_share "{where}/share"'
    environment = dict(os.environ, SOURCE_DATE_EPOCH="1767312000")  # 2026-01-02 00:00:00 UTC
    subprocess.run(["bash", "-c", script], check=True, env=environment, timeout=60)
    return where / "share"


def _entry(share: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(share / "applications" / f"{ID}.desktop")
    return parser["Desktop Entry"]


def test_desktop_file_validate_accepts_the_menu_entry(share: Path) -> None:
    validate = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(share / "applications" / f"{ID}.desktop")], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_menu_entry_starts_aiwm_with_its_icon_in_system_monitor_without_a_terminal(share: Path) -> None:
    entry = _entry(share)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "aiwm"
    assert entry["Icon"] == "aiwm"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].rstrip(";").split(";") == ["System", "Monitor"]
    assert entry["Name"] == "AI Workstation Manager"


def test_appstreamcli_validates_the_metainfo(share: Path) -> None:
    appstreamcli = _tool("appstreamcli", "appstream")
    result = subprocess.run(
        [appstreamcli, "validate", "--no-net", str(share / "metainfo" / f"{ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^[EW]:", result.stdout, re.MULTILINE), result.stdout


def test_the_metainfo_names_the_entry_the_command_and_the_version_and_date_of_the_build(share: Path) -> None:
    component = ElementTree.parse(share / "metainfo" / f"{ID}.metainfo.xml").getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == ID
    assert component.findtext("launchable") == f"{ID}.desktop"
    assert component.findtext("provides/binary") == "aiwm"
    release = component.find("releases/release")
    assert release is not None
    assert (release.get("version"), release.get("date")) == ("4.5.6", "2026-01-02")


def test_the_same_id_names_the_entry_the_metainfo_and_the_window() -> None:
    launch = (ROOT / "app" / "ui" / "launch.py").read_text()
    assert f'DESKTOP_ID = "{ID}"' in launch
    assert (LINUX / f"{ID}.desktop").is_file()
    assert (LINUX / f"{ID}.metainfo.xml").is_file()


def test_the_icon_is_installed_in_every_hicolor_size_the_entry_can_ask_for(share: Path) -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "aiwm.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "aiwm.svg").is_file()
