"""The tests section: the latest stress and cooling results of this machine's devices, from the
stress store, with the cooling tests' graphs (from the series they carry) and each stress result
against the previous passing run. Results of other hardware (a `--demo` run in a real machine's
report, another GPU under the same index) are left out, and said so in `left_out`."""

from __future__ import annotations

from typing import Any

from app.report.sections.belonging import (
    NOT_VERIFIED,
    SIMULATED_IN_REAL,
    ThisMachine,
    gpu_index,
    gpu_match,
    why_not_this_machine,
)
from app.report.sections.stress_baseline import stress_baseline
from app.report.sections.thermal_graphs import thermal_graphs

STRESS_SCHEMA = "aiwm.stress/1"
THERMAL_SCHEMA = "aiwm.thermal/1"
_TEST_NAMES = {THERMAL_SCHEMA: "Cooling test", STRESS_SCHEMA: "Stress"}


def stored_results(schema: str, missing: dict[str, str], path: str) -> list[dict[str, Any]]:
    """Every stored result of `schema`, oldest first; none, with the reason, when they cannot be read."""
    try:
        from app.stress.store import past_results

        return list(past_results(schema, None))
    except Exception as error:  # an unreadable data folder must not stop the report
        missing[path] = f"stored test results could not be read: {type(error).__name__}: {error}"
    return []


def latest_per_device(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest result of each (kind, device), in device order."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for result in sorted(results, key=lambda r: str(r.get("started_at") or "")):
        latest[(str(result.get("kind", "")), str(result.get("device", "")))] = result
    return [latest[key] for key in sorted(latest)]


def tests_section(
    missing: dict[str, str], graphs: list[dict[str, Any]], machine: ThisMachine | None = None
) -> dict[str, Any]:
    machine = machine or ThisMachine(simulated=True)
    left_out: list[dict[str, Any]] = []
    stress_all = _this_machines(stored_results(STRESS_SCHEMA, missing, "tests.stress"), machine, left_out)
    thermal_all = _this_machines(stored_results(THERMAL_SCHEMA, missing, "tests.thermal"), machine, left_out)
    stress = []
    for number, result in enumerate(latest_per_device(stress_all)):
        entry = _entry(result)
        entry["baseline"], why = stress_baseline(result, stress_all)
        if why:
            missing[f"tests.stress[{number}].baseline"] = why
        stress.append(entry)
    thermal = []
    for number, result in enumerate(latest_per_device(thermal_all)):
        entry = _entry(result)
        index = gpu_index(result.get("device"))
        drawn = thermal_graphs(result, machine.gpus.get(index) if index is not None else None)
        entry["graph"] = drawn[0]["id"] if drawn else None
        entry["graphs"] = [g["id"] for g in drawn]
        graphs += drawn
        if not drawn:
            missing[f"tests.thermal[{number}].graph"] = "the stored result carries no temperature readings to draw"
        thermal.append(entry)
    return {"stress": stress, "thermal": thermal, "left_out": _newest_left_out(left_out)}


def _entry(result: dict[str, Any]) -> dict[str, Any]:
    entry = dict(result)
    match = gpu_match(result)
    if match is not None:
        entry["gpu_match"] = match
    return entry


def _this_machines(
    results: list[dict[str, Any]], machine: ThisMachine, left_out: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The results of this machine's hardware, oldest first; the others go to `left_out` with why."""
    kept = []
    for result in results:
        why = why_not_this_machine(result, machine)
        if why is None:
            kept.append(result)
            continue
        left_out.append(
            {
                "schema": result.get("schema"),
                "kind": result.get("kind") or "thermal",
                "device": result.get("device"),
                "started_at": result.get("started_at"),
                "verdict": result.get("verdict"),
                "simulated": bool(result.get("simulated")),
                "why": why,
            }
        )
    return kept


def _newest_left_out(left_out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest left-out result of each (schema, kind, device), with how many were left out (the
    simulated ones of a real machine's report apart from those of another GPU)."""
    newest: dict[tuple[str, str, str, bool], dict[str, Any]] = {}
    counts: dict[tuple[str, str, str, bool], int] = {}
    for item in sorted(left_out, key=lambda r: str(r.get("started_at") or "")):
        key = (str(item["schema"]), str(item["kind"]), str(item["device"]), item["why"] == SIMULATED_IN_REAL)
        newest[key] = item
        counts[key] = counts.get(key, 0) + 1
    return [{**newest[key], "count": counts[key]} for key in sorted(newest)]


def test_lines(section: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Summary lines for the latest results (and for devices whose only results were left out), and their verdicts."""
    lines, verdicts = [], []
    for result in section["thermal"]:
        verdict = str(result.get("verdict") or "unknown")
        lines.append(f"Cooling test {result.get('device')}: {verdict.upper()} ({_when(result)})")
        verdicts.append(verdict)
    for result in section["stress"]:
        verdict = str(result.get("verdict") or "unknown")
        baseline = (result.get("baseline") or {}).get("line")
        lines.append(f"Stress {result.get('kind')} {result.get('device')}: {verdict.upper()} ({_when(result)})")
        if baseline:
            lines[-1] += f"; {baseline}"
        verdicts.append(verdict)
    return lines + _left_out_lines(section), verdicts


def _when(result: dict[str, Any]) -> str:
    """ "2026-11-28", and that the GPU is not verified when the result recorded no UUID."""
    day = str(result.get("started_at"))[:10]
    return (
        f"{day}; GPU not verified: the result does not record its UUID"
        if result.get("gpu_match") == NOT_VERIFIED
        else day
    )


def _left_out_lines(section: dict[str, Any]) -> list[str]:
    """One line for the simulated results a real machine's report leaves out; one per test and device
    whose stored results are all of other hardware (another GPU under the same index)."""
    shown = {(str(r.get("kind") or "thermal"), str(r.get("device"))) for r in section["stress"] + section["thermal"]}
    left_out = section.get("left_out") or []
    simulated = sum(int(item["count"]) for item in left_out if item["why"] == SIMULATED_IN_REAL)
    lines = []
    if simulated:
        lines.append(
            f"{simulated} stored test result(s) of SIMULATED hardware (--demo) left out of this real machine's report"
        )
    for item in left_out:
        if (str(item["kind"]), str(item["device"])) in shown or item["why"] == SIMULATED_IN_REAL:
            continue
        name = _TEST_NAMES.get(str(item["schema"]), "Test")
        test = name if item["schema"] == THERMAL_SCHEMA else f"{name} {item['kind']}"
        many = f"; {item['count']} stored results left out" if item["count"] > 1 else ""
        lines.append(
            f"{test} {item['device']}: no result of this machine's hardware (the latest stored, "
            f"{str(item['started_at'])[:10]}, is left out: {item['why']}{many})"
        )
    return lines
