"""Does each framework build carry code for each GPU, and is it a GPU build at all?"""

from __future__ import annotations

from app.doctor.checks.common import driver_of, label
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


def arch_in_builds(facts: Facts, knowledge: Knowledge) -> list[Finding]:
    """Each GPU's compute capability against each CUDA framework build's architecture list."""
    findings = []
    for framework in facts.frameworks:
        if framework.cuda is None or framework.error is not None:
            continue
        for gpu in facts.gpus:
            findings.append(_arch_in_build(facts, knowledge, framework, gpu))
    return findings


def _arch_in_build(facts: Facts, knowledge: Knowledge, framework: FrameworkFact, gpu: GpuFact) -> Finding:
    title = f"{gpu.name} in {label(framework)}"
    cc, cc_source = compute_capability(knowledge, gpu)
    if cc is None:
        return Finding("gpu.arch_in_build", "skip", title, f"compute capability of {gpu.name} unknown ({cc_source})")
    arch_list, where = _arch_list(knowledge, framework)
    if arch_list is None:
        return _arch_by_cuda_range(knowledge, framework, cc, title, where)
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
        f" {listed}):"
        f" it has no kernels for compute capability {cc}",
        fix,
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


def _arch_by_cuda_range(knowledge: Knowledge, framework: FrameworkFact, cc: Version, title: str, where: str) -> Finding:
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
            None,
        )
    if cuda_builds_for(arch, cuda):
        return Finding(
            "gpu.arch_in_build", "pass", title, f"{where}; CUDA {cuda} builds for {arch.name} (compute capability {cc})"
        )
    last = f"last built by CUDA {arch.last_cuda}" if arch.last_cuda else f"first built by CUDA {arch.first_cuda}"
    detail = f"{where}; CUDA {cuda} cannot build for {arch.name} ({cc}): {last}"
    return Finding("gpu.arch_in_build", "fail", title, detail, _older_tensorflow_fix(knowledge, framework, arch))


def _older_tensorflow_fix(knowledge: Knowledge, framework: FrameworkFact, arch: Architecture) -> str | None:
    """The newest TensorFlow whose tested CUDA still builds for the architecture."""
    if framework.name != "tensorflow":
        return None
    fitting = [r for r in knowledge.tensorflow if cuda_builds_for(arch, r.cuda)]
    if not fitting:
        return None
    release = max(fitting, key=lambda r: r.version)
    pip = f'"{framework.environment}" -m pip' if framework.environment else "pip"
    return f"{pip} install 'tensorflow=={release.version}.*' (tested with CUDA {release.cuda}, cuDNN {release.cudnn})"


def _rebuild_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact) -> str | None:
    if framework.name != "torch":
        return None
    ccs = [cc for cc, _ in (compute_capability(knowledge, gpu) for gpu in facts.gpus) if cc is not None]
    wheel = best_torch_wheel(knowledge, ccs, driver_of(facts), facts.os)
    if wheel is None:
        return (
            "no official PyTorch wheel covers these GPUs on this driver: build from source with TORCH_CUDA_ARCH_LIST"
            " set"
        )
    return wheel.command(framework.environment)


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
                findings.append(finding)
                continue
        if framework.cuda is None:
            findings.append(
                Finding(
                    "framework.cpu_only",
                    "warn",
                    f"{label(framework)} cannot use the GPU",
                    f"a CPU-only build on a machine with {len(facts.gpus)} NVIDIA GPU(s) ({facts.gpus[0].name})",
                    _gpu_build_fix(facts, knowledge, framework),
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
    return Finding(
        "tensorflow.windows_native",
        "warn",
        f"{label(framework)}: no GPU on native Windows",
        f"TensorFlow {version} > 2.10 has no GPU support on native Windows ({source}): it runs on the CPU",
        knowledge.tensorflow_windows_fix,
    )


def _gpu_build_fix(facts: Facts, knowledge: Knowledge, framework: FrameworkFact) -> str | None:
    pip = f'"{framework.environment}" -m pip' if framework.environment else "pip"
    driver = driver_of(facts)
    if framework.name == "torch":
        ccs = [cc for cc, _ in (compute_capability(knowledge, gpu) for gpu in facts.gpus) if cc is not None]
        wheel = best_torch_wheel(knowledge, ccs, driver, facts.os)
        return wheel.command(framework.environment) if wheel else None
    if framework.name == "tensorflow":
        return f"{pip} install 'tensorflow[and-cuda]'"
    if framework.name == "jax":
        cuda = "cuda13" if driver is not None and driver.major >= 580 else "cuda12"
        return f"{pip} install --upgrade 'jax[{cuda}]'"
    return None


def cuda_unavailable(facts: Facts) -> list[Finding]:
    """A CUDA build that says no GPU is available although the machine has one."""
    if not facts.gpus:
        return []
    return [
        Finding(
            "framework.cuda_unavailable",
            "fail",
            f"{label(framework)} sees no GPU",
            f"a CUDA {framework.cuda} build reports no usable GPU on a machine with {len(facts.gpus)} NVIDIA GPU(s)"
            " (see the driver and architecture findings for the cause)",
            "check CUDA_VISIBLE_DEVICES (unset it), the driver findings above, and run"
            f' `{framework.environment or "python"} -c "import torch; torch.zeros(1).cuda()"` for the error',
        )
        for framework in facts.frameworks
        if framework.cuda is not None and framework.cuda_available is False and framework.error is None
    ]


def import_failures(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "framework.import_failed",
            "warn",
            f"{framework.name} {framework.version} does not import",
            f"{framework.error}" + (f" (in {framework.environment})" if framework.environment else ""),
            f"reinstall it: {framework.environment or 'python'} -m pip install --force-reinstall {framework.name}",
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
        title = f"CUDA {cuda} toolkit builds for {gpu.name}"
        cc, why = compute_capability(knowledge, gpu)
        arch = architecture_of(knowledge, cc) if cc is not None else None
        if cc is None or arch is None:
            findings.append(
                Finding(
                    "toolkit.builds_for_gpu",
                    "skip",
                    title,
                    f"compute capability {cc or 'unknown'} ({why}) not in the architecture table",
                )
            )
        elif cuda_builds_for(arch, cuda):
            findings.append(
                Finding(
                    "toolkit.builds_for_gpu",
                    "pass",
                    title,
                    f"{arch.name} ({cc}) is built by CUDA {arch.first_cuda} to {arch.last_cuda or 'current'}",
                )
            )
        else:
            span = f"CUDA {arch.first_cuda} to {arch.last_cuda or 'current'}"
            findings.append(
                Finding(
                    "toolkit.builds_for_gpu",
                    "fail",
                    title,
                    f"CUDA {cuda} cannot build for {arch.name} (compute capability {cc}): only {span} can"
                    f" ({arch.cited.table})",
                    f"install a CUDA toolkit from {span}: https://developer.nvidia.com/cuda-toolkit-archive",
                )
            )
    return findings
