# Shared by build_deb.sh, build_tarball.sh and appimage/build_appimage.sh (sourced, not run).
# The version comes from the one place it lives, app/__init__.py; the desktop entry, the AppStream
# metainfo and the icons are laid out the same way for every Linux package.

AIWM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AIWM_ID="io.github.aiwm.AIWM"
AIWM_ICON_SIZES=(16 24 32 48 64 128 256 512)

aiwm_version() {
    local version
    version=$(sed -n 's/^__version__ = "\([^"]*\)"$/\1/p' "$AIWM_ROOT/app/__init__.py")
    if [ -z "$version" ]; then
        echo "packaging: no __version__ = \"...\" line in $AIWM_ROOT/app/__init__.py" >&2
        return 2
    fi
    echo "$version"
}

# The build date for the metainfo's release entry: SOURCE_DATE_EPOCH when set (reproducible builds), else today.
aiwm_build_date() {
    date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d
}

# Refuses, with one line and status 2, a bundle folder without its executable.
aiwm_check_bundle() {
    local bundle="$1" tool="$2"
    if [ ! -x "$bundle/aiwm" ]; then
        echo "$tool: no bundle at $bundle (its executable $bundle/aiwm is missing); run 'make bundle' first" >&2
        exit 2
    fi
}

# Puts the desktop entry, the metainfo and the icons under SHARE (a share/ folder: usr/share in a package).
aiwm_install_share() {
    local share="$1" version date size
    version=$(aiwm_version)
    date=$(aiwm_build_date)
    install -D -m 0644 "$AIWM_ROOT/packaging/linux/$AIWM_ID.desktop" "$share/applications/$AIWM_ID.desktop"
    install -d -m 0755 "$share/metainfo"
    sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$AIWM_ROOT/packaging/linux/$AIWM_ID.metainfo.xml" \
        > "$share/metainfo/$AIWM_ID.metainfo.xml"
    chmod 0644 "$share/metainfo/$AIWM_ID.metainfo.xml"
    for size in "${AIWM_ICON_SIZES[@]}"; do
        install -D -m 0644 "$AIWM_ROOT/packaging/icons/aiwm-$size.png" \
            "$share/icons/hicolor/${size}x${size}/apps/aiwm.png"
    done
    install -D -m 0644 "$AIWM_ROOT/packaging/icons/aiwm.svg" "$share/icons/hicolor/scalable/apps/aiwm.svg"
}
