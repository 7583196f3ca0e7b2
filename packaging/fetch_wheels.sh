#!/usr/bin/env bash
# Wheels for `make device-check` on an offline x86-64 machine with CPython 3.12 (override PY_VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."
py_version=${PY_VERSION:-3.12}
rm -rf .whl && mkdir .whl
python3 -m pip download -q --only-binary=:all: --python-version "$py_version" --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform any -d .whl -r requirements/device.txt
ls .whl
