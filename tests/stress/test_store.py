"""Stored results: written whole, never over another, read back oldest first, corrupt files skipped."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import UserError
from app.stress.store import past_results, read_results, save_result


def _doc(started_at: str, device: str = "gpu0", verdict: str = "pass") -> dict[str, Any]:
    return {
        "schema": "aiwm.stress/1",
        "kind": "gpu",
        "device": device,
        "duration_s": 60.0,
        "verdict": verdict,
        "errors": 0,
        "abort_reason": None,
        "metrics": {"tflops": 79.7},
        "started_at": started_at,
    }


def test_result_is_saved_under_tests_stress_named_by_utc_time_kind_and_device(private_home: Path) -> None:
    path = save_result(_doc("2026-11-02T09:15:42.512Z"))
    assert path == private_home / "tests" / "stress" / "20261102T091542Z-gpu-gpu0.json"
    assert json.loads(path.read_text(encoding="utf-8")) == _doc("2026-11-02T09:15:42.512Z")
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_thermal_results_go_to_their_own_folder(private_home: Path) -> None:
    doc = {"schema": "aiwm.thermal/1", "device": "cpu", "started_at": "2026-11-02T09:15:42Z"}
    assert save_result(doc) == private_home / "tests" / "thermal" / "20261102T091542Z-thermal-cpu.json"


def test_two_results_in_the_same_second_never_overwrite_each_other() -> None:
    first = save_result(_doc("2026-11-02T09:15:42.100Z", verdict="pass"))
    second = save_result(_doc("2026-11-02T09:15:42.900Z", verdict="fail"))
    assert first != second
    assert json.loads(first.read_text())["verdict"] == "pass"
    assert json.loads(second.read_text())["verdict"] == "fail"


def test_a_disk_folder_as_device_makes_a_safe_file_name() -> None:
    path = save_result({**_doc("2026-11-02T09:15:42Z", device="/mnt/data set/scratch"), "kind": "disk"})
    assert path.name == "20261102T091542Z-disk-mnt_data_set_scratch.json"


def test_past_results_come_back_oldest_first_and_filtered_by_device() -> None:
    save_result(_doc("2026-11-03T08:00:00Z", "gpu0"))
    save_result(_doc("2026-11-01T08:00:00Z", "gpu0"))
    save_result(_doc("2026-11-02T08:00:00Z", "gpu1"))
    assert [d["started_at"] for d in past_results("aiwm.stress/1")] == [
        "2026-11-01T08:00:00Z",
        "2026-11-02T08:00:00Z",
        "2026-11-03T08:00:00Z",
    ]
    assert [d["started_at"] for d in past_results("aiwm.stress/1", "gpu0")] == [
        "2026-11-01T08:00:00Z",
        "2026-11-03T08:00:00Z",
    ]
    assert past_results("aiwm.thermal/1") == []


def test_corrupt_and_foreign_files_are_skipped_and_reported_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    good = save_result(_doc("2026-11-01T08:00:00Z"))
    (good.parent / "20261101T090000Z-gpu-gpu0.json").write_text('{"schema": "aiwm.stress/1", "kind"', encoding="utf-8")
    (good.parent / "20261101T100000Z-gpu-gpu0.json").write_bytes(b"\xff\xfe\x00garbage")
    (good.parent / "20261101T110000Z-gpu-gpu0.json").write_text('{"schema": "aiwm.snapshot/1"}', encoding="utf-8")
    (good.parent / "20261101T120000Z-gpu-gpu0.json").write_text("[1, 2]", encoding="utf-8")
    stored = read_results("aiwm.stress/1")
    assert [d["started_at"] for d in stored.documents] == ["2026-11-01T08:00:00Z"]
    assert len(stored.unreadable) == 4
    with caplog.at_level(logging.WARNING, logger="app.stress.store"):
        assert len(past_results("aiwm.stress/1")) == 1
    assert sum("skipped stored result" in r.getMessage() for r in caplog.records) == 4


def test_an_unusable_data_folder_is_one_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("AIWM_HOME", str(blocker))
    with pytest.raises(UserError, match="is not a folder"):
        save_result(_doc("2026-11-01T08:00:00Z"))
