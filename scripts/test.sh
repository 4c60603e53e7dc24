#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The test command: installs what is missing, builds with warnings as errors
# and runs the whole suite (unit tests and tshark over every sample), then
# names each test that was skipped and why. One line per step before the
# suite; apt's, CMake's and the compiler's output goes to
# build/test-setup.log, shown in full only when a step fails.
set -eu
cd "$(dirname "$0")/.."
KQ1_LOG=build/test-setup.log
. scripts/steps.sh

scripts/install-deps.sh build test
step "configuring (CMake, warnings as errors)" cmake -S . -B build -DKQ1_WERROR=ON -DKQ1_TESTS=ON -DKQ1_FUZZ=ON
step "building the plugin, its sanitized copy and the tests" cmake --build build --parallel
echo "running the suite (ctest)..."
status=0
ctest --test-dir build --output-on-failure || status=$?
python3 tests/report_skips.py build
exit "$status"
