"""`aiwm --smoke-test` from source passes with no locale at all (`env -i`): the child switches the
character locale to UTF-8 before Qt starts, so Qt's locale warning never reaches the parent.

PYTHONCOERCECLOCALE=0 makes `python` start as the bundle's embedded Python does, without PEP 538's
coercion of the C locale (which otherwise hides the problem from source); both ways must pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.smoke.lines import CHILD_STEPS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="env -i and the C library's locale are Unix matters"),
]

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("coerce", ["0", "1"], ids=["as-the-bundle", "python-coerces"])
def test_the_smoke_test_passes_with_no_lang_or_lc_variables(tmp_path: Path, coerce: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONCOERCECLOCALE": coerce}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--smoke-test"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    lines = done.stdout.splitlines()
    assert [line.split(" ok (")[0] for line in lines[:-1]] == [f"smoke: {step}" for step in CHILD_STEPS]
    assert lines[-1].startswith("smoke: passed (")
