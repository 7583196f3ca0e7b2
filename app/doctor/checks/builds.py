"""Does each framework build carry code for each GPU, and is it a GPU build at all?"""

from __future__ import annotations

from dataclasses import replace

from app.doctor.checks.common import Fix, driver_of, gpu_names, label, pip_command, python_command
from app.doctor.checks.lookups import (
    architecture_of,
    best_torch_wheel,
    compute_capability,
    coverage,
    cuda_builds_for,
    tf_release,
    torch_variant,
)
from app.doctor.knowledge import Architecture, Knowledge
from app.doctor.records import Facts, Finding, FrameworkFact, GpuFact
from app.doctor.versions import Version, parse_version

ARCHIVE = "https://developer.nvidia.com/cuda-toolkit-archive"


def framework_subject(facts: Facts, framework: FrameworkFact) -> str:
    return f"frameworks[{facts.frameworks.index(framework)}]"


def gpu_subject(facts: Facts, gpu: GpuFact) -> str:
    return f"gpus[{facts.gpus.index(gpu)}]"


def arch_in_builds(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """Each GPU's compute capability against each CUDA framework build's architecture list."""
    findings = []
    for framework in facts.frameworks:
        if framework.cuda is None or framework.error is not None:
            continue
        for gpu in facts.gpus:
            finding = _arch_in_build(facts, knowledge, framework, gpu)
            subject = f"{framework_subject(facts, framework)}/{gpu_subject(facts, gpu)}"
            findings.append(replace(finding, subject=subject))
    return findings


def _arch_in_build(facts: Facts, knowledge: Knowledge, framework: FrameworkFact, gpu: GpuFact) -> Finding:
    title = f"{gpu.name} in {label(framework)}"
    cc, cc_source = compute_capability(knowledge, gpu)
    if cc is None:
        return Finding("gpu.arch_in_build", "skip", title, f"compute capability of {gpu.name} unknown ({cc_source})")
    arch_list, where = _arch_list(knowledge, framework)
    if arch_list is None:
        return _arch_by_cuda_range(knowledge, framework, cc, title, where, facts.os)
    covered = coverage(arch_list, cc)
    listed = " ".join(arch_list)
    if covered == "sass":
        return Finding(
            "gpu.arch_in_build", "pass", title, f"compute capability {cc} has native code ({where}: {listed})"
        )
    if covered == "ptx":
        return Finding(
            "gpu.arch_in_build",
            "info",
            title,
            f"compute capability {cc} has no native code, only PTX the driver compiles at start-up ({where}: {listed})",
        )
    fix = _rebuild_fix(facts, knowledge, framework)
    return Finding(
        "gpu.arch_in_build",
        "fail",
        title,
        f"no sm_{cc.major}x (x <= {cc.minor}) and no compute_XY <= {cc.major}{cc.minor} in the build ({where}:"
        f" {listed}): it has no kernels for compute capability {cc}",
        fix.words if fix else None,
        fix.command if fix else None,
    )


def _arch_list(knowledge: Knowledge, framework: FrameworkFact) -> tuple[tuple[str, ...] | None, str]:
    if framework.arch_list is not None:
        return framework.arch_list, "reported arch list"
    if framework.name == "torch":
        known = torch_variant(knowledge, framework)
        if known is not None:
            release, variant = known
            return variant.arch_list, f"official {release.version} {variant.tag} wheel, per {release.cited.source}"
    return None, "no arch list reported"


def _arch_by_cuda_range(
    knowledge: Knowledge, framework: FrameworkFact, cc: Version, title: str, where: str, os_name: str
) -> Finding:
    """Without an arch list: the build's CUDA must be able to build for the architecture (and TF needs >= 3.5)."""
    arch = architecture_of(knowledge, cc)
    cuda = parse_version(framework.cuda, f"{framework.name} cuda")
    if arch is None:
        return Finding(
            "gpu.arch_in_build", "skip", title, f"{where}; compute capability {cc} is not in the architecture table"
        )
    if framework.name == "torch":
        return Finding(
            "gpu.arch_in_build", "skip", title, f"{where}, and this PyTorch build is not in the PyTorch table"
        )
    if framework.name == "tensorflow" and cc < knowledge.tensorflow_min_cc:
        return Finding(
            "gpu.arch_in_build",
            "fail",
            title,
            f"TensorFlow supports compute capability >= {knowledge.tensorflow_min_cc}; this GPU is {cc}",
        )
    if cuda_builds_for(arch, cuda):
        return Finding(
            "gpu.arch_in_build", "pass", title, f"{where}; CUDA {cuda} builds for {arch.name} (compute capability {cc})"
        )
    last = f"last built by CUDA {arch.last_cuda}" if arch.last_cuda else f"first built by CUDA {arch.first_cuda}"
    detail = f"{where}; CUDA {cuda} cannot build for {arch.name} ({cc}): {last}"
    fix = _older_tensorflow_fix(knowledge, framework, arch, os_name)
    return Finding("gpu.arch_in_build", "fail", title, detail, fix.words if fix else None, fix.command if fix else None)


def _older_tensorflow_fix(
    knowledge: Knowledge, framework: FrameworkFact, arch: Architecture, os_name: str
) -> Fix | None:
    """The newest TensorFlow whose tested CUDA still builds for the architecture."""
    if framework.name != "tensorflow":
        return None
    fitting = [r for r in knowledge.tensorflow if cuda_builds_for(arch, r.cuda)]
    if not fitting:
        return None
    release = max(fitting, key=lambda r: r.version)
    return Fix(
        f"install TensorFlow {release.version}, the newest tested with a CUDA that builds for {arch.name}"
        f" (CUDA {release.cuda}, cuDNN {release.cudnn})",
        pip_command(framework.environment, os_name, "install", f'"tensorflow=={release.version}.*"'),
    )


def _torch_wheel_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact, why: str) -> Fix | None:
    ccs = [cc for cc, _ in (compute_capability(knowledge, gpu) for gpu in facts.gpus) if cc is not None]
    wheel = best_torch_wheel(knowledge, ccs, driver_of(facts), facts.os)
    if wheel is None:
        return None
    words = (
        f"install the official PyTorch {wheel.release.version} {wheel.variant.tag} build, {why}; "
        f"{wheel.note_for(framework)}"
    )
    return Fix(words, wheel.command_for(framework, facts.os))


