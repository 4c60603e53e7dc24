#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages a job needs, if any is missing (Debian 12, 13
# and sid: the same names on each). Uses sudo unless run as root. Says in
# one line what it installs; apt's own output goes to $KQ1_LOG when that
# names a file (the README's two commands), else here.
#   scripts/install-deps.sh GROUP ...
# build:   compile the plugin and decode captures with tshark (the main job);
#          libgcrypt20-dev because Wireshark's TLS header (for Kq-1 over TLS) includes gcrypt.h
# test:    the test suite: unit tests, tshark tests as an unprivileged user,
#          fuzzing (clang's libFuzzer and sanitizer runtimes), valgrind, and
#          Wireshark's checkers (scripts/lint.sh: Perl, Python, its source tarball)
# package: the Debian package (cpack, dpkg-shlibdeps)
# record:  re-recording the samples (samples/record.py)
set -eu

packages=""
for group in "$@"; do
    case $group in
        build)   packages="$packages cmake gcc make pkg-config libc6-dev libglib2.0-dev libjson-glib-dev
                                     libwireshark-dev wireshark-dev libgcrypt20-dev libgnutls28-dev tshark" ;;
        test)    packages="$packages python3 util-linux clang libclang-rt-dev valgrind perl bzip2 xz-utils" ;;
        package) packages="$packages dpkg-dev file" ;;
        record)  packages="$packages python3 tshark openssl nftables iproute2 util-linux" ;;
        *) echo "install-deps.sh: unknown group '$group' (build, test, package, record)" >&2; exit 2 ;;
    esac
done

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

count=$(echo $missing | wc -w)
echo "installing $count Debian package$([ "$count" -gt 1 ] && echo s):$missing"
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "Missing packages:$missing; run this as root or install sudo" >&2
    exit 1
fi
apt_log=${KQ1_LOG:-/dev/stdout}
{
    $as_root apt-get update -q
    # tshark asks whether non-root users may capture; keep the default (no).
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
} >>"$apt_log" 2>&1 || {
    status=$?
    [ -n "${KQ1_LOG:-}" ] && tail -n 30 "$KQ1_LOG" >&2
    echo "apt-get failed (exit $status)${KQ1_LOG:+; everything is in $KQ1_LOG}" >&2
    exit "$status"
}
