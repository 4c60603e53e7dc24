#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a libFuzzer target for some seconds from its corpus folder (made if
# missing) and a dictionary; fails on any crash, leak or sanitizer report.
#   run-libfuzzer.sh TARGET DICT CORPUS SECONDS
set -eu
target=$1 dict=$2 corpus=$3 seconds=$4
mkdir -p "$corpus"
exec "$target" -max_total_time="$seconds" -dict="$dict" -print_final_stats=1 "$corpus"
