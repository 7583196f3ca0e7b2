"""Small helpers every check uses: parsing the facts' versions and naming things in details."""

from __future__ import annotations

from app.doctor.records import Facts, FrameworkFact
from app.doctor.versions import Version, parse_version

DRIVER_DOWNLOAD = "https://www.nvidia.com/en-us/drivers/"
FRAMEWORK_NAMES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}


def driver_of(facts: Facts) -> Version | None:
    return None if facts.nvidia_driver is None else parse_version(facts.nvidia_driver, "nvidia_driver")


def label(framework: FrameworkFact) -> str:
    """ "PyTorch 2.5.1 (CUDA 12.4) in /venv/bin/python" """
    name = FRAMEWORK_NAMES.get(framework.name, framework.name)
    build = f"CUDA {framework.cuda}" if framework.cuda else "CPU-only"
    where = f" in {framework.environment}" if framework.environment else ""
    return f"{name} {framework.version} ({build}){where}"


def upgrade_driver_fix(os_name: str, minimum: Version) -> str:
    """The command or download for a driver of at least `minimum`."""
    if os_name == "windows":
        return f"install NVIDIA driver {minimum} or newer from {DRIVER_DOWNLOAD} (or the NVIDIA app), then restart"
    return (
        f"install NVIDIA driver {minimum} or newer (branch R{minimum.major} or later): Ubuntu `sudo ubuntu-drivers "
        f"install`, or {DRIVER_DOWNLOAD}; then reboot"
    )


def why_missing(facts: Facts, path: str) -> str:
    """The reason the gatherer gave for a fact it could not read."""
    for fact_path, reason in facts.missing:
        if fact_path == path:
            return reason
    return "the facts do not say"
