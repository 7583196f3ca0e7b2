"""Health series an operator alerts on: NVML down, no GPU to sample, and sources whose read failed.

Without them a broken driver update makes the GPU series vanish and nothing goes to 0.
`aiwm_source_up` is only "the newest read returned a reading": drives the read could not read are
`aiwm_source_problem`, so a VM whose virtio disks have no SMART does not fire `aiwm_source_up == 0`.
"""

from __future__ import annotations

import os
import signal

from app.core.gpu.records import NvidiaStatus
from app.core.records import SmartHealth, SmartReading
from app.core.sampling.sample import Sample
from app.fleet.exporter.collector import ReadingsCollector
from app.fleet.exporter.latest import LatestSamples
from tests.fleet.exporter.helpers import fetch_metrics, gpu_info, gpu_reading, gpu_sample, scrape, start_serving

HOST = ("Hostname", "ws01")
NO_LIBRARY = NvidiaStatus("NVML library not found", None, None, None, cause="library_not_found")
OK = NvidiaStatus("ok", "560.35.03", "12.6", "12.560.35.03")


def _collector(*samples: Sample, nvidia: NvidiaStatus, gpus: int = 0) -> ReadingsCollector:
    latest = LatestSamples()
    for sample in samples:
        latest.update(sample)
    infos = tuple(gpu_info(i) for i in range(gpus))
    return ReadingsCollector(latest, infos, "ws01", wall_clock=lambda: 1000.5, nvidia=nvidia)


def _smart(*drives: SmartHealth) -> Sample:
    return Sample("smart", 60.0, 1000.0, 0.01, 0.0, SmartReading(drives))


def _unread(name: str, problem: str) -> SmartHealth:
    return SmartHealth(name, None, None, None, None, None, None, problem=problem)


def test_without_a_driver_the_gpu_source_is_served_as_down_with_nvmls_cause() -> None:
    scraped = scrape(_collector(_smart(), nvidia=NO_LIBRARY))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "gpu")}))] == 0.0
    assert scraped[("aiwm_nvml_up", frozenset({HOST, ("cause", "library_not_found")}))] == 0.0


def test_with_nvml_answering_the_gpu_source_is_up_and_nvml_up_is_1() -> None:
    scraped = scrape(_collector(gpu_sample(gpu_reading(0, temperature_c=50.0)), nvidia=OK, gpus=1))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "gpu")}))] == 1.0
    assert scraped[("aiwm_nvml_up", frozenset({HOST, ("cause", "ok")}))] == 1.0
    assert [key for key in scraped if key[0] == "aiwm_source_up" and ("source", "gpu") in key[1]] == [
        ("aiwm_source_up", frozenset({HOST, ("source", "gpu")}))
    ]


def test_before_the_first_gpu_sample_a_working_gpu_is_not_reported_down() -> None:
    scraped = scrape(_collector(nvidia=OK, gpus=1))
    assert ("aiwm_source_up", frozenset({HOST, ("source", "gpu")})) not in scraped


def test_nvml_answering_with_no_gpu_serves_the_gpu_source_as_down() -> None:
    no_gpu = NvidiaStatus("no NVIDIA GPU found", "560.35.03", "12.6", "12.560.35.03", cause="no_gpu")
    scraped = scrape(_collector(nvidia=no_gpu))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "gpu")}))] == 0.0
    assert scraped[("aiwm_nvml_up", frozenset({HOST, ("cause", "no_gpu")}))] == 0.0


def test_smart_with_no_drive_read_stays_up_and_says_why_per_drive() -> None:
    missing = "smartctl is not installed"
    scraped = scrape(_collector(_smart(_unread("nvme0n1", missing), _unread("sda", missing)), nvidia=NO_LIBRARY))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "smart")}))] == 1.0
    for drive in ("nvme0n1", "sda"):
        labels = frozenset({HOST, ("source", "smart"), ("device", drive), ("problem", missing)})
        assert scraped[("aiwm_source_problem", labels)] == 1.0


def test_smart_with_some_drives_read_stays_up_and_names_the_unread_one() -> None:
    read = SmartHealth("nvme0n1", True, 3.0, 0, 41.0, 0.0, 0.0)
    scraped = scrape(_collector(_smart(read, _unread("sda", "smartctl needs root to read this drive")), nvidia=OK))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "smart")}))] == 1.0
    problems = [key for key in scraped if key[0] == "aiwm_source_problem"]
    assert problems == [
        (
            "aiwm_source_problem",
            frozenset(
                {HOST, ("source", "smart"), ("device", "sda"), ("problem", "smartctl needs root to read this drive")}
            ),
        )
    ]


def test_a_vm_whose_virtio_disks_smartctl_cannot_read_is_up_with_a_problem_per_disk() -> None:
    # What the trial saw on VMs: smartctl answers "/dev/vda: Unable to detect device type" for a virtio disk.
    why = "smartctl: Unable to detect device type"
    scraped = scrape(_collector(_smart(_unread("vda", why)), nvidia=OK))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "smart")}))] == 1.0
    labels = frozenset({HOST, ("source", "smart"), ("device", "vda"), ("problem", why)})
    assert scraped[("aiwm_source_problem", labels)] == 1.0


def test_a_source_whose_newest_read_failed_is_down() -> None:
    failed = Sample("smart", 60.0, 1000.0, 0.01, 0.0, None, error="smartctl timed out")
    scraped = scrape(_collector(failed, nvidia=OK))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "smart")}))] == 0.0
    assert not [key for key in scraped if key[0] == "aiwm_source_problem"]


def test_a_failed_gpu_read_is_down_though_nvml_answered() -> None:
    failed = Sample("gpu", 1.0, 1000.0, 0.01, 0.0, None, error="NVML timed out")
    scraped = scrape(_collector(failed, nvidia=OK, gpus=1))
    assert scraped[("aiwm_source_up", frozenset({HOST, ("source", "gpu")}))] == 0.0


def test_aiwm_serve_without_a_usable_nvml_serves_the_gpu_source_as_0() -> None:
    """A real run with NVML pointed at a library that does not exist, as after a broken driver update."""
    env = {**os.environ, "AIWM_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"}
    process, url = start_serving(demo=False, env=env)
    try:
        text = fetch_metrics(url, wait_for='aiwm_source_up{Hostname="')
        gpu_up = [line for line in text.splitlines() if line.startswith("aiwm_source_up{") and 'source="gpu"' in line]
        assert len(gpu_up) == 1 and gpu_up[0].endswith(" 0.0"), gpu_up
        nvml = [line for line in text.splitlines() if line.startswith("aiwm_nvml_up{")]
        assert len(nvml) == 1 and 'cause="named_library_unusable"' in nvml[0] and nvml[0].endswith(" 0.0"), nvml
        assert "DCGM_FI_DEV_GPU_TEMP{" not in text
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
