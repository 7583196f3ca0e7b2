"""The aiwm.facts/1 and aiwm.doctor/1 documents: round trip, and bad input said in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.doctor.document import doctor_document, facts_document, facts_from_document, load_facts_file
from app.doctor.rules import evaluate
from tests.doctor.helpers import TODAY

FACTS = Path(__file__).parents[1] / "data" / "facts"
ISSUE_EXAMPLE = {  # the document as the issue shows it
    "schema": "aiwm.facts/1",
    "os": "linux",
    "nvidia_driver": "535.104.05",
    "gpus": [{"name": "NVIDIA GeForce RTX 4090", "compute_capability": "8.9"}],
    "cuda_toolkit": "12.1",
    "cudnn": "8.9.2",
    "frameworks": [
        {"name": "torch", "version": "2.5.1", "cuda": "12.4", "cudnn": "9.1.0", "arch_list": ["sm_50", "sm_90"]}
    ],
}


def test_the_issues_example_reads() -> None:
    facts = facts_from_document(ISSUE_EXAMPLE)
    assert facts.nvidia_driver == "535.104.05" and facts.gpus[0].compute_capability == "8.9"
    assert facts.frameworks[0].arch_list == ("sm_50", "sm_90") and facts.simulated is False


@pytest.mark.parametrize("name", sorted(p.name for p in FACTS.glob("*.json")))
def test_facts_survive_a_round_trip(name: str) -> None:
    facts = load_facts_file(FACTS / name)
    assert facts_from_document(json.loads(json.dumps(facts_document(facts)))) == facts


def test_a_snapshot_document_carrying_facts_is_accepted() -> None:
    assert facts_from_document({"schema": "aiwm.snapshot/1", "facts": ISSUE_EXAMPLE}).cuda_toolkit == "12.1"


def test_the_doctor_document_has_the_contracted_keys() -> None:
    doc = doctor_document(evaluate(facts_from_document(ISSUE_EXAMPLE), today=TODAY))
    assert doc["schema"] == "aiwm.doctor/1" and doc["overall"] in ("pass", "warn", "fail")
    keys = {"id", "status", "title", "detail", "fix", "fix_command", "subject"}
    assert all(set(f) == keys for f in doc["findings"])
    assert doc["facts"]["schema"] == "aiwm.facts/1" and doc["simulated"] is False
    json.dumps(doc)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"schema": "aiwm.snapshot/1"}, "expected 'aiwm.facts/1'"),
        ({"nvidia_driver": "535.x"}, "nvidia_driver: '535.x' is not a version"),
        ({"cuda_toolkit": "12.x.y"}, "cuda_toolkit: '12.x.y' is not a version"),
        ({"cudnn": 8}, "cudnn: 8 is not a version"),
        ({"os": "macos"}, "os is 'macos'"),
        ({"gpus": [{"name": "X", "compute_capability": "eight"}]}, "gpus[0].compute_capability"),
        ({"gpus": "RTX 4090"}, "gpus is not a list"),
        ({"frameworks": [{"name": "mxnet", "version": "1.9"}]}, "frameworks[0].name"),
        ({"frameworks": [{"name": "torch", "version": "2.x"}]}, "frameworks[0].version"),
        ({"frameworks": [{"name": "torch", "version": "2.5", "arch_list": "sm_90"}]}, "arch_list"),
        ({"nvml_error": "broken"}, "nvml_error"),
    ],
)
def test_a_bad_field_is_one_line_naming_it(change: dict, said: str) -> None:
    with pytest.raises(UserError) as error:
        facts_from_document({**ISSUE_EXAMPLE, **change})
    assert said in str(error.value) and "\n" not in str(error.value)


def test_a_missing_required_key_is_named() -> None:
    doc = dict(ISSUE_EXAMPLE)
    del doc["cudnn"]
    with pytest.raises(UserError, match="cudnn is missing"):
        facts_from_document(doc)


@pytest.mark.parametrize(
    ("content", "said"),
    [("{not json", "not JSON"), ("[1, 2]", "JSON object"), (b"\xff\xfe\x00", "not a text file")],
)
def test_a_file_that_is_not_a_facts_document_is_one_line(tmp_path: Path, content, said: str) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(UserError) as error:
        load_facts_file(path)
    assert said in str(error.value) and str(path) in str(error.value)


def test_a_missing_file_and_a_directory_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_facts_file(tmp_path / "absent.json")
    with pytest.raises(UserError, match="is a directory"):
        load_facts_file(tmp_path)
