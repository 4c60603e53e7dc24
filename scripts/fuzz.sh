#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The long fuzz run: the libFuzzer target on the payload checker, then tshark
# with the sanitized plugin (and some runs under valgrind), half the time
# each. MINUTES is the fuzzing; building comes first and is not counted.
#   scripts/fuzz.sh [MINUTES]      (default 30)
set -eu
cd "$(dirname "$0")/.."
minutes=${1:-30}
case $minutes in
    ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [MINUTES]" >&2; exit 2 ;;
esac
seconds=$((minutes * 30))
valgrind_runs=$((minutes < 10 ? minutes : 10))
[ "$valgrind_runs" -gt 0 ] || valgrind_runs=1

scripts/install-deps.sh build test
cmake -S . -B build -DKQ1_WERROR=ON -DKQ1_TESTS=ON -DKQ1_FUZZ=ON >/dev/null
cmake --build build --parallel >/dev/null
[ -x build/tests/fuzz-payload ] || { echo "build/tests/fuzz-payload was not built (is clang installed?)" >&2; exit 1; }
start=$(date +%s)
tests/fuzz/run-libfuzzer.sh build/tests/fuzz-payload tests/fuzz/kq1.dict build/tests/fuzz-corpus "$seconds"
python3 tests/fuzz/fuzz_tshark.py --asan-plugin-dir build/plugins-asan --plugin-dir build/plugins \
    --samples samples --seconds "$seconds" --valgrind-runs "$valgrind_runs" --failures build/fuzz-failures
echo "fuzz.sh: fuzzed for $(( $(date +%s) - start )) s of the $((minutes * 60)) asked for"
