"""The .deb's postinst and postrm, run for real against stand-in tools and a stand-in /opt/aiwm.

The scripts honour DPKG_ROOT (dpkg exports it to maintainer scripts since 1.18.5, changelog #804624): the tests
point it at a temporary folder, and finally let dpkg itself install and remove the package in such a root.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.stand_in import LINUX, packaging_tree, run_recipe, stand_in_bundle

TOOLS = ("update-desktop-database", "gtk-update-icon-cache")


def _stand_in_tools(where: Path) -> tuple[Path, Path]:
    """A folder of logging stand-ins for the cache tools, and the log they write."""
    tools = where / "tools"
    tools.mkdir()
    log = where / "calls.log"
    for tool in TOOLS:
        script = tools / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n')
        script.chmod(0o755)
    return tools, log


def _run(script: Path, argument: str, path: str, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": path} | ({"DPKG_ROOT": str(root)} if root is not None else {})
    command = ["/bin/sh", str(script), argument]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, env=environment)


def test_postinst_refreshes_the_menu_and_icon_caches_when_the_tools_exist(tmp_path: Path) -> None:
    tools, log = _stand_in_tools(tmp_path)
    result = _run(LINUX / "deb" / "postinst", "configure", f"{tools}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert "update-desktop-database -q /usr/share/applications" in calls
    if Path("/usr/share/icons/hicolor/index.theme").exists():
        assert "gtk-update-icon-cache -q -f /usr/share/icons/hicolor" in calls


def test_postinst_succeeds_quietly_without_the_tools(tmp_path: Path) -> None:
    result = _run(LINUX / "deb" / "postinst", "configure", str(tmp_path / "empty-path"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_postinst_writes_nothing_into_opt_aiwm() -> None:
    """What dpkg does not know it cannot remove: postinst may touch only the shared caches."""
    text = (LINUX / "deb" / "postinst").read_text()
    commands = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert not [line for line in commands if "/opt" in line]


def test_postrm_removes_a_left_pycache_and_the_then_empty_opt_aiwm(tmp_path: Path) -> None:
    opt_aiwm = tmp_path / "opt" / "aiwm"
    (opt_aiwm / "_internal" / "app" / "__pycache__").mkdir(parents=True)
    (opt_aiwm / "_internal" / "app" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    # dpkg has removed its own files before postrm runs; the folders it could not remove are still there.
    tools, log = _stand_in_tools(tmp_path)
    result = _run(LINUX / "deb" / "postrm", "remove", f"{tools}:/usr/bin:/bin", root=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not opt_aiwm.exists()
    assert f"update-desktop-database -q {tmp_path}/usr/share/applications" in log.read_text()


def test_postrm_keeps_a_file_it_did_not_expect_and_never_deletes_on_upgrade(tmp_path: Path) -> None:
    opt_aiwm = tmp_path / "opt" / "aiwm"
    (opt_aiwm / "__pycache__").mkdir(parents=True)
    (opt_aiwm / "notes-of-the-admin.txt").write_text("mine\n")
    script = LINUX / "deb" / "postrm"
    assert _run(script, "upgrade", "/usr/bin:/bin", root=tmp_path).returncode == 0
    assert (opt_aiwm / "__pycache__").is_dir()
    assert _run(script, "remove", "/usr/bin:/bin", root=tmp_path).returncode == 0
    assert (opt_aiwm / "notes-of-the-admin.txt").read_text() == "mine\n"
    assert not (opt_aiwm / "__pycache__").exists()


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """dpkg on the private root: scripts run without chroot (with DPKG_ROOT), dependencies not checked."""
    command = ["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends", "--force-not-root", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg is not installed (not a Debian-like system)")
def test_dpkg_installs_the_package_and_dpkg_r_leaves_nothing_under_opt_aiwm(tmp_path: Path) -> None:
    tree = packaging_tree(tmp_path, "1.0.0")
    bundle = stand_in_bundle(tmp_path)
    assert run_recipe(tree / "packaging" / "linux" / "build_deb.sh", bundle, tmp_path / "out").returncode == 0
    root = tmp_path / "root"
    for folder in ("info", "updates", "triggers"):
        (root / "var" / "lib" / "dpkg" / folder).mkdir(parents=True)
    (root / "var" / "lib" / "dpkg" / "status").touch()
    installed = _dpkg(root, "-i", str(tmp_path / "out" / "aiwm_1.0.0_amd64.deb"))
    assert installed.returncode == 0, installed.stderr
    assert (root / "usr" / "bin" / "aiwm").readlink() == Path("/opt/aiwm/aiwm")
    assert (root / "opt" / "aiwm" / "aiwm").stat().st_mode & 0o777 == 0o755
    assert (root / "usr" / "share" / "applications" / "io.github.aiwm.AIWM.desktop").is_file()
    # A run as root of a bundle that writes bytecode next to its modules (what postrm must clean up):
    (root / "opt" / "aiwm" / "_internal" / "resources" / "__pycache__").mkdir()
    (root / "opt" / "aiwm" / "_internal" / "resources" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    removed = _dpkg(root, "-r", "aiwm")
    assert removed.returncode == 0, removed.stderr
    assert not (root / "opt" / "aiwm").exists()
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "var" not in p.parts)
    # Only the shared caches the scripts refresh (present when update-desktop-database is installed here).
    assert set(left) <= {"usr/share/applications/mimeinfo.cache", "usr/share/icons/hicolor/icon-theme.cache"}
