"""Doctor reports as the rules would give them, for the page's tests and its screenshot.

The page only shows what a report says, so these are written out by hand; the numbers are real
ones from the published tables in ../shared/research/compatibility-and-planning.md:
- RTX 5090 (GeForce Blackwell): compute capability 12.0, buildable from CUDA 12.8;
- PyTorch 2.5 cu124 wheels carry sm_50, sm_60, sm_70, sm_75, sm_80, sm_86, sm_90 (builder #1932);
- CUDA 12.x builds run on Linux drivers >= 525.60.13 (minor-version compatibility);
- cuDNN 9.1.0 supports compute capability 5.0 – 9.0.
The findings are in the rules' order, not grouped: grouping them is the page's job.
"""

from __future__ import annotations

from app.doctor.records import (
    CudnnFact,
    DoctorReport,
    Facts,
    Finding,
    FrameworkFact,
    GpuFact,
    SystemFacts,
    ToolkitFact,
)

VENV_PYTHON = "/home/ana/venvs/llm/bin/python"
CU124_ARCHS = ("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90")

RTX_5090_FACTS = Facts(
    os="linux",
    nvidia_driver="570.133.07",
    gpus=(GpuFact("NVIDIA GeForce RTX 5090", "12.0", "00000000:01:00.0", 5, 5, 16, 16, False),),
    cuda_toolkit="12.8",
    cudnn="9.1.0",
    frameworks=(
        FrameworkFact("torch", "2.5.1+cu124", "12.4", "9.1.0", CU124_ARCHS, True, VENV_PYTHON),
        FrameworkFact("tensorflow", "2.17.0", None, None, None, False, VENV_PYTHON),
    ),
    toolkits=(
        ToolkitFact("12.8", "/usr/local/cuda-12.8", "nvcc on PATH"),
        ToolkitFact("12.4", "/usr/local/cuda-12.4", "LD_LIBRARY_PATH"),
    ),
    cudnns=(CudnnFact("9.1.0", "/home/ana/venvs/llm/lib/python3.11/site-packages", "pip nvidia-cudnn-cu12", 12),),
    kernel_module_version="570.133.07",
    nouveau_loaded=False,
    system=SystemFacts(firewall_active=True, ssh_password_login=True, pending_security_updates=3),
    missing=(("system.data_folder_encrypted", "lsblk is not installed"),),
)

TWO_TOOLKITS_FIX = "export CUDA_HOME=/usr/local/cuda-12.8\nexport LD_LIBRARY_PATH=/usr/local/cuda-12.8/lib64"
TORCH_CU128_FIX = "pip install --upgrade torch --index-url https://download.pytorch.org/whl/cu128"

