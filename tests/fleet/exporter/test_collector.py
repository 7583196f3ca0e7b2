"""The collector serves hand-made records under dcgm-exporter's names, units and labels.

Expected values are worked out by hand from the records below: dcgm-exporter serves framebuffer
use in MiB and clocks in MHz (etc/default-counters.csv, github.com/NVIDIA/dcgm-exporter d5e5f51).
"""

from __future__ import annotations

from app.core.records import (
    CpuReading,
    DiskIoReading,
    DiskRate,
    DriveTemperature,
    DriveTemperatureReading,
    SmartHealth,
    SmartReading,
)
from app.core.sampling.sample import Sample
from tests.fleet.exporter.helpers import (
    GIB,
    collector_with,
    gpu_info,
    gpu_reading,
    gpu_sample,
    scrape,
    values_of,
)

GPU0_LABELS = {
    "gpu": "0",
    "UUID": "GPU-00000000-aaaa-bbbb-cccc-dddddddddddd",
    "device": "nvidia0",
    "modelName": "NVIDIA GeForce RTX 4090",
    "Hostname": "ws01",
    "pci_bus_id": "00000000:01:00.0",
}


def _busy_gpu0() -> Sample:
    return gpu_sample(
        gpu_reading(
            0,
            temperature_c=67.0,
            power_w=287.5,
            util_percent=97.0,
            mem_util_percent=41.0,
            vram_used_bytes=6 * GIB,
            vram_total_bytes=24 * GIB,
            sm_clock_mhz=2520.0,
            mem_clock_mhz=10501.0,
            clock_event_reasons=("sw_power_cap",),
            throttle_sw_power_cap_s=12.5,
            pcie_gen=1,
            pcie_width=16,
        )
    )


def test_gpu_readings_carry_dcgm_names_units_and_labels() -> None:
    scraped = scrape(collector_with(_busy_gpu0(), gpus=(gpu_info(0),)))
    labels = frozenset(GPU0_LABELS.items())
    expected = {
        "DCGM_FI_DEV_GPU_TEMP": 67.0,
        "DCGM_FI_DEV_POWER_USAGE": 287.5,
        "DCGM_FI_DEV_GPU_UTIL": 97.0,
        "DCGM_FI_DEV_MEM_COPY_UTIL": 41.0,
        "DCGM_FI_DEV_FB_USED": 6144.0,  # 6 GiB in MiB
        "DCGM_FI_DEV_FB_FREE": 18432.0,  # (24 - 6) GiB in MiB
        "DCGM_FI_DEV_SM_CLOCK": 2520.0,
        "DCGM_FI_DEV_MEM_CLOCK": 10501.0,
        "DCGM_FI_DEV_PCIE_LINK_GEN": 1.0,
        "aiwm_gpu_pcie_gen_max": 4.0,
        "DCGM_FI_DEV_PCIE_LINK_WIDTH": 16.0,
        "aiwm_gpu_pcie_width_max": 16.0,
        "aiwm_gpu_throttle_sw_power_cap_seconds_total": 12.5,
    }
    for name, value in expected.items():
        assert scraped.get((name, labels)) == value, name


def test_each_clock_event_reason_is_one_series_of_0_or_1() -> None:
    scraped = scrape(collector_with(_busy_gpu0(), gpus=(gpu_info(0),)))
    reasons = {
        dict(labels)["reason"]: value
        for (name, labels), value in scraped.items()
        if name == "aiwm_gpu_clock_event_active"
    }
    assert len(reasons) == 11  # NVML's eleven clock-event reason bits (app/core/gpu/clock_reasons.py)
    assert reasons["sw_power_cap"] == 1.0
    assert reasons["gpu_idle"] == 0.0
    assert reasons["hw_slowdown"] == 0.0
    assert sum(reasons.values()) == 1.0


def test_a_missing_reading_is_absent_not_zero() -> None:
    reading = gpu_reading(0, temperature_c=55.0)  # everything else missing, as on a card that reports little
    scraped = scrape(collector_with(gpu_sample(reading), gpus=(gpu_info(0),)))
    assert values_of(scraped, "DCGM_FI_DEV_GPU_TEMP") == [55.0]
    for name in ("DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FAN_SPEED"):
        assert values_of(scraped, name) == [], name
    assert values_of(scraped, "aiwm_gpu_clock_event_active") == []  # reasons unknown: no series, not all 0


def test_a_lost_gpu_has_no_series_and_the_other_keeps_its_own() -> None:
    lost = gpu_reading(1, lost=True, missing=(("all", "GPU is lost"),))
    scraped = scrape(
        collector_with(gpu_sample(gpu_reading(0, temperature_c=60.0), lost), gpus=(gpu_info(0), gpu_info(1)))
    )
    gpus_served = {dict(labels).get("gpu") for (name, labels) in scraped if name.startswith(("DCGM_", "aiwm_gpu_"))}
    assert gpus_served == {"0"}


