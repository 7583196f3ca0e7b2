#!/usr/bin/env bash
# `make package-test` (after `make bundle`): the bundle's tests against dist/aiwm, then the .deb
# built, installed with its dependencies, smoke-tested from the installed command with cwd=/ and no
# PYTHONPATH, and removed again. Prints the bundle's size and its time to a painted window.
# Steps whose tool has not landed yet (the .deb recipe, `aiwm --smoke-test`) are skipped, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

echo "package-test: the bundle's tests (tests/packaging, marker bundle) against dist/aiwm"
AIWM_BUNDLE="$root/dist/aiwm" .venv/bin/python -m pytest -m bundle -q -p no:cacheprovider tests/packaging

echo "package-test: bundle size"
.venv/bin/python packaging/bundle_size.py dist/aiwm --json build/bundle-size.json | tail -1

if [ ! -f packaging/linux/build_deb.sh ]; then
    echo "package-test: SKIPPED the .deb install and smoke test: packaging/linux/build_deb.sh is not in this checkout"
    exit 0
fi
make deb
deb="$root/dist/aiwm_${version}_amd64.deb"
[ -f "$deb" ] || { echo "package-test: FAIL: make deb made no $deb"; exit 1; }
$sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb"
trap '$sudo_cmd dpkg -r aiwm >/dev/null 2>&1 || true' EXIT

work=$(mktemp -d)
timings="$work/timings.json"
if (cd / && env -u PYTHONPATH /usr/bin/aiwm --help) | grep -q -- "--smoke-test"; then
    (cd / && env -u PYTHONPATH HOME="$work" /usr/bin/aiwm --smoke-test --timings "$timings")
    first_paint=$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["first_paint_s"])' "$timings")
    echo "package-test: installed aiwm --smoke-test passed; first paint $first_paint s after process start"
else
    # Until the smoke test lands: a screenshot of the window right after its first paint; the
    # whole run (start, paint, save, exit) bounds the time to the first painted window from above.
    echo "package-test: SKIPPED aiwm --smoke-test (this aiwm has no such flag); timing a screenshot instead"
    start_ns=$(date +%s%N)
    (cd / && env -u PYTHONPATH AIWM_HOME="$work/home" QT_QPA_PLATFORM=offscreen \
        /usr/bin/aiwm --demo --screenshot "$work/window.png" --after 0)
    elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    echo "package-test: start to painted window and exit: ${elapsed_ms} ms"
fi

trap - EXIT
$sudo_cmd dpkg -r aiwm
if [ -e /opt/aiwm ] && [ -n "$(ls -A /opt/aiwm)" ]; then
    echo "package-test: FAIL: dpkg -r aiwm left files under /opt/aiwm:"; ls -la /opt/aiwm; exit 1
fi
echo "package-test: ok"
