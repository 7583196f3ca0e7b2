"""`aiwm thermal`: the cooling test (idle, load, cooldown) on one GPU or the CPU, and its verdict.

Exit status: 0 pass, warn or inconclusive; 1 fail; 3 aborted (the guard before the load); 130 when
Ctrl+C cancelled it (the aborted result is still saved); 2 for bad input, said in one line.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, Any

from app.cli.output import print_out, say
from app.core.errors import UserError

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.core.sampling.live import LiveSession
    from app.stress.records import Progress, ThermalResult, Workload
    from app.stress.thermal.run import ThermalPlan

EXIT_BY_VERDICT = {"pass": 0, "warn": 0, "inconclusive": 0, "fail": 1, "aborted": 3}
EXIT_INTERRUPTED = 130
WAIT_S = 0.2


def thermal_command(args: argparse.Namespace) -> int:
    from app.cli.checks import open_engine
    from app.core.sampling.live import LiveSession
    from app.core.settings import AlertSettings
    from app.stress.guard import SafetyGuard
    from app.stress.store import save_result
    from app.stress.thermal.document import thermal_document
    from app.stress.thermal.run import ThermalPlan

    plan = ThermalPlan(args.device, idle_s=args.idle, load_s=args.duration, cooldown_s=args.cooldown)
    engine = open_engine(args)
    try:
        check_device(engine, plan.device)
        workload = make_thermal_workload(engine, plan.device)
        guard = SafetyGuard(engine.inventory())
        session = LiveSession(engine, AlertSettings())
    except BaseException:
        engine.close()
        raise
    label = " SIMULATED" if engine.simulated and plan.device != "cpu" else ""  # the CPU is real, even with --demo
    say(
        f"aiwm: cooling test of{label} {plan.device}: {plan.idle_s:g} s idle, {plan.load_s:g} s load,"
        f" {plan.cooldown_s:g} s cooldown (Ctrl+C cancels)"
    )
    result, interrupted = _run(plan, workload, session, guard)
    document = thermal_document(result)
    where = save_result(document)
    print_out(_json(document) if args.json else thermal_text(document))
    say(f"aiwm: result saved to {where}")
    return EXIT_INTERRUPTED if interrupted else EXIT_BY_VERDICT[result.verdict]


def check_device(engine: Engine, device: str) -> None:
    """A GPU the inventory has (with --demo, a simulated one), or the CPU; else one line, exit 2."""
    from app.stress.thermal.collect import gpu_index

    index = gpu_index(device)
    if index is None:
        return
    gpus = engine.inventory().gpus
    if not gpus:
        raise UserError(f"no NVIDIA GPU: {engine.gpu_backend.status().status} (try --demo for a simulated one)")
    if index >= len(gpus):
        raise UserError(f"--device {device}: this machine has GPUs gpu0 to gpu{len(gpus) - 1}")


def make_thermal_workload(engine: Engine, device: str) -> Workload:
    """The full-load workload for the device, from the stress tests' factory (GPU burn or CPU matrices)."""
    from app.stress.factory import make_workload
    from app.stress.thermal.collect import gpu_index

    index = gpu_index(device)
    return make_workload("cpu", engine) if index is None else make_workload("gpu", engine, index)


def _run(plan: ThermalPlan, workload: Workload, session: LiveSession, guard: Any) -> tuple[ThermalResult, bool]:
    """Run the test on a thread of its own, so Ctrl+C here cancels it cleanly and still gets a result."""
    from app.stress.thermal.run import run_thermal

    cancel, done = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}
    show = _progress_line if sys.stderr is not None and sys.stderr.isatty() else None

    def work() -> None:
        try:
            outcome["result"] = run_thermal(plan, workload, session, guard, cancel, show)
        except BaseException as error:  # handed to the main thread, raised there
            outcome["error"] = error
        finally:
            done.set()

    # waited for with an Event, not Thread.join: a Ctrl+C inside join can leave the thread looking
    # finished while it still runs (seen with CPython 3.11: the result was never handed over)
    thread = threading.Thread(target=work, name="aiwm-thermal", daemon=True)
    session.start()
    interrupted = False
    try:
        thread.start()
        while not done.is_set():
            try:
                done.wait(WAIT_S)
            except KeyboardInterrupt:
                interrupted = True
                cancel.set()
    finally:
        cancel.set()
        done.wait()
        thread.join()
        session.stop()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], interrupted


def _progress_line(progress: Progress) -> None:
    sys.stderr.write(f"\r{progress.message:<60}")
    sys.stderr.flush()


def _json(document: dict[str, Any]) -> str:
    import json

    return json.dumps(document, indent=2, ensure_ascii=False)


METRIC_LINES = (
    ("idle_c", "idle temperature", "°C", 1),
    ("peak_c", "peak temperature", "°C", 1),
    ("steady_c", "steady temperature", "°C", 1),
    ("time_to_steady_s", "time to steady state", "s", 0),
    ("time_constant_s", "time constant (fitted)", "s", 0),
    ("headroom_to_slowdown_c", "headroom to slowdown", "°C", 1),
    ("headroom_to_max_operating_c", "headroom to max operating", "°C", 1),
    ("clock_drop_percent", "clock drop", "%", 1),
    ("sustained_ratio", "sustained performance (worst/best)", "", 3),
    ("throttle_percent", "clocks held by a limit (any reason)", "% of load", 1),
    ("power_fraction", "steady power / limit", "", 2),
    ("c_per_w", "effective thermal resistance", "°C/W", 3),
    ("cooldown_s", "cooldown to idle + 5 °C", "s", 0),
)


def thermal_text(doc: dict[str, Any]) -> str:
    """The result for a person: verdict and reasons, each metric ("n/a (why)" when missing), baseline."""
    simulated = doc["simulated"]
    lines = ["*** SIMULATED GPU (--demo): not real hardware ***"] if simulated else []
    lines.append(f"Cooling test of {doc['device']}{' [SIMULATED]' if simulated else ''}: {doc['verdict'].upper()}")
    lines += [f"  {reason}" for reason in doc["reasons"]]
    missing = doc["details"].get("missing", {})
    lines.append("Metrics")
    for key, label, unit, digits in METRIC_LINES:
        value = doc["metrics"].get(key)
        shown = f"{value:.{digits}f} {unit}".rstrip() if value is not None else f"n/a ({missing.get(key, 'not read')})"
        lines.append(f"  {label:<36} {shown}")
    lines.append("Baseline")
    lines += [f"  {line}" for line in doc["baseline_comparison"]] or ["  (not compared)"]
    truth = doc.get("simulated_truth")
    if truth:
        lines.append(
            f"Simulator's truth: steady {truth['steady_c']:.1f} °C, time constant {truth['time_constant_s']:.0f} s"
            f" (model τ {truth['model_time_constant_s']:.0f} s, with the fan curve's feedback)"
        )
    return "\n".join(lines)
