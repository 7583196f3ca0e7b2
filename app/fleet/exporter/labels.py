"""dcgm-exporter's labels for each GPU, made once from the inventory.

dcgm-exporter's template (internal/pkg/rendermetrics/render_metrics.go in NVIDIA/dcgm-exporter)
labels every GPU series with `gpu` (the index), `UUID`, `pci_bus_id`, `device` (`nvidia<N>`),
`modelName` and the host name (`Hostname` until its commit d5e5f51 of 2026-05-12 renamed it
`hostname`; we keep `Hostname`, which the released exporters and dashboards use). A simulated GPU
adds `simulated="true"`, so a demo can never pass for a real card in Prometheus either.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.gpu.records import GpuInfo

GpuLabels = Mapping[str, str]


def gpu_labels(info: GpuInfo, hostname: str) -> dict[str, str]:
    """The label set of one GPU's series; a field the GPU did not report is left out, not faked."""
    labels = {
        "gpu": str(info.index),
        # The NVIDIA device file is /dev/nvidia<minor>; NVML numbers GPUs by PCI order, which is the
        # minor number on a standard install, so the index stands in for it.
        "device": f"nvidia{info.index}",
        "Hostname": hostname,
    }
    if info.uuid:
        labels["UUID"] = info.uuid
    if info.name:
        labels["modelName"] = info.name
    if info.pci_bus_id:
        labels["pci_bus_id"] = info.pci_bus_id
    if info.simulated:
        labels["simulated"] = "true"
    return labels


def labels_by_index(gpus: tuple[GpuInfo, ...], hostname: str) -> dict[int, dict[str, str]]:
    return {info.index: gpu_labels(info, hostname) for info in gpus}
