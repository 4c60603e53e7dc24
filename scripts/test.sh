#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The test command: installs what is missing, builds with warnings as errors
# and runs the whole suite (unit tests and tshark over every sample).
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh build test
cmake -S . -B build -DKQ1_WERROR=ON -DKQ1_TESTS=ON -DKQ1_FUZZ=ON
cmake --build build --parallel
ctest --test-dir build --output-on-failure
