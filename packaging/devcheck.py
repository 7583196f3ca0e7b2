"""`make device-check`: on a machine with a real NVIDIA GPU, check our readings against nvidia-smi.

Prints `aiwm snapshot --json`, compares it with `nvidia-smi -q -x` taken right after, runs the
real-GPU tests (tests/device), then the commands a user runs (`aiwm stress gpu`, `aiwm stress vram`,
`aiwm thermal`, `aiwm doctor`) on the real GPU, and exits non-zero on any strict mismatch, failed
test or failed command. `AIWM_DEVICE_CLI_S` sets the stress commands' seconds (20 by default).
It lives in packaging/, not in the `app` package: it runs the tests of a source checkout, which an
installed program does not have (packaging/device_check.sh runs it with the checkout on PYTHONPATH).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.core.engine import Engine
from app.core.gpu.nvml_source import NvidiaBackend
from app.core.gpu.smi_compare import compare, parse_smi_xml
from app.core.proc import run_command
from app.core.snapshot import take_snapshot

ROOT = Path(__file__).resolve().parents[1]
STRESS_FIGURES = ROOT / "test-artifacts" / "gpu-stress.json"
# requirements/device.txt has no pytest-qt, so pyproject's qt_* options are unknown there; with
# filterwarnings = error that PytestConfigWarning aborted the run before any test (seen on an H200).
DEVICE_PYTEST_ARGS = ("-W", "ignore::pytest.PytestConfigWarning", "-m", "device", "-v", str(ROOT / "tests" / "device"))


def main() -> int:
    with Engine() as engine:
        snapshot = take_snapshot(engine)
    print("== aiwm snapshot --json ==")
    print(json.dumps(snapshot, indent=2))
    if snapshot["nvidia"]["status"] != "ok":
        print(f"device-check: FAIL: NVML not usable: {snapshot['nvidia']['status']}")
        return 1
    smi = run_command(["nvidia-smi", "-q", "-x"], timeout_s=60)
    if smi.problem or smi.returncode != 0:
        print(f"device-check: FAIL: nvidia-smi: {smi.problem or smi.stderr.strip()}")
        return 1
    checks = compare(snapshot, parse_smi_xml(smi.stdout))
    print("== aiwm vs nvidia-smi -q -x ==")
    print("\n".join(check.line() for check in checks))
    mismatches = [c for c in checks if c.strict and not c.ok]
    print("== one NVML tick on the real driver ==")
    print(json.dumps(nvml_tick_cost()))
    print("== real-GPU tests (tests/device) ==", flush=True)
    STRESS_FIGURES.unlink(missing_ok=True)
    tests = subprocess.run([sys.executable, "-m", "pytest", *DEVICE_PYTEST_ARGS], cwd=ROOT, check=False)
    print_stress_figures()
    print("== NVML per-reason throttle counters (field ids 74, 269, 270, 271) ==")
    print(json.dumps(throttle_counters()))
    failed_commands = run_user_commands()
    print(
        f"device-check: {len(checks) - len(mismatches)}/{len(checks)} comparisons ok, "
        f"{len(mismatches)} mismatches; tests exit status {tests.returncode}; "
        f"{len(failed_commands)} failed commands {failed_commands}"
    )
    return 1 if mismatches or tests.returncode or failed_commands else 0


def throttle_counters() -> dict[str, object]:
    """GPU 0's cumulative throttle seconds per reason, or why NVML gives none."""
    backend = NvidiaBackend()
    try:
        gpu = backend.read().gpus[0]
        names = (
            "throttle_sw_power_cap_s",
            "throttle_sw_thermal_s",
            "throttle_hw_thermal_s",
            "throttle_hw_power_brake_s",
        )
        return {name: getattr(gpu, name) for name in names} | {
            "missing": [m for m in gpu.missing if m[0].startswith("throttle")]
        }
    finally:
        backend.close()


USER_COMMANDS = (
    ("stress", "gpu", "--duration", "{cli_s}", "--json"),
    ("stress", "vram", "--duration", "{cli_s}", "--json"),
    ("thermal", "--device", "gpu0", "--idle", "15", "--duration", "90", "--cooldown", "30", "--json"),
    ("doctor", "--json"),
)


def run_user_commands() -> list[str]:
    """Each command as a user runs it, on the real GPU, with results kept in a temporary data
    folder; prints the verdict lines and returns the commands that failed (doctor may say fail)."""
    cli_s = os.environ.get("AIWM_DEVICE_CLI_S", "20")
    failed = []
    with tempfile.TemporaryDirectory() as home:
        for template in USER_COMMANDS:
            command = [part.format(cli_s=cli_s) for part in template]
            print(f"== aiwm {' '.join(command)} ==", flush=True)
            done = subprocess.run(
                [sys.executable, "-m", "app", *command],
                cwd=ROOT,
                env={**os.environ, "AIWM_HOME": home},
                capture_output=True,
                text=True,
                check=False,
            )
            print(_summary(done.stdout) or done.stdout[-3000:])
            print(done.stderr[-2000:], end="")
            if done.returncode not in (0, 1) or (done.returncode == 1 and command[0] != "doctor"):
                failed.append(f"{command[0]} {command[1]} (exit {done.returncode})")
    return failed


def _summary(stdout: str) -> str | None:
    """The verdict, metrics and reasons of a stress/thermal document; the findings of a doctor one."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    if doc.get("schema") == "aiwm.doctor/1":
        return "\n".join(f"[{f['status']}] {f['title']}: {f['detail']}" for f in doc["findings"])
    keys = ("verdict", "errors", "abort_reason", "duration_s", "metrics", "reasons", "baseline_comparison")
    return json.dumps({key: doc[key] for key in keys if key in doc}, indent=1)


def print_stress_figures() -> None:
    """The GPU burn's TFLOPS against the catalog's peak and the VRAM test's errors, as the device
    tests (tests/device/test_gpu_stress.py) recorded them."""
    print("== GPU stress (FP32 burn, VRAM, tensor burn) ==")
    if not STRESS_FIGURES.exists():
        print("no figures: tests/device/test_gpu_stress.py did not run")
        return
    for name, figures in json.loads(STRESS_FIGURES.read_text(encoding="utf-8")).items():
        metrics = ", ".join(f"{key} {value:.4g}" for key, value in figures["metrics"].items() if value is not None)
        print(f"{name}: {figures['gpu']}, {figures['seconds']} s, {figures['errors']} errors, {metrics}")


def nvml_tick_cost(repeats: int = 200) -> dict[str, float]:
    """CPU and wall milliseconds of one full read of every GPU, as the sampler does each tick."""
    backend = NvidiaBackend()
    try:
        backend.read()
        cpu, wall = [], []
        for _ in range(repeats):
            c0, w0 = time.thread_time(), time.perf_counter()
            backend.read()
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        gpus = max(backend.gpu_count, 1)
        return {
            "gpus": backend.gpu_count,
            "cpu_ms_per_gpu_median": round(statistics.median(cpu) / gpus, 4),
            "wall_ms_per_gpu_median": round(statistics.median(wall) / gpus, 4),
        }
    finally:
        backend.close()


if __name__ == "__main__":
    sys.exit(main())
