"""The Prometheus collector: metric families built at scrape time from the newest samples only.

A scrape reads `LatestSamples.by_source` once and formats those immutable records: it never calls
NVML or psutil and takes no lock the sampler could wait on. A reading that is missing (`None`, a
lost GPU, a failed read) is left out, never served as 0; `aiwm_source_up` says which source failed.

Health, so that operators can alert when series vanish:
- `aiwm_nvml_up{cause}`: 1 while NVML answers (or the GPUs are simulated), else 0 with the
  NvidiaStatus cause (library_not_found, driver_not_loaded, version_mismatch, no_gpu, ...).
- `aiwm_source_up{source="gpu"}` is 0 when the engine has no readable GPU at all, so a broken
  driver update turns a 1 into a 0 instead of making the GPU series silently disappear.
- `aiwm_source_up{source}` is 1 when the source's newest read returned a reading, 0 when it failed.
  It never counts the items inside a reading: a VM whose virtio disks smartctl cannot read
  ("Unable to detect device type") would otherwise fire an `aiwm_source_up == 0` alert everywhere.
- `aiwm_source_problem{source,device,problem}` is 1 for each item a source could not read and says
  why (smartctl not installed, needs root, no SMART on this device): per-item problems live here only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from app.core.gpu.records import GpuInfo, GpuSetReading, NvidiaStatus
from app.core.records import Metrics, SmartReading
from app.core.sampling.sample import Sample
from app.fleet.exporter.labels import labels_by_index
from app.fleet.exporter.latest import LatestSamples
from app.fleet.exporter.names import PromName, catalog_name

SOURCE_UP = "aiwm_source_up"
SOURCE_AGE = "aiwm_source_sample_age_seconds"
SOURCE_PROBLEM = "aiwm_source_problem"
NVML_UP = "aiwm_nvml_up"
GPU_SOURCE = "gpu"
_UP = PromName(SOURCE_UP, "gauge", "1 when the source's newest read returned a reading, 0 when it failed.", 1.0)
_AGE = PromName(SOURCE_AGE, "gauge", "Seconds since the source's newest sample was taken.", 1.0)
_PROBLEM = PromName(SOURCE_PROBLEM, "gauge", "1 for each item the source could not read; `problem` says why.", 1.0)
_NVML = PromName(NVML_UP, "gauge", "1 while NVML answers (or the GPUs are simulated), else 0; `cause` says why.", 1.0)
XID_FAMILY = "DCGM_FI_DEV_XID_ERRORS"


class ReadingsCollector(Collector):
    """Serves every catalog metric of the newest samples under its Prometheus name and labels."""

    def __init__(
        self,
        latest: LatestSamples,
        gpus: tuple[GpuInfo, ...],
        hostname: str,
        wall_clock: Callable[[], float] = time.time,
        nvidia: NvidiaStatus | None = None,
    ) -> None:
        self._latest = latest
        self._nvidia = nvidia
        self._gpus = {info.index: info for info in gpus}
        self._gpu_labels = labels_by_index(gpus, hostname)
        self._host_labels = {"Hostname": hostname}
        self._wall_clock = wall_clock

    def describe(self) -> Iterable[Metric]:
        """Nothing: registering must not run a collection (prometheus_client would call collect())."""
        return ()

    def collect(self) -> Iterable[Metric]:
        families = _Families()
        now_s = self._wall_clock()
        by_source = self._latest.by_source
        self._add_nvidia_health(families, GPU_SOURCE in by_source)
        for source, sample in sorted(by_source.items()):
            self._add_health(families, source, sample, now_s)
            for name, value in self._metrics_of(sample).items():
                self._add_metric(families, name, value)
        return families.metrics()

    def _metrics_of(self, sample: Sample) -> Metrics:
        """The sample's catalog metrics, and the few the exporter derives: free VRAM, the PCIe link's
        maximum from the inventory, and each drive's SMART verdict."""
        metrics = sample.metrics()
        if isinstance(sample.reading, GpuSetReading):
            metrics.update(derived_gpu_metrics(sample.reading, self._gpus))
        elif isinstance(sample.reading, SmartReading):
            metrics.update(smart_health_metrics(sample.reading))
        return metrics

    def _add_metric(self, families: _Families, name: str, value: float | None) -> None:
        if value is None or not math.isfinite(value):
            return
        found = catalog_name(name)
        if found is None:
            return  # a name outside the catalog; tests/core/test_metric_catalog.py keeps this from happening
        prom, placeholders = found
        labels = self._labels(placeholders, prom)
        if prom.name == XID_FAMILY:
            labels["err_code"] = str(int(value))  # dcgm-exporter labels the last XID with its code
        families.add(prom, labels, value * prom.scale)

    def _labels(self, placeholders: Mapping[str, str], prom: PromName) -> dict[str, str]:
        labels = dict(placeholders)
        gpu = labels.pop("gpu", None)
        base = self._host_labels if gpu is None else self._gpu_labels.get(int(gpu), {"gpu": gpu})
        return {**base, **labels, **dict(prom.fixed_labels)}

    def _add_health(self, families: _Families, source: str, sample: Sample, now_s: float) -> None:
        labels = {**self._host_labels, "source": source}
        families.add(_UP, labels, 0.0 if sample.reading is None else 1.0)
        families.add(_AGE, labels, max(0.0, now_s - sample.tick_wall_s))
        for device, problem in reading_problems(sample.reading):
            families.add(_PROBLEM, {**labels, "device": device, "problem": problem}, 1.0)

    def _add_nvidia_health(self, families: _Families, gpu_sampled: bool) -> None:
        """NVML's state, and `source="gpu"` at 0 when there is no GPU to sample at all."""
        if self._nvidia is None:
            return
        families.add(_NVML, {**self._host_labels, "cause": self._nvidia.cause}, 1.0 if self._nvidia.ok else 0.0)
        if not gpu_sampled and (not self._nvidia.ok or not self._gpus):
            families.add(_UP, {**self._host_labels, "source": GPU_SOURCE}, 0.0)