def _rebuild_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact) -> Fix | None:
    if framework.name != "torch":
        return None
    fix = _torch_wheel_fix(facts, knowledge, framework, "which has code for every GPU here and runs on this driver")
    return fix or Fix(
        "no official PyTorch wheel covers these GPUs on this driver: build PyTorch from source with"
        " TORCH_CUDA_ARCH_LIST set to these GPUs' compute capabilities"
    )


def cpu_only_builds(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """A CPU-only build (or TensorFlow on native Windows) on a machine that has an NVIDIA GPU."""
    if not facts.gpus:
        return []
    findings = []
    for framework in facts.frameworks:
        if framework.error is not None:
            continue
        if framework.name == "tensorflow" and facts.os == "windows":
            finding = _tensorflow_windows(knowledge, framework)
            if finding is not None:
                findings.append(replace(finding, subject=framework_subject(facts, framework)))
                continue
        if framework.cuda is None:
            fix = _gpu_build_fix(facts, knowledge, framework)
            findings.append(
                Finding(
                    "framework.cpu_only",
                    "warn",
                    f"{label(framework)} cannot use the GPU",
                    f"a CPU-only build on a machine with {gpu_names(facts)}: "
                    + ("the GPUs are SIMULATED (--demo); on real ones " if facts.simulated else "")
                    + "it runs on the CPU only",
                    fix.words if fix else None,
                    fix.command if fix else None,
                    framework_subject(facts, framework),
                )
            )
    return findings


def _tensorflow_windows(knowledge: Knowledge, framework: FrameworkFact) -> Finding | None:
    version = parse_version(framework.version, "tensorflow version")
    release = tf_release(knowledge, version)
    if release is not None and release.windows_native_gpu:
        return None
    if release is None and version.major_minor() <= Version((2, 10), "2.10"):
        return None
    source = release.cited.source if release else "https://www.tensorflow.org/install/pip"
    fix = _tensorflow_windows_fix(knowledge, framework)
    return Finding(
        "tensorflow.windows_native",
        "warn",
        f"{label(framework)}: no GPU on native Windows",
        f"TensorFlow {version} > 2.10 has no GPU support on native Windows ({source}): it runs on the CPU",
        fix.words,
        fix.command,
    )


def _tensorflow_windows_fix(knowledge: Knowledge, framework: FrameworkFact) -> Fix:
    """WSL2, or the last native-Windows GPU build where the environment's Python has its wheels."""
    last = knowledge.tensorflow_windows_last
    pythons = f"Python {last.python_min} to {last.python_max}"
    wsl = 'run TensorFlow in WSL2 (there: pip install "tensorflow[and-cuda]")'
    native = (
        f"TensorFlow {last.version}, the last with GPU support on native Windows (CUDA {last.cuda}, cuDNN"
        f" {last.cudnn}), has wheels for {pythons} only ({last.cited.source})"
    )
    if framework.python is None:
        return Fix(f"{wsl}; or, in an environment with {pythons}: {native}")
    python = parse_version(framework.python, "python")
    if last.python_min <= python.major_minor() <= last.python_max:
        command = pip_command(framework.environment, "windows", "install", f'"{last.requirement}"')
        return Fix(f"{wsl}; or install it in this environment (Python {python}): {native}", command)
    return Fix(
        f"{wsl}; or make an environment with {pythons} for the last native-Windows GPU build: this one has"
        f" Python {python}. {native}"
    )


def _gpu_build_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact) -> Fix | None:
    driver = driver_of(facts)
    if framework.name == "torch":
        return _rebuild_fix(facts, knowledge, framework)
    if framework.name == "tensorflow":
        return Fix(
            "install TensorFlow with its CUDA libraries (Linux and WSL2)",
            pip_command(framework.environment, facts.os, "install", '"tensorflow[and-cuda]"'),
        )
    if framework.name == "jax":
        cuda = "cuda13" if driver is not None and driver.major >= 580 else "cuda12"
        return Fix(
            f"install JAX with its {cuda} plugin (driver {driver or 'unknown'})",
            pip_command(framework.environment, facts.os, "install", "--upgrade", f'"jax[{cuda}]"'),
        )
    return None


