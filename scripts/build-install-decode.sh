#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: installs what is missing, builds kq1.so, installs it where
# Wireshark loads plugins (the global folder as root, your personal folder
# otherwise) and decodes the sample captures with tshark.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cmake -S . -B build -DKQ1_TESTS=OFF -DKQ1_FUZZ=OFF
cmake --build build --parallel
cmake --install build

# Prove that tshark loads the copy just installed, not another one.
installed="$(cat build/kq1-install-dir.txt)/kq1.so"
loaded="$(tshark -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^kq1\.so/ { print $NF; exit }')"
if [ "$loaded" != "$installed" ]; then
    echo "tshark loads '${loaded:-no kq1.so}' instead of $installed." >&2
    [ -n "$loaded" ] && echo "Remove that older copy (rm '$loaded', with sudo if it is global) and run again." >&2
    exit 1
fi
echo "tshark loads $loaded"

for sample in samples/*.pcapng; do
    echo
    echo "== $sample"
    # kq1-decode-as-9000 is Kq-1 on a port of its own: Decode As finds it.
    tshark -r "$sample" -d tcp.port==9000,kq1 -Y kq1 -T fields -E header=y -E occurrence=a -E aggregator=, \
        -e frame.number -e kq1.message_id -e kq1.command_code -e kq1.key_id \
        -e kq1.response -e _ws.expert.message
done
echo
echo "== one message in full: samples/kq1-upon-request.pcapng, frame 6"
tshark -r samples/kq1-upon-request.pcapng -Y "frame.number == 6" -O kq1
