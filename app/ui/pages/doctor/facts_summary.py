"""What the doctor found on the machine, in a few lines: driver, GPUs, CUDA toolkits, cuDNN, frameworks.

Any fact may be unknown; it then reads "n/a" with the reason the gathering gave (`Facts.missing`),
in the text and in the tooltip, so the user sees what could not be read and why.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.core.units import NA
from app.doctor.records import CudnnFact, Facts, FrameworkFact, GpuFact, ToolkitFact
from app.ui.pages.doctor.finding_list import wrapping_label

NOT_REPORTED = "not reported"
# NvidiaStatus.cause, as the facts carry it, in the user's words.
NVML_ERRORS = {
    "library_not_found": "the NVIDIA driver's library (NVML) is not installed",
    "driver_not_loaded": "the NVIDIA kernel driver is not loaded",
    "version_mismatch": "the driver library and the loaded kernel module differ: reboot after a driver update",
    "no_permission": "no permission to talk to the NVIDIA driver",
    "no_gpu": "the driver found no NVIDIA GPU",
    "failed": "NVML failed to start",
}


def unknown(reason: str | None) -> str:
    """ "n/a (why)": a value that could not be read, with the reason the gathering gave."""
    return f"{NA} ({reason or NOT_REPORTED})"


def driver_line(facts: Facts, missing: Mapping[str, str]) -> str:
    """'550.54.14', with the loaded kernel module where it differs; else n/a with NVML's reason."""
    if facts.nvidia_driver is None:
        reason = missing.get("nvidia_driver") or NVML_ERRORS.get(facts.nvml_error or "", facts.nvml_error)
        return unknown(reason)
    line = facts.nvidia_driver
    module = facts.kernel_module_version
    if module is not None and module != facts.nvidia_driver:
        line += f" (loaded kernel module: {module})"
    return line


def gpu_lines(gpus: tuple[GpuFact, ...], missing: Mapping[str, str]) -> str:
    """One line per GPU with its compute capability: 'GPU 0: NVIDIA GeForce RTX 4090, compute capability 8.9'."""
    if not gpus:
        return f"none found ({missing['gpus']})" if "gpus" in missing else "none found"
    lines = []
    for index, gpu in enumerate(gpus):
        capability = gpu.compute_capability or unknown(missing.get(f"gpus[{index}].compute_capability"))
        lines.append(f"GPU {index}: {gpu.name}, compute capability {capability}")
    return "\n".join(lines)


def toolkit_lines(facts: Facts, missing: Mapping[str, str]) -> str:
    """The toolkit in use, then every toolkit found with where it is and how it was found."""
    in_use = facts.cuda_toolkit or unknown(missing.get("cuda_toolkit", "none found"))
    found = [_found_line(toolkit) for toolkit in facts.toolkits]
    return "\n".join([f"in use: {in_use}", *found]) if found else in_use


def cudnn_lines(facts: Facts, missing: Mapping[str, str]) -> str:
    """The cuDNN in use, then every cuDNN found (headers, libraries, pip packages)."""
    in_use = facts.cudnn or unknown(missing.get("cudnn", "none found"))
    found = [_found_line(cudnn) for cudnn in facts.cudnns]
    return "\n".join([f"in use: {in_use}", *found]) if found else in_use


def _found_line(found: ToolkitFact | CudnnFact) -> str:
    return f"• {found.version} at {found.path} ({found.found_by})"


def framework_lines(facts: Facts, missing: Mapping[str, str]) -> str:
    """The frameworks under the Python environment they were found in, in the order gathered."""
    if not facts.frameworks:
        return f"none found ({missing['frameworks']})" if "frameworks" in missing else "none found"
    by_environment: dict[str | None, list[str]] = {}
    for index, framework in enumerate(facts.frameworks):
        line = f"• {_framework_line(framework, index, missing)}"
        by_environment.setdefault(framework.environment, []).append(line)
    return "\n".join(
        line for environment, lines in by_environment.items() for line in (f"{_environment_name(environment)}:", *lines)
    )


def _environment_name(environment: str | None) -> str:
    if environment is None:
        return "Python environment not stated"
    return f"this program's Python ({environment})" if environment == sys.executable else environment


def _framework_line(framework: FrameworkFact, index: int, missing: Mapping[str, str]) -> str:
    """'torch 2.5.1: CUDA 12.4, cuDNN 9.1.0, GPU usable: yes' (or why it failed to import)."""
    head = f"{framework.name} {framework.version}"
    if framework.error is not None:
        return f"{head}: failed to import ({framework.error})"
    path = f"frameworks[{index}]"
    if framework.cuda is not None:
        cuda = f"CUDA {framework.cuda}"
    elif f"{path}.cuda" in missing:
        cuda = f"CUDA {unknown(missing[f'{path}.cuda'])}"
    else:
        cuda = "CPU-only build (no CUDA)"
    parts = [cuda]
    if framework.cuda is not None:
        parts.append(f"cuDNN {framework.cudnn or unknown(missing.get(f'{path}.cudnn'))}")
    if framework.cuda_available is not None:
        parts.append(f"GPU usable: {'yes' if framework.cuda_available else 'no'}")
    elif f"{path}.cuda_available" in missing:
        parts.append(f"GPU usable: {unknown(missing[f'{path}.cuda_available'])}")
    return f"{head}: {', '.join(parts)}"


class FactsSummary(QWidget):
    """The facts the findings were drawn from, as a form: one row per kind of fact."""

    ROWS = ("Operating system", "NVIDIA driver", "GPUs", "CUDA toolkit", "cuDNN", "Frameworks")

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for row in self.ROWS:
            value = wrapping_label(NA)
            self.values[row] = value
            form.addRow(f"{row}:", value)

    def show_facts(self, facts: Facts) -> None:
        """Fill every row from `facts`; a value that is n/a says why in its text and its tooltip."""
        missing = dict(facts.missing)
        texts = {
            "Operating system": facts.os,
            "NVIDIA driver": driver_line(facts, missing),
            "GPUs": gpu_lines(facts.gpus, missing),
            "CUDA toolkit": toolkit_lines(facts, missing),
            "cuDNN": cudnn_lines(facts, missing),
            "Frameworks": framework_lines(facts, missing),
        }
        for row, text in texts.items():
            self.values[row].setText(text)
            self.values[row].setToolTip(text if NA in text else "")
