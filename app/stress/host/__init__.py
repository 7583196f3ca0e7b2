"""The host's stress workloads (CPU, RAM, disk): each runs in worker processes started with "spawn"."""
