"""The user's planner_overrides.json: it corrects and extends the catalog, a broken one is one line,
and the planner never writes to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.planner.hardware import load_hardware, overrides_path


def _write(path: Path, doc: object) -> bytes:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path.read_bytes()


def test_the_overrides_file_lives_in_the_data_folder(private_home: Path) -> None:
    assert overrides_path() == private_home / "planner_overrides.json"


def test_overrides_change_settings_and_replace_or_add_rows(tmp_path: Path) -> None:
    path = tmp_path / "planner_overrides.json"
    _write(
        path,
        {
            "settings": {"electricity_usd_per_kwh": 0.32, "pue": 1.3},
            "rent": [{"gpu": "NVIDIA H100 80GB HBM3", "low_usd_per_hour": 2.0, "high_usd_per_hour": 2.2}],
            "vps": [{"name": "My VPS", "vcpus": 16, "ram_gb": 64, "monthly_usd": 40}],
            "gpus": [
                {
                    "name": "NVIDIA H100 80GB HBM3",
                    "vram_gb": 80,
                    "bandwidth_gb_s": 3350,
                    "bf16_tflops": 989.4,
                    "fp32_tflops": 66.9,
                    "tdp_w": 700,
                    "compute_capability": "9.0",
                    "purchase_usd": 25000,
                }
            ],
        },
    )
    catalog = load_hardware(overrides=path)
    assert catalog.settings.electricity_usd_per_kwh == 0.32 and catalog.settings.pue == 1.3
    assert catalog.settings.amortisation_months == 36  # untouched settings keep the catalog's value
    h100_prices = [r for r in catalog.rent if r.gpu == "NVIDIA H100 80GB HBM3"]
    assert len(h100_prices) == 1 and h100_prices[0].low_usd_per_hour == 2.0
    assert h100_prices[0].source == "your planner_overrides.json"
    assert any(v.name == "My VPS" and v.ram_bytes == 64e9 for v in catalog.vps)
    h100 = catalog.gpu("h100")
    assert h100 is not None and h100.purchase_usd == 25000
    assert len([g for g in catalog.gpus if g.name == "NVIDIA H100 80GB HBM3"]) == 1


def test_without_an_overrides_file_the_shipped_catalog_is_used(tmp_path: Path) -> None:
    catalog = load_hardware(overrides=tmp_path / "absent.json")
    assert catalog.settings.electricity_usd_per_kwh == 0.15 and catalog.settings.pue == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ({"rents": []}, "unknown section 'rents'"),
        ({"settings": {"pue": 0.5}}, "pue must be at least 1"),
        ({"settings": {"electricity_usd_per_kwh": "cheap"}}, 'settings: electricity_usd_per_kwh must be a number, not "cheap"'),
        ({"rent": [{"gpu": "NVIDIA L4", "low_usd_per_hour": 2, "high_usd_per_hour": 1}]}, "above"),
        ({"rent": [{"gpu": "NVIDIA L4", "low_usd_per_hour": -1, "high_usd_per_hour": 1}]}, "positive"),
        ({"rent": [{"gpu": "Imaginary GPU", "low_usd_per_hour": 1, "high_usd_per_hour": 2}]}, "not among its gpus"),
        ({"vps": [{"name": "v"}]}, r"vps\[0\] \(v\) needs vcpus"),
        ({"gpus": "all of them"}, "must be a list"),
    ],
)
def test_a_broken_overrides_file_is_one_line_and_left_as_it_was(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "planner_overrides.json"
    before = _write(path, content)
    with pytest.raises(UserError, match=message) as raised:
        load_hardware(overrides=path)
    assert "\n" not in str(raised.value)
    assert path.read_bytes() == before
