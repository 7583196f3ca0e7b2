"""One finding per Python environment asked: what it answered (with or without a GPU), that it
has no framework, or that it did not answer (a time-out is not "no framework found")."""

from __future__ import annotations

from app.doctor.checks.common import label, python_command
from app.doctor.records import EnvironmentFact, Facts, Finding, FrameworkFact


def environment_findings(facts: Facts) -> list[Finding]:
    return [_environment(facts, index, environment) for index, environment in enumerate(facts.environments)]


def _environment(facts: Facts, index: int, environment: EnvironmentFact) -> Finding:
    title = f"Python environment {environment.interpreter}"
    subject = f"environments[{index}]"
    if environment.outcome != "answered":
        did = "did not answer in time" if environment.outcome == "timed_out" else "gave no answer"
        return Finding(
            "environment.checked",
            "warn",
            title,
            f"its frameworks were not checked: the probe {did} ({environment.problem}); importing a framework"
            " there may hang or crash",
            "run that Python by hand and import the framework to see what it does",
            f'{python_command(environment.interpreter, facts.os)} -c "import torch"',
            subject,
        )
    python = f"Python {environment.python}" if environment.python else "Python"
    found = [f for f in facts.frameworks if f.environment == environment.interpreter]
    if not found:
        detail = f"no PyTorch, TensorFlow or JAX in {environment.interpreter} ({python})"
        return Finding("environment.checked", "info", title, detail, subject=subject)
    names = "; ".join(_state(facts, framework) for framework in found)
    return Finding("environment.checked", "pass", title, f"{python}: {names}", subject=subject)


def _state(facts: Facts, framework: FrameworkFact) -> str:
    name = label(framework).removesuffix(f" in {framework.environment}")
    if framework.error is not None:
        return f"{name}: does not import (see below)"
    if facts.gpus:
        return f"{name}: checked against the GPUs in the findings on them"
    if framework.cuda is None:
        return f"{name}: fine, no NVIDIA GPU"
    return f"{name}: a CUDA build, but there is no NVIDIA GPU here: it runs on the CPU"
