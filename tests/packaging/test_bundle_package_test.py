"""packaging/package_test.sh: the bundle's smoke test is required, not skipped.

Run in a stand-in checkout (no .deb recipe, so it goes from the bundle's tests straight to the smoke test)
whose .venv Pythons skip pytest and the size table and whose dist/aiwm/aiwm is a shell script.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.packaging.bundle_runner import PACKAGING

# Stands in for .venv/bin/python and .venv-build/bin/python: pytest and bundle_size pass, the rest is Python.
STAND_IN_PYTHON = f"""#!/bin/sh
case "$*" in
    "-m pytest"*|packaging/bundle_size.py*) exit 0 ;;
esac
exec {sys.executable} "$@"
"""
# An aiwm from before the smoke test: argparse's answer to a flag it does not know.
AIWM_WITHOUT_SMOKE_TEST = """#!/bin/sh
echo "usage: aiwm [-h] [--version] {gui,snapshot,doctor} ..." >&2
echo "aiwm: error: unrecognized arguments: $*" >&2
exit 2
"""
# An aiwm whose smoke test passes and writes its timings.
AIWM_WITH_SMOKE_TEST = """#!/bin/sh
[ "$1" = --smoke-test ] && [ "$2" = --timings ] || exit 2
echo '{"first_paint_s": 0.87}' > "$3"
"""


def _run_package_test(tmp_path: Path, aiwm: str) -> subprocess.CompletedProcess[str]:
    tree = tmp_path / "checkout"
    (tree / "packaging").mkdir(parents=True)
    shutil.copy(PACKAGING / "package_test.sh", tree / "packaging" / "package_test.sh")
    (tree / "app").mkdir()
    (tree / "app" / "__init__.py").write_text('__version__ = "5.0.1"\n')
    for venv in (".venv", ".venv-build"):
        (tree / venv / "bin").mkdir(parents=True)
        (tree / venv / "bin" / "python").write_text(STAND_IN_PYTHON)
        (tree / venv / "bin" / "python").chmod(0o755)
    (tree / "dist" / "aiwm").mkdir(parents=True)
    (tree / "dist" / "aiwm" / "aiwm").write_text(aiwm)
    (tree / "dist" / "aiwm" / "aiwm").chmod(0o755)
    return subprocess.run(
        ["bash", str(tree / "packaging" / "package_test.sh")], capture_output=True, text=True, timeout=60, check=False
    )


def test_an_aiwm_without_the_smoke_test_fails_package_test(tmp_path: Path) -> None:
    done = _run_package_test(tmp_path, AIWM_WITHOUT_SMOKE_TEST)
    assert done.returncode != 0
    assert "package-test: FAIL:" in done.stdout and "--smoke-test failed" in done.stdout
    assert "SKIPPED" not in done.stdout.replace("SKIPPED the .deb", "")


def test_a_passing_smoke_test_prints_the_time_to_the_first_paint(tmp_path: Path) -> None:
    done = _run_package_test(tmp_path, AIWM_WITH_SMOKE_TEST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "--smoke-test passed; first paint 0.87 s after process start" in done.stdout
