"""NVIDIA GPUs: the NVML adapter, simulated GPUs, and the records both produce."""
