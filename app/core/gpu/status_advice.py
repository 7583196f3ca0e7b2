"""What the NVIDIA status means for the user, and what to do about it, in words.

The window shows this where the GPU panels would be, and `aiwm snapshot` prints it, so a machine
without a usable GPU says why and how to fix it instead of showing an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.gpu.records import NvidiaStatus


@dataclass(frozen=True)
class StatusAdvice:
    headline: str
    what_to_do: str

    def text(self) -> str:
        return f"{self.headline}\n{self.what_to_do}"


_ADVICE = {
    "library_not_found": StatusAdvice(
        "No NVIDIA driver is installed (the NVML library, libnvidia-ml, was not found).",
        "Install the NVIDIA driver for your GPU (on Ubuntu: `sudo ubuntu-drivers install`), then reboot. "
        "If it is installed in an unusual place, point AIWM_NVML_LIBRARY at libnvidia-ml.so.1.",
    ),
    "driver_not_loaded": StatusAdvice(
        "The NVIDIA driver is installed but not loaded.",
        "Load it with `sudo modprobe nvidia` or reboot. If it still does not load, Secure Boot may be "
        "blocking the unsigned module (`dmesg | grep -i nvidia`); enrol the key or disable Secure Boot.",
    ),
    "version_mismatch": StatusAdvice(
        "The NVIDIA driver was updated, but the old version is still running (driver/library version mismatch).",
        "Reboot to load the new driver. Until then no program can use the GPU through NVML.",
    ),
    "no_permission": StatusAdvice(
        "This user may not open the NVIDIA driver (no permission on /dev/nvidia*).",
        "Check the permissions of /dev/nvidia* (`ls -l /dev/nvidia*`), add your user to the group that "
        "owns them, or, in a container, pass the GPU through (`--gpus all`).",
    ),
    "no_gpu": StatusAdvice(
        "The NVIDIA driver is running, but it lists no GPU.",
        "Check that the card is seated and powered (`lspci | grep -i nvidia`), that a virtual machine has "
        "the GPU passed through, and that CUDA_VISIBLE_DEVICES/NVIDIA_VISIBLE_DEVICES do not hide it.",
    ),
}


def advise(status: NvidiaStatus) -> StatusAdvice | None:
    """Headline and remedy for a status that keeps GPUs from being read; None when all is well."""
    if status.ok:
        return None
    if status.cause == "named_library_unusable":
        return StatusAdvice(
            f"The NVML library chosen for this program is not usable ({status.status}).",
            "Point AIWM_NVML_LIBRARY at a libnvidia-ml.so.1 that exists (`ldconfig -p | grep libnvidia-ml` lists "
            "the installed ones), or unset AIWM_NVML_LIBRARY to use the one the NVIDIA driver installed.",
        )
    known = _ADVICE.get(status.cause)
    if known is not None:
        return known
    return StatusAdvice(
        f"NVML could not be used: {status.status}.",
        "Run `nvidia-smi`: if it fails too, reinstall the NVIDIA driver and reboot.",
    )
