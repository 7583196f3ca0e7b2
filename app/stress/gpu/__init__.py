"""GPU stress workloads: PTX kernels run through the CUDA driver API (`cuda-bindings`) in a worker process."""
