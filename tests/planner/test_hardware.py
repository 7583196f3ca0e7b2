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
        (
            {"settings": {"electricity_usd_per_kwh": "cheap"}},
            'settings: electricity_usd_per_kwh must be a number, not "cheap"',
        ),
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


def test_an_unknown_key_in_the_overrides_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "planner_overrides.json"
    before = _write(path, {"settings": {"elec": 0.3}})
    with pytest.raises(UserError, match="settings: unknown key 'elec'; known keys: electricity_usd_per_kwh") as raised:
        load_hardware(overrides=path)
    assert "\n" not in str(raised.value) and path.read_bytes() == before
    _write(path, {"gpus": [{"name": "NVIDIA L4", "vram": 24}]})
    with pytest.raises(UserError, match=r"gpus\[0\] \(NVIDIA L4\): unknown key 'vram'"):
        load_hardware(overrides=path)


def test_an_override_row_named_by_an_alias_changes_that_gpu(tmp_path: Path) -> None:
    path = tmp_path / "planner_overrides.json"
    _write(
        path,
        {
            "gpus": [{"name": "rtx4090", "purchase_usd": 1800}],
            "rent": [{"gpu": "4090", "low_usd_per_hour": 0.2, "high_usd_per_hour": 0.3}],
        },
    )
    catalog = load_hardware(overrides=path)
    rtx4090 = [g for g in catalog.gpus if "4090" in g.name]
    assert len(rtx4090) == 1 and rtx4090[0].name == "NVIDIA GeForce RTX 4090" and rtx4090[0].purchase_usd == 1800
    assert rtx4090[0].vram_bytes == 24 * 10**9, "the shipped figures the override leaves alone stay"
    prices = [r for r in catalog.rent if catalog.gpu(r.gpu) == rtx4090[0]]
    assert len(prices) == 1 and prices[0].low_usd_per_hour == 0.2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"gpus": [{"name": "My Card", "vram_gb": 16}]}, r"gpus\[0\] \(My Card\) needs bandwidth_gb_s"),
        (
            {"settings": {"electricity_usd_per_kwh": None}},
            "settings: electricity_usd_per_kwh must be a number, not null",
        ),
        ({"gpus": [{"name": "rtx4090", "vram_gb": 1e30}]}, "vram_gb 1e[+]30 is more than the planner takes"),
        ({"vps": [{"name": "Big VPS", "vcpus": 2.5, "ram_gb": 4, "monthly_usd": 5}]}, "vcpus must be a whole number"),
    ],
)
def test_a_new_row_missing_a_field_or_an_absurd_value_says_which(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "planner_overrides.json"
    _write(path, content)
    with pytest.raises(UserError, match=message) as raised:
        load_hardware(overrides=path)
    assert "\n" not in str(raised.value) and "None" not in str(raised.value)


def test_vps_rows_without_a_measured_bandwidth_use_the_stated_assumption(tmp_path: Path) -> None:
    path = tmp_path / "planner_overrides.json"
    _write(
        path, {"vps": [{"name": "Measured", "vcpus": 8, "ram_gb": 32, "monthly_usd": 30, "ram_bandwidth_gb_s": 41.5}]}
    )
    catalog = load_hardware(overrides=path)
    measured = next(v for v in catalog.vps if v.name == "Measured")
    assert measured.ram_bandwidth_bytes_per_s == 41.5e9 and not measured.bandwidth_assumed
    shipped = next(v for v in catalog.vps if v.name == "Hetzner Cloud CX23")
    assert shipped.ram_bandwidth_bytes_per_s == 20e9 and shipped.bandwidth_assumed
