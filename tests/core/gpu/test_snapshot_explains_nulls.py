"""Every `null` in `aiwm snapshot --json` has a reason in `missing`: on this real host, in the demo,
and over every scenario of the stand-in NVML library."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.core.gpu.conftest import STUB, snapshot_with_stub, write_scenario

OLD_DRIVER_SCENARIOS = {"old_driver"}  # need the stand-in built without the newer entry points
SCENARIOS = sorted(path.stem for path in (STUB / "scenarios").glob("*.scn") if path.stem != "hung_call")


def null_paths(value: Any, path: str = "") -> Iterator[str]:
    """The path of every null in a JSON value, written the way `missing` keys are: `gpus[1].name`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from null_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from null_paths(item, f"{path}[{index}]")
    elif value is None:
        yield path


def explained(path: str, missing: dict[str, str]) -> bool:
    """A reason for `path` itself, or for a path above it (`gpus[1]`, or `gpus[1].all`)."""
    while True:
        if path in missing or f"{path}.all" in missing:
            return True
        parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
        if parent == path:
            return False
        path = parent


def unexplained_nulls(doc: dict[str, Any]) -> list[str]:
    missing = doc["missing"]
    assert all(isinstance(why, str) and why for why in missing.values()), "every reason is words"
    return [
        path for path in null_paths({k: v for k, v in doc.items() if k != "missing"}) if not explained(path, missing)
    ]


def test_the_walker_finds_a_null_without_a_reason() -> None:
    doc = {"cpu": {"max_freq_mhz": None}, "gpus": [{"a": None}, {"b": [None]}], "missing": {"gpus[0].all": "lost"}}
    assert unexplained_nulls(doc) == ["cpu.max_freq_mhz", "gpus[1].b[0]"]


def _snapshot(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("AIWM_NVML_LIBRARY", "AIWM_FAKE_NVML_SCENARIO")}
    done = subprocess.run(
        [sys.executable, "-m", "app", "snapshot", "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_every_null_on_this_host_has_a_reason() -> None:
    doc = _snapshot()
    assert unexplained_nulls(doc) == []


def test_every_null_in_the_demo_has_a_reason() -> None:
    doc = _snapshot("--demo")
    assert doc["simulated"] is True and len(doc["gpus"]) >= 1
    assert unexplained_nulls(doc) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_null_over_the_stand_in_nvml_has_a_reason(stub_libraries, tmp_path, scenario) -> None:
    library = stub_libraries.old if scenario in OLD_DRIVER_SCENARIOS else stub_libraries.full
    doc = snapshot_with_stub(library, write_scenario(scenario, tmp_path))
    assert unexplained_nulls(doc) == []
