"""Facts -> findings: every check in a stable order, then the overall status.

The checks live in `app/doctor/checks/`, one module per subject; the tables they use are in
`resources/compat/` (`knowledge`). With no NVIDIA GPU the GPU checks are replaced by one warning;
the checks that do not need a GPU (several toolkits, each environment asked, upkeep) always run.
"""

from __future__ import annotations

from datetime import date

from app.doctor.checks import builds, cudnn, driver, environments, machine, upkeep
from app.doctor.knowledge import Knowledge, default_knowledge
from app.doctor.records import DoctorReport, Facts, Finding, overall_of


def evaluate(facts: Facts, knowledge: Knowledge | None = None, today: date | None = None) -> DoctorReport:
    """Every check on `facts`, in a stable order, and the overall status."""
    knowledge = knowledge or default_knowledge()
    today = today or date.today()
    findings: list[Finding] = []
    if facts.simulated:
        findings.append(
            Finding(
                "facts.simulated",
                "info",
                "SIMULATED GPUs",
                "these facts describe simulated GPUs (--demo), not real hardware",
            )
        )
    no_gpu = driver.no_gpu_finding(facts, knowledge)
    if no_gpu is not None:
        findings.append(no_gpu)
    else:
        findings += _gpu_checks(facts, knowledge, today)
    findings += machine.several_toolkits(facts)
    findings += environments.environment_findings(facts)
    findings += builds.import_failures(facts)
    findings += upkeep.system_upkeep(facts)
    return DoctorReport(overall_of(tuple(findings)), tuple(findings), facts)


def _gpu_checks(facts: Facts, knowledge: Knowledge, today: date) -> list[Finding]:
    findings = driver.driver_loaded(facts)
    findings += machine.nouveau(facts)
    findings += driver.driver_for_frameworks(facts, knowledge)
    findings += driver.driver_for_toolkit(facts, knowledge)
    findings += builds.arch_in_builds(facts, knowledge)
    findings += builds.cpu_only_builds(facts, knowledge)
    findings += builds.cuda_unavailable(facts)
    findings += builds.toolkit_builds_for_gpus(facts, knowledge)
    findings += cudnn.cudnn_matches_cuda(facts, knowledge)
    findings += cudnn.cudnn_supports_gpus(facts, knowledge)
    findings += machine.persistence(facts)
    findings += machine.pcie_links(facts)
    findings += upkeep.driver_branch_eol(facts, knowledge, today)
    findings += upkeep.driver_security(facts, knowledge)
    return findings
