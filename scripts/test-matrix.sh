#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the README's test command (scripts/test.sh) on other Debian releases,
# each in a chroot made with mmdebstrap; then the main job as root and as a
# user; then builds the .deb package there, installs it with apt over the
# main job's copy, decodes a sample with it, removes it, and runs the main
# job over it again: each time exactly one copy must be loaded, and said.
#
#   scripts/test-matrix.sh [RELEASE ...]      (default: trixie sid)
#
# Needs root (chroot, mounts). The chroots are kept between runs in
# $KQ1_MATRIX_CACHE (default /var/cache/kq1-matrix), one folder per release;
# KQ1_MATRIX_REFRESH=1 makes them anew. The checkout (tracked and untracked
# files, not build/) is copied in fresh each run. Mounts made here are undone
# on exit, whatever happens.
set -eu
cd "$(dirname "$0")/.."

releases=${*:-trixie sid}
cache=${KQ1_MATRIX_CACHE:-/var/cache/kq1-matrix}
mirror=${KQ1_MATRIX_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" -ne 0 ]; then
    echo "test-matrix.sh needs root (it makes chroots and mounts /proc and /dev in them): run it with sudo" >&2
    exit 1
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "Installing mmdebstrap"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap
fi

mounted=""
cleanup() {
    for mountpoint in $mounted; do
        umount -R "$mountpoint" 2>/dev/null || umount -lR "$mountpoint" 2>/dev/null || true
    done
    mounted=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_chroot() {
    root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        CI="${CI:-}" "$@"
}

make_chroot() {
    release=$1 root=$2
    echo "== $release: making a chroot in $root"
    # mmdebstrap resolves its target's path, so the cache folder must exist (a new machine has none).
    mkdir -p "$(dirname "$root")"
    rm -rf "$root.new"
    # A release file past its Valid-Until date (sid's, on some mirrors) is still used.
    mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
        --include=ca-certificates "$release" "$root.new" "$mirror"
    mv "$root.new" "$root"
}

run_release() {
    release=$1
    root="$cache/$release"
    [ "${KQ1_MATRIX_REFRESH:-0}" = 1 ] && rm -rf "$root"
    [ -d "$root/usr" ] || make_chroot "$release" "$root"

    mount -t proc proc "$root/proc"
    mounted="$root/proc $mounted"
    mount --rbind /dev "$root/dev"
    mount --make-rslave "$root/dev"
    mounted="$root/dev $mounted"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

    # A package left installed by a run that failed half-way goes first.
    in_chroot "$root" sh -c 'dpkg -r wireshark-kq1-plugin >/dev/null 2>&1 || true'

    echo "== $release: copying the checkout to /src/kq1"
    rm -rf "$root/src/kq1"
    mkdir -p "$root/src/kq1"
    git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - | tar -xf - -C "$root/src/kq1"

    echo "== $release: the README's test command"
    in_chroot "$root" sh -c 'cd /src/kq1 && scripts/test.sh'

    echo "== $release: the README's main job as root, as a user with sudo, as root again; then uninstall"
    in_chroot "$root" sh -c 'command -v sudo >/dev/null && command -v useradd >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q sudo passwd'
    in_chroot "$root" sh -ec 'id kq1dev >/dev/null 2>&1 || useradd -m -s /bin/sh kq1dev;
        echo "kq1dev ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/kq1dev; chmod 440 /etc/sudoers.d/kq1dev;
        rm -rf /home/kq1dev/kq1 /home/kq1dev/.local/lib/wireshark'
    rm -f "$root/usr/lib/"*/wireshark/plugins/*/epan/kq1.so
    tar -cf - -C "$root/src" --exclude='kq1/build*' kq1 | tar -xf - -C "$root/home/kq1dev"
    in_chroot "$root" chown -R kq1dev: /home/kq1dev/kq1
    # Each run must leave the copy it just built loaded (the script checks
    # tshark -G plugins) and print, all told, fewer than 100 lines.
    for who in root user root; do
        log="$cache/$release-main-job-$who.log"
        if [ "$who" = user ]; then
            in_chroot "$root" su - kq1dev -c 'cd kq1 && scripts/build-install-decode.sh' > "$log" 2>&1 \
                || { tail -30 "$log"; exit 1; }
        else
            in_chroot "$root" sh -c 'cd /src/kq1 && scripts/build-install-decode.sh' > "$log" 2>&1 \
                || { tail -30 "$log"; exit 1; }
        fi
        grep '^tshark loads' "$log"
        lines=$(wc -l < "$log")
        [ "$lines" -lt 100 ] || { echo "the main job printed $lines lines" >&2; exit 1; }
    done
    echo "== $release: the package over the main job's copy, and the main job over the package"
    in_chroot "$root" sh -c 'cd /src/kq1 && scripts/package.sh build-package' > "$cache/$release-package.log" 2>&1 \
        || { tail -30 "$cache/$release-package.log"; exit 1; }
    expect() {    # expect LOG TEXT: the step's output says TEXT
        grep -q "$2" "$1" || { cat "$1"; echo "expected \"$2\" in the output above" >&2; exit 1; }
    }
    log="$cache/$release-apt.log"
    # The last main job ran as root: its copy is in the global folder.
    in_chroot "$root" sh -c 'cd /src/kq1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./build-package/*.deb' \
        > "$log" 2>&1 || { cat "$log"; exit 1; }
    expect "$log" "your own kq1.so in .* is kept as"
    in_chroot "$root" sh -c 'cd /src/kq1 && python3 tests/check_installed.py --samples samples'
    in_chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q wireshark-kq1-plugin' > "$log" 2>&1
    expect "$log" "your own kq1.so, kept aside when the package came, is back"
    in_chroot "$root" sh -c 'tshark -G plugins | grep -q "^kq1\.so.*/epan/kq1.so$"' \
        || { echo "after apt remove, no kq1.so is loaded" >&2; exit 1; }
    in_chroot "$root" sh -c 'cd /src/kq1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./build-package/*.deb' \
        > "$log" 2>&1 || { cat "$log"; exit 1; }
    log="$cache/$release-main-job-over-package.log"
    in_chroot "$root" su - kq1dev -c 'cd kq1 && scripts/build-install-decode.sh' > "$log" 2>&1 \
        || { tail -30 "$log"; exit 1; }
    expect "$log" "The package wireshark-kq1-plugin owns the kq1.so Wireshark loads; it is removed"
    expect "$log" "^tshark loads kq1.so .* from /usr/lib/.*/epan/kq1.so"
    if in_chroot "$root" dpkg-query -W -f '${Status}' wireshark-kq1-plugin 2>/dev/null | grep -q "install ok installed"; then
        echo "the main job left the package installed" >&2
        exit 1
    fi
    in_chroot "$root" su - kq1dev -c 'cd kq1 && scripts/uninstall.sh'
    if in_chroot "$root" su - kq1dev -c 'tshark -G plugins' | grep -q '^kq1\.so'; then
        echo "uninstall left a kq1.so loaded" >&2
        exit 1
    fi
    in_chroot "$root" sh -c 'dpkg --purge wireshark-kq1-plugin >/dev/null 2>&1 || true'

    cleanup
    echo "== $release: passed"
}

for release in $releases; do
    run_release "$release"
done
