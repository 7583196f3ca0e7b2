"""The hardware catalog (resources/planner/hardware.json) and the user's overrides.

GPUs with their memory, bandwidth, peak rates, power and price; rental price ranges per
GPU-hour; dedicated servers and CPU-only VPS plans per month; electricity and PUE settings. The
user corrects or extends any of it in `planner_overrides.json` in the data folder, which is only
ever read: a broken one is one line naming it, and it stays as the user wrote it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.paths import data_dir, resources_dir

HARDWARE_SCHEMA = "aiwm.planner-hardware/1"
OVERRIDES_NAME = "planner_overrides.json"
GB = 10**9
SIMULATED_MARK = "[simulated]"  # simulated GPUs carry their real model's name with this after it


@dataclass(frozen=True)
class GpuSpec:
    name: str  # as the driver reports it
    aliases: tuple[str, ...]
    vram_bytes: int
    bandwidth_bytes_per_s: float
    bf16_tflops: float | None  # dense tensor rate; None where not published
    fp32_tflops: float
    tdp_w: float
    compute_capability: str
    purchase_usd: float | None
    source: str
    checked: str


@dataclass(frozen=True)
class RentPrice:
    gpu: str
    low_usd_per_hour: float
    high_usd_per_hour: float
    source: str
    checked: str


@dataclass(frozen=True)
class DedicatedServer:
    name: str
    gpu: str
    gpu_count: int
    monthly_usd: float
    source: str
    checked: str


@dataclass(frozen=True)
class VpsPlan:
    name: str
    vcpus: int
    ram_bytes: int
    monthly_usd: float
    source: str
    checked: str
    ram_bandwidth_bytes_per_s: float = 20.0 * GB  # what a CPU reads its weights at
    bandwidth_assumed: bool = True  # the bandwidth is the planner's assumption, not a measured figure


@dataclass(frozen=True)
class Settings:
    electricity_usd_per_kwh: float
    pue: float
    amortisation_months: float


@dataclass(frozen=True)
class HardwareCatalog:
    gpus: tuple[GpuSpec, ...]
    rent: tuple[RentPrice, ...]
    dedicated: tuple[DedicatedServer, ...]
    vps: tuple[VpsPlan, ...]
    settings: Settings

    def gpu(self, name: str) -> GpuSpec | None:
        """A GPU by its driver name or an alias, case-insensitive; None when the catalog lacks it."""
        wanted = name.strip().lower().removesuffix(SIMULATED_MARK).strip()
        for gpu in self.gpus:
            if wanted == gpu.name.lower() or wanted in (alias.lower() for alias in gpu.aliases):
                return gpu
        return None


def overrides_path() -> Path:
    return data_dir() / OVERRIDES_NAME


def load_hardware(path: Path | None = None, overrides: Path | None = None) -> HardwareCatalog:
    """The shipped catalog with the user's overrides applied (rows replace rows of the same name)."""
    doc = _read_json(path or resources_dir() / "planner" / "hardware.json", "hardware catalog")
    if doc.get("schema") != HARDWARE_SCHEMA:
        raise UserError(f"the hardware catalog is not an {HARDWARE_SCHEMA} document")
    where = overrides if overrides is not None else overrides_path()
    if where.exists():
        doc = _merge(doc, _read_json(where, "planner overrides file"), where)
    return _catalog(doc, where)


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read the {what} {path}: {error.strerror}") from None
    except ValueError as error:
        raise UserError(f"the {what} {path} is not valid JSON: {error}") from None
    if not isinstance(doc, dict):
        raise UserError(f"the {what} {path} must be a JSON object")
    return doc


