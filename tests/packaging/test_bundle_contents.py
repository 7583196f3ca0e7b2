"""What is in the bundle, and that it reads its data files from itself, never from the checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.bundle_runner import ROOT, run_bundle

pytestmark = [pytest.mark.bundle, pytest.mark.slow, pytest.mark.timeout(900)]

LIMIT_BYTES = 250 * 1000 * 1000  # issue 12: at most 250 MB unpacked


def test_size_is_within_250_mb(bundle: Path) -> None:
    total = sum(os.lstat(Path(folder) / name).st_size for folder, _dirs, names in os.walk(bundle) for name in names)
    assert total <= LIMIT_BYTES, f"{total / 1e6:.1f} MB"


def test_the_ptx_kernels_travel_where_importlib_resources_looks(bundle: Path) -> None:
    """In a bundle, importlib.resources.files(package) is the package's folder under sys._MEIPASS
    (PyInstaller's PyiFrozenResourceReader), which is where the GPU stress reads its kernels."""
    sources = sorted((ROOT / "app" / "stress" / "gpu" / "kernels").glob("*.ptx"))
    assert len(sources) == 5
    for source in sources:
        copy = bundle / "_internal" / "app" / "stress" / "gpu" / "kernels" / source.name
        assert copy.read_bytes() == source.read_bytes(), source.name


def test_no_test_tool_or_checkout_tool_is_in_the_bundle(bundle: Path) -> None:
    program = (bundle / "aiwm").read_bytes()  # the Python modules' names are in its archive's table
    names = rb"(?<![\w.])((?:app|pytest|_pytest|mypy|mutmut|tkinter)(?:\.\w+)*)(?![\w.])"
    modules = set(re.findall(names, program))
    assert b"app.cli.commands" in modules  # the check sees a module that is there
    assert b"app.stress.host.workers" in modules
    assert not {m for m in modules if m != b"app" and not m.startswith(b"app.")}
    assert b"app.devcheck" not in modules
    internal = {path.name for path in (bundle / "_internal").iterdir()}
    assert not {name for name in internal if re.match(r"(pytest|_pytest|mypy|mutmut|tkinter|tcl|tk)\b", name)}


STRACE_CALLS = "trace=open,openat,openat2,stat,lstat,newfstatat,statx,access,execve,readlink"


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (apt-get install strace)")
@pytest.mark.parametrize(
    ("command", "resources"),
    [
        (("snapshot", "--demo", "--json"), ["gpu_catalog.json"]),
        (("doctor", "--demo"), ["compat/cuda_drivers.json"]),
        (("plan", "--model", "gpt2", "--workload", "inference"), ["planner/models.json", "planner/hardware.json"]),
    ],
)
def test_data_files_come_from_the_bundle_and_nothing_from_the_checkout(
    bundle: Path, tmp_path: Path, command: tuple[str, ...], resources: list[str]
) -> None:
    log = tmp_path / "strace.log"
    prefix = ("strace", "-f", "-qq", "-e", STRACE_CALLS, "-o", str(log))
    done = run_bundle(bundle, tmp_path / "home", *command, prefix=prefix, timeout_s=120)
    assert done.returncode in (0, 1), done.stderr
    paths = set(re.findall(r'"(/[^"]*)"', log.read_text()))
    assert not {p for p in paths if p == str(ROOT) or p.startswith(f"{ROOT}/")}
    for resource in resources:
        assert str(bundle / "_internal" / "resources" / resource) in paths, resource


def test_strace_sees_a_file_that_is_opened(tmp_path: Path) -> None:
    """The check above can fail: strace's log names a file a program opens."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt-get install strace)")
    target = tmp_path / "read-me.txt"
    target.write_text("x")
    log = tmp_path / "strace.log"
    command = ["strace", "-f", "-qq", "-e", STRACE_CALLS, "-o", str(log), "cat", str(target)]
    subprocess.run(command, check=True, capture_output=True)
    assert f'"{target}"' in log.read_text()
