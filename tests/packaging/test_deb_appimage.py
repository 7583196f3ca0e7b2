"""The AppImage recipe (packaging/linux/appimage/): the AppDir it hands to appimagetool, and the one line when
appimagetool is missing. appimagetool itself cannot be downloaded here: a stand-in records what it is given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.packaging.stand_in import LINUX, packaging_tree, run_recipe, stand_in_bundle

VERSION = "6.1.0"
ID = "io.github.aiwm.AIWM"
RECIPE = Path("packaging") / "linux" / "appimage" / "build_appimage.sh"


def _stand_in_appimagetool(where: Path) -> tuple[Path, Path]:
    """A folder with an `appimagetool` that keeps a copy of the AppDir and its ARCH, and writes the image."""
    tools = where / "tools"
    tools.mkdir()
    kept = where / "kept"
    tool = tools / "appimagetool"
    tool.write_text(
        f'#!/bin/sh\ncp -a "$1" "{kept}"\necho "$ARCH" > "{kept}.arch"\nprintf "stand-in AppImage" > "$2"\n'
    )
    tool.chmod(0o755)
    return tools, kept


def test_the_appdir_has_apprun_the_entry_and_icon_at_its_top_and_the_bundle_in_usr(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, VERSION)
    tools, appdir = _stand_in_appimagetool(tmp_path)
    result = run_recipe(tree / RECIPE, stand_in_bundle(tmp_path), tmp_path / "out", path_prefix=tools)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / f"aiwm-{VERSION}-x86_64.AppImage").read_text() == "stand-in AppImage"
    assert Path(f"{appdir}.arch").read_text() == "x86_64\n"
    assert (appdir / "AppRun").stat().st_mode & 0o777 == 0o755
    assert (appdir / f"{ID}.desktop").read_text() == (LINUX / f"{ID}.desktop").read_text()
    assert (appdir / "aiwm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.readlink(appdir / ".DirIcon") == "aiwm.png"
    assert os.readlink(appdir / "usr" / "bin" / "aiwm") == "../lib/aiwm/aiwm"
    assert (appdir / "usr" / "lib" / "aiwm" / "_internal" / "resources" / "gpu_catalog.json").is_file()
    assert (appdir / "usr" / "share" / "metainfo" / f"{ID}.metainfo.xml").is_file()
    assert [p.name for p in appdir.glob("*.desktop")] == [f"{ID}.desktop"]  # the AppDir format allows one
    assert not list(appdir.rglob("__pycache__"))


def test_apprun_passes_its_arguments_to_the_bundle_from_wherever_the_appdir_is(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, VERSION)
    tools, appdir = _stand_in_appimagetool(tmp_path)
    assert run_recipe(tree / RECIPE, stand_in_bundle(tmp_path), tmp_path / "out", path_prefix=tools).returncode == 0
    moved = appdir.rename(tmp_path / "moved elsewhere")
    environment = {key: value for key, value in os.environ.items() if key != "APPDIR"}
    ran = subprocess.run(
        [str(moved / "AppRun"), "snapshot", "--demo"], capture_output=True, text=True, env=environment, timeout=30
    )
    assert ran.stdout == "stand-in aiwm snapshot --demo\n"


def test_without_appimagetool_it_says_where_to_get_it_in_one_line_and_exits_2(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, VERSION)
    environment = dict(os.environ, PATH="/usr/bin:/bin")
    for args in (["--check-tool"], [str(stand_in_bundle(tmp_path)), str(tmp_path / "out")]):
        result = subprocess.run(
            ["bash", str(tree / RECIPE), *args], capture_output=True, text=True, env=environment, timeout=60
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert "https://github.com/AppImage/appimagetool/releases" in result.stderr
    assert not (tmp_path / "out").exists()


def test_make_appimage_checks_for_the_tool_before_building_the_bundle() -> None:
    makefile = (LINUX.parents[1] / "Makefile").read_text()
    recipe = makefile.split("\nappimage:", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.strip() for line in recipe[1:]] == [
        "bash packaging/linux/appimage/build_appimage.sh --check-tool",
        "$(MAKE) bundle",
        "bash packaging/linux/appimage/build_appimage.sh",
    ]
