"""The shipped JSON Schema (draft 2020-12) is valid, accepts the agreed example and built reports,
and refuses documents that break the agreed shape."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from app.core.engine import Engine, EngineOptions
from app.report.build import ReportOptions, build_report
from app.report.schema import report_schema, schema_path
from tests.report.fixtures import doctor_report, write_session

EXAMPLE = Path(__file__).parents[1] / "data" / "report" / "example_report.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def example() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine(EngineOptions(demo="rtx4090")) as demo:
        yield demo


def test_the_schema_is_shipped_in_resources_as_draft_2020_12() -> None:
    assert schema_path().parent.name == "resources"
    assert report_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_agreed_example_validates(validator: jsonschema.Draft202012Validator, example: dict[str, Any]) -> None:
    validator.validate(example)


def test_a_built_report_with_history_validates_plain_and_redacted(
    validator: jsonschema.Draft202012Validator, engine: Engine, tmp_path: Path
) -> None:
    session = write_session(tmp_path / "s.aiwm", [40.0, 50.0, 60.0], events=[(1_800_000_001.0, "alert_fired", "hot")])
    for redact in (False, True):
        doc = build_report(engine, ReportOptions(redact=redact, sessions=(session,)), doctor=doctor_report())
        validator.validate(json.loads(json.dumps(doc)))


def _broken(example: dict[str, Any], how: str) -> dict[str, Any]:
    doc = copy.deepcopy(example)
    if how == "schema":
        doc["schema"] = "aiwm.report/2"
    elif how == "no graphs":
        del doc["graphs"]
    elif how == "too many points":
        doc["graphs"][0]["series"][0]["t"] = [float(i) for i in range(601)]
    elif how == "overall":
        doc["summary"]["overall"] = "ok"
    elif how == "local time":
        doc["generated_at"] = "2026-11-28 15:00"
    elif how == "missing reason":
        doc["missing"]["gpus[0].serial"] = None
    elif how == "unknown section":
        doc["sections"].append({"id": "extras", "title": "Extras"})
    return doc


@pytest.mark.parametrize(
    "how", ["schema", "no graphs", "too many points", "overall", "local time", "missing reason", "unknown section"]
)
def test_a_document_that_breaks_the_shape_is_refused(
    validator: jsonschema.Draft202012Validator, example: dict[str, Any], how: str
) -> None:
    assert not validator.is_valid(_broken(example, how))
