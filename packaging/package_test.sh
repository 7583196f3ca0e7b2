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
.venv-build/bin/python packaging/bundle_size.py dist/aiwm --json build/bundle-size.json | tail -1

work=$(mktemp -d)

# Runs one installed or unpacked `aiwm` as a user would (cwd=/, no PYTHONPATH, a fresh data folder)
# and prints its time from process start to the first painted window.
first_paint() {
    local program=$1 timings="$work/timings.json" help
    # `aiwm --flag` runs `aiwm gui --flag`: the flag may be listed by either help.
    help=$(cd / && env -u PYTHONPATH "$program" --help && env -u PYTHONPATH "$program" gui --help)
    if grep -q -- "--smoke-test" <<< "$help"; then
        (cd / && env -u PYTHONPATH AIWM_HOME="$work/home" "$program" --smoke-test --timings "$timings")
        local seconds
        seconds=$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["first_paint_s"])' "$timings")
        echo "package-test: $program --smoke-test passed; first paint $seconds s after process start"
    else
        # Until the smoke test lands: a screenshot right after the first paint; the whole run
        # (start, paint, save, exit) bounds the time to the first painted window from above.
        echo "package-test: SKIPPED $program --smoke-test (no such flag in this aiwm yet); timing a screenshot instead"
        local start_ns elapsed_ms
        start_ns=$(date +%s%N)
        (cd / && env -u PYTHONPATH AIWM_HOME="$work/home" QT_QPA_PLATFORM=offscreen \
            "$program" --demo --screenshot "$work/window-$start_ns.png" --after 0)
        elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
        echo "package-test: $program: start to painted window, saved and exited: ${elapsed_ms} ms"
    fi
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
