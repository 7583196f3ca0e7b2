"""CPU cost of one read of each source, and of one NVML tick per GPU against the stand-in library."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psutil
from _common import ROOT, cpu_ms_per_call, emit

from app.core.engine import Engine, EngineOptions
from app.core.procfs import cpu_core_times


def baseline_psutil_host() -> None:
    psutil.cpu_times(percpu=True)
    psutil.virtual_memory()
    psutil.swap_memory()
    psutil.disk_io_counters(perdisk=True)
    psutil.net_io_counters(pernic=True)


def per_source(engine: Engine, repeats: int) -> dict[str, dict[str, float]]:
    out = {}
    for source in engine.sources():
        if source.name == "smart":
            continue  # runs a program per drive at a 60 s interval; not a per-tick cost
        source.read()
        out[source.name] = cpu_ms_per_call(source.read, repeats if source.name != "gpu_pcie" else 5)
    return out


SCALE_GPUS = ("rtx4090",) * 4 + ("a100-80gb",) * 4


def recorded_proc_128_cores(folder: Path) -> Path:
    """A /proc root with the recorded 128-core /proc/stat and a workstation's disks, NICs and memory."""
    data = ROOT / "tests" / "data"
    shutil.copytree(data / "procfs_workstation" / "t0", folder, dirs_exist_ok=True)
    shutil.copy(data / "procfs_128cores" / "t0" / "stat", folder / "stat")
    return folder


def cpu_ms_per_tick(sources: dict[str, dict[str, float]], intervals: dict[str, float]) -> float:
    """Median CPU of one 1 s tick: each source's read, weighted by how often it runs (5 s sources count 1/5)."""
    return round(sum(cost["cpu_ms_median"] / max(1.0, intervals[name]) for name, cost in sources.items()), 4)


def at_scale(repeats: int, folder: Path) -> dict[str, Any]:
    """The sampler's cost per tick for 8 simulated GPUs on a 128-core host (the recorded /proc)."""
    options = EngineOptions(demo=",".join(SCALE_GPUS), procfs=recorded_proc_128_cores(folder))
    with Engine(options) as engine:
        sources = per_source(engine, repeats)
        intervals = {s.name: s.interval_s for s in engine.sources()}
    return {
        "gpus": len(SCALE_GPUS),
        "cores": len(cpu_core_times(options.procfs) or ()),
        "sources": sources,
        "cpu_ms_per_tick": cpu_ms_per_tick(sources, intervals),
        "note": "SIMULATED GPUs (4 x RTX 4090, 4 x A100) and a recorded 128-core /proc/stat; "
        "per tick = sum of each source's median read, 5 s sources weighted 1/5, SMART (60 s, a subprocess) left out.",
    }


def build_stub(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.core.gpu.conftest import STUB, nvml_header_dir

    target = folder / "libnvidia-ml.so.1"
    subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", f"-I{nvml_header_dir()}", "-o", str(target), str(STUB / "fake_nvml.c")],
        check=True,
    )
    return target


def nvml_tick(library: Path, scenario: str, repeats: int, folder: Path) -> dict[str, float]:
    from tests.core.gpu.conftest import write_scenario

    os.environ["AIWM_NVML_LIBRARY"] = str(library)
    os.environ["AIWM_FAKE_NVML_SCENARIO"] = str(write_scenario(scenario, folder))
    from app.core.gpu.nvml_source import NvidiaBackend

    backend = NvidiaBackend()
    backend.read()
    result = cpu_ms_per_call(backend.read, repeats)
    result["gpus"] = backend.gpu_count
    result["cpu_ms_per_gpu_median"] = round(result["cpu_ms_median"] / backend.gpu_count, 4)
    backend.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    repeats = 30 if parser.parse_args().quick else 300
    baseline = cpu_ms_per_call(baseline_psutil_host, repeats)
    with Engine(EngineOptions()) as real, Engine(EngineOptions(demo="")) as demo:
        host = per_source(real, repeats)
        simulated = per_source(demo, repeats)
    with tempfile.TemporaryDirectory() as folder:
        scale = at_scale(repeats, Path(folder) / "proc")
        library = build_stub(Path(folder))
        nvml = {
            scenario: nvml_tick(library, scenario, repeats, Path(folder))
            for scenario in ("geforce_rtx4090", "two_models")
        }
    host_total = sum(v["cpu_ms_median"] for k, v in host.items() if k not in ("gpu", "gpu_pcie"))
    emit(
        "sampler",
        {
            "repeats": repeats,
            "baseline_psutil_host_reading": baseline,
            "host_sources": host,
            "host_sources_cpu_ms_total": round(host_total, 4),
            "host_total_vs_baseline": round(host_total / baseline["cpu_ms_median"], 2),
            "simulated_gpu_sources": {k: v for k, v in simulated.items() if k.startswith("gpu")},
            "scale_8_gpus_128_cores": scale,
            "scale_cpu_ms_per_tick_vs_baseline": round(scale["cpu_ms_per_tick"] / baseline["cpu_ms_median"], 2),
            "nvml_stand_in": nvml,
            "note": "NVML figures are the adapter's own cost (pynvml + ctypes + records) against the stand-in; "
            "a real driver adds its own time per call (make device-check measures it on a GPU machine).",
        },
    )


if __name__ == "__main__":
    main()