_KEYS = {"gpus": "name", "rent": "gpu", "dedicated": "name", "vps": "name"}
_REQUIRED = {
    "gpus": ("vram_gb", "bandwidth_gb_s", "fp32_tflops", "tdp_w", "compute_capability"),
    "rent": ("low_usd_per_hour", "high_usd_per_hour"),
    "dedicated": ("gpu", "gpu_count", "monthly_usd"),
    "vps": ("vcpus", "ram_gb", "monthly_usd"),
}
_OPTIONAL = {
    "gpus": ("aliases", "bf16_tflops", "purchase_usd"),
    "rent": (),
    "dedicated": (),
    "vps": ("ram_bandwidth_gb_s",),
}
_SHARED_FIELDS = ("source", "checked", "note")
_SETTINGS_FIELDS = ("electricity_usd_per_kwh", "pue", "amortisation_months", "source", "checked")
# The largest value each figure may take: beyond them a typo (1e30 GB of VRAM) would only produce
# nonsense sizes and costs. Generous: ten times today's largest parts and prices.
HIGHEST = {
    "vram_gb": 10_000.0,
    "bandwidth_gb_s": 1_000_000.0,
    "bf16_tflops": 1_000_000.0,
    "fp32_tflops": 1_000_000.0,
    "tdp_w": 100_000.0,
    "purchase_usd": 1e9,
    "low_usd_per_hour": 100_000.0,
    "high_usd_per_hour": 100_000.0,
    "gpu_count": 1024.0,
    "monthly_usd": 1e8,
    "vcpus": 10_000.0,
    "ram_gb": 100_000.0,
    "ram_bandwidth_gb_s": 100_000.0,
    "electricity_usd_per_kwh": 100.0,
    "pue": 10.0,
    "amortisation_months": 600.0,
}
# A CPU-only VPS reads the weights from RAM for every generated token. Where a plan row gives no
# measured bandwidth, assume 20 GB/s: about half of one DDR5-4800 channel (4800 MT/s x 8 bytes =
# 38.4 GB/s, JEDEC JESD79-5), a shared vCPU getting a share of its host's channels. An assumption,
# said so in every VPS option; measure with STREAM and set ram_bandwidth_gb_s in the overrides.
ASSUMED_VPS_RAM_BANDWIDTH_GB_S = 20.0


def _merge(doc: dict[str, Any], extra: dict[str, Any], where: Path) -> dict[str, Any]:
    """`doc` with the override file's settings and rows laid over it; unknown names are refused."""
    unknown = set(extra) - {*_KEYS, "settings", "schema", "note"}
    if unknown:
        raise UserError(f"{where}: unknown section {sorted(unknown)[0]!r}; use settings, {', '.join(_KEYS)}")
    merged = dict(doc)
    if "settings" in extra:
        if not isinstance(extra["settings"], dict):
            raise UserError(f"{where}: settings must be an object")
        _refuse_unknown(extra["settings"], _SETTINGS_FIELDS, f"{where}: settings")
        merged["settings"] = {**doc.get("settings", {}), **extra["settings"]}
    for section, key in _KEYS.items():
        rows = extra.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get(key), str) for r in rows):
            raise UserError(f"{where}: {section} must be a list of objects, each with a {key}")
        for number, row in enumerate(rows):
            known = (key, *_REQUIRED[section], *_OPTIONAL[section], *_SHARED_FIELDS)
            _refuse_unknown(row, known, f"{where}: {section}[{number}] ({row[key]})")
        merged[section] = _merge_rows(section, doc, rows, where)
    return merged


def _refuse_unknown(row: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(row) - set(known))
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(known)}")


def _merge_rows(section: str, doc: dict[str, Any], mine: list[dict[str, Any]], where: Path) -> list[dict[str, Any]]:
    """Shipped rows with the user's fields laid over the row they name (by name or, for GPUs, by any
    alias; a rent row by its GPU's name or alias); rows naming nothing shipped are added, and must
    then be complete. A changed row's source and date become the user's (their figures)."""
    key = _KEYS[section]
    yours = {"source": f"your {OVERRIDES_NAME}", "checked": "yours"}
    out = [dict(row) for row in doc.get(section, [])]
    names = _gpu_names(doc.get("gpus", []))
    for number, row in enumerate(mine):
        wanted = _canonical(row[key], names) if section in ("gpus", "rent") else row[key].lower()
        same = [i for i, old in enumerate(out) if _row_name(section, old, names) == wanted]
        if same:
            old = out[same[0]]
            out[same[0]] = {**old, **yours, **row, key: old[key]}
            continue
        missing = [field for field in _REQUIRED[section] if field not in row]
        if missing:
            raise UserError(f"{where}: {section}[{number}] ({row[key]}) needs {missing[0]}")
        out.append({**yours, **row})
    return out


def _gpu_names(gpus: list[dict[str, Any]]) -> dict[str, str]:
    """Every name and alias of the shipped GPUs, lowercase, to the GPU's own name, lowercase."""
    names: dict[str, str] = {}
    for gpu in gpus:
        name = str(gpu.get("name", "")).lower()
        for alias in (name, *(str(a).lower() for a in gpu.get("aliases", []))):
            names[alias] = name
    return names


def _canonical(name: str, names: dict[str, str]) -> str:
    return names.get(name.strip().lower(), name.strip().lower())


def _row_name(section: str, row: dict[str, Any], names: dict[str, str]) -> str:
    value = str(row.get(_KEYS[section], ""))
    return _canonical(value, names) if section in ("gpus", "rent") else value.lower()