def cuda_unavailable(facts: Facts) -> list[Finding]:
    """A CUDA build that says no GPU is available although the machine has one. Not asked of
    SIMULATED GPUs: no real framework can see them, so its answer says nothing."""
    findings = []
    for framework in facts.frameworks:
        if framework.cuda is None or framework.cuda_available is not False or framework.error is not None:
            continue
        subject = framework_subject(facts, framework)
        title = f"{label(framework)} sees no GPU"
        if facts.simulated:
            detail = "not checked: the GPUs are SIMULATED (--demo), and no real framework can see a simulated GPU"
            findings.append(Finding("framework.cuda_unavailable", "skip", title, detail, subject=subject))
            continue
        python = python_command(framework.environment, facts.os)
        findings.append(
            Finding(
                "framework.cuda_unavailable",
                "fail",
                title,
                f"a CUDA {framework.cuda} build reports no usable GPU on a machine with {gpu_names(facts)} (see the"
                " driver and architecture findings for the cause)",
                "check that CUDA_VISIBLE_DEVICES is not set to hide the GPUs, see the driver findings above, and"
                " run the command for the error itself",
                f'{python} -c "import torch; torch.zeros(1).cuda()"'
                if framework.name == "torch"
                else f'{python} -c "import {framework.name}"',
                subject,
            )
        )
    return findings


def import_failures(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "framework.import_failed",
            "warn",
            f"{framework.name} {framework.version} does not import",
            f"{framework.error}" + (f" (in {framework.environment})" if framework.environment else ""),
            f"reinstall {framework.name} in that environment",
            pip_command(framework.environment, facts.os, "install", "--force-reinstall", framework.name),
            framework_subject(facts, framework),
        )
        for framework in facts.frameworks
        if framework.error is not None
    ]


def toolkit_builds_for_gpus(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """The installed CUDA toolkit's nvcc can build for each GPU's architecture."""
    if facts.cuda_toolkit is None:
        return []
    cuda = parse_version(facts.cuda_toolkit, "cuda_toolkit")
    findings = []
    for gpu in facts.gpus:
        finding = _toolkit_builds_for(knowledge, cuda, gpu)
        findings.append(replace(finding, subject=gpu_subject(facts, gpu)))
    return findings


def _toolkit_builds_for(knowledge: Knowledge, cuda: Version, gpu: GpuFact) -> Finding:
    title = f"CUDA {cuda} toolkit builds for {gpu.name}"
    cc, why = compute_capability(knowledge, gpu)
    arch = architecture_of(knowledge, cc) if cc is not None else None
    if cc is None or arch is None:
        detail = f"compute capability {cc or 'unknown'} ({why}) not in the architecture table"
        return Finding("toolkit.builds_for_gpu", "skip", title, detail)
    span = f"CUDA {arch.first_cuda} to {arch.last_cuda or 'current'}"
    if cuda_builds_for(arch, cuda):
        return Finding("toolkit.builds_for_gpu", "pass", title, f"{arch.name} ({cc}) is built by {span}")
    return Finding(
        "toolkit.builds_for_gpu",
        "fail",
        title,
        f"CUDA {cuda} cannot build for {arch.name} (compute capability {cc}): only {span} can ({arch.cited.table})",
        f"install a CUDA toolkit from {span}: {ARCHIVE}",
    )