def reading_problems(reading: object) -> list[tuple[str, str]]:
    """(device, why) for each item of a reading that could not be read (today: SMART's drives)."""
    if isinstance(reading, SmartReading):
        return [(d.name, d.problem) for d in reading.drives if d.problem]
    return []


def derived_gpu_metrics(reading: GpuSetReading, infos: Mapping[int, GpuInfo]) -> Metrics:
    """Free VRAM (total minus used, as dcgm-exporter's FB_FREE) and the PCIe link's maximum."""
    out: Metrics = {}
    for gpu in reading.gpus:
        prefix = f"gpu{gpu.index}."
        if gpu.vram_total_bytes is not None and gpu.vram_used_bytes is not None:
            out[prefix + "vram_free_bytes"] = float(gpu.vram_total_bytes - gpu.vram_used_bytes)
        info = infos.get(gpu.index)
        if info is not None and not gpu.lost:
            out[prefix + "pcie_gen_max"] = _float_or_none(info.pcie_gen_max)
            out[prefix + "pcie_width_max"] = _float_or_none(info.pcie_width_max)
    return out


def smart_health_metrics(reading: SmartReading) -> Metrics:
    """Each drive's SMART self-assessment as 1 (passed) or 0 (failed); absent where smartctl gave none."""
    return {f"smart.{d.name}.passed": None if d.passed is None else float(d.passed) for d in reading.drives}


def _float_or_none(value: int | None) -> float | None:
    return None if value is None else float(value)


class _Families:
    """Metric families by name, filled during one scrape."""

    def __init__(self) -> None:
        self._by_name: dict[str, Metric] = {}

    def add(self, prom: PromName, labels: dict[str, str], value: float) -> None:
        family = self._by_name.get(prom.name)
        if family is None:
            family = self._by_name[prom.name] = Metric(prom.name, prom.help, prom.kind)
        sample_name = prom.name + "_total" if prom.kind == "counter" else prom.name
        family.add_sample(sample_name, labels, value)

    def metrics(self) -> list[Metric]:
        return list(self._by_name.values())
