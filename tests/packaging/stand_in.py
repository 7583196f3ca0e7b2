"""A stand-in bundle and a copy of the packaging recipes, so the Linux packages can be built and read in tests
without PyInstaller: the recipes take the bundle folder as an argument and the version from app/__init__.py."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def packaging_tree(where: Path, version: str) -> Path:
    """A folder shaped like the checkout, holding only the packaging recipes, the icons and an
    app/__init__.py that says `version`: what the recipes build must come from there."""
    tree = where / "checkout"
    shutil.copytree(ROOT / "packaging" / "linux", tree / "packaging" / "linux")
    shutil.copytree(ROOT / "packaging" / "icons", tree / "packaging" / "icons")
    (tree / "app").mkdir()
    (tree / "app" / "__init__.py").write_text(f'"""A stand-in."""\n\n__version__ = "{version}"\n')
    return tree


def stand_in_bundle(where: Path) -> Path:
    """dist/aiwm as PyInstaller lays it out, in miniature: the executable (a shell script), a data file in
    _internal/, and a __pycache__ folder (as a test run of the bundle may leave) that no package may carry."""
    bundle = where / "dist" / "aiwm"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    executable = bundle / "aiwm"
    executable.write_text('#!/bin/sh\necho "stand-in aiwm $*"\n')
    executable.chmod(0o755)
    (bundle / "_internal" / "resources" / "gpu_catalog.json").write_text('{"schema": "stand-in"}\n')
    (bundle / "_internal" / "__pycache__").mkdir()
    (bundle / "_internal" / "__pycache__" / "left.cpython-311.pyc").write_bytes(b"\0" * 16)
    return bundle


def run_recipe(script: Path, *args: Path | str, path_prefix: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run one recipe; `path_prefix` puts a folder of stand-in tools first on PATH."""
    environment = dict(os.environ)
    if path_prefix is not None:
        environment["PATH"] = f"{path_prefix}:{environment['PATH']}"
    return subprocess.run(
        ["bash", str(script), *map(str, args)], capture_output=True, text=True, timeout=120, env=environment
    )


def deb_listing(deb: Path) -> dict[str, tuple[str, str, str]]:
    """dpkg-deb -c, as path -> (mode string, owner/group, link target or "")."""
    text = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    listing = {}
    for line in text.splitlines():
        mode, owner, _size, _date, _time, name, *rest = line.split(maxsplit=6)
        target = rest[0].removeprefix("-> ") if rest else ""
        listing[name.removeprefix(".").rstrip("/") or "/"] = (mode, owner, target)
    return listing


def deb_field(deb: Path, field: str) -> str:
    result = subprocess.run(["dpkg-deb", "-f", str(deb), field], capture_output=True, text=True, check=True)
    return result.stdout.strip()
