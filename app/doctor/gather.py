"""Gather the live machine's facts for the doctor: the driver and GPUs from the engine, the CUDA
toolkits and cuDNN on disk, the frameworks of each Python environment (asked in subprocesses,
side by side, each with a timeout), and the upkeep and security facts.

Nothing here imports a framework. What cannot be read is None with the reason in `Facts.missing`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.engine import Engine
from app.core.paths import data_dir
from app.core.proc import run_command
from app.core.procfs import PROCFS
from app.doctor.facts.cudnn import find_headers, find_libraries
from app.doctor.facts.driver import Runner, read_driver_facts
from app.doctor.facts.environments import EnvironmentSearch, find_interpreters, interpreter_in, unique_interpreters
from app.doctor.facts.frameworks import PROBE_TIMEOUT_S, ProbeAnswer, probe_environment, run_in_own_group
from app.doctor.facts.sshd import ssh_password_login
from app.doctor.facts.system import data_folder_disk, firewall_active, pending_security_updates
from app.doctor.facts.toolkits import ToolkitSearch, cuda_library_paths, find_toolkits
from app.doctor.records import CudnnFact, EnvironmentFact, Facts, FrameworkFact, SystemFacts, ToolkitFact

Missing = list[tuple[str, str]]


@dataclass(frozen=True)
class Places:
    """Where the gathering reads: the real machine by default; tests point these at fake trees."""

    root: Path = Path("/")
    procfs: Path = PROCFS
    sysfs: Path | None = None  # None: the engine's
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    home: Path = field(default_factory=Path.home)
    windows: bool = os.name == "nt"
    run: Runner = run_command
    probe_run: Runner = run_in_own_group  # each probe in its own process group, killed whole on a time-out
    own_interpreter: Path | None = None  # None: this program's, unless it is a frozen bundle
    probe_timeout_s: float = PROBE_TIMEOUT_S
    data_folder: Path | None = None  # None: app.core.paths.data_dir()
    conda_search: bool = True


def gather_facts(engine: Engine, extra_environments: Sequence[Path] = (), places: Places | None = None) -> Facts:
    """The live machine's facts; frameworks are asked in subprocesses with a timeout."""
    places = places or Places()
    with ThreadPoolExecutor(max_workers=1) as side:  # apt-get's simulation takes seconds: overlap it
        system = side.submit(_system, places)
        facts = _gather(engine, extra_environments, places)
        system_facts, system_missing = system.result()
    return replace(facts, system=system_facts, missing=facts.missing + tuple(system_missing))


def _gather(engine: Engine, extra_environments: Sequence[Path], places: Places) -> Facts:
    missing: Missing = []
    driver = read_driver_facts(engine, places.procfs, places.sysfs or engine.options.sysfs, places.run, places.windows)
    missing += driver.missing
    toolkits, toolkit_missing = find_toolkits(ToolkitSearch(places.root, places.env, places.windows, places.run))
    missing += toolkit_missing
    frameworks, pip_cudnns, environments = _frameworks(
        _interpreters(extra_environments, places, missing), places, missing
    )
    cudnns = _disk_cudnns(toolkits, places) + pip_cudnns
    if not cudnns:
        missing.append(("cudnn", "no cuDNN header, library or pip package found"))
    return Facts(
        os="windows" if places.windows else "linux",
        nvidia_driver=driver.nvidia_driver,
        gpus=driver.gpus,
        cuda_toolkit=toolkits[0].version if toolkits else None,
        cudnn=_three_parts(cudnns[0].version) if cudnns else None,
        frameworks=frameworks,
        toolkits=toolkits,
        cudnns=cudnns,
        nvml_error=driver.nvml_error,
        kernel_module_version=driver.kernel_module_version,
        nouveau_loaded=driver.nouveau_loaded,
        cuda_library_paths=cuda_library_paths(ToolkitSearch(places.root, places.env, places.windows, places.run)),
        simulated=driver.simulated,
        missing=tuple(missing),
        environments=environments,
    )


def _three_parts(version: str) -> str:
    """ "9.1.0" from the pip package's "9.1.0.70": the form the facts document and the tables use."""
    return ".".join(version.split(".")[:3])


def find_python_environments() -> list[Path]:
    """Python interpreters worth checking besides our own: conda environments, found automatically."""
    return find_interpreters(EnvironmentSearch())


