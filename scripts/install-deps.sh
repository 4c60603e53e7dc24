#!/bin/sh
# Installs the Debian 12 packages the Kq-1 plugin needs to build, test and
# decode, if any is missing. Uses sudo unless run as root.
set -eu

packages="cmake gcc make pkg-config libc6-dev python3 libglib2.0-dev libjson-glib-dev
          libwireshark-dev wireshark-dev tshark wireshark-common util-linux
          clang libclang-rt-14-dev valgrind"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "Missing packages:$missing; run this as root or install sudo" >&2
    exit 1
fi
$as_root apt-get update -q
# tshark asks whether non-root users may capture; keep the default (no).
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
