#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: installs what is missing, builds kq1.so, installs it where
# the Wireshark of this machine loads it, proves that tshark loads that very
# copy, and prints a short report of the sample captures.
#
# Where it installs: Wireshark looks for plugins in its global folder first
# and in your personal folder second, and of two copies loads the first it
# finds. So as root, and whenever a global copy exists (it would win), the
# global folder (with sudo when you are not root); otherwise your personal
# folder. A copy in your personal folder that the global one shadows is
# removed. scripts/uninstall.sh removes what this put there.
#
# One line per step; apt's, CMake's and the compiler's output goes to
# build/setup.log, shown in full only when a step fails.
set -eu
cd "$(dirname "$0")/.."
KQ1_LOG=build/setup.log
. scripts/steps.sh

scripts/install-deps.sh build
step "configuring (CMake)" cmake -S . -B build -DKQ1_TESTS=OFF -DKQ1_FUZZ=OFF
step "building kq1.so" cmake --build build --parallel

# --- install the copy that will be loaded ------------------------------------
folder() {    # the folder tshark -G folders names ("Personal Plugins", "Global Plugins")
    tshark -G folders 2>/dev/null | awk -F'\t' -v name="$1:" '$1 ~ "^" name { print $2; exit }'
}
built=$(sed -n 's/^staged=//p' build/kq1-plugin-dirs.txt)
personal="$(folder "Personal Plugins")/epan"
global="$(folder "Global Plugins")/epan"
# The Debian package's copy is the one loaded: the package goes (apt
# remove), so that the copy built here is. Its postrm may give back an
# older copy of one's own, which is replaced below.
if [ -e "$global/kq1.so" ] && owner=$(dpkg-query -S "$global/kq1.so" 2>/dev/null | cut -d: -f1) \
        && [ -n "$owner" ]; then
    [ "$(id -u)" -eq 0 ] && as_root="" || as_root=sudo
    echo "The package $owner owns the kq1.so Wireshark loads; it is removed so that the copy built here is loaded."
    echo "To return to the package: sudo apt install ./build-package/wireshark-kq1-plugin_*.deb (scripts/package.sh)."
    step "removing the package $owner" $as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$owner"
fi
if [ "$(id -u)" -eq 0 ]; then
    target=$global as_root=""
elif [ -e "$global/kq1.so" ]; then
    target=$global as_root=sudo
    command -v sudo >/dev/null || {
        echo "A kq1.so in $global (the global folder) is the one Wireshark loads; replacing it needs root," >&2
        echo "and sudo is not installed. Run this as root, or remove it as root: rm $global/kq1.so" >&2
        exit 1
    }
    echo "A global copy exists ($global/kq1.so): it is the one Wireshark loads, so it is replaced (sudo)."
else
    target=$personal as_root=""
fi
$as_root install -D -m 0644 "$built" "$target/kq1.so"
if [ "$target" = "$global" ] && [ "$(id -u)" -ne 0 ] && [ -e "$personal/kq1.so" ]; then
    rm -f "$personal/kq1.so"
    echo "Removed $personal/kq1.so: the global copy shadows it."
fi

# Prove that tshark loads the copy just installed, not another one.
loaded="$(tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^kq1\.so/ { print $NF; exit }')"
if [ "$loaded" != "$target/kq1.so" ]; then
    echo "tshark loads '${loaded:-no kq1.so}' instead of $target/kq1.so (see docs/install.md, Troubleshooting)." >&2
    exit 1
fi
version=$(tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^kq1\.so/ { print $2; exit }')
echo "tshark loads kq1.so $version from $loaded"

# --- a short report of the samples -------------------------------------------
# Per sample: Kq-1 messages, Kq-1 expert infos by severity, distinct key IDs.
options() {    # what a sample needs to be decoded as recorded
    case $1 in
        *decode-as-9000*) echo "-d tcp.port==9000,kq1" ;;
        *little-endian*)  echo "-o kq1.byte_order:automatic" ;;
        *)                echo "" ;;
    esac
}
echo
printf '%-34s %8s %6s %8s %6s %6s %7s\n' "sample (two passes)" messages errors warnings notes chats key_ids
for sample in samples/*.pcapng; do
    # shellcheck disable=SC2046
    tshark -r "$sample" -2 $(options "$sample") -q -z expert >"build/report-experts.txt" 2>/dev/null || true
    # shellcheck disable=SC2046
    tshark -r "$sample" -2 $(options "$sample") -Y "kq1" -T fields -E occurrence=a -E aggregator=' ' \
        -e kq1.message_id -e kq1.key_id -e frame.number >"build/report-fields.txt" 2>/dev/null || true
    awk -v name="$(basename "$sample" .pcapng)" '
        FNR == 1 { file++ }
        # tshark -z expert: "Errors (3)" headings, then "Frequency Group Protocol Summary" rows
        file == 1 && /^(Errors|Warns|Notes|Chats) \(/ { section = $1; next }
        file == 1 && $3 == "Kq-1" && $1 ~ /^[0-9]+$/ { count[section] += $1 }
        # a message has a MessageID over TCP; over HTTP (Appendix II) a frame is one message
        file == 2 { split($0, cols, "\t"); n = split(cols[1], ids, " "); messages += n > 0 ? n : 1
                    n = split(cols[2], keys, " "); for (i = 1; i <= n; i++) seen[keys[i]] = 1 }
        END { for (k in seen) key_ids++
              printf "%-34s %8d %6d %8d %6d %6d %7d\n", name, messages, count["Errors"], count["Warns"],
                     count["Notes"], count["Chats"], key_ids }
    ' build/report-experts.txt build/report-fields.txt
done
rm -f build/report-experts.txt build/report-fields.txt

echo
echo "One message in full (samples/kq1-upon-request.pcapng, frame 6: its Kq-1 tree; the JSON tree"
echo "Wireshark's JSON dissector adds after it is left out here; long values shortened):"
tshark -r samples/kq1-upon-request.pcapng -Y "frame.number == 6" -O kq1 2>/dev/null \
    | sed -n '/^Kq-1 interface/,/^    JavaScript Object Notation/p' | sed '$d' \
    | awk '{ if (length($0) > 110) print substr($0, 1, 90) "... (" length($0) " characters)"; else print }'
echo
echo "Done. Open any sample in Wireshark, or your own capture: tshark -r capture.pcapng -Y kq1"
