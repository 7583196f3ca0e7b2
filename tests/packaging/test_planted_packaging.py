"""Packaging checks written against planted bugs the other packaging tests let through (issue 12's test
audit): the libc6 floor dropped from Depends, the Wayland plugin's libraries missing from it, files packaged
group- or world-writable, a tarball that keeps its builder's owner, the size limit's default, a workflow
that ignores a failed smoke test, and a spec that leaves out data files or a Qt module the window needs."""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.stand_in import LINUX, ROOT, deb_field, deb_listing, packaging_tree, run_recipe, stand_in_bundle

_spec = importlib.util.spec_from_file_location("deb_libs", LINUX / "deb_libs.py")
assert _spec is not None and _spec.loader is not None
deb_libs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deb_libs)

needs_dpkg_deb = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("objdump") is None, reason="needs dpkg-deb and objdump"
)
VERSION = "7.0.2"


@needs_dpkg_deb
def test_depends_holds_the_libc6_floor_of_the_bundles_programs(tmp_path: Path) -> None:
    """A bundle built on a newer glibc must not install where an older one would fail to load it."""
    tree = packaging_tree(tmp_path, VERSION)
    bundle = stand_in_bundle(tmp_path)
    shutil.copy("/usr/bin/true", bundle / "_internal" / "true")  # a real ELF program with glibc symbol versions
    floor = deb_libs.glibc_floor(deb_libs.objdump_headers(Path("/usr/bin/true")))
    assert floor is not None
    result = run_recipe(tree / "packaging" / "linux" / "build_deb.sh", bundle, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    depends = deb_field(tmp_path / "out" / f"aiwm_{VERSION}_amd64.deb", "Depends").split(", ")
    assert depends[0] == f"libc6 (>= {'.'.join(map(str, floor))})"


def _writable_stand_in(where: Path) -> Path:
    """The stand-in bundle with a group- and world-writable file and folder, as a careless umask leaves them."""
    bundle = stand_in_bundle(where)
    loose = bundle / "_internal" / "loose"
    loose.mkdir()
    (loose / "data.bin").write_bytes(b"x")
    (loose / "data.bin").chmod(0o666)
    loose.chmod(0o777)
    return bundle


@needs_dpkg_deb
def test_nothing_in_the_deb_is_writable_by_group_or_others_whatever_the_bundles_modes(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, VERSION)
    result = run_recipe(tree / "packaging" / "linux" / "build_deb.sh", _writable_stand_in(tmp_path), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    listing = deb_listing(tmp_path / "out" / f"aiwm_{VERSION}_amd64.deb")
    assert listing["/opt/aiwm/_internal/loose"][0] == "drwxr-xr-x"
    assert listing["/opt/aiwm/_internal/loose/data.bin"][0] == "-rw-r--r--"


def test_the_tarball_is_owned_by_root_whoever_owns_the_files_and_none_is_writable_by_others(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, VERSION)
    bundle = _writable_stand_in(tmp_path)
    if os.geteuid() == 0:  # as root the files would be root's anyway: give them to a user, as a build by one does
        for path in [bundle, *bundle.rglob("*")]:
            os.lchown(path, 4242, 4242)
    result = run_recipe(tree / "packaging" / "linux" / "build_tarball.sh", bundle, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    with tarfile.open(tmp_path / "out" / f"aiwm-{VERSION}-linux-x86_64.tar.gz") as archive:
        members = archive.getmembers()
    assert [m.name for m in members if (m.uid, m.gid) != (0, 0)] == []
    assert [m.name for m in members if m.mode & 0o022] == []


# Qt's Wayland platform and the plugins and library it loads (a Wayland session starts Qt on it).
QT_WAYLAND_FILES = ("plugins/platforms/libqwayland.so", "lib/libQt6WaylandClient.so.6")


@pytest.mark.skipif(shutil.which("objdump") is None or shutil.which("dpkg") is None, reason="needs objdump and dpkg")
def test_every_system_library_qt_wayland_links_is_in_depends() -> None:
    from PySide6 import __file__ as pyside_init

    qt = Path(pyside_init).parent / "Qt"
    files = [qt / name for name in QT_WAYLAND_FILES if (qt / name).exists()]
    # the client-side plugin folders; PyInstaller's Qt hook leaves the compositor's (-server) out
    files += sorted(p for p in (qt / "plugins").glob("wayland-*/*.so") if not p.parent.name.endswith("-server"))
    if not files:
        pytest.skip("this PySide6 has no Wayland platform plugin")
    carried = {path.name for path in Path(pyside_init).parent.rglob("*.so*")}
    needed: set[str] = set()
    for path in files:
        needed |= deb_libs.needed_libraries(deb_libs.objdump_headers(path))
    system = sorted(n for n in needed - carried if not deb_libs.GLIBC_LIBRARIES.match(n))
    assert "libwayland-client.so.0" in system
    owners = deb_libs.owning_packages({n for n in system if n.startswith("libwayland-")})
    if None in owners.values():
        pytest.skip(f"not installed here, so no package to map them to: {owners}")
    depends = deb_libs.read_depends(LINUX / "deb" / "depends")
    assert {soname: package for soname, package in owners.items() if package not in depends} == {}


def test_the_bundle_size_limit_is_250_mb_unless_told_otherwise(tmp_path: Path) -> None:
    from bundle_size import main

    bundle = tmp_path / "aiwm"
    bundle.mkdir()
    (bundle / "aiwm").write_bytes(b"x" * 10)
    out = tmp_path / "size.json"
    assert main([str(bundle), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["limit_bytes"] == 250_000_000


def _commands(run: str) -> list[str]:
    """A PowerShell step's commands: lines joined where they end in a backtick, blanks and comments left out."""
    joined = re.sub(r"`\n\s*", " ", run)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_every_program_the_workflow_runs_has_its_exit_status_checked() -> None:
    """PowerShell goes on after a native program fails: a failed smoke test or ISCC must stop the job at once,
    by the check on the next line, or by being the step's last command (Actions exits with its status)."""
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "windows.yml").read_text())
    runs = [str(step["run"]) for step in workflow["jobs"]["installer"]["steps"] if "run" in step]
    check = "if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }"
    native = re.compile(r'^(&\s*)?"?[^"\s]*\.exe"?\s|^& "[^"]+\.exe"\s|^python\s')
    seen = 0
    for run in runs:
        commands = _commands(run)
        for index, command in enumerate(commands):
            if native.search(command) and ">>" not in command:
                seen += 1
                assert index == len(commands) - 1 or commands[index + 1] == check, command
    assert seen >= 4  # pip, PyInstaller, both smoke tests, ISCC


def _spec_tree() -> ast.Module:
    return ast.parse((ROOT / "packaging" / "aiwm.spec").read_text())


def _spec_assignment(name: str) -> Any:
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"the spec assigns no {name}")


def _spec_datas() -> list[tuple[str, str]]:
    """The Analysis(datas=...) of the spec, evaluated with ROOT the checkout."""
    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Analysis":
            (datas,) = [kw.value for kw in node.keywords if kw.arg == "datas"]
            value: list[tuple[str, str]] = eval(ast.unparse(datas), {"ROOT": ROOT, "str": str})
            return value
    raise AssertionError("the spec calls no Analysis")


def _bundled_as(path: Path, datas: list[tuple[str, str]]) -> str | None:
    """Where a datas entry puts `path` inside the bundle, or None when none takes it."""
    for source, destination in datas:
        if Path(source).is_dir() and path.is_relative_to(source):
            return str(Path(destination) / path.relative_to(source))
        if fnmatch.fnmatch(str(path), source):
            return str(Path(destination) / path.name)
    return None


def test_the_spec_takes_every_data_file_the_program_reads_to_where_it_reads_it() -> None:
    """resources/ (app.core.paths.resources_dir) and the PTX kernels (importlib.resources) sit in the bundle at
    their checkout paths, which is where sys._MEIPASS makes the program look."""
    datas = _spec_datas()
    files = sorted(p for p in (ROOT / "resources").rglob("*") if p.is_file())
    files += sorted((ROOT / "app").rglob("*.ptx"))
    assert any(p.suffix == ".json" for p in files) and len([p for p in files if p.suffix == ".ptx"]) == 5
    for path in files:
        assert _bundled_as(path, datas) == str(path.relative_to(ROOT)), path


@pytest.mark.slow
def test_the_window_draws_without_any_module_the_spec_leaves_out(tmp_path: Path) -> None:
    """The bundle has none of EXCLUDED_MODULES: the window must draw with each of them failing to import
    (pyqtgraph needs QtOpenGL and QtOpenGLWidgets, for one; an optional import may fail)."""
    excluded = _spec_assignment("EXCLUDED_MODULES")
    assert "PySide6.QtNetwork" in excluded
    shot = tmp_path / "window.png"
    code = (
        "import importlib.abc, sys\n"
        f"EXCLUDED = {excluded!r}\n"
        "class LeftOut(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if any(name == x or name.startswith(x + '.') for x in EXCLUDED):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r} (left out of the bundle)', name=name)\n"
        "sys.meta_path.insert(0, LeftOut())\n"
        "from app.cli import main\n"
        f"sys.exit(main(['--demo', '--screenshot', {str(shot)!r}, '--after', '0']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", AIWM_HOME=str(tmp_path / "home"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _spec_hidden_imports() -> list[str]:
    """The Analysis(hiddenimports=...) of the spec, with PyInstaller's collect_submodules played by pkgutil."""
    import pkgutil

    def collect_submodules(package: str) -> list[str]:
        module = importlib.import_module(package)
        return [package, *(info.name for info in pkgutil.walk_packages(module.__path__, f"{package}."))]

    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Analysis":
            (hidden,) = [kw.value for kw in node.keywords if kw.arg == "hiddenimports"]
            value: list[str] = eval(ast.unparse(hidden), {"collect_submodules": collect_submodules})
            return value
    raise AssertionError("the spec calls no Analysis")


def test_the_spec_takes_every_command_module_the_cli_imports_by_name() -> None:
    """app.cli imports each command's module by its name (COMMANDS), which PyInstaller cannot follow."""
    from app.cli import COMMANDS

    hidden = set(_spec_hidden_imports())
    assert {module for module, _ in COMMANDS.values()} - hidden == set()


@pytest.mark.parametrize(("version", "numbers"), [("2.10.3.4", (2, 10, 3, 4)), ("1.2rc1", (1, 2, 0, 0))])
def test_the_windows_version_resource_follows_the_version_it_is_given(version: str, numbers: tuple[int, ...]) -> None:
    """Checked at versions other than the current one, which a hard-coded resource would also match."""
    from windows.version_info import version_info_text

    text = version_info_text(version, "aiwm.exe", "AI Workstation Manager")
    assert f"filevers={numbers}," in text and f"prodvers={numbers}," in text
    assert f"StringStruct('FileVersion', {version!r})" in text
    assert f"StringStruct('ProductVersion', {version!r})" in text