def _catalog(doc: dict[str, Any], overrides: Path) -> HardwareCatalog:
    try:
        gpus = tuple(_gpu(r) for r in doc.get("gpus", []))
        catalog = HardwareCatalog(
            gpus=gpus,
            rent=tuple(_rent(r) for r in doc.get("rent", [])),
            dedicated=tuple(_dedicated(r) for r in doc.get("dedicated", [])),
            vps=tuple(_vps(r) for r in doc.get("vps", [])),
            settings=_settings(doc.get("settings", {})),
        )
    except (TypeError, ValueError) as error:
        raise UserError(f"the hardware catalog or {overrides}: {error}") from None
    _check_references(catalog, overrides)
    return catalog


def _label(row: dict[str, Any]) -> str:
    name = row.get("name") or row.get("gpu")
    return "settings" if name is None else repr(name)


def _number(row: dict[str, Any], key: str, allow_zero: bool = False) -> float:
    if key not in row:
        raise ValueError(f"{_label(row)} needs {key}")
    value = row[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{_label(row)}: {key} must be a number, not {json.dumps(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{_label(row)}: {key} must be a finite number")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{_label(row)}: {key} must be positive, not {value:g}")
    highest = HIGHEST.get(key, math.inf)
    if value > highest:
        raise ValueError(f"{_label(row)}: {key} {value:g} is more than the planner takes ({highest:g})")
    return float(value)


def _maybe(row: dict[str, Any], key: str) -> float | None:
    return None if row.get(key) is None else _number(row, key)


def _text(row: dict[str, Any], key: str) -> str:
    if key not in row:
        raise ValueError(f"{_label(row)} needs {key}")
    value = row[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{_label(row)}: {key} must be text")
    return value


def _gpu(row: dict[str, Any]) -> GpuSpec:
    return GpuSpec(
        name=_text(row, "name"),
        aliases=tuple(str(a) for a in row.get("aliases", [])),
        vram_bytes=int(_number(row, "vram_gb") * GB),
        bandwidth_bytes_per_s=_number(row, "bandwidth_gb_s") * GB,
        bf16_tflops=_maybe(row, "bf16_tflops"),
        fp32_tflops=_number(row, "fp32_tflops"),
        tdp_w=_number(row, "tdp_w"),
        compute_capability=_text(row, "compute_capability"),
        purchase_usd=_maybe(row, "purchase_usd"),
        source=_text(row, "source"),
        checked=_text(row, "checked"),
    )


def _rent(row: dict[str, Any]) -> RentPrice:
    low, high = _number(row, "low_usd_per_hour"), _number(row, "high_usd_per_hour")
    if low > high:
        raise ValueError(f"rent of {row['gpu']!r}: low_usd_per_hour is above high_usd_per_hour")
    return RentPrice(_text(row, "gpu"), low, high, _text(row, "source"), _text(row, "checked"))


def _whole(row: dict[str, Any], key: str) -> int:
    value = _number(row, key)
    if value != int(value):
        raise ValueError(f"{_label(row)}: {key} must be a whole number")
    return int(value)


def _dedicated(row: dict[str, Any]) -> DedicatedServer:
    return DedicatedServer(
        _text(row, "name"),
        _text(row, "gpu"),
        _whole(row, "gpu_count"),
        _number(row, "monthly_usd"),
        _text(row, "source"),
        _text(row, "checked"),
    )


def _vps(row: dict[str, Any]) -> VpsPlan:
    bandwidth = _maybe(row, "ram_bandwidth_gb_s")
    return VpsPlan(
        _text(row, "name"),
        _whole(row, "vcpus"),
        int(_number(row, "ram_gb") * GB),
        _number(row, "monthly_usd"),
        _text(row, "source"),
        _text(row, "checked"),
        (bandwidth or ASSUMED_VPS_RAM_BANDWIDTH_GB_S) * GB,
        bandwidth is None,
    )


def _settings(row: dict[str, Any]) -> Settings:
    if not isinstance(row, dict):
        raise ValueError("settings must be an object")
    pue = _number(row, "pue")
    if pue < 1:
        raise ValueError("settings: pue must be at least 1 (1.0 = no cooling overhead)")
    return Settings(_number(row, "electricity_usd_per_kwh", allow_zero=True), pue, _number(row, "amortisation_months"))


def _check_references(catalog: HardwareCatalog, where: Path) -> None:
    """Rent and dedicated rows must name a GPU of the catalog, or their speed is unknown."""
    for name in [r.gpu for r in catalog.rent] + [d.gpu for d in catalog.dedicated]:
        if catalog.gpu(name) is None:
            raise UserError(f"the hardware catalog or {where} prices {name!r}, which is not among its gpus")


def with_settings(catalog: HardwareCatalog, **changes: float) -> HardwareCatalog:
    """The catalog with some settings changed (the Planner page's fields)."""
    return replace(catalog, settings=replace(catalog.settings, **changes))
