"""Energy, PCIe replays, memory temperature and the last XID are served under dcgm-exporter's names,
units and types, and left out (never served as 0) where NVML does not report them.

dcgm-exporter's etc/default-counters.csv (github.com/NVIDIA/dcgm-exporter at d5e5f51, 2026-05-12):
  DCGM_FI_DEV_MEMORY_TEMP, gauge, Memory temperature (in C).
  DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, counter, Total energy consumption since boot (in mJ).
  DCGM_FI_DEV_PCIE_REPLAY_COUNTER, counter, Total number of PCIe retries.
  DCGM_FI_DEV_XID_ERRORS, gauge, Value of the last XID error encountered.
DCGM's dcgmlib/dcgm_fields.h (github.com/NVIDIA/DCGM at 28bfbd4): field 156 is "Total energy
consumption for the GPU in mJ since the driver was last reloaded"; field 230, DCGM_FI_DEV_XID_ERRORS,
"XID errors. The value is the specific XID error" (a code, not a count).
dcgm-exporter writes each family under the field's exact name (no `_total`), and labels the XID
gauge with `err_code` (internal/pkg/collector/gpu_collector.go at d5e5f51, toMetric); a healthy GPU
reads 0 with err_code="0" in recorded dcgm-exporter output (RTX 4000 Ada, H100, A100, driver 580).
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, generate_latest

from app.core.gpu.nvml_source import NvidiaBackend
from app.core.metric_catalog import lookup
from app.core.sampling.sample import Sample
from app.fleet.exporter.names import DCGM_DEFAULT_FIELDS, prom_name
from tests.core.gpu.conftest import fake_nvml, stub_libraries  # noqa: F401 (fixtures used below)
from tests.fleet.exporter.helpers import (
    collector_with,
    fetch_metrics,
    gpu_info,
    gpu_reading,
    gpu_sample,
    scrape,
    start_serving,
)

ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"
REPLAYS = "DCGM_FI_DEV_PCIE_REPLAY_COUNTER"
MEMORY_TEMP = "DCGM_FI_DEV_MEMORY_TEMP"
XID = "DCGM_FI_DEV_XID_ERRORS"
FOUR = (ENERGY, REPLAYS, MEMORY_TEMP, XID)


def _exposition(sample: Sample) -> str:
    registry = CollectorRegistry()
    registry.register(collector_with(sample, gpus=(gpu_info(0),)))
    return generate_latest(registry).decode()


def _served(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(name + "{") or line.startswith(name + " ")]


def test_the_catalog_gives_each_field_its_dcgm_name_and_type() -> None:
    """Counters in the catalog and dcgm-exporter alike for energy and replays; gauges for the rest."""
    expected = {
        "gpu0.energy_mj": (ENERGY, "counter", "unknown"),
        "gpu0.pcie_replay_count": (REPLAYS, "counter", "unknown"),
        "gpu0.memory_temperature_c": (MEMORY_TEMP, "gauge", "gauge"),
        "gpu0.last_xid": (XID, "gauge", "gauge"),
    }
    for metric, (dcgm, kind, exposition_kind) in expected.items():
        spec = lookup(metric)
        assert spec is not None and spec.dcgm == dcgm and spec.kind == kind, metric
        assert DCGM_DEFAULT_FIELDS[dcgm] == kind
        served = prom_name(spec)
        assert (served.name, served.kind, served.scale) == (dcgm, exposition_kind, 1.0)
    assert lookup("gpu0.energy_mj").unit == "mJ"  # type: ignore[union-attr]


def test_the_four_fields_are_served_with_dcgm_names_units_and_types() -> None:
    text = _exposition(
        gpu_sample(gpu_reading(0, energy_mj=1234567890, pcie_replay_count=17, memory_temperature_c=71.0, last_xid=79))
    )
    scraped = scrape(collector_with(gpu_sample(gpu_reading(0, energy_mj=1234567890)), gpus=(gpu_info(0),)))
    assert [value for (name, _), value in scraped.items() if name == ENERGY] == [1234567890.0], "mJ, as NVML counts"
    assert f"# TYPE {ENERGY} untyped" in text and f"# TYPE {REPLAYS} untyped" in text
    assert f"# TYPE {MEMORY_TEMP} gauge" in text and f"# TYPE {XID} gauge" in text
    assert "_total" not in "".join(line.split("{")[0] for line in _served(text, ENERGY) + _served(text, REPLAYS))
    assert _served(text, ENERGY)[0].endswith(" 1.23456789e+09")
    assert _served(text, REPLAYS)[0].endswith(" 17.0")
    assert _served(text, MEMORY_TEMP)[0].endswith(" 71.0")
    (xid_line,) = _served(text, XID)
    assert 'err_code="79"' in xid_line and 'gpu="0"' in xid_line and 'modelName="NVIDIA GeForce RTX 4090"' in xid_line
    assert xid_line.endswith(" 79.0")


def test_a_healthy_gpu_reads_xid_0_with_err_code_0() -> None:
    (line,) = _served(_exposition(gpu_sample(gpu_reading(0, last_xid=0))), XID)
    assert 'err_code="0"' in line and line.endswith(" 0.0")


def test_missing_fields_are_left_out_not_served_as_zero() -> None:
    text = _exposition(gpu_sample(gpu_reading(0, temperature_c=40.0)))
    assert _served(text, "DCGM_FI_DEV_GPU_TEMP"), "the GPU itself is served"
    for name in FOUR:
        assert _served(text, name) == [], name


def test_a_geforce_card_through_nvml_serves_energy_and_replays_but_no_memory_temperature(
    fake_nvml: Callable[..., object],  # noqa: F811 (the fixture imported above)
) -> None:
    """The stand-in NVML answers NOT_SUPPORTED for field 82 on the RTX 4090 scenario, as GeForce does."""
    fake_nvml("geforce_rtx4090")
    backend = NvidiaBackend()
    try:
        reading = backend.read()
        infos = backend.inventory()
    finally:
        backend.close()
    sample = Sample("gpu", 1.0, 1000.0, 0.001, 0.001, reading)
    registry = CollectorRegistry()
    registry.register(collector_with(sample, gpus=infos))
    text = generate_latest(registry).decode()
    assert _served(text, ENERGY)[0].endswith(" 1.23456789e+09")  # the scenario's 1234567890 mJ
    assert _served(text, REPLAYS)[0].endswith(" 0.0")
    assert _served(text, XID)[0].endswith(" 0.0")
    assert _served(text, MEMORY_TEMP) == []


def test_aiwm_serve_demo_serves_the_simulated_energy_and_xid() -> None:
    """The default demo (RTX 4090 and RTX 3090, GDDR cards) over HTTP: energy grows from 0, no
    replays, XID 0, no memory temperature, each labelled simulated."""
    process, url = start_serving()
    try:
        text = fetch_metrics(url, wait_for=ENERGY)
    finally:
        process.terminate()
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()
    energy = _served(text, ENERGY)
    assert len(energy) == 2 and all('simulated="true"' in line for line in energy)
    assert all(float(line.rsplit(" ", 1)[1]) >= 0 for line in energy)
    assert len(_served(text, REPLAYS)) == 2 and len(_served(text, XID)) == 2
    assert _served(text, MEMORY_TEMP) == []
    assert f"{ENERGY}_total" not in text