def _interpreters(extra: Sequence[Path], places: Places, missing: Missing) -> list[Path]:
    """Our own interpreter, the ones the user named, then conda's; each once."""
    found: list[Path] = []
    own = places.own_interpreter
    if own is None and getattr(sys, "frozen", False):
        missing.append(("environments[own]", "this program is a bundle: its Python has no frameworks to ask"))
    else:
        found.append(own or Path(sys.executable))
    for path in extra:
        interpreter = interpreter_in(path, places.windows)
        if interpreter is None:
            missing.append((f"environments[{path}]", f"{path} is not a Python environment: no python in it"))
        else:
            found.append(interpreter)
    if places.conda_search:
        found += find_interpreters(EnvironmentSearch(places.home, places.env, places.windows, places.run))
    return unique_interpreters(found)


def _frameworks(
    interpreters: list[Path], places: Places, missing: Missing
) -> tuple[tuple[FrameworkFact, ...], tuple[CudnnFact, ...], tuple[EnvironmentFact, ...]]:
    """Each interpreter probed side by side, so the slowest sets the time, not their sum."""
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(interpreters)))) as pool:
        answers: list[ProbeAnswer] = list(
            pool.map(lambda path: probe_environment(path, places.probe_timeout_s, places.probe_run), interpreters)
        )
    frameworks: list[FrameworkFact] = []
    cudnns: list[CudnnFact] = []
    for answer in answers:
        missing += answer.missing
        missing += [(f"frameworks[{len(frameworks) + i}].{name}", why) for i, name, why in answer.framework_reasons]
        frameworks += answer.frameworks
        cudnns += answer.cudnns
    if not frameworks:
        asked = ", ".join(str(path) for path in interpreters) or "none"
        missing.append(("frameworks", f"no PyTorch, TensorFlow or JAX in the Python environments asked ({asked})"))
    return tuple(frameworks), tuple(cudnns), tuple(answer.environment for answer in answers)


def _disk_cudnns(toolkits: tuple[ToolkitFact, ...], places: Places) -> tuple[CudnnFact, ...]:
    """cuDNN headers and libraries in each toolkit, the system's folders and the library path."""
    toolkit_dirs = [Path(toolkit.path) for toolkit in toolkits]
    system_include = [places.root / "usr" / "include", *sorted((places.root / "usr" / "include").glob("*-linux-gnu"))]
    system_lib = [
        places.root / "usr" / "lib",
        places.root / "usr" / "lib64",
        *sorted((places.root / "usr" / "lib").glob("*-linux-gnu")),
    ]
    variable = "PATH" if places.windows else "LD_LIBRARY_PATH"
    lib_path = [Path(entry) for entry in places.env.get(variable, "").split(";" if places.windows else ":") if entry]
    headers = find_headers([*(folder / "include" for folder in toolkit_dirs), *system_include])
    libraries = find_libraries(
        [*(folder / name for folder in toolkit_dirs for name in ("lib64", "lib", "bin")), *system_lib, *lib_path]
    )
    return tuple(headers + libraries)


def _system(places: Places) -> tuple[SystemFacts, Missing]:
    firewall, firewall_why = firewall_active(places.root, places.run, places.windows)
    ssh = ssh_password_login(places.root) if not places.windows else None
    updates, updates_why = pending_security_updates(places.root, places.run, places.windows)
    folder = places.data_folder or data_dir()
    encrypted, device, encrypted_why = data_folder_disk(folder, places.run, places.windows)
    windows_ssh = "the Windows SSH server's configuration is not read"
    reasons = {
        "system.firewall_active": firewall_why,
        "system.ssh_password_login": ssh.why if ssh else windows_ssh,
        "system.pending_security_updates": updates_why,
        "system.data_folder_encrypted": encrypted_why,
        "system.ssh_server_installed": None if ssh else windows_ssh,
        "system.data_device": encrypted_why if device is None else None,
    }
    missing = [(path, why) for path, why in reasons.items() if why]
    system = SystemFacts(
        firewall_active=firewall,
        ssh_password_login=ssh.password_login if ssh else None,
        pending_security_updates=updates,
        data_folder_encrypted=encrypted,
        ssh_server_installed=ssh.installed if ssh else None,
        data_folder=str(folder),
        data_device=device,
    )
    return system, missing