def test_a_simulated_gpu_carries_simulated_true_and_a_real_one_has_no_such_label() -> None:
    real = gpu_reading(0, temperature_c=50.0)
    fake = gpu_reading(1, temperature_c=40.0, simulated=True)
    gpus = (gpu_info(0), gpu_info(1, simulated=True))
    scraped = scrape(collector_with(gpu_sample(real, fake), gpus=gpus))
    temps = {dict(labels)["gpu"]: dict(labels) for (name, labels) in scraped if name == "DCGM_FI_DEV_GPU_TEMP"}
    assert temps["1"]["simulated"] == "true"
    assert "simulated" not in temps["0"]


def test_host_readings_get_aiwm_names_base_units_and_node_exporter_labels() -> None:
    cpu = CpuReading(util_percent=42.5, per_core_percent=(80.0, 5.0), freq_mhz=3600.0, load_1m=1.5, temperature_c=None)
    disks = DiskIoReading((DiskRate("nvme0n1", 1048576.0, None),))
    drives = DriveTemperatureReading((DriveTemperature("nvme0n1", 41.85, 84.85, 89.85),))
    smart = SmartReading(
        (
            SmartHealth("nvme0n1", True, 3.0, 0, 41.0, 0.0, 0.0),
            SmartHealth("sda", False, None, None, None, None, None),
            SmartHealth("sdb", None, None, None, None, None, None, problem="smartctl: permission denied"),
        )
    )
    samples = [
        Sample(name, 1.0, 1000.0, 0.001, 0.001, reading)
        for name, reading in (("cpu", cpu), ("disk_io", disks), ("nvme_temperature", drives), ("smart", smart))
    ]
    scraped = scrape(collector_with(*samples))
    host = ("Hostname", "ws01")
    assert scraped[("aiwm_cpu_util_percent", frozenset({host}))] == 42.5
    assert scraped[("aiwm_cpu_freq_hertz", frozenset({host}))] == 3.6e9  # 3600 MHz
    assert scraped[("aiwm_cpu_core_util_percent", frozenset({host, ("cpu", "1")}))] == 5.0
    assert scraped[("aiwm_disk_read_bytes_per_second", frozenset({host, ("device", "nvme0n1")}))] == 1048576.0
    assert values_of(scraped, "aiwm_disk_write_bytes_per_second") == []
    assert values_of(scraped, "aiwm_cpu_temperature_celsius") == []
    assert scraped[("aiwm_disk_temperature_celsius", frozenset({host, ("device", "nvme0n1")}))] == 41.85
    assert scraped[("aiwm_smart_wear_percent", frozenset({host, ("device", "nvme0n1")}))] == 3.0
    assert scraped[("aiwm_smart_critical_warning", frozenset({host, ("device", "nvme0n1")}))] == 0.0
    assert scraped[("aiwm_smart_passed", frozenset({host, ("device", "nvme0n1")}))] == 1.0
    assert scraped[("aiwm_smart_passed", frozenset({host, ("device", "sda")}))] == 0.0
    assert ("aiwm_smart_passed", frozenset({host, ("device", "sdb")})) not in scraped  # unread: absent


def test_a_failed_source_is_down_with_the_age_of_its_newest_sample() -> None:
    failed = Sample("smart", 60.0, 990.0, 2.0, 0.0, None, error="smartctl timed out")
    scraped = scrape(collector_with(failed, _busy_gpu0(), gpus=(gpu_info(0),), now_s=1002.5))
    host = ("Hostname", "ws01")
    assert scraped[("aiwm_source_up", frozenset({host, ("source", "smart")}))] == 0.0
    assert scraped[("aiwm_source_up", frozenset({host, ("source", "gpu")}))] == 1.0
    assert scraped[("aiwm_source_sample_age_seconds", frozenset({host, ("source", "smart")}))] == 12.5
    assert scraped[("aiwm_source_sample_age_seconds", frozenset({host, ("source", "gpu")}))] == 2.5


def test_the_newest_sample_of_a_source_replaces_the_older_one() -> None:
    older = gpu_sample(gpu_reading(0, temperature_c=40.0), tick_wall_s=999.0)
    newer = gpu_sample(gpu_reading(0, temperature_c=44.0), tick_wall_s=1000.0)
    scraped = scrape(collector_with(older, newer, gpus=(gpu_info(0),)))
    assert values_of(scraped, "DCGM_FI_DEV_GPU_TEMP") == [44.0]
