#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The long fuzz run: the libFuzzer target on the payload checker, then tshark
# with the sanitized plugin (and some valgrind runs), half the time each.
#   scripts/fuzz.sh [MINUTES]      (default 30)
set -eu
cd "$(dirname "$0")/.."
minutes=${1:-30}
seconds=$((minutes * 30))

scripts/install-deps.sh build test
cmake -S . -B build -DKQ1_WERROR=ON -DKQ1_TESTS=ON -DKQ1_FUZZ=ON
cmake --build build --parallel
tests/fuzz/run-libfuzzer.sh build/tests/fuzz-payload tests/fuzz/kq1.dict build/tests/fuzz-corpus "$seconds"
python3 tests/fuzz/fuzz_tshark.py --asan-plugin-dir build/plugins-asan --plugin-dir build/plugins \
    --samples samples --seconds "$seconds" --valgrind-runs 10 --failures build/fuzz-failures
