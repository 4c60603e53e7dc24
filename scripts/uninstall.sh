#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Removes the kq1.so the main job (scripts/build-install-decode.sh) or
# "cmake --install" put where this machine's Wireshark loads plugins: your
# personal folder and the global one (with sudo when you are not root). A
# copy that the Debian package installed is left to apt:
#   sudo apt remove wireshark-kq1-plugin
set -eu

command -v tshark >/dev/null || { echo "tshark is not installed: no Wireshark plugin folder to clean" >&2; exit 1; }
folder() {
    tshark -G folders 2>/dev/null | awk -F'\t' -v name="$1:" '$1 ~ "^" name { print $2; exit }'
}
removed=0
for dir in "$(folder "Personal Plugins")/epan" "$(folder "Global Plugins")/epan"; do
    plugin="$dir/kq1.so"
    [ -e "$plugin" ] || continue
    if dpkg -S "$plugin" >/dev/null 2>&1; then
        echo "$plugin belongs to the package $(dpkg -S "$plugin" | cut -d: -f1): remove it with apt remove"
        continue
    fi
    if [ -w "$dir" ]; then
        rm -f "$plugin"
    elif command -v sudo >/dev/null; then
        sudo rm -f "$plugin"
    else
        echo "$plugin needs root to remove, and sudo is not installed: rm $plugin as root" >&2
        exit 1
    fi
    echo "removed $plugin"
    removed=$((removed + 1))
done
[ "$removed" -gt 0 ] || echo "no kq1.so installed for this user's Wireshark (personal or global folder)"
if tshark -G plugins 2>/dev/null | grep -q '^kq1\.so'; then
    echo "tshark still loads: $(tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^kq1\.so/ { print $NF }')"
fi
