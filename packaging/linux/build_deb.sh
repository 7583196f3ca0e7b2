#!/usr/bin/env bash
# Builds dist/aiwm_<version>_amd64.deb from the one-folder bundle dist/aiwm/ (`make deb`).
#
#   packaging/linux/build_deb.sh [BUNDLE_DIR [OUT_DIR]]      defaults: dist/aiwm and dist
#
# Layout: the bundle in /opt/aiwm, the command /usr/bin/aiwm (a link to /opt/aiwm/aiwm), the menu entry,
# AppStream metainfo and hicolor icons under /usr/share, the copyright file and changelog in /usr/share/doc/aiwm
# (the third-party licence texts are in the bundle's licenses/ folder, /opt/aiwm/licenses). Maintainer:
# "AIWM maintainers <aiwm@users.noreply.github.com>", or $DEBFULLNAME <$DEBEMAIL> when set.
# Files are owned by root (--root-owner-group), folders 0755, files 0644 except the executable ones (0755). Installed-Size is measured, and Depends is
# packaging/linux/deb/depends plus libc6 (>= the newest glibc symbol version the bundle needs).
#
# AIWM_DEB_COMPRESSION: xz (the default: smallest download, read by every dpkg), gzip, or zstd (needs dpkg
# 1.21.18 or later to install: Debian 12, Ubuntu 21.10). For a ~300 MB bundle on 2 shared cores we measured
# xz 4.5 min / 62 MB, gzip 44 s / 100 MB, zstd 2 s / 94 MB: CI may choose zstd or gzip, releases keep xz.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bundle=$(realpath -m "${1:-$AIWM_ROOT/dist/aiwm}")
out=$(realpath -m "${2:-$AIWM_ROOT/dist}")
aiwm_check_bundle "$bundle" build_deb
for tool in dpkg-deb objdump; do
    command -v "$tool" >/dev/null || { echo "build_deb: $tool is not installed (apt-get install dpkg binutils)" >&2; exit 2; }
done
compression="${AIWM_DEB_COMPRESSION:-xz}"
case "$compression" in
    xz|gzip|zstd) ;;
    *) echo "build_deb: AIWM_DEB_COMPRESSION=$compression: choose xz, gzip or zstd" >&2; exit 2 ;;
esac
version=$(aiwm_version) || exit 2
# A Python pre-release (1.2.0rc1, 1.2.0.dev3) must sort before its release in dpkg too: 1.2.0~rc1.
version=$(sed -E 's/([0-9])(a|b|rc)([0-9]+)/\1~\2\3/; s/\.dev([0-9]+)/~dev\1/' <<< "$version")
architecture=amd64
deb="$out/aiwm_${version}_${architecture}.deb"

# Debian Policy 12.5 and 12.7: the copyright file (DEP-5, packaging/linux/deb/copyright filled in: our part, and
# where the bundled third-party licence texts are) and the changelog, compressed with gzip -9n. aiwm is a native
# package (no Debian revision), so its changelog is changelog.gz; its one entry is this build's version and date.
install_doc() {
    local doc="$1" version="$2" maintainer="$3" epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}" escaped
    escaped=$(sed -e 's/[|&\\]/\\&/g' <<< "$maintainer")  # as sed's replacement: |, & and \ taken literally
    install -d -m 0755 "$doc"
    sed -e "s|@MAINTAINER@|$escaped|" -e "s|@YEAR@|$(date -u -d "@$epoch" +%Y)|" \
        "$AIWM_ROOT/packaging/linux/deb/copyright" > "$doc/copyright"
    printf '%s\n' "aiwm ($version) unstable; urgency=medium" "" \
        "  * AI Workstation Manager $version, built from the one-folder bundle." "" \
        " -- $maintainer  $(date -u -R -d "@$epoch")" | gzip -9n > "$doc/changelog.gz"
    chmod 0644 "$doc/copyright" "$doc/changelog.gz"
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
install -d -m 0755 "$root/opt" "$root/usr/bin" "$root/DEBIAN"
cp -a "$bundle" "$root/opt/aiwm"
# No compiled-Python caches from a test run of the bundle: dpkg would own them, and they are not needed.
find "$root/opt/aiwm" -depth -type d -name __pycache__ -exec rm -rf {} +
ln -s /opt/aiwm/aiwm "$root/usr/bin/aiwm"
aiwm_install_share "$root/usr/share"
chmod -R u+rwX,go+rX,go-w "$root"

libc_floor=$(python3 "$AIWM_ROOT/packaging/linux/deb_libs.py" libc-floor "$root/opt/aiwm")
depends="libc6${libc_floor:+ (>= $libc_floor)}"
while read -r package; do
    depends="$depends, $package"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$AIWM_ROOT/packaging/linux/deb/depends")
undeclared=$(python3 "$AIWM_ROOT/packaging/linux/deb_libs.py" undeclared "$root/opt/aiwm" \
    "$AIWM_ROOT/packaging/linux/deb/depends")
if [ -n "$undeclared" ]; then
    echo "build_deb: note: libraries the bundle links that it does not carry and Depends does not name" \
         "(a plugin that needs them will not load without them):" $undeclared
fi
maintainer="${DEBFULLNAME:-AIWM maintainers} <${DEBEMAIL:-aiwm@users.noreply.github.com}>"
install_doc "$root/usr/share/doc/aiwm" "$version" "$maintainer"
# As dpkg-gencontrol counts it: each file's size in KiB rounded up, 1 KiB for each folder or link.
installed_kib=$(find "$root/opt" "$root/usr" -printf '%y %s\n' \
    | awk '{ sum += ($1 == "f") ? int(($2 + 1023) / 1024) : 1 } END { print sum }')

cat > "$root/DEBIAN/control" <<CONTROL
Package: aiwm
Version: $version
Architecture: $architecture
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: $depends
Recommends: smartmontools
Section: utils
Priority: optional
Description: AI Workstation Manager: monitor, check and size NVIDIA GPU workstations
 Watches GPUs and the host live (temperatures, clocks, power, memory, slowdown
 reasons), records sessions, checks that the NVIDIA driver, CUDA and ML
 frameworks fit together, stress-tests GPUs, CPU, memory and disks, and sizes
 hardware for a planned model. A desktop window and a command-line tool.
 .
 Self-contained: Python, Qt and the engine are in /opt/aiwm. It needs only the
 NVIDIA driver for real GPUs, and runs with simulated GPUs (--demo) without one.
CONTROL
install -m 0755 "$AIWM_ROOT/packaging/linux/deb/postinst" "$AIWM_ROOT/packaging/linux/deb/postrm" "$root/DEBIAN/"

mkdir -p "$out"
dpkg-deb --build --root-owner-group -Z"$compression" "$root" "$stage/aiwm.deb" >/dev/null
mv -f "$stage/aiwm.deb" "$deb"
echo "build_deb: $deb ($(du -k "$deb" | cut -f1) KiB; installs $installed_kib KiB)"
