#!/usr/bin/env bash
# The real-GPU check (make device-check). Needs only python3 and the NVIDIA driver: the Python
# packages come from .whl/ (make wheels, carried along) when present, else from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
site=${AIWM_DEVICE_SITE:-/tmp/aiwm-device-site}
# The pinned set (cuda-bindings 12.9 included) wins over whatever the machine has, so what is
# checked is what we ship: from .whl/ when carried there, else from PyPI when something is missing.
if [ -d .whl ]; then
    "$python" -m pip install -q --no-index --find-links .whl --target "$site" -r requirements/device.txt
    export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
elif ! "$python" -c "import numpy, psutil, platformdirs, pynvml, pytest, pytest_timeout, cuda.bindings" 2>/dev/null; then
    "$python" -m pip install -q --target "$site" -r requirements/device.txt
    export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,temperature.gpu,power.limit --format=csv
exec "$python" packaging/devcheck.py
