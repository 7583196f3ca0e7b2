#!/usr/bin/env bash
# Builds the portable dist/aiwm-<version>-linux-x86_64.tar.gz from the bundle dist/aiwm/ (`make tarball`).
#
#   packaging/linux/build_tarball.sh [BUNDLE_DIR [OUT_DIR]]      defaults: dist/aiwm and dist
#
# It unpacks into one folder aiwm-<version>/: aiwm/ (the bundle; run aiwm/aiwm), share/ (menu entry, metainfo,
# icons), install-user.sh (adds the menu entry for this user, no root) and README.txt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bundle=$(realpath -m "${1:-$AIWM_ROOT/dist/aiwm}")
out=$(realpath -m "${2:-$AIWM_ROOT/dist}")
aiwm_check_bundle "$bundle" build_tarball
version=$(aiwm_version) || exit 2
top="aiwm-$version"
tarball="$out/aiwm-$version-linux-x86_64.tar.gz"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -d -m 0755 "$stage/$top"
cp -a "$bundle" "$stage/$top/aiwm"
find "$stage/$top/aiwm" -depth -type d -name __pycache__ -exec rm -rf {} +
aiwm_install_share "$stage/$top/share"
install -m 0755 "$AIWM_ROOT/packaging/linux/install-user.sh" "$stage/$top/install-user.sh"
# The system packages the bundle leaves to the system: the .deb's Depends (packaging/linux/deb/depends).
system_packages=$(sed -e 's/#.*//' "$AIWM_ROOT/packaging/linux/deb/depends" | xargs | fold -s -w 96 | sed 's/ *$//')
# The oldest glibc the bundle runs with (the build machine's glibc sets it), as the .deb's libc6 (>= ...).
libc_floor=$(python3 "$AIWM_ROOT/packaging/linux/deb_libs.py" libc-floor "$bundle")
cat > "$stage/$top/README.txt" <<README
AI Workstation Manager $version, portable build for Linux x86-64.

Run:                    ./aiwm/aiwm            (the window; ./aiwm/aiwm --help for the commands)
Add to your app menu:   ./install-user.sh      (for you alone, no root; --remove takes it away)
Uninstall:              ./install-user.sh --remove, then delete this folder.

It uses these system packages (Debian/Ubuntu names; the .deb package installs them for you):
$system_packages
Install them with: sudo apt-get install <the names above>${libc_floor:+
It needs glibc $libc_floor or newer (ldd --version shows yours).}
README
chmod -R u+rwX,go+rX,go-w "$stage/$top"

mkdir -p "$out"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$stage/aiwm.tar.gz" "$top"
mv -f "$stage/aiwm.tar.gz" "$tarball"
echo "build_tarball: $tarball ($(du -k "$tarball" | cut -f1) KiB)"
