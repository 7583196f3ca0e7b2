#!/usr/bin/env bash
# Builds dist/aiwm-<version>-x86_64.AppImage from the bundle dist/aiwm/ with appimagetool (`make appimage`).
#
#   packaging/linux/appimage/build_appimage.sh [--check-tool] [BUNDLE_DIR [OUT_DIR]]  defaults: dist/aiwm, dist
#
# appimagetool is not packaged by Debian or Ubuntu: it is one file from
# https://github.com/AppImage/appimagetool/releases (appimagetool-x86_64.AppImage; chmod +x it, put it on
# PATH as appimagetool). It embeds the AppImage runtime it carries. Without it this prints where to get it
# and exits 2 (--check-tool does only that check, so `make appimage` says so before building the bundle).
#
# The AppDir: AppRun (this folder), the .desktop entry and aiwm.png at its top (as the AppDir format asks),
# .DirIcon, the bundle in usr/lib/aiwm/, usr/bin/aiwm, and usr/share (entry, metainfo, hicolor icons).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

check_tool() {
    if ! command -v appimagetool >/dev/null 2>&1; then
        echo "build_appimage: appimagetool is not on PATH; get appimagetool-x86_64.AppImage from" \
             "https://github.com/AppImage/appimagetool/releases, chmod +x it and put it on PATH as appimagetool" >&2
        exit 2
    fi
}
if [ "${1:-}" = "--check-tool" ]; then
    check_tool
    exit 0
fi

bundle=$(realpath -m "${1:-$AIWM_ROOT/dist/aiwm}")
out=$(realpath -m "${2:-$AIWM_ROOT/dist}")
aiwm_check_bundle "$bundle" build_appimage
check_tool
version=$(aiwm_version) || exit 2
image="$out/aiwm-$version-x86_64.AppImage"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
appdir="$stage/AIWM.AppDir"
install -d -m 0755 "$appdir/usr/lib" "$appdir/usr/bin"
cp -a "$bundle" "$appdir/usr/lib/aiwm"
find "$appdir/usr/lib/aiwm" -depth -type d -name __pycache__ -exec rm -rf {} +
ln -s ../lib/aiwm/aiwm "$appdir/usr/bin/aiwm"
install -m 0755 "$AIWM_ROOT/packaging/linux/appimage/AppRun" "$appdir/AppRun"
aiwm_install_share "$appdir/usr/share"
cp "$appdir/usr/share/applications/$AIWM_ID.desktop" "$appdir/$AIWM_ID.desktop"
cp "$AIWM_ROOT/packaging/icons/aiwm-256.png" "$appdir/aiwm.png"
ln -s aiwm.png "$appdir/.DirIcon"

mkdir -p "$out"
ARCH=x86_64 VERSION="$version" appimagetool ${APPIMAGE_RUNTIME:+--runtime-file "$APPIMAGE_RUNTIME"} \
    "$appdir" "$stage/aiwm.AppImage"
mv -f "$stage/aiwm.AppImage" "$image"
echo "build_appimage: $image ($(du -k "$image" | cut -f1) KiB)"
