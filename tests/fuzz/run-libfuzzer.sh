#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a libFuzzer target for some seconds from its corpus folder (made if
# missing) and a dictionary; fails on any crash, leak or sanitizer report.
# The inputs the target once failed on (fuzz-NAME's NAME-regressions/,
# beside this script) are run first, every time. Seeds, when given:
#   --seeds DIR     files already in the target's form, each a seed;
#   --payloads DIR  payloads (the samples'), each a seed once as every
#                   message: fuzz-payload's first byte picks the message,
#                   its second the assumptions (0: the defaults).
#   run-libfuzzer.sh TARGET DICT CORPUS SECONDS [--seeds DIR | --payloads DIR]
set -eu
target=$1 dict=$2 corpus=$3 seconds=$4 kind=${5:-} from=${6:-}
mkdir -p "$corpus"
name=$(basename "$target")
regressions=$(dirname "$0")/${name#fuzz-}-regressions
"$target" -runs=0 "$regressions"
case $kind in
    "") seeds="" ;;
    --seeds) seeds=$from ;;
    --payloads)
        seeds="$corpus.seeds"
        rm -rf "$seeds"
        mkdir -p "$seeds"
        for payload in "$from"/*; do
            for message in 0 1 2 3 4 5 6 7; do
                { printf "\\$(printf %03o "$message")\\000"; cat "$payload"; } > "$seeds/$(basename "$payload")-$message"
            done
        done ;;
    *)
        echo "run-libfuzzer.sh: unknown seed kind $kind (--seeds or --payloads)" >&2
        exit 2 ;;
esac
exec "$target" -max_total_time="$seconds" -dict="$dict" -print_final_stats=1 "$corpus" ${seeds:+"$seeds"}
