#!/usr/bin/env bash
# `make package-test` (after `make bundle`): the bundle's tests against dist/aiwm, then the .deb
# built, installed with its dependencies, smoke-tested from the installed command with cwd=/ and no
# PYTHONPATH, and removed again. Prints the bundle's size and its time to a painted window.
# The .deb steps are skipped, saying so, in a checkout without the .deb recipe.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

echo "package-test: the bundle's tests (tests/packaging, marker bundle) against dist/aiwm"
AIWM_BUNDLE="$root/dist/aiwm" .venv/bin/python -m pytest -m bundle -q -p no:cacheprovider tests/packaging

echo "package-test: bundle size"
.venv-build/bin/python packaging/bundle_size.py dist/aiwm --json build/bundle-size.json | tail -1

work=$(mktemp -d)

# Runs one installed or unpacked `aiwm` as a user would (cwd=/, no PYTHONPATH, a fresh data folder)
# through its smoke test, and prints its time from process start to the first painted window.
# An aiwm without --smoke-test fails here: the smoke test is what this step checks.
first_paint() {
    local program=$1 timings="$work/timings.json" seconds
    (cd / && env -u PYTHONPATH AIWM_HOME="$work/home" "$program" --smoke-test --timings "$timings") || {
        echo "package-test: FAIL: $program --smoke-test failed (exit $?)"
        exit 1
    }
    seconds=$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["first_paint_s"])' "$timings")
    echo "package-test: $program --smoke-test passed; first paint $seconds s after process start"
}

if [ ! -f packaging/linux/build_deb.sh ]; then
    echo "package-test: SKIPPED the .deb (build, install, remove): packaging/linux/build_deb.sh is not in this checkout"
    first_paint "$root/dist/aiwm/aiwm"
    exit 0
fi
# zstd: seconds instead of xz's minutes for ~220 MB on two cores (a release keeps xz: plain `make deb`).
AIWM_DEB_COMPRESSION=${AIWM_DEB_COMPRESSION:-zstd} make deb
deb="$root/dist/aiwm_${version}_amd64.deb"
[ -f "$deb" ] || { echo "package-test: FAIL: make deb made no $deb"; exit 1; }
$sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb"
trap '$sudo_cmd dpkg -r aiwm >/dev/null 2>&1 || true' EXIT
first_paint /usr/bin/aiwm
trap - EXIT
$sudo_cmd dpkg -r aiwm
if [ -e /opt/aiwm ] && [ -n "$(ls -A /opt/aiwm)" ]; then
    echo "package-test: FAIL: dpkg -r aiwm left files under /opt/aiwm:"; ls -la /opt/aiwm; exit 1
fi
echo "package-test: ok"