FAILING = DoctorReport(
    overall="fail",
    facts=RTX_5090_FACTS,
    findings=(
        Finding(
            "driver.loaded",
            "pass",
            "NVIDIA driver loaded",
            "driver 570.133.07 answers through NVML; the kernel module is the same version",
        ),
        Finding(
            "framework.arch_not_covered",
            "fail",
            "PyTorch 2.5.1+cu124 has no kernels for the RTX 5090",
            f"torch 2.5.1+cu124 in {VENV_PYTHON} was built for sm_50, sm_60, sm_70, sm_75, sm_80, sm_86, sm_90;"
            " the GPU has compute capability 12.0 (sm_120), which needs a CUDA 12.8 or newer build",
            "install a PyTorch build for CUDA 12.8, which has sm_120",
            TORCH_CU128_FIX,
        ),
        Finding(
            "driver.new_enough_for_framework",
            "pass",
            "Driver new enough for torch's CUDA 12.4",
            "driver 570.133.07 >= 525.60.13 required by CUDA 12.x builds",
        ),
        Finding(
            "toolkit.several",
            "warn",
            "Two CUDA toolkits found",
            "12.8 at /usr/local/cuda-12.8 (nvcc on PATH) and 12.4 at /usr/local/cuda-12.4 (LD_LIBRARY_PATH):"
            " a build may compile with one and load the other's libraries",
            "use the toolkit in use alone: the command sets it for this shell",
            TWO_TOOLKITS_FIX,
        ),
        Finding(
            "toolkit.builds_for_gpu",
            "pass",
            "CUDA 12.8 can build for compute capability 12.0",
            "sm_120 is a target of CUDA 12.8 and newer",
        ),
        Finding(
            "cudnn.gpu_not_supported",
            "warn",
            "cuDNN 9.1.0 does not list compute capability 12.0",
            "cuDNN 9.1.0 supports compute capability 5.0 – 9.0; the RTX 5090 is 12.0",
            "use cuDNN 9.7.0 or newer, built for CUDA 12.8 or newer: https://developer.nvidia.com/cudnn-downloads",
        ),
        Finding(
            "gpu.persistence_off",
            "info",
            "Persistence mode is off on GPU 0",
            "with no program using the GPU the driver tears down its state; the next CUDA start takes longer",
            "turn persistence mode on until the next boot",
            "sudo nvidia-smi -pm 1",
        ),
        Finding(
            "security.ssh_password_login",
            "warn",
            "SSH accepts password logins",
            "/etc/ssh/sshd_config: PasswordAuthentication yes",
            "after a key login works, turn password logins off and reload the SSH server",
            "echo 'PasswordAuthentication no' | sudo tee /etc/ssh/sshd_config.d/00-no-passwords.conf"
            " && sudo systemctl reload ssh",
        ),
        Finding(
            "security.data_folder_encrypted",
            "skip",
            "Encryption of the data folder not checked",
            "lsblk is not installed: cannot tell whether the data folder is on an encrypted disk",
        ),
        Finding(
            "framework.cpu_only",
            "warn",
            "TensorFlow 2.17.0 is a CPU-only build",
            f"tf.sysconfig.get_build_info() names no CUDA in {VENV_PYTHON}, on a machine with an NVIDIA GPU",
            "install TensorFlow with its CUDA libraries",
            f'{VENV_PYTHON} -m pip install "tensorflow[and-cuda]==2.17.0"',
        ),
        Finding("driver.nouveau", "pass", "nouveau is not loaded", "/proc/modules lists nvidia, not nouveau"),
        Finding(
            "framework.cuda_available",
            "pass",
            "torch sees the GPU",
            f"torch.cuda.is_available() is True in {VENV_PYTHON}",
        ),
    ),
)

RTX_4090_FACTS = Facts(
    os="linux",
    nvidia_driver="550.54.14",
    gpus=(GpuFact("NVIDIA GeForce RTX 4090", "8.9"),),
    cuda_toolkit="12.4",
    cudnn="9.1.0",
    frameworks=(FrameworkFact("torch", "2.5.1+cu124", "12.4", "9.1.0", CU124_ARCHS, True, "/usr/bin/python3"),),
)

PASSING = DoctorReport(
    overall="pass",
    facts=RTX_4090_FACTS,
    findings=(
        Finding("driver.loaded", "pass", "NVIDIA driver loaded", "driver 550.54.14 answers through NVML"),
        Finding(
            "framework.arch_covered",
            "pass",
            "PyTorch 2.5.1+cu124 runs on the RTX 4090",
            "compute capability 8.9 runs the sm_86 kernels (same major, lower minor)",
        ),
        Finding(
            "gpu.persistence_off",
            "info",
            "Persistence mode is off on GPU 0",
            "the next CUDA start takes longer",
            "turn persistence mode on until the next boot",
            "sudo nvidia-smi -pm 1",
        ),
    ),
)

SIMULATED = DoctorReport(
    overall="warn",
    facts=Facts(
        os="linux",
        nvidia_driver=None,
        gpus=(
            GpuFact("NVIDIA GeForce RTX 4090 [SIMULATED]", "8.9"),
            GpuFact("NVIDIA GeForce RTX 3090 [SIMULATED]", None),
        ),
        cuda_toolkit=None,
        cudnn=None,
        frameworks=(),
        simulated=True,
        missing=(
            ("nvidia_driver", "simulated GPUs: no driver was asked"),
            ("gpus[1].compute_capability", "not in the simulated catalog"),
            ("cuda_toolkit", "no nvcc on PATH, CUDA_HOME unset, no /usr/local/cuda*"),
            ("frameworks", "torch, tensorflow and jax are not installed in /usr/bin/python3"),
        ),
    ),
    findings=(
        Finding(
            "framework.none",
            "warn",
            "No ML framework found",
            "torch, tensorflow and jax are not installed in /usr/bin/python3",
            "install PyTorch",
            "pip install torch --index-url https://download.pytorch.org/whl/cu126",
        ),
    ),
)
