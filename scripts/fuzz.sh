#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The long fuzz run: the libFuzzer targets on the payload checker and on the
# TLS handshake reader (five sixths and one sixth of half the time), then
# tshark with the sanitized plugin (and some runs under valgrind), the other
# half. MINUTES is the fuzzing; building comes first and is not counted.
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
for target in fuzz-payload fuzz-tls-handshake; do
    [ -x "build/tests/$target" ] || { echo "build/tests/$target was not built (is clang installed?)" >&2; exit 1; }
done
python3 tests/fuzz/tls_seeds.py --samples samples build/tests/tls-seeds >/dev/null
start=$(date +%s)
tests/fuzz/run-libfuzzer.sh build/tests/fuzz-payload tests/fuzz/kq1.dict build/tests/fuzz-corpus $((seconds * 5 / 6))
tests/fuzz/run-libfuzzer.sh build/tests/fuzz-tls-handshake tests/fuzz/tls.dict build/tests/fuzz-tls-corpus \
    $((seconds / 6)) --seeds build/tests/tls-seeds
python3 tests/fuzz/fuzz_tshark.py --asan-plugin-dir build/plugins-asan --plugin-dir build/plugins \
    --samples samples --seconds "$seconds" --valgrind-runs "$valgrind_runs" --failures build/fuzz-failures
echo "fuzz.sh: fuzzed for $(( $(date +%s) - start )) s of the $((minutes * 60)) asked for"
