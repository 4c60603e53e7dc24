#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a libFuzzer target for some seconds from its corpus folder (made if
# missing) and a dictionary; fails on any crash, leak or sanitizer report.
# With a folder of payloads (the samples'), each is also a seed, once as
# every message: the target's first byte picks the message, its second the
# assumptions (0: the defaults). The inputs it once failed on
# (payload-regressions/, beside this script) are run first, every time.
#   run-libfuzzer.sh TARGET DICT CORPUS SECONDS [PAYLOADS]
set -eu
target=$1 dict=$2 corpus=$3 seconds=$4 payloads=${5:-}
mkdir -p "$corpus"
regressions=$(dirname "$0")/payload-regressions
"$target" -runs=0 "$regressions"
if [ -z "$payloads" ]; then
    exec "$target" -max_total_time="$seconds" -dict="$dict" -print_final_stats=1 "$corpus"
fi
seeds="$corpus.seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
for payload in "$payloads"/*; do
    for message in 0 1 2 3 4 5 6 7; do
        { printf "\\$(printf %03o "$message")\\000"; cat "$payload"; } > "$seeds/$(basename "$payload")-$message"
    done
done
exec "$target" -max_total_time="$seconds" -dict="$dict" -print_final_stats=1 "$corpus" "$seeds"
