#!/bin/sh
# Adds AI Workstation Manager to your application menu, for you alone, from this unpacked folder:
# a menu entry under ~/.local/share/applications and the icons under ~/.local/share/icons/hicolor.
# Nothing is copied elsewhere and no administrator rights are needed. Run it again after moving the folder;
# `./install-user.sh --remove` takes the entry and icons away again (the folder itself you delete by hand).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
id=io.github.aiwm.AIWM
entry="$data/applications/$id.desktop"

if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry"
    for icon in "$here"/share/icons/hicolor/*/apps/aiwm.*; do
        rm -f "$data/icons/hicolor/${icon#"$here"/share/icons/hicolor/}"
    done
    echo "install-user: removed $entry and the icons"
    exit 0
fi
if [ ! -x "$here/aiwm/aiwm" ]; then
    echo "install-user: $here/aiwm/aiwm is missing; run this from the unpacked aiwm-<version> folder" >&2
    exit 2
fi
case "$here" in
    *[\"\`\$\\]*)
        echo "install-user: the folder's path $here holds a character a menu entry cannot quote (\" \` \$ \\); move it" >&2
        exit 2 ;;
esac
mkdir -p "$data/applications"
# The menu entry runs this folder's aiwm, quoted (Exec needs the full path: ~/.local/bin may not be on PATH).
# & and | are escaped for sed's replacement text.
sed_path=$(printf '%s' "$here/aiwm/aiwm" | sed 's/[&|]/\\&/g')
sed "s|^Exec=aiwm\$|Exec=\"$sed_path\"|" "$here/share/applications/$id.desktop" > "$entry"
(cd "$here/share" && find icons -type f) | while read -r icon; do
    mkdir -p "$data/$(dirname "$icon")"
    cp "$here/share/$icon" "$data/$icon"
done
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
echo "install-user: added $entry (runs $here/aiwm/aiwm)"
