"""Small helpers every check uses: parsing the facts' versions, naming things in details, and the
fixes several checks give (a driver, a pip command), each as words and a command to paste.

Commands are written to run as they stand: on Linux in bash, on Windows in PowerShell (the
default terminal); requirement specifiers are in double quotes, which both read the same way.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from app.doctor.knowledge import Knowledge
from app.doctor.records import Facts, FrameworkFact
from app.doctor.versions import Version, parse_version

DRIVER_DOWNLOAD = "https://www.nvidia.com/en-us/drivers/"
FRAMEWORK_NAMES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}
BLACKWELL_CC = Version((10, 0), "10.0")  # from Blackwell on, the driver's open kernel modules are required


@dataclass(frozen=True)
class Fix:
    """What to do in words, and the exact command where one fits."""

    words: str
    command: str | None = None


def driver_of(facts: Facts) -> Version | None:
    return None if facts.nvidia_driver is None else parse_version(facts.nvidia_driver, "nvidia_driver")


def label(framework: FrameworkFact) -> str:
    """ "PyTorch 2.5.1 (CUDA 12.4) in /venv/bin/python" """
    name = FRAMEWORK_NAMES.get(framework.name, framework.name)
    build = f"CUDA {framework.cuda}" if framework.cuda else "CPU-only"
    where = f" in {framework.environment}" if framework.environment else ""
    return f"{name} {framework.version} ({build}){where}"


def gpu_names(facts: Facts) -> str:
    """ "2 NVIDIA GPUs (NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3090)": every GPU, by name."""
    count = len(facts.gpus)
    kind = "SIMULATED GPU" if facts.simulated else "NVIDIA GPU"
    return f"{count} {kind}{'s' if count != 1 else ''} ({', '.join(gpu.name for gpu in facts.gpus)})"


def python_command(python: str | None, os_name: str) -> str:
    """How to start `python` in the user's shell: quoted for bash, or PowerShell's call operator."""
    if python is None:
        return "python"
    if os_name == "windows":
        return f'& "{python}"' if " " in python else python
    return shlex.quote(python)


def pip_command(python: str | None, os_name: str, *arguments: str) -> str:
    """`<python> -m pip <arguments>` (plain `pip` when the environment is unknown)."""
    pip = "pip" if python is None else f"{python_command(python, os_name)} -m pip"
    return " ".join((pip, *arguments))


def driver_package_branch(knowledge: Knowledge, minimum: Version | None) -> int:
    """The lowest branch NVIDIA still supports that brings a driver of at least `minimum`."""
    branches = sorted(knowledge.current_lifecycle.branches)
    floor = minimum.major if minimum is not None else 0
    return next((b for b in branches if b >= floor), max(branches[-1], floor))


def upgrade_driver_fix(facts: Facts, knowledge: Knowledge, minimum: Version | None) -> Fix:
    """Install a driver of at least `minimum` (None: any current one), for the facts' OS."""
    if facts.os == "windows":
        what = f"NVIDIA driver {minimum} or newer" if minimum else "a current NVIDIA driver"
        return Fix(f"install {what} from {DRIVER_DOWNLOAD} or the NVIDIA app, then restart Windows")
    branch = driver_package_branch(knowledge, minimum)
    open_modules = any(_cc_at_least(gpu.compute_capability, BLACKWELL_CC) for gpu in facts.gpus)
    package = f"nvidia-driver-{branch}{'-open' if open_modules else ''}"
    what = f"NVIDIA driver {minimum} or newer" if minimum else "a current NVIDIA driver"
    words = (
        f"install {what} (R{branch} is a supported branch), then reboot; the command is for"
        f" Ubuntu and Debian with NVIDIA's packages; elsewhere use your distribution's packages or {DRIVER_DOWNLOAD}"
    )
    if open_modules:
        words += "; Blackwell GPUs need the open kernel modules (the -open package)"
    return Fix(words, f"sudo apt install {package} && sudo reboot")


def _cc_at_least(text: str | None, floor: Version) -> bool:
    return text is not None and parse_version(text, "compute_capability") >= floor


def why_missing(facts: Facts, path: str) -> str:
    """The reason the gatherer gave for a fact it could not read."""
    for fact_path, reason in facts.missing:
        if fact_path == path:
            return reason
    return "the facts do not say"
